"""Loading and publishing: frames and an engine in, counts out.

A night is published in one transaction: the posts upsert, the day's scores, the
purge of people who no longer consent, the quarantine records and the run's row.
A run that fails or is killed before the commit leaves the warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from virage.schemas.fields import POSTS, QUARANTINE
from virage.schemas.warehouse import influence_scores, pipeline_runs, posts, quarantine
from virage.warehouse import bulk_insert

_POSTS_STAGE = "posts_stage"


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


def _upsert_posts(conn, frame: pd.DataFrame) -> int:
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_POSTS_STAGE} (LIKE posts) ON COMMIT DROP")
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_POSTS_STAGE}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_POSTS_STAGE} AS SELECT * FROM posts WHERE 0")
    written = bulk_insert(conn, posts, frame, into=_POSTS_STAGE)
    key_match = " AND ".join(f"s.{quote(k)} = posts.{quote(k)}" for k in POSTS.key)
    conn.exec_driver_sql(
        f"DELETE FROM posts WHERE EXISTS (SELECT 1 FROM {_POSTS_STAGE} s WHERE {key_match})"
    )
    names = ", ".join(quote(c) for c in POSTS.columns)
    conn.exec_driver_sql(f"INSERT INTO posts ({names}) SELECT {names} FROM {_POSTS_STAGE}")
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(f"DROP TABLE temp.{_POSTS_STAGE}")
    return written


def publish_night(
    engine: Engine,
    run_id: str,
    as_of: dt.date,
    posts_frame: pd.DataFrame,
    scores: pd.DataFrame,
    quarantined: pd.DataFrame,
    summary: dict,
) -> dict:
    """Publish one night atomically and return what was written.

    scores replace the day's rows; posts replace their earlier copies; posts and
    scores of anyone not scored today (consent withdrawn, left the roster) are
    deleted from every day; quarantine records are stamped with the run id."""
    stamped = quarantined.assign(run_id=run_id, quarantined_at=pd.Timestamp(now_utc()))
    stamped = stamped[QUARANTINE.columns].astype(QUARANTINE.dtypes)
    with engine.begin() as conn:
        written = _upsert_posts(conn, posts_frame)
        conn.execute(delete(influence_scores).where(influence_scores.c.as_of_date == as_of))
        published = bulk_insert(conn, influence_scores, scores.assign(run_id=run_id))
        scored_today = select(influence_scores.c.person_id).where(
            influence_scores.c.as_of_date == as_of
        )
        purged_posts = conn.execute(
            delete(posts).where(posts.c.person_id.not_in(scored_today))
        ).rowcount
        purged_scores = conn.execute(
            delete(influence_scores).where(influence_scores.c.person_id.not_in(scored_today))
        ).rowcount
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
