"""deployments/prefect.yaml: what it deploys, checked without a server.

The end-to-end deploy on a real server is tests/test_operations_e2e.py; here the file
itself: each entrypoint imports and names the flow it claims, the schedule is the
nightly cron, every parameter given validates against its flow's signature, and
nothing in it is a path of the machine that wrote it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.deployments.steps.core import _get_function_for_step
from prefect.exceptions import ParameterTypeError
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools import validate

from virage.flows import parameters
from virage.flows.nightly import nightly_scores

DEPLOY_FILE = Path(__file__).resolve().parents[1] / "deployments" / "prefect.yaml"
EXPECTED = {
    ("nightly-scores", "nightly"),
    ("nightly-scores", "ad-hoc"),
    ("rescore", "ad-hoc"),
    ("backfill", "ad-hoc"),
}


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(DEPLOY_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def deployments(config) -> dict[tuple[str, str], dict]:
    found = {}
    for d in config["deployments"]:
        flow = load_flow_from_entrypoint(d["entrypoint"], use_placeholder_flow=False)
        found[(flow.name, d["name"])] = {**d, "flow": flow}
    return found


def test_the_file_deploys_the_four_deployments_to_the_virage_pool(deployments):
    assert set(deployments) == EXPECTED
    for d in deployments.values():
        assert d["work_pool"]["name"] == "virage"
        assert d["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
        # Module paths: the code is the installed package, never a deploying checkout.
        assert ".py" not in d["entrypoint"] and "/" not in d["entrypoint"]
        assert d["description"]


def test_only_the_nightly_deployment_is_scheduled(deployments, config):
    timezone = config["definitions"]["timezone"]
    ZoneInfo(timezone)  # a real IANA name
    assert timezone == parameters.DEFAULT_TIMEZONE
    [schedule] = deployments[("nightly-scores", "nightly")]["schedules"]
    assert schedule == {"cron": "0 2 * * *", "timezone": timezone, "active": True}
    assert deployments[("nightly-scores", "nightly")]["parameters"]["timezone"] == timezone
    for key in EXPECTED - {("nightly-scores", "nightly")}:
        assert deployments[key]["schedules"] == []


def test_every_parameter_given_validates_against_its_flow(deployments):
    for key, d in deployments.items():
        given = d.get("parameters") or {}
        schema = parameter_schema(d["flow"]).model_dump_for_openapi()
        # The server's check (the schema) and the run's check (the signature).
        validate(given, schema, raise_on_error=True, ignore_required=True)
        signature = inspect.signature(d["flow"].fn).parameters.values()
        if all(p.default is not p.empty for p in signature):
            d["flow"].validate_parameters(given)
        for name, prop in schema["properties"].items():
            assert prop.get("description"), f"{key}: parameter {name} has no description"


def test_the_pull_step_is_explicit_and_machine_independent(config):
    assert config["build"] is None and config["push"] is None
    [step] = config["pull"]
    [(name, inputs)] = step.items()
    assert _get_function_for_step(name) is parameters.enter_home
    assert inputs == {}
    # Nothing of the deploying machine's file system is written in the file.
    text = DEPLOY_FILE.read_text(encoding="utf-8")
    assert str(Path.home()) not in text and os.getcwd() not in text


def test_the_working_directory_comes_from_virage_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(parameters.HOME_VARIABLE, str(tmp_path / "ops"))
    assert parameters.enter_home() == {"directory": str(tmp_path / "ops")}
    assert Path.cwd() == tmp_path / "ops"
    monkeypatch.delenv(parameters.HOME_VARIABLE)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert parameters.enter_home()["directory"] == str(tmp_path / "user" / "virage")
    assert Path.cwd() == tmp_path / "user" / "virage"


def test_yesterday_is_counted_in_the_runs_timezone(monkeypatch):
    monkeypatch.delenv(parameters.TIMEZONE_VARIABLE, raising=False)
    late_evening_utc = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris
    assert parameters.yesterday(None, late_evening_utc) == dt.date(2026, 11, 20)
    assert parameters.yesterday("UTC", late_evening_utc) == dt.date(2026, 11, 19)
    monkeypatch.setenv(parameters.TIMEZONE_VARIABLE, "America/New_York")
    assert parameters.yesterday(None, late_evening_utc) == dt.date(2026, 11, 19)
    with pytest.raises(ValueError, match="not an IANA timezone"):
        parameters.yesterday("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    "bad",
    [
        {"timezone": "Mars/Olympus_Mons"},
        {"max_bad_row_share": 2},
        {"as_of": "20 November"},
    ],
)
def test_bad_nightly_parameters_fail_before_any_work(bad):
    with pytest.raises(ParameterTypeError):
        nightly_scores.validate_parameters(bad)
