"""Loading and publishing: frames and an engine in, counts out.

A night is published in one transaction: the posts and follower-count upserts, the
ledger of files read, the day's scores, the purge of people who no longer consent,
the quarantine records and the run's row. Reading back what earlier nights stored
(for scoring, and to skip files already ingested) is here too.
A run that fails or is killed before the commit leaves the warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    Table,
    Text,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection

from virage.schemas.fields import (
    ACCOUNTS,
    INGESTED_FILES,
    POSTS,
    QUARANTINE,
    READERS_VERSION,
    VALIDATION_RESULTS,
)
from virage.schemas.warehouse import (
    accounts,
    influence_scores,
    ingested_files,
    pipeline_runs,
    posts,
    quarantine,
    validation_results,
)
from virage.warehouse import bulk_insert


@dataclass
class Night:
    """Everything one night publishes."""

    posts: pd.DataFrame
    """New or updated posts (the posts columns)."""
    accounts: pd.DataFrame
    """New or updated follower counts (the accounts columns)."""
    scores: pd.DataFrame
    quarantined: pd.DataFrame
    ledger: pd.DataFrame
    """Files read this night (ingest.LEDGER_COLUMNS), recorded when first seen."""
    validation: pd.DataFrame | None = None
    """Great Expectations' results per suite and file (gx_record.RESULT_COLUMNS)."""


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start_run(engine: Engine, run_id: str, as_of: dt.date) -> None:
    """Record the run as running, so a run that dies is visible in pipeline_runs."""
    with engine.begin() as conn:
        conn.execute(delete(pipeline_runs).where(pipeline_runs.c.run_id == run_id))
        conn.execute(
            insert(pipeline_runs).values(
                run_id=run_id, as_of_date=as_of, started_at=now_utc(), status="running"
            )
        )


def fail_run(engine: Engine, run_id: str, error: str) -> None:
    """Mark the run failed with the error; the published tables are untouched."""
    with engine.begin() as conn:
        conn.execute(
            update(pipeline_runs)
            .where(pipeline_runs.c.run_id == run_id)
            .values(status="failed", finished_at=now_utc(), summary=json.dumps({"error": error}))
        )


@contextmanager
def _temporary(
    conn: Connection, name: str, columns: list[Column], rows: pd.DataFrame
) -> Iterator[Table]:
    """A temporary table filled with `rows` for the life of the block, inside the
    caller's transaction: on an error the rollback removes it (DDL is transactional
    on PostgreSQL, and on SQLite as virage drives it, see virage/warehouse.py)."""
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])
    table.create(conn)
    bulk_insert(conn, table, rows)
    yield table
    table.drop(conn)


def _key_columns(*names: str) -> list[Column]:
    """Text columns forming the table's primary key (its index serves the lookups)."""
    return [Column(n, Text(), primary_key=True) for n in names]


def _upsert(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    *,
    newer_only: bool = True,
    keep: tuple[str, ...] = (),
) -> int:
    """Insert the rows of `frame` into `table` by its primary key, overwriting stored
    rows except their `keep` columns, and return how many rows were inserted or
    changed. With `newer_only`, a stored row observed later than the new one stays
    (an older export arriving late does not roll metrics back)."""
    quote = conn.dialect.identifier_preparer.quote
    columns = [c._copy() for c in table.columns]
    key = [c.name for c in table.primary_key.columns]
    with _temporary(conn, f"{table.name}_stage", columns, frame) as stage:
        names = ", ".join(quote(c.name) for c in table.columns)
        keys = ", ".join(quote(k) for k in key)
        updates = ", ".join(
            f"{quote(c.name)} = excluded.{quote(c.name)}"
            for c in table.columns
            if c.name not in key and c.name not in keep
        )
        action = f"DO UPDATE SET {updates}"
        if newer_only:
            target, observed = quote(table.name), quote("observed_at")
            action += (
                f" WHERE {target}.{observed} IS NULL OR excluded.{observed} IS NULL "
                f"OR {target}.{observed} <= excluded.{observed}"
            )
        # "WHERE true" lets SQLite tell the ON CONFLICT clause from a join condition.
        written = conn.exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({names}) SELECT {names} FROM {stage.name} "
            f"WHERE true ON CONFLICT ({keys}) {action}"
        ).rowcount
    return max(written, 0)


def _purge(
    conn: Connection, kept_people: pd.DataFrame, private_accounts: pd.DataFrame
) -> dict[str, int]:
    """Delete, from every day, the posts, follower counts and scores of people who
    are not kept, and the posts and follower counts stored under accounts the roster
    now gives to someone who has not consented."""
    purged = {}
    with (
        _temporary(conn, "kept_people", _key_columns("person_id"), kept_people) as people,
        _temporary(
            conn, "private_accounts", _key_columns("platform", "handle"), private_accounts
        ) as private,
    ):
        kept = select(people.c.person_id)
        for name, table in (
            ("posts_purged", posts),
            ("snapshots_purged", accounts),
            ("scores_purged", influence_scores),
        ):
            gone = table.c.person_id.not_in(kept)
            if "handle" in table.c:
                gone = or_(
                    gone,
                    exists().where(
                        private.c.platform == table.c.platform, private.c.handle == table.c.handle
                    ),
                )
            purged[name] = conn.execute(delete(table).where(gone)).rowcount
    return purged


def _insert_validation(conn: Connection, run_id: str, validation: pd.DataFrame | None) -> None:
    """Store Great Expectations' results (gx_record.RESULT_COLUMNS), stamped."""
    if validation is None or validation.empty:
        return
    results = validation.assign(run_id=run_id, validated_at=pd.Timestamp(now_utc()))
    bulk_insert(
        conn,
        validation_results,
        results[VALIDATION_RESULTS.columns].astype(VALIDATION_RESULTS.dtypes),
    )


def _complete_run(conn: Connection, run_id: str, summary: dict, rows_loaded: int) -> None:
    """Mark the run completed with its counts (0 where the summary has none, as for
    a rescore) and its summary as JSON."""
    count = {c: summary.get(c, 0) for c in ("files_seen", "files_loaded", "files_quarantined")}
    conn.execute(
        update(pipeline_runs)
        .where(pipeline_runs.c.run_id == run_id)
        .values(
            status="completed",
            finished_at=now_utc(),
            **count,
            rows_loaded=rows_loaded,
            rows_quarantined=summary.get("rows_quarantined", 0),
            rows_skipped=summary.get("rows_skipped", 0),
            quarantined_by_rule=json.dumps(summary.get("quarantined_by_rule", {})),
            summary=json.dumps(summary, default=str),
        )
    )


def publish_night(
    engine: Engine,
    run_id: str,
    as_of: dt.date,
    night: Night,
    kept_ids: list[str],
    summary: dict,
    private_accounts: pd.DataFrame | None = None,
) -> dict:
    """Publish one night atomically and return what was written.

    scores replace the day's rows; posts and follower counts replace their stored
    copies unless those were observed later; the files read join the ledger;
    quarantine records are stamped with the run id. Stored posts, follower counts and
    scores of anyone not in `kept_ids` (consent withdrawn, no longer in the roster;
    see Roster.kept_ids) are deleted from every day, and so are posts and follower
    counts stored under `private_accounts` (platform, handle)."""
    scores = night.scores
    if not scores.empty and set(scores["as_of_date"]) != {pd.Timestamp(as_of)}:
        raise ValueError(f"scores to publish for {as_of} carry other days")
    stamped = night.quarantined.assign(run_id=run_id, quarantined_at=pd.Timestamp(now_utc()))
    stamped = stamped[QUARANTINE.columns].astype(QUARANTINE.dtypes)
    ledger = night.ledger.assign(
        first_seen_run_id=run_id,
        first_seen_at=pd.Timestamp(now_utc()),
        readers_version=READERS_VERSION,
    )
    ledger = ledger[INGESTED_FILES.columns].astype(INGESTED_FILES.dtypes)
    with engine.begin() as conn:
        written = _upsert(conn, posts, night.posts)
        snapshots = _upsert(conn, accounts, night.accounts[ACCOUNTS.columns])
        # A file read again keeps when it was first seen; its status is tonight's.
        _upsert(
            conn,
            ingested_files,
            ledger,
            newer_only=False,
            keep=("first_seen_run_id", "first_seen_at"),
        )
        conn.execute(delete(influence_scores).where(influence_scores.c.as_of_date == as_of))
        published = bulk_insert(conn, influence_scores, scores.assign(run_id=run_id))
        kept_people = pd.DataFrame({"person_id": pd.Series(kept_ids, dtype="str")})
        if private_accounts is None:
            private_accounts = pd.DataFrame({"platform": [], "handle": []}, dtype="str")
        purged = _purge(conn, kept_people, private_accounts)
        bulk_insert(conn, quarantine, stamped)
        _insert_validation(conn, run_id, night.validation)
        counts = {
            "posts_written": written,
            "snapshots_written": snapshots,
            "files_recorded": len(ledger),
            "scores_published": published,
            **purged,
        }
        _complete_run(conn, run_id, {**summary, **counts}, rows_loaded=written)
    return counts


def read_ledger(engine: Engine) -> pd.DataFrame:
    """Every file in the ledger: sha256, source_path, size, format, status,
    readers_version and observed_at."""
    c = ingested_files.c
    query = select(
        c.sha256, c.source_path, c.size, c.format, c.status, c.readers_version, c.observed_at
    )
    with engine.connect() as conn:
        ledger = pd.read_sql(query, conn)
    ledger["observed_at"] = pd.to_datetime(ledger["observed_at"], utc=True, format="ISO8601")
    return ledger


def completed_summaries(engine: Engine, limit: int = 1) -> list[dict]:
    """The JSON summaries of the latest completed runs, newest first."""
    with engine.connect() as conn:
        return _completed_summaries(conn, limit)


def _completed_summaries(conn: Connection, limit: int) -> list[dict]:
    query = (
        select(pipeline_runs.c.summary)
        .where(pipeline_runs.c.status == "completed")
        .order_by(pipeline_runs.c.finished_at.desc())
        .limit(limit)
    )
    return [json.loads(found) for found in conn.execute(query).scalars() if found]


def last_completed_summary(engine: Engine) -> dict:
    """The JSON summary of the latest completed run, {} when there is none."""
    return next(iter(completed_summaries(engine)), {})


def _read(conn: Connection, query, frame_dtypes: dict[str, str]) -> pd.DataFrame:
    frame = pd.read_sql(query, conn)
    for name, dtype in frame_dtypes.items():
        if "UTC" in dtype:  # SQLite hands back naive UTC text, PostgreSQL aware times
            frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
        elif dtype.startswith("datetime64"):
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame.astype(frame_dtypes)


def read_stored(
    engine: Engine, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stored posts made in [start, end) and every follower count up to `end`: what
    earlier nights kept of files that are not read again."""
    post_query = select(posts).where(posts.c.posted_at >= start, posts.c.posted_at < end)
    account_query = select(accounts).where(accounts.c.snapshot_date < end.date())
    with engine.connect() as conn:
        return _read(conn, post_query, POSTS.dtypes), _read(conn, account_query, ACCOUNTS.dtypes)


def publish_scores(
    engine: Engine,
    run_id: str,
    as_of: dt.date,
    scores: pd.DataFrame,
    campaign_ids: list[str],
    summary: dict,
    validation: pd.DataFrame | None = None,
) -> dict:
    """Publish re-computed scores of `as_of` atomically and return what was written.

    The day's rows of `campaign_ids` are replaced by `scores`; other campaigns' rows
    and other days stay as they are, and so do posts, follower counts and the ledger
    (nothing was read). The run's row is completed with `summary`, which carries
    forward the latest completed run's scored_accounts_digest: no file was read, so
    what earlier nights read files for is unchanged."""
    if not scores.empty and set(scores["as_of_date"]) != {pd.Timestamp(as_of)}:
        raise ValueError(f"scores to publish for {as_of} carry other days")
    strays = sorted(set(scores["campaign_id"]) - set(campaign_ids))
    if strays:
        raise ValueError(f"scores of campaign(s) {', '.join(strays)} were not to be replaced")
    with engine.begin() as conn:
        replaced = conn.execute(
            delete(influence_scores).where(
                influence_scores.c.as_of_date == as_of,
                influence_scores.c.campaign_id.in_(campaign_ids),
            )
        ).rowcount
        published = bulk_insert(conn, influence_scores, scores.assign(run_id=run_id))
        _insert_validation(conn, run_id, validation)
        previous = next(iter(_completed_summaries(conn, 1)), {})
        digest = previous.get("scored_accounts_digest")
        counts = {"scores_replaced": max(replaced, 0), "scores_published": published}
        summary = {**summary, **counts, "scored_accounts_digest": digest}
        _complete_run(conn, run_id, summary, rows_loaded=0)
    return counts
