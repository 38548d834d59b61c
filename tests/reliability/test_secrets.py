"""Secrets stay secret: a warehouse password, a source's header token and the alert
webhook's URL, all configured the documented way, appear in nothing a run leaves
behind: its terminal output, its Prefect record (parameters, states, logs, task runs,
artifacts, events), the warehouse's tables, the files it writes (report, Data Docs,
fetch state), the alerts it posts, and the exceptions of runs that fail.

PostgreSQL on this machine trusts local connections, so the password is not checked
there; it is still in the URL every part of the run handles, which is what matters."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from uuid import UUID

import pandas as pd
import psycopg
import pytest
import yaml
from psycopg import sql

from tests.reliability.common import read_table
from tests.test_alerts import webhook
from tests.test_cli import virage
from tests.test_fetch import send_file, serve
from tests.worlds import AS_OF, write_world
from virage.errors import WarehouseBusy
from virage.flows.nightly import nightly_scores
from virage.schemas.fields import POSTS
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine, writer_lock

pytestmark = [pytest.mark.flow, pytest.mark.postgres]

TOKEN_VARIABLE = "VIRAGE_TEST_SOURCE_TOKEN"


@pytest.fixture
def secret_warehouse(postgres_server: str, postgres_url: str) -> Iterator[tuple[str, str]]:
    """A fresh database owned by a new role with a password: (URL with it, password)."""
    role = f"virage_secret_{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(database), sql.Identifier(role)
            )
        )
    url = f"postgresql://{role}:{password}@127.0.0.1:5432/{database}"
    yield url, password
    make_engine(url).dispose()
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def prefect_record(flow_run_id: str, wait_for: str | None = None) -> str:
    """Everything Prefect keeps about a flow run, as text: the run (parameters, state,
    its message), its task runs, logs, artifacts and events. With `wait_for`, polls
    until that text shows in the logs (they are shipped in batches)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.events.filters import EventAnyResourceFilter, EventFilter

    run_id = UUID(flow_run_id)
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
            text = "\n".join(log.message for log in logs)
            if wait_for is None or wait_for in text or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert wait_for is None or wait_for in text, f"no {wait_for!r} in the run's logs"
        flow_run = client.read_flow_run(run_id)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
        page = client.read_events(
            EventFilter(any_resource=EventAnyResourceFilter(id=[f"prefect.flow-run.{run_id}"])),
            limit=50,
        )
        events = list(page.events)
        while page.next_page and len(events) < 2000:
            page = client.read_events_page(page.next_page)
            events += page.events
    parts = [flow_run.model_dump_json(), text]
    parts += [t.model_dump_json() for t in task_runs]
    parts += [a.model_dump_json() for a in artifacts]
    parts += [e.model_dump_json() for e in events]
    return "\n".join(parts)


def warehouse_text(url: str) -> str:
    """Every row of every table, as text."""
    frames = [read_table(url, t.name) for t in metadata.sorted_tables]
    return "\n".join(f.to_csv(index=False) for f in frames if not f.empty)


def files_text(folder: Path) -> str:
    """Every readable file below `folder` (report, Data Docs, fetch state, exports)."""
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.stat().st_size < 5_000_000
    )


def assert_nowhere(secrets: dict[str, str], **places: str) -> None:
    leaks = [
        f"{what} in {where}"
        for where, text in places.items()
        for what in secrets
        if secrets[what] in text
    ]
    assert not leaks, "secrets leaked: " + ", ".join(leaks)


def bearer_only(token: str, body: bytes):
    """The file to a request carrying the token, 401 to any other."""

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("Authorization") == f"Bearer {token}":
            send_file(body)(h)
            return
        h.send_response(401)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def test_a_night_leaves_no_secret_anywhere(prefect_api_url, secret_warehouse, tmp_path):
    url, password = secret_warehouse
    token = f"tok-{uuid.uuid4().hex}"
    landing = write_world(tmp_path / "landing")
    # A scored person's bad row: the night quarantines it, and alerts on it below.
    posts = pd.read_csv(next((landing / "exports").rglob("*.posts.csv")), dtype="str")
    bad = posts.iloc[:1].assign(post_id="bad-1", likes="-5")
    bad[POSTS.exchange_header].to_csv(landing / "exports" / "bad.posts.csv", index=False)
    body = posts.iloc[:3].assign(post_id=["net-1", "net-2", "net-3"]).to_csv(index=False)

    with serve() as server, webhook() as hook:
        server.routes["/export.csv"] = bearer_only(token, body.encode())
        sources = [
            {
                "name": "with-token",
                "url": server.url("/export.csv"),
                "path": "net/a.posts.csv",
                "headers": {"Authorization": {"env": TOKEN_VARIABLE}},
            },
            {
                "name": "refused",
                "url": server.url("/export.csv"),
                "path": "net/b.posts.csv",
                "headers": {"Authorization": {"env": "VIRAGE_TEST_WRONG_TOKEN"}},
            },
        ]
        (landing / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))
        secrets = {"password": password, "token": token, "webhook": hook.url.rsplit("/", 1)[1]}
        env = {
            "PREFECT_API_URL": prefect_api_url,
            TOKEN_VARIABLE: f"Bearer {token}",
            "VIRAGE_TEST_WRONG_TOKEN": "Bearer not-the-token",
            "VIRAGE_ALERT_WEBHOOK_URL": hook.url,
            "VIRAGE_ALERT_QUARANTINE_SHARE": "0",
            # Prefect logs at INFO, so that the terminal shows all it would send.
            "PREFECT_LOGGING_LEVEL": "INFO",
        }
        # The URL on the command line: the hardest case (the environment is better).
        done = virage(
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            url,
            "--as-of",
            AS_OF.isoformat(),
            env=env,
        )
        bodies = json.dumps(hook.bodies)

    assert done.returncode == 0, done.stderr[-3000:]
    runs = read_table(url, "pipeline_runs")
    (run_id,) = runs["run_id"]
    summary = json.loads(runs["summary"].iloc[0])
    # The secrets did their work: the token fetched the file, the alert went out.
    statuses = {s["name"]: (s["status"], s["detail"]) for s in summary["sources"]}
    assert statuses["with-token"][0] == "downloaded"
    assert statuses["refused"] == ("failed", "HTTP 401 Unauthorized: not retried")
    assert "quarantined" in bodies and len(hook.bodies) == 1
    assert f"into {url.replace(password, '***')}: completed" in done.stdout
    assert_nowhere(
        secrets,
        terminal=done.stdout + done.stderr,
        prefect=prefect_record(run_id),
        warehouse=warehouse_text(url),
        files=files_text(landing),
        alerts=bodies,
    )


def test_failing_runs_leave_no_secret_anywhere(
    prefect_api_url, secret_warehouse, tmp_path, monkeypatch
):
    url, password = secret_warehouse
    landing = write_world(tmp_path / "landing")
    day = AS_OF.isoformat()
    with webhook() as hook:
        secrets = {"password": password, "webhook": hook.url.rsplit("/", 1)[1]}
        monkeypatch.setenv("VIRAGE_ALERT_WEBHOOK_URL", hook.url)
        env = {"PREFECT_API_URL": prefect_api_url, "VIRAGE_ALERT_WEBHOOK_URL": hook.url}
        # Configured as documented: the URL in the environment, not a parameter.
        monkeypatch.setenv("VIRAGE_WAREHOUSE_URL", url)

        # A run the warehouse's writer lock keeps out: its exception names the URL.
        with writer_lock(make_engine(url)):
            busy = nightly_scores(landing=str(landing), as_of=AS_OF, return_state=True)
            refused = virage(
                "run", "--landing", str(landing), "--warehouse", url, "--as-of", day, env=env
            )
        assert busy.is_failed()
        with pytest.raises(WarehouseBusy) as raised:
            busy.result()
        assert "is being written by another virage run" in str(raised.value)

        # A warehouse that cannot be reached: the driver's error names host and port.
        unreachable = url.replace(":5432/", ":1/")
        monkeypatch.setenv("VIRAGE_WAREHOUSE_URL", unreachable)
        down = nightly_scores(landing=str(landing), as_of=AS_OF, return_state=True)
        assert down.is_failed()
        with pytest.raises(Exception) as broken:
            down.result()
        told_down = virage(
            "run",
            "--landing",
            str(landing),
            "--as-of",
            day,
            env={**env, "VIRAGE_WAREHOUSE_URL": unreachable},
        )
        # A URL too broken to parse (a port that is not a number) is one clear line.
        garbled = url.replace(":5432/", ":54x2/")
        told_garbled = virage(
            "run", "--landing", str(landing), "--warehouse", garbled, "--as-of", day, env=env
        )
        deadline = time.monotonic() + 30
        while len(hook.bodies) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        bodies = json.dumps(hook.bodies)

    assert (refused.returncode, told_down.returncode, told_garbled.returncode) == (3, 2, 2)
    for result in (refused, told_down, told_garbled):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert ":***@127.0.0.1" in result.stderr
    assert len(hook.bodies) == 2  # one failure alert per failed flow run
    records = [
        prefect_record(str(state.state_details.flow_run_id), wait_for="Finished in state Failed")
        for state in (busy, down)
    ]
    assert_nowhere(
        secrets,
        exceptions=f"{raised.value!r} {raised.value} {broken.value!r} {broken.value}",
        terminal="".join(r.stdout + r.stderr for r in (refused, told_down, told_garbled)),
        prefect="\n".join(records),
        alerts=bodies,
        warehouse=warehouse_text(url),
        files=files_text(landing),
    )


def test_the_cli_keeps_a_password_out_of_flow_parameters(monkeypatch):
    """`virage run --warehouse URL` and `virage serve` hand a URL with a password to
    their flows through the environment, never as a parameter Prefect would store."""
    from virage.cli import _absolute_sqlite, _out_of_parameters

    secret = "postgresql://u:pw-not-a-parameter@db.example/virage"
    monkeypatch.delenv("VIRAGE_WAREHOUSE_URL", raising=False)
    assert _out_of_parameters(secret) is None
    assert os.environ["VIRAGE_WAREHOUSE_URL"] == secret
    assert _absolute_sqlite(None) is None  # served runs read the environment themselves
    assert _out_of_parameters("postgresql://u@db.example/virage") == (
        "postgresql://u@db.example/virage"
    )
    assert _absolute_sqlite("sqlite:///w.db") == f"sqlite:///{Path('w.db').resolve()}"
