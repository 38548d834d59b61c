"""Tonight's files in batches, so that parsing and the row checks can run on several
Dask workers at once; the flow joins the batches back in their order.

A file's raw rows, its rejection, its ledger row and its rows' verdicts depend on
that file alone, with one exception: the numbered parts of a follower list add up per
folder (see ledger.FOLLOWER_LISTS), so one folder's parts stay in one batch. Where
several files hold a copy of the same post or follower count, the copy kept is chosen
by export time, path and row (people.latest_copies), never by position: the batches'
order decides only the order of rows, not which rows are kept.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

import pandas as pd

from virage.tasks import ingest, validate
from virage.tasks.ledger import FOLLOWER_LISTS

BATCHES_PER_THREAD = 2
"""Batches per worker thread: files differ in size, so a thread done with a small
batch takes another instead of waiting for the largest."""


@dataclass
class Batch:
    """One batch of files parsed and checked (see ingest.parse_exports and
    validate.check_exports)."""

    parsed: ingest.Parsed
    checked: validate.CheckedExports


def batch_count(files: int, threads: int) -> int:
    """How many batches to cut `files` files into for `threads` worker threads: one
    (no batching) without workers, else BATCHES_PER_THREAD per thread, at most one
    per file."""
    if threads <= 0:
        return 1
    return max(1, min(files, BATCHES_PER_THREAD * threads))


def split_files(files: pd.DataFrame, count: int) -> list[pd.DataFrame]:
    """The files frame (see ingest.discover_exports) cut into at most `count` batches
    of about equal size in bytes; the parts of a follower list in one folder go
    together. Each batch keeps the files' order. Deterministic: the same files give
    the same batches."""
    if count <= 1 or len(files) <= 1:
        return [files]
    folder = files["source_file"].str.rsplit("/", n=1).str[0]
    group = files["source_file"].where(~files["format"].isin(FOLLOWER_LISTS), folder)
    sizes = (
        files["size"].groupby(group, sort=False).sum().sort_values(ascending=False, kind="stable")
    )
    # Largest group first, each into the lightest batch so far (ties: the first).
    load = [(0, i) for i in range(min(count, len(sizes)))]
    owner = {}
    for name, size in sizes.items():
        weight, i = heapq.heappop(load)
        owner[name] = i
        heapq.heappush(load, (weight + int(size), i))
    which = group.map(owner)
    return [
        files[which == i].reset_index(drop=True) for i in range(len(load)) if (which == i).any()
    ]


def read_batch(files: pd.DataFrame, as_of: dt.date, max_bad_share: float) -> Batch:
    """Parse one batch of files and check its rows: what the parse-files and
    validate-rows steps do for all of tonight's files at once."""
    parsed = ingest.parse_exports(files)
    return Batch(parsed, validate.check_exports(parsed.frames, as_of, max_bad_share))


def combine(batches: list[Batch]) -> Batch:
    """The batches as if their files had been parsed and checked together, rows in
    the batches' order."""
    parsed = ingest.Parsed(
        {kind: _concat([b.parsed.frames[kind] for b in batches]) for kind in ingest.KINDS},
        _concat([b.parsed.rejected_files for b in batches]),
        _concat([b.parsed.ledger for b in batches]),
    )
    checked = validate.CheckedExports(
        _join([b.checked.posts for b in batches]),
        _join([b.checked.accounts for b in batches]),
        _concat([b.checked.held_files for b in batches]),
        sum(b.checked.rows_held_back for b in batches),
    )
    return Batch(parsed, checked)


def _join(parts: list[validate.Checked]) -> validate.Checked:
    return validate.Checked(
        _concat([p.clean for p in parts]),
        _concat([p.rejected for p in parts]),
        _concat([p.set_aside for p in parts]),
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one after the other; empty ones are left out (a batch without a column
    another has, say declared_sponsored, must not decide its dtype), unless all are."""
    full = [f for f in frames if len(f)]
    if not full:
        return frames[0]
    if len(full) == 1:
        return full[0].reset_index(drop=True)
    return pd.concat(full, ignore_index=True)
