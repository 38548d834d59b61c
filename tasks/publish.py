"""Loading and publishing: frames and an engine in, counts out.

A night is published in one transaction: the posts upsert, the day's scores, the
purge of people who no longer consent, the quarantine records and the run's row.
A run that fails or is killed before the commit leaves the warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Column, Engine, MetaData, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Connection

from virage.schemas.fields import POSTS, QUARANTINE
from virage.schemas.warehouse import influence_scores, pipeline_runs, posts, quarantine
from virage.warehouse import bulk_insert


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


def _upsert_posts(conn: Connection, frame: pd.DataFrame) -> int:
    """Insert new posts and overwrite the stored copy of posts seen again."""
    quote = conn.dialect.identifier_preparer.quote
    columns = [c._copy() for c in posts.columns]
    with _temporary(conn, "posts_stage", columns, frame) as stage:
        names = ", ".join(quote(c) for c in POSTS.columns)
        key = ", ".join(quote(k) for k in POSTS.key)
        updates = ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in POSTS.columns if c not in POSTS.key
        )
        # "WHERE true" lets SQLite tell the ON CONFLICT clause from a join condition.
        conn.exec_driver_sql(
            f"INSERT INTO posts ({names}) SELECT {names} FROM {stage.name} WHERE true "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
    return len(frame)


def _purge(conn: Connection, kept_people: pd.DataFrame) -> tuple[int, int]:
    """Delete, from every day, the posts and scores of people who are not kept."""
    with _temporary(conn, "kept_people", _key_columns("person_id"), kept_people) as people:
        kept = select(people.c.person_id)
        purged_posts = conn.execute(delete(posts).where(posts.c.person_id.not_in(kept))).rowcount
        purged_scores = conn.execute(
            delete(influence_scores).where(influence_scores.c.person_id.not_in(kept))
        ).rowcount
    return purged_posts, purged_scores


def publish_night(
    engine: Engine,
    run_id: str,
    as_of: dt.date,
    posts_frame: pd.DataFrame,
    scores: pd.DataFrame,
    quarantined: pd.DataFrame,
    kept_ids: list[str],
    summary: dict,
) -> dict:
    """Publish one night atomically and return what was written.

    scores replace the day's rows; posts replace their stored copies; quarantine
    records are stamped with the run id. Stored posts and scores of anyone not in
    `kept_ids` (consent withdrawn, no longer in the roster; see Roster.kept_ids) are
    deleted from every day."""
    if not scores.empty and set(scores["as_of_date"]) != {pd.Timestamp(as_of)}:
        raise ValueError(f"scores to publish for {as_of} carry other days")
    stamped = quarantined.assign(run_id=run_id, quarantined_at=pd.Timestamp(now_utc()))
    stamped = stamped[QUARANTINE.columns].astype(QUARANTINE.dtypes)
    with engine.begin() as conn:
        written = _upsert_posts(conn, posts_frame)
        conn.execute(delete(influence_scores).where(influence_scores.c.as_of_date == as_of))
        published = bulk_insert(conn, influence_scores, scores.assign(run_id=run_id))
        kept_people = pd.DataFrame({"person_id": pd.Series(kept_ids, dtype="str")})
        purged_posts, purged_scores = _purge(conn, kept_people)
        bulk_insert(conn, quarantine, stamped)
        counts = {
            "posts_written": written,
            "scores_published": published,
            "posts_purged": purged_posts,
            "scores_purged": purged_scores,
        }
        summary = {**summary, **counts}
        conn.execute(
            update(pipeline_runs)
            .where(pipeline_runs.c.run_id == run_id)
            .values(
                status="completed",
                finished_at=now_utc(),
                files_seen=summary["files_seen"],
                files_loaded=summary["files_loaded"],
                files_quarantined=summary["files_quarantined"],
                rows_loaded=written,
                rows_quarantined=summary["rows_quarantined"],
                rows_skipped=summary["rows_skipped"],
                summary=json.dumps(summary, default=str),
            )
        )
    return counts
