"""Re-scoring a stored day: the rescore flow and `virage rescore`."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest
from sqlalchemy import text

from tests.test_cli import assert_one_clear_line, virage, virage_here
from tests.worlds import AS_OF, PERSONAS
from virage.errors import ConfigError
from virage.flows.nightly import nightly_scores
from virage.flows.rescore import choose_campaigns, read_weights, rescore_day
from virage.tasks.landing import load_landing
from virage.warehouse import make_engine, open_warehouse

CONSENTING = {p["person_id"] for p in PERSONAS if p["consent"]}
FAVOUR_RELEVANCE = {"relevance": 1.0, "reach": 0.05}


def query(url: str, sql: str) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(text(sql)).mappings().all())


def scores_of(url: str, campaign: str, day: dt.date = AS_OF) -> pd.DataFrame:
    return query(
        url,
        f"SELECT * FROM influence_scores WHERE campaign_id = '{campaign}' "
        f"AND as_of_date = '{day.isoformat()}' ORDER BY person_id",
    )


def stored_inputs(url: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (
        query(url, "SELECT * FROM posts ORDER BY platform, post_id"),
        query(url, "SELECT * FROM accounts ORDER BY platform, handle, snapshot_date"),
        query(url, "SELECT * FROM ingested_files ORDER BY sha256, source_path"),
    )


@pytest.mark.flow
def test_rescoring_one_campaign_replaces_only_its_rows(prefect_api_url, warehouse, world):
    night = nightly_scores(landing=str(world), warehouse_url=warehouse, as_of=AS_OF)
    velo_before = scores_of(warehouse, "velo").set_index("person_id")
    cuisine_before = scores_of(warehouse, "cuisine")
    inputs_before = stored_inputs(warehouse)
    # No export can be read: the scores must come from the warehouse.
    shutil.rmtree(world / "exports")

    summary = rescore_day(
        AS_OF, landing=str(world), warehouse_url=warehouse, campaign="velo",
        weights=FAVOUR_RELEVANCE,
    )  # fmt: skip

    velo = scores_of(warehouse, "velo").set_index("person_id")
    assert set(velo.index) == CONSENTING
    assert set(velo["run_id"]) == {summary["run_id"]}
    assert (velo["posts_considered"] > 0).any()
    # Off-topic reach no longer carries the mega account; the on-topic micro gains on it.
    assert velo.loc["mega", "score"] == 0.0 < velo_before.loc["mega", "score"]
    gap_before = velo_before.loc["micro", "score"] - velo_before.loc["mega", "score"]
    assert velo.loc["micro", "score"] - velo.loc["mega", "score"] > gap_before
    assert velo.loc["micro", "rank"] == 1
    for _, group in velo.groupby("role"):  # ranks follow the new scores
        ordered = group.sort_values("rank")
        assert ordered["score"].is_monotonic_decreasing
        assert ordered["rank"].tolist() == list(range(1, len(group) + 1))
    # Profile components do not depend on the weights.
    for column in ("reach", "resonance", "relevance", "activity", "posts_considered"):
        pd.testing.assert_series_equal(velo[column], velo_before[column])

    pd.testing.assert_frame_equal(scores_of(warehouse, "cuisine"), cuisine_before)
    for before, after in zip(inputs_before, stored_inputs(warehouse), strict=True):
        pd.testing.assert_frame_equal(before, after)

    runs = query(warehouse, "SELECT * FROM pipeline_runs ORDER BY started_at")
    assert runs["run_id"].tolist() == [night["run_id"], summary["run_id"]]
    rescore = runs.iloc[1]
    assert rescore["status"] == "completed"
    assert rescore["files_seen"] == rescore["files_loaded"] == rescore["rows_loaded"] == 0
    recorded = json.loads(rescore["summary"])
    assert recorded["kind"] == "rescore"
    assert recorded["campaigns"] == ["velo"]
    assert recorded["weights"] == FAVOUR_RELEVANCE
    assert recorded["scores_published"] == recorded["scores_replaced"] == len(CONSENTING)
    # No file was read: the next night's reading decision still rests on the last one.
    night_summary = json.loads(runs.iloc[0]["summary"])
    assert recorded["scored_accounts_digest"] == night_summary["scored_accounts_digest"]
    audited = query(
        warehouse,
        f"SELECT suite, success FROM validation_results WHERE run_id = '{rescore.run_id}'",
    )
    assert audited.to_dict("records") == [{"suite": "scores", "success": True}]


@pytest.mark.flow
def test_rescoring_without_weights_reproduces_the_night(prefect_api_url, tmp_path, world):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    before = query(url, "SELECT * FROM influence_scores ORDER BY campaign_id, person_id")
    summary = rescore_day(AS_OF, landing=str(world), warehouse_url=url)
    after = query(url, "SELECT * FROM influence_scores ORDER BY campaign_id, person_id")
    assert summary["campaigns"] == ["velo", "cuisine"]
    assert summary["scores_replaced"] == summary["scores_published"] == len(before)
    pd.testing.assert_frame_equal(before.drop(columns="run_id"), after.drop(columns="run_id"))
    assert set(after["run_id"]) == {summary["run_id"]}


@pytest.mark.flow
def test_rescoring_a_day_without_scores_writes_them(prefect_api_url, warehouse, world):
    nightly_scores(landing=str(world), warehouse_url=warehouse, as_of=AS_OF)
    night = query(warehouse, "SELECT * FROM influence_scores ORDER BY campaign_id, person_id")
    earlier = AS_OF - dt.timedelta(days=7)

    summary = rescore_day(earlier, landing=str(world), warehouse_url=warehouse)

    assert summary["scores_replaced"] == 0
    assert summary["scores_published"] == 2 * len(CONSENTING)
    for campaign in ("velo", "cuisine"):
        written = scores_of(warehouse, campaign, earlier)
        assert set(written["person_id"]) == CONSENTING
        assert written["score"].between(0, 100).all()
    after = query(
        warehouse,
        f"SELECT * FROM influence_scores WHERE as_of_date = '{AS_OF.isoformat()}' "
        "ORDER BY campaign_id, person_id",
    )
    pd.testing.assert_frame_equal(after, night)


@pytest.mark.flow
def test_a_failed_rescore_is_recorded_and_publishes_nothing(
    prefect_api_url, tmp_path, world, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    before = query(url, "SELECT * FROM influence_scores ORDER BY campaign_id, person_id")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("virage.tasks.publish.publish_scores", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        rescore_day(AS_OF, landing=str(world), warehouse_url=url, campaign="velo")
    pd.testing.assert_frame_equal(
        query(url, "SELECT * FROM influence_scores ORDER BY campaign_id, person_id"), before
    )
    failed = query(url, "SELECT status, summary FROM pipeline_runs WHERE status = 'failed'")
    assert len(failed) == 1
    assert json.loads(failed["summary"].iloc[0])["error"].startswith("rescore of velo")


def test_weights_are_checked_before_anything_runs(world, tmp_path):
    campaigns = load_landing(world).campaigns
    assert [c.id for c in choose_campaigns(campaigns, None, None)] == ["velo", "cuisine"]
    (chosen,) = choose_campaigns(campaigns, "cuisine", {"relevance": 1.0})
    assert chosen.weights == {"relevance": 1.0}
    with pytest.raises(ConfigError, match=r"campaign 'nope' is not in campaigns\.yaml"):
        choose_campaigns(campaigns, "nope", None)
    with pytest.raises(ConfigError, match=r"unknown component\(s\) fame"):
        choose_campaigns(campaigns, None, {"fame": 1.0})
    with pytest.raises(ConfigError, match="between 0 and 1"):
        choose_campaigns(campaigns, None, {"relevance": 2.0})
    as_json = tmp_path / "w.json"
    as_json.write_text('{"relevance": 1, "reach": 0.1}')
    assert read_weights(as_json) == {"relevance": 1.0, "reach": 0.1}
    as_json.write_text('{"relevance": "high"}')
    with pytest.raises(ConfigError, match="is not a number"):
        read_weights(as_json)
    with pytest.raises(ConfigError, match="cannot be read"):
        read_weights(tmp_path / "missing.yaml")


def test_cli_unknown_campaign(world, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    open_warehouse(url)
    result = virage(
        "rescore", "--as-of", AS_OF.isoformat(), "--campaign", "nope",
        "--landing", str(world), "--warehouse", url,
    )  # fmt: skip
    assert_one_clear_line(result, "campaign 'nope' is not in campaigns.yaml")


def test_cli_weights_with_an_unknown_component(world, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    open_warehouse(url)
    weights = tmp_path / "weights.yaml"
    weights.write_text("relevance: 0.9\nfame: 0.5\n")
    result = virage(
        "rescore", "--as-of", AS_OF.isoformat(), "--weights", str(weights),
        "--landing", str(world), "--warehouse", url,
    )  # fmt: skip
    assert_one_clear_line(result, "unknown component(s) fame")


def test_cli_needs_an_existing_warehouse(world, tmp_path):
    missing = tmp_path / "typo.db"
    result = virage(
        "rescore", "--as-of", AS_OF.isoformat(), "--landing", str(world),
        "--warehouse", f"sqlite:///{missing}",
    )  # fmt: skip
    assert_one_clear_line(result, "does not exist")
    assert not missing.exists()


@pytest.mark.flow
def test_cli_rescore(prefect_api_url, world, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    run = virage_here(
        "run", "--landing", str(world), "--warehouse", url, "--as-of", AS_OF.isoformat()
    )
    assert run.returncode == 0, run.stderr
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps(FAVOUR_RELEVANCE))
    result = virage_here(
        "rescore", "--as-of", AS_OF.isoformat(), "--campaign", "velo", "--weights", str(weights),
        "--landing", str(world), "--warehouse", url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "campaigns: velo (weights: relevance=1, reach=0.05)" in result.stdout
    assert f"written: {len(CONSENTING)} scores" in result.stdout
