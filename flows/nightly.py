"""The nightly flow: discover, parse, validate, attribute, score, publish."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from prefect import flow
from prefect.runtime import flow_run
from pydantic import Field

from virage.flows.parameters import Timezone, yesterday
from virage.memory import startup_objects_frozen
from virage.stopwatch import Stopwatch
from virage.tasks import steps
from virage.tasks.alerts import alert_on_failure
from virage.tasks.landing import docs_folder, landing_dir, raw_zone, report_folder
from virage.tasks.publish import Night
from virage.tasks.validate import DEFAULT_MAX_BAD_ROW_SHARE
from virage.warehouse import redact, resolve_url


@flow(
    name="nightly-scores",
    log_prints=False,
    on_failure=[alert_on_failure],
    on_crashed=[alert_on_failure],
)
def nightly_scores(
    landing: str | None = None,
    warehouse_url: str | None = None,
    as_of: dt.date | None = None,
    raw_dir: str | None = None,
    reingest: bool = False,
    max_bad_row_share: Annotated[float, Field(ge=0, le=1)] = DEFAULT_MAX_BAD_ROW_SHARE,
    docs_dir: str | None = None,
    report_dir: str | None = None,
    wait_for_lock_seconds: float = 0,
    timezone: Timezone | None = None,
) -> dict:
    """Score every consenting person for every campaign on `as_of` (default:
    yesterday) from the landing folder, and publish to the warehouse. Files are
    archived in the raw zone (default <landing>/raw) and read once; `reingest` reads
    every file again. A file whose share of bad rows exceeds `max_bad_row_share` is
    quarantined whole. Great Expectations Data Docs go to `docs_dir` (default
    <landing>/data-docs); scores that break their suite are not published. One run
    writes to a warehouse at a time: another waits `wait_for_lock_seconds`, then
    stops with a clear message.

    Args:
        landing: Landing folder (roster.csv, campaigns.yaml, exports/); default
            $VIRAGE_LANDING, else ./landing. Relative paths start from the run's
            working directory.
        warehouse_url: SQLAlchemy URL of the warehouse, e.g. sqlite:///warehouse.db or
            postgresql://user@host/db; default $VIRAGE_WAREHOUSE_URL, else
            sqlite:///warehouse.db.
        as_of: Day to score (YYYY-MM-DD); empty means yesterday in `timezone`, counted
            from the run's scheduled start.
        raw_dir: Raw zone, where every file read is archived by SHA-256; default
            $VIRAGE_RAW_DIR, else <landing>/raw.
        reingest: Read every file again, even those already ingested.
        max_bad_row_share: Share of bad rows (0 to 1) above which a whole file is
            quarantined.
        docs_dir: Folder of the Great Expectations Data Docs; default
            $VIRAGE_DOCS_DIR, else <landing>/data-docs.
        report_dir: Folder of the HTML report rebuilt after publishing (leaderboards,
            trends, quarantine); default $VIRAGE_REPORT_DIR, else <landing>/report.
        wait_for_lock_seconds: Seconds to wait for another run writing to the same
            warehouse before giving up.
        timezone: IANA timezone that decides which day is yesterday; default
            $VIRAGE_TIMEZONE, else Europe/Paris.
    """
    with startup_objects_frozen():  # the night's collections skip what imports made
        clock = Stopwatch()
        as_of = as_of or yesterday(timezone, flow_run.scheduled_start_time)
        url = resolve_url(warehouse_url)
        run_id = str(flow_run.id or uuid.uuid4())
        found = steps.check_landing(landing_dir(landing))
        raw = raw_zone(found.root, raw_dir)
        docs = docs_folder(found.root, docs_dir)
        report = report_folder(found.root, report_dir)
        lock = steps.open_run(url, run_id, as_of, wait_for_lock_seconds)
        try:
            reading = steps.start_reading_stored(url, as_of)  # goes on as the files are read
            fetched = steps.fetch_sources(found)
            files = steps.discover(found)
            archived = steps.archive_raw(files, raw)
            selected = steps.select_new_files(url, archived, found.roster, reingest, raw)
            clock.lap("discover")
            parsed, checked = steps.parse_and_check(selected.files, as_of, max_bad_row_share)
            clock.lap("parse")
            rows_record = steps.record_rows(checked, found)
            clock.lap("validate")
            people = steps.attribute(checked, found.roster)
            # A copy of every post the night no longer needs: it goes as soon as it can.
            checked = checked.without_rows("clean")  # recorded and attributed
            stored = steps.read_stored(reading)
            seen = steps.merge_stored(people, stored, found.roster, as_of)
            scores = steps.score(seen, found.roster, found.campaigns, as_of)
            event_days = steps.summarise_events(seen, found.roster, found.campaigns, as_of)
            del stored, seen
            clock.lap("score")
            record = steps.record_scores(rows_record, scores, docs, run_id)
            docs_built = steps.build_data_docs.submit(record, docs, run_id)  # while publishing
            told = steps.summarise(files, selected, parsed, checked, people, found, fetched, record)
            clock.lap("validate")
            told.counts["stage_seconds"] = clock.rounded()
            night = Night(
                people.posts.frame,
                people.accounts.frame,
                scores,
                told.quarantined,
                told.ledger,
                record.results,
                event_summary=event_days,
            )
            written = steps.publish_night(url, run_id, as_of, night, found, told.counts)
            clock.lap("publish", within={"load": written.pop("load_seconds")})
        except BaseException as exc:  # interrupted or cancelled runs are recorded too
            steps.record_failure(url, run_id, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            lock.close()
        summary = {
            "run_id": run_id,
            "as_of": as_of.isoformat(),
            "landing": str(found.root),
            "warehouse": redact(url),
            "raw_zone": raw,
            **told.counts,
            **written,
        }
        summary.update(steps.write_report(url, report))  # never fails the night
        summary["data_docs"] = docs_built.result()
        steps.publish_artifacts(url, summary, scores)
        steps.alert_on_quarantine(summary)
        clock.lap("report")
        summary["stage_seconds"] = clock.rounded()
        return summary
