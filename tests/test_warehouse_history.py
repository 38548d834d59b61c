"""History BI users can trust: a day re-run gives the same tables, two days give two
snapshots and a trend, and SQLite and PostgreSQL hold the same scores."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from tests.worlds import AS_OF
from virage.flows.nightly import nightly_scores
from virage.warehouse import make_engine

pytestmark = pytest.mark.flow

WEEK_BEFORE = AS_OF - dt.timedelta(days=7)
# What a run stamps on the rows it writes: who wrote them and when, not what they say.
RUN_STAMPS = {"run_id", "first_seen_run_id", "first_seen_at"}
DESCRIBED = ["people", "campaigns", "posts", "accounts", "ingested_files", "influence_scores"]


def described(url: str) -> dict[str, pd.DataFrame]:
    """The tables that describe the world (not the run log), without run stamps, in a
    stable order, with the dialects' types made comparable."""
    with make_engine(url).connect() as conn:
        frames = {t: pd.read_sql(text(f"SELECT * FROM {t}"), conn) for t in DESCRIBED}
    out = {}
    for name, frame in frames.items():
        frame = frame.drop(columns=[c for c in frame.columns if c in RUN_STAMPS])
        for column in frame.columns:
            if frame[column].dtype.kind == "f":
                frame[column] = frame[column].round(9)
            elif frame[column].dtype.kind == "b":  # SQLite hands booleans back as 0/1
                frame[column] = frame[column].astype(int)
        frame = frame.astype(str).replace({"None": "nan", "NaT": "nan", "<NA>": "nan"})
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def test_days_build_history_reruns_change_nothing_and_dialects_agree(
    prefect_api_url, postgres_url, world, tmp_path
):
    sqlite_url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    for url in (sqlite_url, postgres_url):
        for day in (WEEK_BEFORE, AS_OF):
            nightly_scores(landing=str(world), warehouse_url=url, as_of=day)
    first = described(sqlite_url)

    nightly_scores(landing=str(world), warehouse_url=sqlite_url, as_of=AS_OF)
    again = described(sqlite_url)
    for name in DESCRIBED:
        pd.testing.assert_frame_equal(again[name], first[name], obj=name)
    with make_engine(sqlite_url).connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM pipeline_runs")).scalar() == 3

    on_postgresql = described(postgres_url)
    scores = first["influence_scores"]
    pd.testing.assert_frame_equal(on_postgresql["influence_scores"], scores)
    pd.testing.assert_frame_equal(on_postgresql["people"], first["people"])
    pd.testing.assert_frame_equal(on_postgresql["campaigns"], first["campaigns"])

    for url in (sqlite_url, postgres_url):
        with make_engine(url).connect() as conn:
            days = conn.execute(
                text("SELECT as_of_date, COUNT(*) FROM influence_scores GROUP BY as_of_date")
            ).all()
            assert len(days) == 2 and days[0][1] == days[1][1]
            trend = pd.read_sql(
                text(
                    "SELECT t.score, t.score_change_7d, s.score AS week_before "
                    "FROM influence_score_trend t JOIN influence_scores s "
                    "ON s.person_id = t.person_id AND s.campaign_id = t.campaign_id "
                    "AND s.as_of_date = :week_before WHERE t.as_of_date = :day"
                ),
                conn,
                params={"day": AS_OF, "week_before": WEEK_BEFORE},
            )
        assert len(trend) == days[0][1]
        expected = (trend["score"] - trend["week_before"]).round(6)
        assert trend["score_change_7d"].round(6).tolist() == expected.tolist()
