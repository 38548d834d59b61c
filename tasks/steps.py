"""The nightly run's steps as Prefect tasks.

Each task calls plain functions from the modules beside it: Prefect adds retries
where there is I/O, logging and visibility. Nothing is cached: the inputs are large
frames, and the steps with side effects must run every time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import psycopg
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.exc import OperationalError

from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks import ingest, landing, people, publish, scoring, summary, validate
from virage.warehouse import make_engine, open_warehouse


def _transient(task, task_run, state) -> bool:
    """Retry only what may pass on a second try: a lost connection, a locked database,
    an I/O error. A broken key or a bug fails at once."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, OperationalError | psycopg.OperationalError | OSError)


_IO = {
    "retries": 2,
    "retry_delay_seconds": [2, 10],
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _transient,
}


@dataclass
class Validated:
    posts: validate.Checked
    accounts: validate.Checked


@dataclass
class People:
    posts: people.Attributed
    accounts: people.Attributed


@task(name="check-landing", cache_policy=NO_CACHE)
def check_landing(root: str) -> landing.Landing:
    found = landing.load_landing(root)
    get_run_logger().info(
        "landing %s: %d people scored, %d campaign(s)",
        found.root,
        len(found.roster.people),
        len(found.campaigns),
    )
    return found


@task(name="open-warehouse", cache_policy=NO_CACHE, **_IO)
def prepare_warehouse(url: str) -> str:
    open_warehouse(url)
    return url


@task(name="start-run", cache_policy=NO_CACHE, **_IO)
def start_run(url: str, run_id: str, as_of: dt.date) -> None:
    publish.start_run(make_engine(url), run_id, as_of)


@task(name="discover-files", cache_policy=NO_CACHE)
def discover(found: landing.Landing) -> pd.DataFrame:
    files = ingest.discover_exports(found.exports, found.root)
    get_run_logger().info("%d file(s) under %s", len(files), found.exports)
    return files


@task(name="parse-files", cache_policy=NO_CACHE)
def parse(files: pd.DataFrame) -> ingest.Parsed:
    parsed = ingest.parse_exports(files)
    get_run_logger().info(
        "%d file(s) read, %d rejected whole", parsed.files_loaded, len(parsed.rejected_files)
    )
    return parsed


@task(name="validate-rows", cache_policy=NO_CACHE)
def check_rows(parsed: ingest.Parsed) -> Validated:
    checked = Validated(
        validate.canonicalise(parsed.frames["posts"], POSTS),
        validate.canonicalise(parsed.frames["accounts"], ACCOUNTS),
    )
    get_run_logger().info(
        "posts: %d valid, %d quarantined; accounts: %d valid, %d quarantined",
        len(checked.posts.clean),
        len(checked.posts.rejected),
        len(checked.accounts.clean),
        len(checked.accounts.rejected),
    )
    return checked


@task(name="attribute-to-people", cache_policy=NO_CACHE)
def attribute(checked: Validated, roster: landing.Roster) -> People:
    return People(
        people.prepare_posts(checked.posts.clean, roster.handles),
        people.prepare_accounts(checked.accounts.clean, roster.handles),
    )


@task(name="score", cache_policy=NO_CACHE)
def score(
    found: People, roster: landing.Roster, campaigns: list[landing.Campaign], as_of: dt.date
) -> pd.DataFrame:
    return scoring.score_campaigns(
        found.posts.frame, found.accounts.frame, roster.people, campaigns, as_of
    )


@task(name="publish", cache_policy=NO_CACHE, **_IO)
def publish_night(
    url: str,
    run_id: str,
    as_of: dt.date,
    posts: pd.DataFrame,
    scores: pd.DataFrame,
    quarantined: pd.DataFrame,
    roster: landing.Roster,
    counts: dict,
) -> dict:
    written = publish.publish_night(
        make_engine(url), run_id, as_of, posts, scores, quarantined, roster.kept_ids, counts
    )
    get_run_logger().info("published %s", written)
    return written


@task(name="record-failure", cache_policy=NO_CACHE)
def record_failure(url: str, run_id: str, error: str) -> None:
    publish.fail_run(make_engine(url), run_id, error)


@task(name="summarise", cache_policy=NO_CACHE)
def summarise(
    files: pd.DataFrame,
    parsed: ingest.Parsed,
    checked: Validated,
    found: People,
    found_landing: landing.Landing,
) -> tuple[dict, pd.DataFrame]:
    roster = found_landing.roster
    quarantined = summary.quarantine_records(
        parsed.rejected_files,
        people.withhold_private(checked.posts.rejected, roster.handles),
        people.withhold_private(checked.accounts.rejected, roster.handles),
        roster.rejected,
    )
    counts = summary.build_summary(
        files=files,
        files_loaded=parsed.files_loaded,
        quarantined=quarantined,
        rows_read=sum(len(f) for f in parsed.frames.values()),
        skipped=found.posts.skipped,
        snapshots_skipped=sum(found.accounts.skipped.values()),
        superseded=found.posts.superseded + found.accounts.superseded,
        people_scored=len(roster.people),
        campaigns=[c.id for c in found_landing.campaigns],
        expectations=checked.posts.expectations + checked.accounts.expectations,
    )
    return counts, quarantined
