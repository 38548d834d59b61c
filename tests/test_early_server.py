"""`virage run` starts Prefect's temporary server while it imports; the flow then
uses that server, starts no other, and the server stops with the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import httpx
from prefect import flow, get_client
import virage.early_server as early

serving = early.start_in_background()
server = early._started
print("started", int(server is not None), flush=True)

@flow(log_prints=True)
def probe() -> str:
    from prefect.runtime import flow_run
    print("a log line the server must still receive as the process ends")
    return str(flow_run.id)

with serving:
    if server is not None:
        print("pid", server.process.pid, flush=True)
        print("health", httpx.get(server.api_url + "/health").status_code, flush=True)
    run_id = probe()
    with get_client(sync_client=True) as client:
        print("api", str(client.api_url).rstrip("/"), flush=True)
        print("run_found", str(client.read_flow_run(run_id).id) == run_id, flush=True)
if server is not None:
    print("server_api", server.api_url.rstrip("/"), flush=True)
    print("serving_after_the_flow", server.process.poll() is None, flush=True)
# Starting the server never imported Prefect's own server modules in this process.
print("server_modules", "prefect.server.api.server" in sys.modules, flush=True)
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


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_flow_uses_the_server_started_early_which_stops_with_the_process(tmp_path):
    seen = _probe(tmp_path)
    assert seen["started"] == "1" and seen["health"] == "200"
    assert seen["api"] == seen["server_api"] and seen["run_found"] == "True"
    assert seen["serving_after_the_flow"] == "True"  # the run's last logs still land
    assert seen["server_modules"] == "False"
    assert not _running(int(seen["pid"]))


def test_nothing_is_started_when_a_server_is_configured(tmp_path, prefect_api_url):
    seen = _probe(tmp_path, PREFECT_API_URL=prefect_api_url)
    assert seen["started"] == "0" and seen["run_found"] == "True"
    assert seen["api"] == prefect_api_url.rstrip("/")


def test_before_the_checks_only_where_prefects_database_exists_and_no_profile_names_a_server(
    tmp_path, monkeypatch
):
    import virage.early_server as early

    home = tmp_path / "prefect-home"
    home.mkdir()
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    # A first run: Prefect's database is to be made, a stop must not cut that short.
    assert early.start_before_checks() is None
    (home / "prefect.db").touch()
    (home / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.internal/api"\n'
    )
    assert early.start_before_checks() is None  # the profile's server will be used
    (home / "profiles.toml").write_text('active = "local"\n[profiles.local]\n')
    monkeypatch.setattr(early, "_started", None)
    # This test process talks to a test server: as `virage run` would without one.
    monkeypatch.setattr(early, "_configured_already", lambda: False)
    started = early.start_before_checks()
    try:
        assert started is not None and early._started is not None
        assert early._started.process.poll() is None  # booting, beside this process
    finally:
        early._started.stop()
    assert early._started.process.poll() is not None
