"""Backfilling: the nightly flow once per day of a range, oldest first.

Each day is a subflow run of `nightly-scores`, so it shows in the Prefect UI, writes
its own `pipeline_runs` row and publishes in its own transaction. The first day that
fails stops the backfill: the later days would be scored against a history with a
hole in it, and rerunning from the failed day is all it takes once it is fixed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from pydantic import Field

from virage.flows.nightly import nightly_scores
from virage.flows.parameters import DateRange
from virage.tasks.alerts import alert_on_failure
from virage.tasks.validate import DEFAULT_MAX_BAD_ROW_SHARE


class BackfillStopped(RuntimeError):
    """A day of the backfill failed; the days after it were not run."""


@flow(
    name="backfill",
    log_prints=False,
    on_failure=[alert_on_failure],
    on_crashed=[alert_on_failure],
)
def backfill(
    days: DateRange,
    landing: str | None = None,
    warehouse_url: str | None = None,
    raw_dir: str | None = None,
    max_bad_row_share: Annotated[float, Field(ge=0, le=1)] = DEFAULT_MAX_BAD_ROW_SHARE,
    docs_dir: str | None = None,
    wait_for_lock_seconds: Annotated[float, Field(ge=0)] = 60,
) -> list[dict]:
    """Score every day from `days.start` to `days.end` with the nightly flow, oldest
    first, stopping at the first day that fails. Returns each scored day's summary.

    Args:
        days: First and last day to score (both included, at most 366 days).
        landing: Landing folder (roster.csv, campaigns.yaml, exports/); default
            $VIRAGE_LANDING, else ./landing.
        warehouse_url: SQLAlchemy URL of the warehouse; default $VIRAGE_WAREHOUSE_URL,
            else sqlite:///warehouse.db.
        raw_dir: Raw zone; default $VIRAGE_RAW_DIR, else <landing>/raw.
        max_bad_row_share: Share of bad rows (0 to 1) above which a whole file is
            quarantined.
        docs_dir: Folder of the Great Expectations Data Docs; default
            $VIRAGE_DOCS_DIR, else <landing>/data-docs.
        wait_for_lock_seconds: Seconds each day waits for another run writing to the
            same warehouse (a nightly run, say) before it fails.
    """
    logger = get_run_logger()
    done: list[dict] = []
    todo = days.days()
    logger.info("backfilling %d day(s), %s to %s", len(todo), days.start, days.end)
    for position, day in enumerate(todo):
        state = nightly_scores(
            landing=landing,
            warehouse_url=warehouse_url,
            as_of=day,
            raw_dir=raw_dir,
            max_bad_row_share=max_bad_row_share,
            docs_dir=docs_dir,
            wait_for_lock_seconds=wait_for_lock_seconds,
            return_state=True,
        )
        if not state.is_completed():
            not_run = todo[position + 1 :]
            _report(done, day, not_run, state.message)
            raise BackfillStopped(
                f"{day} {state.name.lower()}: {state.message}; "
                f"{len(done)} day(s) scored before it, {len(not_run)} not run"
                + (f" ({not_run[0]} to {not_run[-1]})" if not_run else "")
            )
        done.append(state.result())
        logger.info("%s scored (%d of %d)", day, position + 1, len(todo))
    _report(done, None, [], None)
    return done


def _report(
    done: list[dict], failed: dt.date | None, not_run: list[dt.date], message: str | None
) -> None:
    lines = [f"- {s['as_of']}: {s['scores_published']} scores (run {s['run_id']})" for s in done]
    if failed is not None:
        lines.append(f"- **{failed}: failed**: {message}")
    if not_run:
        lines.append(f"- not run: {len(not_run)} day(s), {not_run[0]} to {not_run[-1]}")
    create_markdown_artifact(
        "# virage backfill\n\n" + "\n".join(lines) + "\n",
        key="backfill-summary",
        description="Days scored, the day that failed, the days not run",
    )
