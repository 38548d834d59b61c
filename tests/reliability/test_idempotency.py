"""Idempotency: the same night run again, and the same files delivered again under
other names, change nothing but who wrote what when. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from tests.reliability.common import (
    AS_OF,
    PER_RUN,
    assert_same,
    copy_examples,
    read_table,
    state,
    summaries,
)
from tests.test_warehouse_safety import landing_with_bulk_posts
from virage.flows.nightly import nightly_scores

pytestmark = pytest.mark.flow

DAY = dt.date.fromisoformat(AS_OF)


def night(landing: Path, url: str, **options) -> dict:
    return nightly_scores(landing=str(landing), warehouse_url=url, as_of=DAY, **options)


@pytest.mark.parametrize(
    "bulk", [0, pytest.param(100_000, marks=pytest.mark.soak)], ids=["demo", "demo+100k-posts"]
)
def test_the_same_night_again_and_the_same_files_under_other_names_change_nothing(
    prefect_api_url, warehouse, tmp_path, bulk
):
    landing = landing_with_bulk_posts(tmp_path, bulk) if bulk else copy_examples(tmp_path)
    first = night(landing, warehouse)
    after_first = state(warehouse)
    assert first["scores_published"] > 100 and first["posts_written"] > 2000
    # agency/notes.txt (not an export) and two bad rows of the agency's report.
    assert len(after_first["quarantine"]) == 3

    # --- the same night, three times ---
    second = night(landing, warehouse)
    after_second = state(warehouse)
    third = night(landing, warehouse)
    after_third = state(warehouse)

    # Every state table is the same after each run. The per-run records are the same
    # for both repeats: notes.txt is quarantined again (a quarantined file is read every
    # night), the agency's report, loaded with its two bad rows, is not read again.
    state_only = {k: v for k, v in after_first.items() if k not in PER_RUN}
    assert_same(state_only, {k: after_second[k] for k in state_only}, "second run")
    assert_same(after_second, after_third, "third run")
    assert after_third["quarantine"]["source_file"].tolist() == ["exports/agency/notes.txt"]
    # The repeats read nothing new and write nothing: no row is rewritten.
    for repeat in (second, third):
        assert repeat["files_already_ingested"] == first["files_loaded"] + first["files_ignored"]
        assert (repeat["posts_written"], repeat["snapshots_written"]) == (0, 0)
        assert repeat["scores_published"] == first["scores_published"]
    # One pipeline_runs row per run, all completed, the repeats telling the same story.
    runs = summaries(warehouse)
    assert [r["status"] for r in runs] == ["completed"] * 3
    stamps = ("run_id", "report", "data_docs")  # and timings, which no two runs share
    repeat_summaries = [
        {k: v for k, v in r.items() if k not in stamps and not k.endswith("_seconds")}
        for r in runs[1:]
    ]
    assert repeat_summaries[0] == repeat_summaries[1]
    # Each day keeps one run's scores: the latest.
    scores = read_table(warehouse, "influence_scores")
    assert set(scores["run_id"]) == {third["run_id"]}

    # --- the same files, delivered again under other names ---
    first_ledger = read_table(warehouse, "ingested_files")
    # Moved: every file under another name, the old names gone. Then copied back: the
    # same files again under their first names, beside the moved ones.
    moved = redeliver(landing)
    after_move = night(landing, warehouse)
    copied = redeliver(landing, moved)
    after_copy = night(landing, warehouse)
    assert after_move["files_already_ingested"] == 0
    # Both names of every file are now settled in the ledger, except notes.txt's,
    # which stay quarantined: nothing is read.
    assert after_copy["files_already_ingested"] == 2 * (len(copied) - 1)

    # The ledger keys a file by content and path: a file at a new path is read again
    # (the path may name its owner: the same bytes elsewhere may be someone else's)...
    ledger = read_table(warehouse, "ingested_files")
    assert set(ledger["source_path"]) == set(moved) | set(moved.values())
    assert set(ledger["sha256"]) == set(first_ledger["sha256"])  # ...nothing new in it
    # ...and lands on the same keys with the same values: no post, follower count,
    # score, person or campaign changes, and none is added twice.
    after = state(warehouse)
    provenance = {"posts": ["source_file"], "accounts": ["source_file"]}
    unchanged = ("posts", "accounts", "influence_scores", "people", "campaigns", "event_summary")
    for name in unchanged:
        gone = provenance.get(name, [])
        assert_same(
            {name: after_first[name].drop(columns=gone)},
            {name: after[name].drop(columns=gone)},
            "delivered again",
        )

    # Provenance follows the copy read last: the moved one, even once the first names
    # are back beside it, as those are settled in the ledger and not read again (and a
    # tie between copies of the same age goes to tonight's). The content hash leads to
    # the same raw copy all along.
    def now_at(source_file: str) -> str:
        path, bang, entry = source_file.partition("!")
        return moved[path] + bang + entry

    for name in ("posts", "accounts"):
        expected = after_first[name]["source_file"].map(now_at)
        assert after[name]["source_file"].tolist() == expected.tolist(), name
    assert after_move["posts_written"] == len(after_first["posts"])  # for provenance alone
    assert after_copy["posts_written"] == 0
    assert set(after["posts"]["source_sha256"]) <= set(first_ledger["sha256"])


def redeliver(landing: Path, moves: dict[str, str] | None = None) -> dict[str, str]:
    """Deliver every export again under another name, its modification time kept: moved
    into an `again/` folder beside it (so that the folder still names the account), or,
    given earlier `moves`, copied back to where it came from, beside the moved copy.
    Returns {path read before: path delivered now}, relative to the landing."""
    delivered = {}
    if moves is None:
        for path in sorted((landing / "exports").rglob("*")):
            if path.is_file():
                stem, _, rest = path.name.partition(".")
                target = path.parent / "again" / f"{stem} (2).{rest}"
                target.parent.mkdir(exist_ok=True)
                os.rename(path, target)
                delivered[path.relative_to(landing).as_posix()] = target.relative_to(
                    landing
                ).as_posix()
        return delivered
    for original, moved in moves.items():
        shutil.copy2(landing / moved, landing / original)
        delivered[moved] = original
    return delivered
