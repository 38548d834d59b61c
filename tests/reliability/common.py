"""Helpers shared by the reliability suite: landing zones, runs and what a warehouse
holds, read back in an order that does not depend on how it was written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from sqlalchemy import inspect, text

from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "landing"
AS_OF = "2026-11-20"

RUN_STAMPS = {
    "influence_scores": ["run_id"],
    "event_summary": ["run_id"],
    "quarantine": ["run_id", "quarantined_at"],
    "validation_results": ["run_id", "validated_at"],
    "pipeline_runs": ["run_id", "started_at", "finished_at"],
}
"""Columns that say which run wrote a row and when: the only ones allowed to differ
between two runs of the same night."""

PER_RUN = ("quarantine", "validation_results")
"""Tables that keep one set of rows per run: compared run by run (the latest)."""

STATE = [
    t.name
    for t in metadata.sorted_tables
    if t.name not in (*PER_RUN, "pipeline_runs", "staged_influence_scores")
    and not t.name.startswith("virage_")
]
"""Tables holding the warehouse's state (what BI reads and what the next night reads)."""


def copy_examples(tmp_path: Path, name: str = "landing") -> Path:
    """A private copy of the demo landing zone (45 people, 3 campaigns, 31 files)."""
    landing = tmp_path / name
    shutil.copytree(EXAMPLES, landing)
    return landing


def read_table(url: str, name: str) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        if not inspect(conn).has_table(name):
            return pd.DataFrame()
        return pd.read_sql(text(f"SELECT * FROM {name}"), conn)


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on every column (as text, so NULLs and mixed types sort too)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = frame.astype("str")
    order = keys.sort_values(by=list(keys.columns), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def state(url: str, drop: dict[str, list[str]] | None = None) -> dict[str, pd.DataFrame]:
    """Every state table without its run stamps (and the `drop` columns), plus the
    latest run's rows of the per-run tables, each in a stable order."""
    drop = drop or {}
    latest = read_table(url, "pipeline_runs").sort_values("started_at")["run_id"].iloc[-1]
    found = {}
    for name in (*STATE, *PER_RUN):
        frame = read_table(url, name)
        if name in PER_RUN:
            frame = frame[frame["run_id"] == latest]
        gone = [c for c in (*RUN_STAMPS.get(name, []), *drop.get(name, [])) if c in frame]
        found[name] = ordered(frame.drop(columns=gone))
    return found


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame], what: str):
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], obj=f"{name} ({what})")


def summaries(url: str) -> list[dict]:
    """Every run's summary, oldest first (status and error included)."""
    runs = read_table(url, "pipeline_runs").sort_values("started_at")
    return [
        {"status": status, **json.loads(summary or "{}")}
        for status, summary in zip(runs["status"], runs["summary"], strict=True)
    ]
