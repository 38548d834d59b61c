"""People without consent leave no trace: a real night on SQLite and PostgreSQL, then
every table, the raw zone, the report, the Data Docs and the run's Prefect artifacts
and logs are searched for anything of theirs."""

from __future__ import annotations

import pandas as pd
import pytest
from prefect import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogWorker

from tests.reliability.people_world import (
    add_own_exports,
    add_shared_rows,
    every_table,
    marker,
    people_world,
    raw_copies,
    sha256,
    tables_naming,
    texts_under,
)
from tests.worlds import AS_OF, PERSONAS, build_frames
from virage.flows.nightly import nightly_scores
from virage.tasks.people import WITHHELD

pytestmark = pytest.mark.flow

NINA = next(p for p in PERSONAS if not p["consent"])
HANDLES = {"linkedin": NINA["person_id"].replace("-", "_"), "x": "nina_x", "tiktok": "nina_tok"}


def flow_run_records(run_id: str) -> str:
    """The run's Prefect artifacts and log lines, as one text."""
    APILogWorker.drain_all(timeout=10)  # the run's last lines reach the server
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    assert artifacts and logs
    return "\n".join([*(str(a.data) for a in artifacts), *(log.message for log in logs)]).lower()


def test_people_without_consent_leave_no_trace(prefect_api_url, warehouse, tmp_path):
    landing = people_world(tmp_path)
    own = add_own_exports(landing, NINA["person_id"], HANDLES)
    word = marker(NINA["person_id"])
    linkedin = HANDLES["linkedin"]
    good = [f"instagram,@micro,y{k},2026-11-19T1{k}:00:00Z,fine,,,4,0,0," for k in range(5)]
    theirs = [
        f"linkedin,@{linkedin.upper()},z2,2026-11-19T10:00:00Z,{word} good,,,3,0,0,",
        f"linkedin,{linkedin},z3,2026-11-19T11:00:00Z,{word} bad count,,,-1,0,0,",
        f"linkedin,@{linkedin},z4,yesterday,{word} bad time,,,1,0,0,",
    ]
    # A consenting person's bad row is recorded with its excerpt, as before.
    mine = "instagram,@micro,z1,2026-11-19T10:00:00Z,ok,,,-5,0,0,"
    add_shared_rows(landing, [mine, *good, *theirs])

    summary = nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)

    _, posts, accounts = build_frames()
    in_world = posts["handle"].str.lstrip("@").eq(linkedin).sum()
    assert summary["files_skipped_no_consent"] == len(own)
    assert summary["skipped_by_reason"]["no_consent"] == in_world + len(theirs)
    assert summary["snapshots_skipped"] == accounts["handle"].eq(linkedin).sum()
    assert summary["quarantined_by_rule"] == {"bad_count": 1}

    tables = every_table(warehouse)
    needles = [NINA["display_name"], word, *HANDLES.values()]
    assert tables_naming(tables, needles) == {}
    others = {name: frame for name, frame in tables.items() if name != "people"}
    assert tables_naming(others, [NINA["person_id"]]) == {}
    person = tables["people"].set_index("person_id").loc[NINA["person_id"]]
    assert person[["role", "consent"]].tolist() == [NINA["role"], False]
    assert pd.isna(person["display_name"]) and pd.isna(person["department"])
    (record,) = tables["quarantine"].itertuples()
    assert (record.source_file, record.row_number) == ("exports/agency/report.posts.csv", 1)
    assert record.excerpt.startswith("instagram,@micro,z1") and record.excerpt != WITHHELD

    # Their own exports were never copied; the shared file was, whole, as delivered.
    raw = landing / "raw"
    assert not {sha256(p) for p in own} & raw_copies(raw)
    assert set(tables["ingested_files"]["sha256"]) == raw_copies(raw)
    for folder in (landing / "report", landing / "data-docs"):
        found = texts_under(folder)
        assert found and not [n for n in needles if n.lower() in found], folder
    records = flow_run_records(summary["run_id"])
    assert not [n for n in [*needles, NINA["person_id"]] if n.lower() in records]
