"""Loading and publishing: frames and an engine in, counts out.

Write-audit-publish: a night's scores are first written to staged_influence_scores
(committed, so a failed audit leaves them there to inspect), audited (no key
collision, not far fewer rows than the day before for the same people and
campaigns; Great Expectations' scores suite ran before, tasks/gx_record.py), then
published in one transaction with everything else the night changes: the people
and campaigns dimensions, the posts and follower-count upserts (only rows whose
values change are rewritten), the ledger of files read, the day's scores, the purge
of people who no longer consent, the quarantine records and the run's row. Reading
back what earlier nights stored (for scoring, and to skip files already ingested)
is here too. A run that fails or is killed before the commit leaves the published
tables as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    Table,
    Text,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.engine import Connection

from virage.arrow_read import Read, Reading
from virage.fold import text_folded_arrow
from virage.schemas.fields import (
    ACCOUNTS,
    INGESTED_FILES,
    POSTS,
    QUARANTINE,
    READERS_VERSION,
    VALIDATION_RESULTS,
)
from virage.schemas.migrate import fill_dimensions_from
from virage.schemas.warehouse import (
    accounts,
    campaigns,
    influence_scores,
    ingested_files,
    people,
    pipeline_runs,
    posts,
    quarantine,
    staged_influence_scores,
    validation_results,
)
from virage.tasks.events import replace_event_summary
from virage.tasks.scoring import SCORED_POST_COLUMNS, window_bounds
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
    people: pd.DataFrame | None = None
    """The roster as the people dimension (dimensions.people_rows); None: unchanged."""
    campaigns: pd.DataFrame | None = None
    """campaigns.yaml as the campaigns dimension (dimensions.campaign_rows)."""
    event_summary: pd.DataFrame | None = None
    """The day's event_summary rows (events.event_summaries); None: left as they are."""


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


INTERRUPTED = "interrupted: the process ended before the run finished"


def start_run(engine: Engine, run_id: str, as_of: dt.date) -> None:
    """Record the run as running, so a run that dies is visible in pipeline_runs.
    Called under the writer lock (virage.warehouse.writer_lock): any other run still
    marked running has died, and is marked failed."""
    with engine.begin() as conn:
        conn.execute(
            update(pipeline_runs)
            .where(pipeline_runs.c.status == "running")
            .values(status="failed", summary=json.dumps({"error": INTERRUPTED}))
        )
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
    earliest: tuple[str, ...] = (),
    latest: tuple[str, ...] = (),
) -> int:
    """Insert the rows of `frame` into `table` by its primary key and return how many
    rows were inserted or changed. A stored row is rewritten only when a value would
    change; its `keep` columns stay, its `earliest`/`latest` columns take the earlier
    /later of the two values. With `newer_only`, the other columns keep their stored
    values when those were observed later (an older export arriving late does not
    roll metrics back, but can still move `earliest` back)."""
    quote = conn.dialect.identifier_preparer.quote
    columns = [c._copy() for c in table.columns]
    key = [c.name for c in table.primary_key.columns]
    target = quote(table.name)
    sqlite = conn.dialect.name == "sqlite"
    observed = quote("observed_at")
    newer = (
        f"({target}.{observed} IS NULL OR excluded.{observed} IS NULL "
        f"OR {target}.{observed} <= excluded.{observed})"
    )

    def new_value(name: str) -> str:
        stored, new = f"{target}.{quote(name)}", f"excluded.{quote(name)}"
        for names, function in (
            (earliest, "min" if sqlite else "LEAST"),
            (latest, "max" if sqlite else "GREATEST"),
        ):
            if name in names:
                return f"{function}(COALESCE({stored}, {new}), COALESCE({new}, {stored}))"
        if newer_only:
            return f"CASE WHEN {newer} THEN {new} ELSE {stored} END"
        return new

    stored_any = conn.execute(select(literal(1)).select_from(table).limit(1)).first()
    if stored_any is None and not frame.duplicated(key).any():
        # Nothing stored yet (a first night): nothing to compare with, so the rows go
        # straight in, without the detour through a staging table.
        return bulk_insert(conn, table, frame)
    with _temporary(conn, f"{table.name}_stage", columns, frame) as stage:
        names = ", ".join(quote(c.name) for c in table.columns)
        keys = ", ".join(quote(k) for k in key)
        updated = [c.name for c in table.columns if c.name not in key and c.name not in keep]
        sets = ", ".join(f"{quote(n)} = {new_value(n)}" for n in updated)
        differs = " IS NOT " if sqlite else " IS DISTINCT FROM "
        changed = " OR ".join(f"{target}.{quote(n)}{differs}{new_value(n)}" for n in updated)
        # "WHERE true" lets SQLite tell the ON CONFLICT clause from a join condition.
        written = conn.exec_driver_sql(
            f"INSERT INTO {target} ({names}) SELECT {names} FROM {stage.name} "
            f"WHERE true ON CONFLICT ({keys}) DO UPDATE SET {sets} WHERE {changed}"
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
            # Who left, found in the table's person_id index (not a scan of its rows:
            # 0.3 s of a night with a million posts), then their rows.
            departed = select(table.c.person_id).where(table.c.person_id.not_in(kept)).distinct()
            purged[name] = conn.execute(
                delete(table).where(table.c.person_id.in_(departed))
            ).rowcount
            if "handle" in table.c and not private_accounts.empty:  # this one scans
                under_private = exists().where(
                    private.c.platform == table.c.platform, private.c.handle == table.c.handle
                )
                purged[name] += conn.execute(delete(table).where(under_private)).rowcount
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


MAX_SCORE_SHRINK = 0.5
"""The audit refuses a day whose scores fall below half of the previous day's for
the same people and campaigns: an empty or truncated input, not a real change."""


class AuditFailed(Exception):
    """The staged scores failed the audit: nothing was published."""


def stage_scores(engine: Engine, run_id: str, scores: pd.DataFrame) -> int:
    """Write the run's scores to staged_influence_scores, replacing what earlier runs
    left there, and commit: the audit reads them, and they stay if it fails."""
    with engine.begin() as conn:
        conn.execute(delete(staged_influence_scores))
        return bulk_insert(conn, staged_influence_scores, scores.assign(run_id=run_id))


def audit_staged(
    conn: Connection,
    run_id: str,
    as_of: dt.date,
    kept_ids: list[str] | None,
    campaign_ids: list[str],
    max_shrink: float = MAX_SCORE_SHRINK,
) -> dict:
    """Check the run's staged scores before they replace the day's published rows;
    raise AuditFailed with what is wrong, else return what was compared."""
    staged = staged_influence_scores.c
    mine = staged.run_id == run_id
    keys = (staged.as_of_date, staged.campaign_id, staged.person_id)
    collisions = conn.execute(
        select(func.count()).select_from(
            select(*keys).where(mine).group_by(*keys).having(func.count() > 1).subquery()
        )
    ).scalar_one()
    if collisions:
        raise AuditFailed(
            f"audit: {collisions} (day, campaign, person) key(s) appear more than once in "
            f"the staged scores of run {run_id}; they stay in {staged_influence_scores.name}"
        )
    days = set(conn.execute(select(staged.as_of_date).where(mine).distinct()).scalars())
    if days - {as_of}:
        raise AuditFailed(f"audit: staged scores for {as_of} carry other days")
    staged_rows = conn.execute(select(func.count()).where(mine)).scalar_one()
    published = influence_scores.c
    previous_day = conn.execute(
        select(func.max(published.as_of_date)).where(published.as_of_date < as_of)
    ).scalar()
    comparable = 0
    if previous_day is not None:
        comparable_rows = select(func.count()).where(
            published.as_of_date == previous_day, published.campaign_id.in_(campaign_ids)
        )
        if kept_ids is not None:
            comparable_rows = comparable_rows.where(published.person_id.in_(kept_ids))
        comparable = conn.execute(comparable_rows).scalar_one()
    if comparable and staged_rows < comparable * (1 - max_shrink):
        raise AuditFailed(
            f"audit: {staged_rows} scores staged for {as_of} against {comparable} on "
            f"{previous_day} for the same people and campaigns: more than "
            f"{max_shrink:.0%} would vanish, which points at missing input; nothing was "
            f"published and the staged rows stay in {staged_influence_scores.name}"
        )
    return {"scores_staged": staged_rows, "previous_day_scores": comparable}


def _publish_staged(conn: Connection, run_id: str, as_of: dt.date, campaign_ids=None) -> int:
    """Replace the day's published scores (of `campaign_ids` if given) by the run's
    staged rows, and clear them from staging."""
    replace = delete(influence_scores).where(influence_scores.c.as_of_date == as_of)
    if campaign_ids is not None:
        replace = replace.where(influence_scores.c.campaign_id.in_(campaign_ids))
    conn.execute(replace)
    staged = staged_influence_scores.c
    columns = [c.name for c in influence_scores.columns]
    conn.execute(
        insert(influence_scores).from_select(
            columns,
            select(*(staged[c] for c in columns)).where(staged.run_id == run_id),
        )
    )
    # What was published is what left staging: counted there, the same on both dialects.
    return conn.execute(delete(staged_influence_scores).where(staged.run_id == run_id)).rowcount


def _update_dimensions(conn: Connection, night: Night) -> None:
    """Upsert tonight's roster and campaigns; make sure every staged score names a
    known person and campaign; campaigns no longer listed stay, marked so."""
    if night.campaigns is not None:
        listed = night.campaigns["campaign_id"].tolist()
        conn.execute(
            update(campaigns)
            .where(campaigns.c.campaign_id.not_in(listed))
            .values(in_campaigns_file=False)
        )
        _upsert(conn, campaigns, night.campaigns, newer_only=False)
    if night.people is not None:
        _upsert(conn, people, night.people, newer_only=False)
    fill_dimensions_from(conn, staged_influence_scores)


def _drop_departed_people(conn: Connection, night: Night, kept_ids: list[str]) -> int:
    """After the purge: forget people the roster no longer names (their scores are
    gone); people kept for their history without a valid row tonight stay."""
    if night.people is None:
        return 0
    staying = pd.DataFrame(
        {
            "person_id": pd.Series(
                sorted(set(kept_ids) | set(night.people["person_id"])), dtype="str"
            )
        }
    )
    with _temporary(conn, "people_staying", _key_columns("person_id"), staying) as kept:
        gone = people.c.person_id.not_in(select(kept.c.person_id))
        return max(conn.execute(delete(people).where(gone)).rowcount, 0)


def publish_night(
    engine: Engine,
    run_id: str,
    as_of: dt.date,
    night: Night,
    kept_ids: list[str],
    summary: dict,
    private_accounts: pd.DataFrame | None = None,
) -> dict:
    """Write, audit and publish one night atomically and return what was written.

    scores replace the day's rows; posts and follower counts replace their stored
    copies unless those were observed later (a post keeps the earliest first_seen_at
    and the latest last_seen_at); the files read join the ledger; quarantine records
    are stamped with the run id. Stored posts, follower counts and scores of anyone
    not in `kept_ids` (consent withdrawn, no longer in the roster; see
    Roster.kept_ids) are deleted from every day, and so are posts and follower
    counts stored under `private_accounts` (platform, handle). Raises AuditFailed,
    publishing nothing, when the staged scores fail the audit."""
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
    started = time.perf_counter()
    stage_scores(engine, run_id, scores)
    if night.campaigns is not None:
        campaign_ids = night.campaigns["campaign_id"].tolist()
    else:
        campaign_ids = sorted(set(scores["campaign_id"]))
    with engine.begin() as conn:
        audited = audit_staged(conn, run_id, as_of, kept_ids, campaign_ids)
        _update_dimensions(conn, night)
        loading = time.perf_counter()
        written = _upsert(
            conn, posts, night.posts, earliest=("first_seen_at",), latest=("last_seen_at",)
        )
        snapshots = _upsert(conn, accounts, night.accounts[ACCOUNTS.columns])
        load_seconds = time.perf_counter() - loading
        # A file read again keeps when it was first seen; its status is tonight's.
        _upsert(
            conn,
            ingested_files,
            ledger,
            newer_only=False,
            keep=("first_seen_run_id", "first_seen_at"),
        )
        published = _publish_staged(conn, run_id, as_of)
        kept_people = pd.DataFrame({"person_id": pd.Series(kept_ids, dtype="str")})
        if private_accounts is None:
            private_accounts = pd.DataFrame({"platform": [], "handle": []}, dtype="str")
        purged = _purge(conn, kept_people, private_accounts)
        purged["people_removed"] = _drop_departed_people(conn, night, kept_ids)
        bulk_insert(conn, quarantine, stamped)
        _insert_validation(conn, run_id, night.validation)
        replace_event_summary(conn, run_id, as_of, night.event_summary)
        counts = {
            "posts_written": written,
            "snapshots_written": snapshots,
            "files_recorded": len(ledger),
            "scores_published": published,
            **audited,
            **purged,
        }
        # The run's row records the stages so far; publishing's commit is not in it.
        stages = {
            **summary.get("stage_seconds", {}),
            "load": round(load_seconds, 3),
            "publish": round(time.perf_counter() - started - load_seconds, 3),
        }
        _complete_run(
            conn, run_id, {**summary, **counts, "stage_seconds": stages}, rows_loaded=written
        )
    return {**counts, "load_seconds": load_seconds}


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


def start_reading_stored(
    engine: Engine,
    start: pd.Timestamp,
    end: pd.Timestamp,
    post_columns: list[str] | None = None,
    posts_then: Callable[[pa.Table], pa.Table] | None = None,
) -> Reading:
    """Start reading the stored posts made in [start, end) (their `post_columns`,
    default all; through `posts_then`, see arrow_read.Read) and every follower count
    up to `end`: what earlier nights kept of files that are not read again.
    `.frames()` gives them (posts, then counts); a SQLite file is read meanwhile by a
    child process (virage/arrow_read.py)."""
    names = post_columns or POSTS.columns
    post_query = select(*(posts.c[name] for name in names)).where(
        posts.c.posted_at >= start, posts.c.posted_at < end
    )
    account_query = select(accounts).where(accounts.c.snapshot_date < end.date())
    post_dtypes = {name: POSTS.dtypes[name] for name in names}
    reads = [Read(post_query, post_dtypes, posts_then), Read(account_query, ACCOUNTS.dtypes)]
    return Reading(engine, reads)


_STARTED_EARLY: dict[tuple[str, dt.date], Reading] = {}


def start_reading_window(engine: Engine, as_of: dt.date, *, early: bool = False) -> Reading:
    """Start reading what scoring reads of the warehouse for `as_of`: the stored posts
    of the window (the scored columns, texts folded as they are read) and the follower
    counts (see start_reading_stored). A read started early in this process for the
    same warehouse and day is taken instead, once.

    `early`: start it now for a flow of this process to take later. `virage run`
    does so before importing Prefect and Great Expectations (5 s), under the
    warehouse's writer lock, which it holds until the flow ends: no other run writes
    in between, and the flow itself writes nothing that is read here before
    publishing."""
    key = (engine.url.render_as_string(hide_password=False), as_of)
    if not early and key in _STARTED_EARLY:
        return _STARTED_EARLY.pop(key)
    start, end = window_bounds(as_of)
    reading = start_reading_stored(engine, start, end, SCORED_POST_COLUMNS, text_folded_arrow)
    if early:
        _STARTED_EARLY[key] = reading
    return reading


def read_stored(
    engine: Engine, start: pd.Timestamp, end: pd.Timestamp, post_columns: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored posts and follower counts of start_reading_stored, read now."""
    stored_posts, stored_accounts = start_reading_stored(engine, start, end, post_columns).frames()
    return stored_posts, stored_accounts


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
    stage_scores(engine, run_id, scores)
    with engine.begin() as conn:
        audited = audit_staged(conn, run_id, as_of, None, campaign_ids)
        replaced = conn.execute(
            select(func.count()).where(
                influence_scores.c.as_of_date == as_of,
                influence_scores.c.campaign_id.in_(campaign_ids),
            )
        ).scalar_one()
        fill_dimensions_from(conn, staged_influence_scores)
        published = _publish_staged(conn, run_id, as_of, campaign_ids)
        _insert_validation(conn, run_id, validation)
        previous = next(iter(_completed_summaries(conn, 1)), {})
        digest = previous.get("scored_accounts_digest")
        counts = {"scores_replaced": replaced, "scores_published": published, **audited}
        summary = {**summary, **counts, "scored_accounts_digest": digest}
        _complete_run(conn, run_id, summary, rows_loaded=0)
    return counts
