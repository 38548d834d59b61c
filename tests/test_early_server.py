"""`virage run` starts Prefect's temporary server while it imports; the flow then
uses that server and starts no other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import time
import httpx
from prefect import flow, get_client
from prefect.server.api.server import SubprocessASGIServer
from virage.early_server import start_in_background

ready = start_in_background()
ready()
print("started", len(SubprocessASGIServer._instances), flush=True)
server = SubprocessASGIServer()  # the started one, or a new one never started
print("running", server.running, flush=True)
if server.running:
    print("health", httpx.get(server.api_url + "/health").status_code, flush=True)
    process = server.server_process

@flow
def probe() -> str:
    from prefect.runtime import flow_run
    return str(flow_run.id)

run_id = probe()
print("instances", len(SubprocessASGIServer._instances), flush=True)
if server.running:
    print("same_process", server.server_process is process, flush=True)
    with get_client(sync_client=True) as client:
        print("api", str(client.api_url).startswith(server.api_url), flush=True)
        print("run_found", str(client.read_flow_run(run_id).id) == run_id, flush=True)
"""


def _probe(tmp_path: Path, **env: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    environ.update(PREFECT_HOME=str(tmp_path / "prefect-home"), **env)
    environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def test_the_flow_uses_the_server_started_early(tmp_path):
    seen = _probe(tmp_path)
    assert seen["started"] == "1" and seen["running"] == "True" and seen["health"] == "200"
    assert seen["same_process"] == "True" and seen["instances"] == "1"
    assert seen["api"] == "True" and seen["run_found"] == "True"


def test_nothing_is_started_when_a_server_is_configured(tmp_path, prefect_api_url):
    seen = _probe(tmp_path, PREFECT_API_URL=prefect_api_url)
    assert seen["started"] == "0" and seen["running"] == "False"
