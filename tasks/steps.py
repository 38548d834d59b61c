"""The nightly run's steps as Prefect tasks.

Each task calls plain functions from the modules beside it: Prefect adds retries
where there is I/O, logging and visibility. Nothing is cached: the inputs are large
frames, and the steps with side effects must run every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import psycopg
from prefect import get_run_logger, task, unmapped
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import OperationalError

from virage.arrow_read import Reading
from virage.memory import give_back_freed_memory
from virage.schemas.fields import ACCOUNTS, POSTS, SCORES
from virage.tasks import (
    alerts,
    batches,
    dimensions,
    events,
    fetch,
    gx_record,
    ingest,
    landing,
    ledger,
    people,
    publish,
    report,
    scoring,
    summary,
    validate,
)
from virage.warehouse import make_engine, open_warehouse, writer_lock


def _transient(task, task_run, state) -> bool:
    """Retry only what may pass on a second try: a lost connection, a locked database,
    an I/O error. A broken key or a bug fails at once."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, OperationalError | psycopg.OperationalError | OSError)


# Exponential backoff (2 s, 4 s, 8 s), each delay stretched by up to half at random
# so runs that failed together do not retry in step.
_IO = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _transient,
}


@dataclass
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


def open_run(url: str, run_id: str, as_of: dt.date, wait_seconds: float = 0) -> ExitStack:
    """Take the warehouse's single-writer lock for the rest of the run (close the
    returned stack to release it), then create or upgrade the tables and record the
    run as running. The lock comes first: an upgrade must not race another run. Not a
    task: the lock must outlive every task of the run, and a task's retries would
    hide a busy warehouse."""
    held = ExitStack()
    held.enter_context(writer_lock(make_engine(url), wait_seconds))
    get_run_logger().info("holding the warehouse's writer lock")
    try:
        prepare_warehouse(url)
        start_run(url, run_id, as_of)
    except BaseException:
        held.close()
        raise
    return held


@task(name="start-run", cache_policy=NO_CACHE, **_IO)
def start_run(url: str, run_id: str, as_of: dt.date) -> None:
    publish.start_run(make_engine(url), run_id, as_of)


@task(name="fetch-sources", cache_policy=NO_CACHE)
def fetch_sources(found: landing.Landing) -> list[dict]:
    """Download the files sources.yaml lists; a source that keeps failing is reported
    and the run goes on with what the landing zone holds. (fetch_source retries on
    its own, honouring Retry-After, which task-level retries cannot.)"""
    results = fetch.fetch_all(found.sources, found.exports)
    logger = get_run_logger()
    for result in results:
        log = logger.warning if result.status == "failed" else logger.info
        log("source %s: %s (%s)", result.name, result.status, result.detail)
    return [asdict(r) for r in results]


@task(name="discover-files", cache_policy=NO_CACHE)
def discover(found: landing.Landing) -> pd.DataFrame:
    """Every file under exports/; `no_consent` marks the exports of people who have not
    consented (people.private_files), which go no further."""
    files = ingest.discover_exports(found.exports, found.root)
    files["no_consent"] = people.private_files(files, found.roster.handles)
    get_run_logger().info(
        "%d file(s) under %s, %d skipped unread: their person has not consented",
        len(files),
        found.exports,
        files["no_consent"].sum(),
    )
    return files


@task(name="archive-raw", cache_policy=NO_CACHE, **_IO)
def archive_raw(files: pd.DataFrame, raw_dir: str) -> pd.DataFrame:
    kept = ingest.archive_raw(files[~files["no_consent"]], Path(raw_dir))
    get_run_logger().info("%d file(s) archived in the raw zone %s", len(kept), raw_dir)
    return kept


@dataclass
class Selected:
    """The files to parse tonight, and why the others are not."""

    files: pd.DataFrame
    already_ingested: int
    reingest_reason: str | None


@task(name="select-new-files", cache_policy=NO_CACHE, **_IO)
def select_new_files(
    url: str, files: pd.DataFrame, roster: landing.Roster, reingest: bool, raw_dir: str
) -> Selected:
    """Files settled in the ledger (same content at the same path, loaded or ignored
    by the current readers) are not parsed again: their rows are in the warehouse.
    All are read again on request, or when the scored accounts changed since the
    last completed run (a newcomer's older exports then count)."""
    engine = make_engine(url)
    digest = people.scored_accounts_digest(roster.handles)
    previous = publish.last_completed_summary(engine).get("scored_accounts_digest")
    reason = None
    if reingest:
        reason = "requested"
    elif previous is not None and previous != digest:
        reason = "the roster's scored accounts changed"
    read_before = publish.read_ledger(engine)
    if reason is not None:
        files = ledger.replay_from_raw(files, read_before, Path(raw_dir))
        files = files[~people.private_files(files, roster.handles)]
    todo = ledger.select_unread(files, read_before, read_all=reason is not None)
    selected = Selected(todo.reset_index(drop=True), len(files) - len(todo), reason)
    get_run_logger().info(
        "%d file(s) to read, %d already ingested%s",
        len(todo),
        selected.already_ingested,
        f"; reading everything again: {reason}" if reason else "",
    )
    return selected


@task(name="parse-files", cache_policy=NO_CACHE)
def parse(files: pd.DataFrame) -> ingest.Parsed:
    parsed = ingest.parse_exports(files)
    get_run_logger().info(
        "%d file(s) read, %d rejected whole", parsed.files_loaded, len(parsed.rejected_files)
    )
    return parsed


@task(name="validate-rows", cache_policy=NO_CACHE)
def check_rows(
    parsed: ingest.Parsed, as_of: dt.date, max_bad_share: float
) -> validate.CheckedExports:
    checked = validate.check_exports(parsed.frames, as_of, max_bad_share)
    get_run_logger().info(
        "posts: %d valid, %d quarantined; accounts: %d valid, %d quarantined; "
        "%d file(s) held back for too many bad rows",
        len(checked.posts.clean),
        len(checked.posts.rejected),
        len(checked.accounts.clean),
        len(checked.accounts.rejected),
        len(checked.held_files),
    )
    return checked


@task(name="parse-and-validate-batch", cache_policy=NO_CACHE)
def read_batch(files: pd.DataFrame, as_of: dt.date, max_bad_share: float) -> batches.Batch:
    """parse-files and validate-rows for one batch of files, on a Dask worker."""
    done = batches.read_batch(files, as_of, max_bad_share)
    get_run_logger().info(
        "batch of %d file(s): %d post row(s), %d follower row(s) checked",
        len(files),
        done.checked.posts.rows_checked,
        done.checked.accounts.rows_checked,
    )
    return done


def parse_and_check(
    files: pd.DataFrame, as_of: dt.date, max_bad_share: float
) -> tuple[ingest.Parsed, validate.CheckedExports]:
    """Parse tonight's files and check their rows. Under the default task runner, in
    this process as the parse-files and validate-rows steps; under a DaskTaskRunner,
    in batches spread over the cluster's workers (see tasks/batches.py), joined back
    in the batches' order so that the result does not depend on which ends first."""
    count = batches.batch_count(len(files), _dask_threads() if len(files) > 1 else 0)
    if count <= 1:
        parsed = parse(files)
        checked = check_rows(parsed, as_of, max_bad_share)
        parsed = parsed.without_rows()  # the raw rows live on, typed, in `checked`
        give_back_freed_memory()
        return parsed, checked
    parts = batches.split_files(files, count)
    futures = read_batch.map(parts, unmapped(as_of), unmapped(max_bad_share))
    joined = batches.combine(futures.result())
    get_run_logger().info(
        "%d file(s) read in %d batch(es) on Dask, %d rejected whole; posts: %d valid, "
        "%d quarantined",
        joined.parsed.files_loaded,
        len(parts),
        len(joined.parsed.rejected_files),
        len(joined.checked.posts.clean),
        len(joined.checked.posts.rejected),
    )
    return joined.parsed.without_rows(), joined.checked


def _dask_threads() -> int:
    """Worker threads of the flow's Dask cluster (connecting to it, or starting the
    local one); 0 under any other task runner."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if runner is None or "prefect_dask" not in sys.modules:  # never imported: not Dask
        return 0
    from prefect_dask import DaskTaskRunner

    if not isinstance(runner, DaskTaskRunner):
        return 0
    return max(1, sum(runner.client.nthreads().values()))


@task(name="attribute-to-people", cache_policy=NO_CACHE)
def attribute(checked: validate.CheckedExports, roster: landing.Roster) -> People:
    found = People(
        people.prepare_posts(checked.posts.clean, roster.handles),
        people.prepare_accounts(checked.accounts.clean, roster.handles),
    )
    give_back_freed_memory()
    return found


@task(name="start-reading-stored", cache_policy=NO_CACHE, persist_result=False)
def start_reading_stored(url: str, as_of: dt.date) -> Reading:
    """Start reading what the warehouse holds of the scoring window, before tonight's
    files are read: a SQLite warehouse is read meanwhile, on the other core. Started
    under the run's writer lock, nothing else writes to it before publishing."""
    return publish.start_reading_window(make_engine(url), as_of)


@task(name="read-stored", cache_policy=NO_CACHE, **_IO)
def read_stored(reading: Reading) -> tuple[pd.DataFrame, pd.DataFrame]:
    stored_posts, stored_accounts = reading.frames()
    get_run_logger().info(
        "%d stored post(s) in the window, %d follower count(s)",
        len(stored_posts),
        len(stored_accounts),
    )
    return stored_posts, stored_accounts


@task(name="merge-stored", cache_policy=NO_CACHE)
def merge_stored(
    found: People, stored: tuple[pd.DataFrame, pd.DataFrame], roster: landing.Roster, as_of: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What scoring and the event summary see: tonight's posts and follower counts
    over the stored ones still claimed by the same scored person; the posts as the
    scoring window (texts folded once for both)."""
    give_back_freed_memory()  # the checked rows the flow let go of, before the window
    handles = roster.handles
    stored_posts = stored[0]
    if "folded" not in stored_posts.columns:
        stored_posts = scoring.text_folded(stored_posts)
    # What scoring reads of tonight's posts, as the stored ones were read.
    tonight = found.posts.frame[scoring.SCORED_POST_COLUMNS]
    tonight = scoring.text_folded(tonight)[list(stored_posts.columns)]
    window = scoring.window_bounds(as_of)
    posts = people.with_stored(tonight, stored_posts, list(POSTS.key), handles, window)
    accounts = people.with_stored(found.accounts.frame, stored[1], list(ACCOUNTS.key), handles)
    return scoring.window_posts(posts, accounts, as_of, one_copy_each=True), accounts


@task(name="score", cache_policy=NO_CACHE)
def score(
    seen: tuple[pd.DataFrame, pd.DataFrame],
    roster: landing.Roster,
    campaigns: list[landing.Campaign],
    as_of: dt.date,
) -> pd.DataFrame:
    posts, accounts = seen
    return scoring.score_campaigns(posts, accounts, roster.people, campaigns, as_of)


@task(name="summarise-events", cache_policy=NO_CACHE)
def summarise_events(
    seen: tuple[pd.DataFrame, pd.DataFrame],
    roster: landing.Roster,
    campaigns: list[landing.Campaign],
    as_of: dt.date,
) -> pd.DataFrame:
    """The event_summary rows of the event campaigns, from the same posts as the scores."""
    posts, accounts = seen
    rows = events.event_summaries(posts, accounts, roster.people, campaigns, as_of)
    get_run_logger().info(
        "%d event day(s) summarised, %d post(s) covering an event", len(rows), rows["posts"].sum()
    )
    return rows


@task(name="publish", cache_policy=NO_CACHE, **_IO)
def publish_night(
    url: str,
    run_id: str,
    as_of: dt.date,
    night: publish.Night,
    found: landing.Landing,
    counts: dict,
) -> dict:
    roster = found.roster
    night.people = dimensions.people_rows(roster)
    night.campaigns = dimensions.campaign_rows(found.campaigns)
    written = publish.publish_night(
        make_engine(url),
        run_id,
        as_of,
        night,
        roster.kept_ids.tolist(),
        counts,
        private_accounts=people.private_accounts(roster.handles),
    )
    get_run_logger().info("published %s", written)
    return written


@task(name="record-failure", cache_policy=NO_CACHE)
def record_failure(url: str, run_id: str, error: str) -> None:
    publish.fail_run(make_engine(url), run_id, error)


@task(name="record-rows", cache_policy=NO_CACHE)
def record_rows(checked: validate.CheckedExports, found: landing.Landing) -> gx_record.Record:
    """Great Expectations' record of the night's rows (posts and follower counts, bad
    ones too, the roster, the campaigns), made as soon as they are checked: the copy
    made for it goes before scoring makes its own."""
    handles = found.roster.handles

    def recorded(suite: str, rows: validate.Checked) -> pd.DataFrame:
        columns = list(gx_record.recorded_columns(suite, rows.set_aside).columns)
        # Never recorded: rows of people who have not consented.
        return people.without_private(rows.typed_rows(columns), handles)[0]

    batches = gx_record.night_batches(
        recorded("posts", checked.posts),
        recorded("accounts", checked.accounts),
        found.roster.typed,
        found.campaigns,
        _empty(SCORES.dtypes),  # recorded with the scores (record_scores)
    )
    record = gx_record.check(batches)  # its Data Docs: build_data_docs, with the scores'
    give_back_freed_memory()
    get_run_logger().info(
        "%d expectation(s) checked on the night's rows, %d with unexpected rows",
        len(record.expectations),
        sum(not e["success"] for e in record.expectations),
    )
    return record


@task(name="record-scores", cache_policy=NO_CACHE)
def record_scores(
    rows: gx_record.Record, scores: pd.DataFrame, docs_dir: str, run_id: str
) -> gx_record.Record:
    """The scores suite, the audit before publishing (scores that break it stop the
    run with the published tables intact), joined to the record of the rows: the
    night's whole record. Its Data Docs index (named in the record) is built by
    build_data_docs while the night is published; at once when the scores are
    rejected, for whoever looks into why."""
    whole = gx_record.joined(rows, _scores_record(scores))
    get_run_logger().info("%d expectation(s) checked", len(whole.expectations))
    if gx_record.failed_expectations(whole, "scores"):
        gx_record.build_docs(whole, Path(docs_dir), run_id)
        gx_record.reject_broken_scores(whole)
    return dataclasses.replace(whole, docs_index=gx_record.docs_index_of(Path(docs_dir)))


@task(name="build-data-docs", cache_policy=NO_CACHE)
def build_data_docs(record: gx_record.Record, docs_dir: str, run_id: str) -> str | None:
    """Great Expectations' Data Docs of the night's record; never fails the night."""
    index = gx_record.build_docs(record, Path(docs_dir), run_id)
    get_run_logger().info("Data Docs: %s", index or f"not built in {docs_dir}")
    return index


@dataclass
class Summary:
    counts: dict
    """The run summary (see summary.build_summary)."""
    quarantined: pd.DataFrame
    ledger: pd.DataFrame
    """Files read tonight, with those validation held back marked quarantined."""


@task(name="summarise", cache_policy=NO_CACHE)
def summarise(
    files: pd.DataFrame,
    selected: Selected,
    parsed: ingest.Parsed,
    checked: validate.CheckedExports,
    found: People,
    found_landing: landing.Landing,
    fetched: list[dict],
    record: gx_record.Record,
) -> Summary:
    roster = found_landing.roster
    held_back = pd.concat([parsed.rejected_files, checked.held_files], ignore_index=True)
    ledger = ingest.hold_back(parsed.ledger, held_back)
    # Bad rows of people who have not consented are counted as skipped, not recorded.
    bad_posts, private_posts = people.without_private(checked.posts.rejected, roster.handles)
    bad_counts, private_counts = people.without_private(checked.accounts.rejected, roster.handles)
    skipped = found.posts.skipped.copy()
    if private_posts:
        skipped["no_consent"] = skipped.get("no_consent", 0) + private_posts
    quarantined = summary.quarantine_records(
        pd.concat([parsed.rejected_files, checked.held_files], ignore_index=True),
        people.withhold_private(bad_posts, roster.handles),
        people.withhold_private(bad_counts, roster.handles),
        roster.rejected,
    )
    counts = summary.build_summary(
        files=files,
        fetched=fetched,
        files_loaded=int((ledger["status"] == "loaded").sum()),
        files_ignored=int((ledger["status"] == "ignored").sum()),
        already_ingested=selected.already_ingested,
        reingest_reason=selected.reingest_reason,
        scored_accounts_digest=people.scored_accounts_digest(roster.handles),
        quarantined=quarantined,
        rows_read=parsed.rows_read,
        rows_held_back=checked.rows_held_back,
        skipped=skipped,
        snapshots_skipped=sum(found.accounts.skipped.values()) + private_counts,
        files_skipped_no_consent=int(files["no_consent"].sum()),
        superseded=found.posts.superseded + found.accounts.superseded,
        people_scored=len(roster.people),
        campaigns=[c.id for c in found_landing.campaigns],
        expectations=record.expectations,
        data_docs=record.docs_index,
    )
    return Summary(counts, quarantined, ledger)


@task(name="write-report", cache_policy=NO_CACHE)
def write_report(url: str, folder: str) -> dict:
    """Rebuild the HTML report from the warehouse's latest day, with a link artifact to
    its index page. The scores are published already: a report that cannot be built is
    a warning and a line of the run summary, never a failed night."""
    logger = get_run_logger()
    try:
        written = report.write_report(make_engine(url), Path(folder))
        create_link_artifact(
            written[0].as_uri(),
            link_text="virage report",
            key="virage-report",
            description=f"Leaderboards, trends and quarantine: {len(written) - 1} page(s) "
            "besides the index (open on the worker's machine)",
        )
    except Exception as exc:
        logger.warning("report not built: %s: %s", type(exc).__name__, exc, exc_info=True)
        return {"report_error": f"{type(exc).__name__}: {exc}"}
    logger.info("report: %s (%d page(s))", written[0], len(written))
    return {"report": str(written[0])}


# --- re-scoring a stored day (flows/rescore.py) -------------------------------------


@task(name="score-stored", cache_policy=NO_CACHE)
def score_stored(
    stored: tuple[pd.DataFrame, pd.DataFrame],
    roster: landing.Roster,
    campaigns: list[landing.Campaign],
    as_of: dt.date,
) -> pd.DataFrame:
    """Scores from the warehouse's posts and follower counts alone: those of people
    scored today under the handles the roster gives them today."""
    none_tonight = People(
        people.Attributed(_empty(POSTS.dtypes)), people.Attributed(_empty(ACCOUNTS.dtypes))
    )
    seen = merge_stored.fn(none_tonight, stored, roster, as_of)
    return score.fn(seen, roster, campaigns, as_of)


def _empty(dtypes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})


@task(name="audit-scores", cache_policy=NO_CACHE)
def audit_scores(scores: pd.DataFrame, docs_dir: str | None, run_id: str) -> gx_record.Record:
    """The scores suite of the nightly run over re-computed scores: scores that break
    it stop the run with the published tables intact."""
    record = _scores_record(scores)
    if docs_dir:
        docs_index = gx_record.build_docs(record, Path(docs_dir), run_id)
        record = dataclasses.replace(record, docs_index=docs_index)
    get_run_logger().info(
        "%d expectation(s) checked on the scores; Data Docs: %s",
        len(record.expectations),
        record.docs_index,
    )
    gx_record.reject_broken_scores(record)
    return record


def _scores_record(scores: pd.DataFrame) -> gx_record.Record:
    """The scores suite's record (see gx_record.reject_broken_scores)."""
    batch = gx_record.SuiteBatch(
        "scores",
        scores,
        gx_record.SUITES["scores"](list(scores.columns)),
        None,
        "influence_scores",
    )
    return gx_record.check([batch])


@task(name="publish-scores", cache_policy=NO_CACHE, **_IO)
def publish_scores(
    url: str,
    run_id: str,
    as_of: dt.date,
    scores: pd.DataFrame,
    campaign_ids: list[str],
    summary: dict,
    validation: pd.DataFrame | None = None,
) -> dict:
    written = publish.publish_scores(
        make_engine(url), run_id, as_of, scores, campaign_ids, summary, validation
    )
    get_run_logger().info("published %s", written)
    return written


# --- what a night tells: artifacts and alerts --------------------------------------


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts(url: str, summary_: dict, scores: pd.DataFrame) -> None:
    """The run's Prefect artifacts: the summary with the top movers since the last
    published day, the top 10 of each campaign and role, and a link to Data Docs."""
    as_of = dt.date.fromisoformat(summary_["as_of"])
    previous = summary.previous_scores(make_engine(url), as_of)
    before = previous["as_of_date"].iloc[0] if not previous.empty else None
    create_markdown_artifact(
        summary.summary_markdown(summary_)
        + summary.movers_markdown(summary.top_movers(scores, previous), before),
        key="nightly-summary",
        description="What the nightly run read, quarantined and published, and who moved",
    )
    create_table_artifact(
        summary.top_table(scores),
        key="nightly-top-10",
        description=f"Top 10 per campaign and role, as of {as_of}",
    )
    if summary_.get("data_docs"):
        create_link_artifact(
            Path(summary_["data_docs"]).as_uri(),
            link_text="Great Expectations Data Docs",
            key="nightly-data-docs",
            description="What Great Expectations checked tonight (open on the worker's machine)",
        )


@task(name="alert-on-quarantine", cache_policy=NO_CACHE)
def alert_on_quarantine(summary_: dict) -> bool:
    """POST an alert when the night's quarantine share is above the threshold; True
    when one was delivered. Never fails the run."""
    threshold = alerts.quarantine_threshold()
    share = alerts.quarantine_share(summary_)
    logger = get_run_logger()
    found = alerts.quarantine_alert(summary_, threshold, alerts.flow_run_link(summary_["run_id"]))
    if found is None:
        logger.info("quarantine share %.1f%% within %.1f%%: no alert", 100 * share, 100 * threshold)
        return False
    logger.warning(found.title)
    return alerts.send_alert(found)
