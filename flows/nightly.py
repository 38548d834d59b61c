"""The nightly flow: discover, parse, validate, attribute, score, publish."""

from __future__ import annotations

import datetime as dt
import uuid

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from virage.tasks import steps
from virage.tasks.landing import docs_folder, landing_dir, raw_zone
from virage.tasks.publish import Night
from virage.tasks.summary import summary_markdown
from virage.tasks.validate import DEFAULT_MAX_BAD_ROW_SHARE
from virage.warehouse import redact, resolve_url


def yesterday() -> dt.date:
    return dt.date.today() - dt.timedelta(days=1)


@flow(name="nightly-scores", log_prints=False)
def nightly_scores(
    landing: str | None = None,
    warehouse_url: str | None = None,
    as_of: dt.date | None = None,
    raw_dir: str | None = None,
    reingest: bool = False,
    max_bad_row_share: float = DEFAULT_MAX_BAD_ROW_SHARE,
    docs_dir: str | None = None,
) -> dict:
    """Score every consenting person for every campaign on `as_of` (default:
    yesterday) from the landing folder, and publish to the warehouse. Files are
    archived in the raw zone (default <landing>/raw) and read once; `reingest` reads
    every file again. A file whose share of bad rows exceeds `max_bad_row_share` is
    quarantined whole. Great Expectations Data Docs go to `docs_dir` (default
    <landing>/data-docs); scores that break their suite are not published."""
    as_of = as_of or yesterday()
    url = resolve_url(warehouse_url)
    run_id = str(flow_run.id or uuid.uuid4())
    found = steps.check_landing(landing_dir(landing))
    raw = raw_zone(found.root, raw_dir)
    docs = docs_folder(found.root, docs_dir)
    steps.prepare_warehouse(url)
    steps.start_run(url, run_id, as_of)
    try:
        fetched = steps.fetch_sources(found)
        files = steps.discover(found)
        archived = steps.archive_raw(files, raw)
        selected = steps.select_new_files(url, archived, found.roster, reingest, raw)
        parsed = steps.parse(selected.files)
        checked = steps.check_rows(parsed, as_of, max_bad_row_share)
        people = steps.attribute(checked, found.roster)
        stored = steps.read_stored(url, as_of)
        scores = steps.score(people, stored, found.roster, found.campaigns, as_of)
        record = steps.record_checks(checked, found, scores, docs, run_id)
        told = steps.summarise(files, selected, parsed, checked, people, found, fetched, record)
        night = Night(
            people.posts.frame,
            people.accounts.frame,
            scores,
            told.quarantined,
            told.ledger,
            record.results,
        )
        written = steps.publish_night(url, run_id, as_of, night, found.roster, told.counts)
    except BaseException as exc:  # interrupted or cancelled runs are recorded too
        steps.record_failure(url, run_id, f"{type(exc).__name__}: {exc}")
        raise
    summary = {
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "landing": str(found.root),
        "warehouse": redact(url),
        "raw_zone": raw,
        **told.counts,
        **written,
    }
    create_markdown_artifact(
        summary_markdown(summary),
        key="nightly-summary",
        description="What the nightly run read, quarantined and published",
    )
    return summary
