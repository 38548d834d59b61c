"""The backfill flow: days in order, oldest first, stopping at the first failure."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.worlds import AS_OF
from virage.errors import WarehouseBusy
from virage.flows.backfill import BackfillStopped, backfill
from virage.flows.parameters import MAX_BACKFILL_DAYS, DateRange
from virage.warehouse import make_engine, writer_lock


def runs(url: str) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        rows = conn.execute(
            text("SELECT as_of_date, status, started_at FROM pipeline_runs ORDER BY started_at")
        ).mappings()
        return pd.DataFrame(list(rows))


def test_a_date_range_runs_forwards_and_is_bounded():
    assert DateRange(start=AS_OF, end=AS_OF).days() == [AS_OF]
    three = DateRange(start="2026-11-18", end="2026-11-20")
    assert three.days() == [AS_OF - dt.timedelta(days=n) for n in (2, 1, 0)]
    with pytest.raises(ValidationError, match="before start"):
        DateRange(start=AS_OF, end=AS_OF - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match=f"at most {MAX_BACKFILL_DAYS}"):
        DateRange(start=AS_OF, end=AS_OF + dt.timedelta(days=MAX_BACKFILL_DAYS))


@pytest.mark.flow
def test_backfill_scores_each_day_oldest_first(prefect_api_url, tmp_path: Path, world: Path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    days = DateRange(start=AS_OF - dt.timedelta(days=1), end=AS_OF)
    summaries = backfill(days, landing=str(world), warehouse_url=url)

    assert [s["as_of"] for s in summaries] == [d.isoformat() for d in days.days()]
    done = runs(url)
    # started_at order is the order the days ran in: oldest first, one run each.
    assert [str(d) for d in done["as_of_date"]] == [d.isoformat() for d in days.days()]
    assert set(done["status"]) == {"completed"}
    with make_engine(url).connect() as conn:
        scored_days = conn.execute(
            text("SELECT COUNT(DISTINCT as_of_date) FROM influence_scores")
        ).scalar_one()
    assert scored_days == len(days)


@pytest.mark.flow
def test_backfill_stops_at_the_first_failing_day(prefect_api_url, tmp_path: Path, world: Path):
    # Another writer takes the warehouse the moment the first day lets it go: the
    # second day finds it busy (wait_for_lock_seconds=0) and fails; the third would
    # succeed but must not be tried.
    url = f"sqlite:///{tmp_path / 'w.db'}"
    days = DateRange(start=AS_OF - dt.timedelta(days=2), end=AS_OF)
    taken, release = threading.Event(), threading.Event()

    def take_the_warehouse_after_day_one() -> None:
        engine = make_engine(url)
        while not release.is_set():
            try:
                if not runs(url).empty:  # day one has the lock and has started
                    with writer_lock(engine, 0):
                        taken.set()
                        release.wait(120)
                        return
            except (WarehouseBusy, OperationalError):
                pass  # no tables yet, or day one still holds the lock
            time.sleep(0.005)

    other = threading.Thread(target=take_the_warehouse_after_day_one, daemon=True)
    other.start()
    try:
        with pytest.raises(BackfillStopped, match=f"{days.days()[1]} failed.*1 day.*1 not run"):
            backfill(days, landing=str(world), warehouse_url=url, wait_for_lock_seconds=0)
    finally:
        release.set()
        other.join(10)
    assert taken.is_set()
    done = runs(url)
    assert [str(d) for d in done["as_of_date"]] == [days.start.isoformat()]
    assert done["status"].tolist() == ["completed"]
