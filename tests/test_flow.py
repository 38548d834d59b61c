"""The nightly-scores flow end to end, through the session's Prefect test server."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time

import pandas as pd
import pytest
from sqlalchemy import text

from tests.conftest import SHARED_SAMPLES, skip_or_fail
from tests.worlds import AS_OF, PERSONAS
from virage.flows.nightly import nightly_scores
from virage.stopwatch import STAGES
from virage.warehouse import make_engine

pytestmark = pytest.mark.flow


def query(url: str, sql: str) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(text(sql)).mappings().all())


def test_nightly_flow_scores_every_consenting_person(prefect_api_url, warehouse, world):
    bad = world / "exports" / "agency" / "report.posts.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,"
        "shares,clicks\ninstagram,@micro,z1,2026-11-19T10:00:00Z,ok,,,-5,0,0,\n"
        "x,@stranger,z2,2026-11-19T10:00:00Z,hello,,,1,0,0,\n"
        "linkedin,@emp_no,z3,2026-11-19T10:00:00Z,my private words,,,-1,0,0,\n"
        # Two bad rows of five: below the share that holds a whole file back.
        "x,@stranger,z4,2026-11-19T11:00:00Z,hello,,,1,0,0,\n"
        "x,@stranger,z5,2026-11-19T12:00:00Z,hello,,,1,0,0,\n",
        encoding="utf-8",
    )
    (world / "exports" / "agency" / "notes.txt").write_text("not an export")

    summary = nightly_scores(landing=str(world), warehouse_url=warehouse, as_of=AS_OF)

    assert summary["files_quarantined"] == 1
    # The bad row of the person without consent is counted as skipped, not quarantined.
    assert summary["rows_quarantined"] == 1
    assert summary["quarantined_by_rule"] == {"bad_count": 1, "unrecognised_file": 1}
    no_consent_posts = next(p["posts"] for p in PERSONAS if not p["consent"]) + 1
    assert summary["skipped_by_reason"] == {"no_consent": no_consent_posts, "unknown_handle": 3}
    # Each stage's seconds, for make bench: in the summary, and in the run's row up to
    # publishing (the report comes after).
    stages = summary["stage_seconds"]
    assert list(stages) == list(STAGES) and all(s >= 0 for s in stages.values())
    recorded = json.loads(query(warehouse, "SELECT summary FROM pipeline_runs")["summary"].iloc[0])[
        "stage_seconds"
    ]
    assert set(recorded) == set(STAGES) - {"report"}

    current = query(warehouse, "SELECT * FROM current_influence_scores")
    consenting = {p["person_id"] for p in PERSONAS if p["consent"]}
    for campaign, group in current.groupby("campaign_id"):
        assert set(group["person_id"]) == consenting, campaign
    assert current["score"].between(0, 100).all()
    assert str(current["as_of_date"].iloc[0]) == AS_OF.isoformat()
    assert set(current["run_id"]) == {summary["run_id"]}

    stored = query(warehouse, "SELECT DISTINCT person_id FROM posts")
    assert set(stored["person_id"]) == consenting
    runs = query(
        warehouse,
        "SELECT status, files_seen, rows_loaded, rows_quarantined, rows_skipped FROM pipeline_runs",
    )
    assert runs.to_dict("records") == [
        {
            "status": "completed",
            "files_seen": summary["files_seen"],
            "rows_loaded": summary["posts_written"],
            "rows_quarantined": 1,
            "rows_skipped": no_consent_posts + 3,
        }
    ]
    quarantine = query(
        warehouse,
        "SELECT source_file, row_number, rule, excerpt FROM quarantine "
        "ORDER BY source_file, row_number",
    )
    assert quarantine[["source_file", "rule"]].values.tolist() == [
        ["exports/agency/notes.txt", "unrecognised_file"],
        ["exports/agency/report.posts.csv", "bad_count"],
    ]
    # The consenting person's bad row keeps an excerpt; the other's words are not stored.
    assert quarantine["excerpt"].iloc[1].startswith("instagram,@micro,z1")
    assert "private" not in query(warehouse, "SELECT * FROM quarantine").to_csv()


def test_a_newer_export_updates_metrics_and_withdrawn_consent_purges(
    prefect_api_url, tmp_path, world
):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    # Named to sort first, so only its modification time can make it win.
    newer = world / "exports" / "aa-refresh.posts.csv"
    newer.write_text(
        "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,"
        "shares,clicks\ninstagram,@MICRO,micro-0,2026-11-20T20:00:00Z,"
        "refreshed,,,777,1,1,\n",
        encoding="utf-8",
    )
    os.utime(newer, (time.time() + 60, time.time() + 60))
    roster = world / "roster.csv"
    roster.write_text(
        roster.read_text().replace(
            "paid,Paid Promoter,influencer,true", "paid,Paid Promoter,influencer,false"
        )
    )
    # The next night: the earlier day's scores of "paid" must go too, not just today's.
    nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF + dt.timedelta(days=1))
    post = query(url, "SELECT likes, text, source_file FROM posts WHERE post_id = 'micro-0'")
    assert post.to_dict("records") == [
        {"likes": 777, "text": "refreshed", "source_file": "exports/aa-refresh.posts.csv"}
    ]
    days = query(url, "SELECT DISTINCT as_of_date FROM influence_scores")
    assert len(days) == 2
    people = set(query(url, "SELECT person_id FROM influence_scores")["person_id"])
    assert "paid" not in people
    assert "paid" not in set(query(url, "SELECT person_id FROM posts")["person_id"])


def test_native_exports_that_name_no_account_are_quarantined_not_fatal(
    prefect_api_url, tmp_path, world
):
    if not SHARED_SAMPLES.is_dir():
        skip_or_fail(f"real export samples not found at {SHARED_SAMPLES}")
    shutil.copytree(SHARED_SAMPLES, world / "exports" / "native")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    summary = nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    native = sorted(p for p in SHARED_SAMPLES.rglob("*") if p.is_file())
    # exports/native/<platform>/<file>: no handle folder, and these exports do not
    # name their account.
    assert summary["files_quarantined"] == len(native) > 0
    assert summary["quarantined_by_rule"]["unknown_owner"] == len(native)
    assert summary["people_scored"] == sum(p["consent"] for p in PERSONAS)


def test_a_landing_zone_with_no_exports_still_scores_everyone(prefect_api_url, tmp_path, world):
    shutil.rmtree(world / "exports")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    summary = nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    assert summary["files_seen"] == 0
    current = query(url, "SELECT * FROM current_influence_scores")
    assert len(current) == 2 * sum(p["consent"] for p in PERSONAS)
    assert (current["posts_considered"] == 0).all()
