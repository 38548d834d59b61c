"""Operations end to end: a real Prefect server, the deployments of
deployments/prefect.yaml, a process worker on pool `virage`, two ad hoc runs.

Everything runs as the operator would run it (the `prefect` CLI in subprocesses), on
a free local port with a private PREFECT_HOME, so it can run beside the rest of the
suite. The two runs are started together on one warehouse: the deployment's
concurrency limit (1, ENQUEUE) must make the second wait until the first is done.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.worlds import write_world

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))
AS_OF = "2026-11-20"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> Iterator[None]:
    """A long-running process in its own session, stopped (group and all) on exit."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield
        finally:
            for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                if proc.poll() is not None:
                    break
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(grace)
                except subprocess.TimeoutExpired:
                    continue


def prefect(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_for(check, what: str, timeout: float, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")


def test_deploy_run_ad_hoc_twice_on_one_warehouse(tmp_path: Path):
    home = tmp_path / "prefect-home"
    work = tmp_path / "virage-home"
    write_world(work / "landing")  # small: the test is about deploying, not scoring
    warehouse = work / "warehouse.db"
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "VIRAGE_")) or k == "PREFECT_SERVER_ANALYTICS_ENABLED"
    }
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        # An enqueued run is looked at again after this many seconds (default 30).
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "1",
    }
    worker_env = env | {
        "VIRAGE_HOME": str(work),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "0",
    }
    server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
    logs = [server_log, worker_log]

    server = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with process(server, env, server_log, tmp_path):

        def healthy() -> bool:
            try:
                return httpx.get(f"{api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, "the Prefect server", 90, logs)
        prefect(env, "work-pool", "create", "virage", "--type", "process")
        prefect(env, "--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml")
        deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
        assert {d["name"] for d in deployments} == {"nightly", "ad-hoc"}
        assert len(deployments) == 4

        worker = [PREFECT, "worker", "start", "--pool", "virage", "--type", "process"]
        with process(worker, worker_env, worker_log, tmp_path):
            params = [
                *("--param", "landing=landing"),  # relative: resolved in VIRAGE_HOME
                *("--param", f"warehouse_url=sqlite:///{warehouse}"),
                *("--param", f"as_of={AS_OF}"),
            ]
            ids = []
            for _ in range(2):
                out = prefect(env, "deployment", "run", "nightly-scores/ad-hoc", *params)
                ids.append(re.search(r"UUID: ([0-9a-f-]{36})", out).group(1))

            def finished() -> list[dict] | None:
                runs = [httpx.get(f"{api}/flow_runs/{i}", timeout=10).json() for i in ids]
                return runs if all(r["state_type"] in TERMINAL for r in runs) else None

            runs = wait_for(finished, "both flow runs", 240, logs)
            history = {
                i: [
                    state["name"]
                    for state in httpx.get(
                        f"{api}/flow_run_states/", params={"flow_run_id": i}, timeout=10
                    ).json()
                ]
                for i in ids
            }

    assert [r["state_type"] for r in runs] == ["COMPLETED", "COMPLETED"], runs
    first, second = sorted(runs, key=lambda r: r["start_time"])
    assert second["start_time"] >= first["end_time"], "the runs overlapped"
    # The second was held back by the deployment's limit, not merely picked up late.
    assert "AwaitingConcurrencySlot" in history[second["id"]], history
    with sqlite3.connect(warehouse) as db:
        scores = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM influence_scores WHERE as_of_date = ?",
            (AS_OF,),
        ).fetchone()
        statuses = [s for (s,) in db.execute("SELECT status FROM pipeline_runs")]
    assert scores[0] > 0 and scores[0] % scores[1] == 0
    assert statuses == ["completed", "completed"]
