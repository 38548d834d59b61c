"""Two `virage run` processes started at the same moment against one warehouse, on
SQLite and PostgreSQL: one publishes, the other stops with one clear line (exit 3) or,
told to --wait, runs after it; never do their rows interleave.

(tests/test_warehouse_safety.py holds the lock from the test itself; here both
writers are real runs racing from the start, processes forked from one that has done
`virage run`'s imports: tests/forked.py.)"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.reliability.common import AS_OF, copy_examples, read_table

pytestmark = pytest.mark.flow


def start_two(
    landing: Path, warehouse: str, prefect_api_url: str, forked_virage, *extra: str
) -> list:
    """Start two runs of the same night at once; their (exit code, stdout, stderr)."""
    args = ["run", "--landing", str(landing), "--warehouse", warehouse, "--as-of", AS_OF]
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url}
    runs = [
        forked_virage([*args, *extra], env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        outcomes.append((run.returncode, out, err))
    return outcomes


def assert_not_interleaved(warehouse: str, completed: int) -> pd.DataFrame:
    """pipeline_runs holds `completed` runs one after the other, and the day's scores
    come from one run, whole."""
    runs = read_table(warehouse, "pipeline_runs").sort_values("started_at")
    assert runs["status"].tolist() == ["completed"] * completed
    started = pd.to_datetime(runs["started_at"], utc=True, format="ISO8601")
    finished = pd.to_datetime(runs["finished_at"], utc=True, format="ISO8601")
    assert (started.iloc[1:].to_numpy() >= finished.iloc[:-1].to_numpy()).all()
    scores = read_table(warehouse, "influence_scores")
    (run_id,) = set(scores["run_id"])
    assert run_id == runs["run_id"].iloc[-1]
    assert not scores.duplicated(["as_of_date", "campaign_id", "person_id"]).any()
    assert read_table(warehouse, "staged_influence_scores").empty
    return scores


def test_two_runs_at_once_one_publishes_the_other_stops_clearly(
    prefect_api_url, warehouse, tmp_path, forked_virage
):
    landing = copy_examples(tmp_path)
    outcomes = start_two(landing, warehouse, prefect_api_url, forked_virage)

    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 3], [err[-2000:] for _, _, err in outcomes]
    (winner,) = [out for code, out, _ in outcomes if code == 0]
    (told,) = [err for code, _, err in outcomes if code == 3]
    assert "completed" in winner
    assert "Traceback" not in told
    (line,) = told.strip().splitlines()
    assert line.startswith("virage: error: warehouse ") and "another virage run" in line
    assert "--wait" in line
    assert_not_interleaved(warehouse, completed=1)


@pytest.mark.parametrize(
    "dialect",
    ["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.soak])],
)
def test_two_runs_at_once_told_to_wait_run_one_after_the_other(
    prefect_api_url, dialect, tmp_path, request, forked_virage
):
    """Two whole nights one after the other: PostgreSQL's run in `make soak` only (the
    waiting itself is the same lock as above, and tests/test_warehouse_safety.py)."""
    warehouse = (
        f"sqlite:///{tmp_path / 'warehouse.db'}"
        if dialect == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    landing = copy_examples(tmp_path)
    outcomes = start_two(landing, warehouse, prefect_api_url, forked_virage, "--wait", "300")

    assert [code for code, _, _ in outcomes] == [0, 0], [err[-2000:] for *_, err in outcomes]
    assert sum("waiting up to 300 s" in err for *_, err in outcomes) >= 1
    scores = assert_not_interleaved(warehouse, completed=2)
    assert len(scores) == 135  # 45 people x 3 campaigns, once
