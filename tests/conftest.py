"""Shared fixtures: one Prefect test server per session, a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from tests.worlds import write_world

PG_ADMIN_URL = os.environ.get("VIRAGE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "real"
IN_CI = os.environ.get("CI", "").lower() == "true"


LONGEST = ("tests/reliability/test_crash_safety.py", "tests/test_operations_e2e.py")
"""Modules whose tests take most of a minute each: run first."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first, then those that run whole nights, then the rest, each
    group in its usual order and each module's tests together (a module-scoped fixture
    is set up once). With --dist worksteal (pyproject.toml) a worker that runs out of
    tests takes half of the other's queue, from its end: the last tests left to share
    out are then short ones, and neither worker waits long for the other."""

    def rank(item: pytest.Item) -> int:
        if item.nodeid.startswith(LONGEST):
            return 0
        nights = "prefect_api_url" in getattr(item, "fixturenames", ())
        return 1 if nights or item.get_closest_marker("flow") else 2

    module_rank: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        module_rank[module] = min(module_rank.get(module, 2), rank(item))
    items.sort(key=lambda item: module_rank[item.nodeid.split("::", 1)[0]])


def skip_or_fail(reason: str) -> None:
    """Skip with a reason on a developer's machine; under CI=true, fail instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


SHARED_SERVER = "VIRAGE_TEST_PREFECT_URL_FILE"
"""Where the session's shared Prefect server writes its API URL (set for xdist workers;
set it empty to give each worker a server of its own)."""
_shared_server: dict = {}


def pytest_configure(config: pytest.Config) -> None:
    """Under xdist, the controller starts one Prefect test server for all its workers
    (tests/prefect_server.py), before they start: it boots while they collect."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", 0):
        return
    if getattr(config.option, "dist", "no") == "no" or SHARED_SERVER in os.environ:
        return
    folder = Path(tempfile.mkdtemp(prefix="virage-prefect-"))
    url_file = folder / "api-url"
    log = (folder / "server.log").open("wb")
    keeper = subprocess.Popen(
        [sys.executable, "-m", "tests.prefect_server", str(url_file)],
        cwd=Path(__file__).resolve().parents[1],
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    os.environ[SHARED_SERVER] = str(url_file)  # the workers inherit it
    os.environ[SHARED_SERVER + "_PID"] = str(keeper.pid)
    _shared_server.update(keeper=keeper, log=log, folder=folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    keeper = _shared_server.pop("keeper", None)
    if keeper is None:
        return
    keeper.stdin.close()  # the server stops
    try:
        keeper.wait(60)
    except subprocess.TimeoutExpired:
        keeper.kill()
        keeper.wait()
    _shared_server.pop("log").close()
    shutil.rmtree(_shared_server.pop("folder"), ignore_errors=True)


def _shared_api_url(url_file: Path) -> str:
    """The API URL of the session's shared server, once it answers."""
    pid = int(os.environ[SHARED_SERVER + "_PID"])
    deadline = time.monotonic() + 180
    while not url_file.exists():
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        if not alive or time.monotonic() > deadline:
            log = url_file.with_name("server.log")
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(f"the shared Prefect test server did not start:\n{tail}")
        time.sleep(0.1)
    return url_file.read_text()


@pytest.fixture(scope="session")
def prefect_api_url() -> str:
    """One Prefect test server for every flow test; its API URL. Under xdist, the one
    the session's controller started for all workers; otherwise this process's own."""
    import prefect.context
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    url_file = os.environ.get(SHARED_SERVER)
    if not url_file:
        with prefect_test_harness(server_startup_timeout=120):
            yield PREFECT_API_URL.value()
        return
    url = _shared_api_url(Path(url_file))
    # As prefect_test_harness does for its own server: this process's settings, and
    # the global ones (threads started from contexts copied earlier), name the server.
    with (
        temporary_settings(updates={PREFECT_API_URL: url}),
        prefect.context._temporary_global_settings_context(prefect.context.get_settings_context()),
    ):
        yield url
        # This worker's last log lines and events reach the server.
        APILogWorker.drain_all(timeout=30)
        EventsWorker.drain_all(timeout=30)


@pytest.fixture(scope="session")
def forked_virage():
    """start(args, env, stdout=..., stderr=...): a `virage ARGS` process forked from a
    zygote that has done `virage run`'s imports (tests/forked.py), one zygote per
    environment, each started on first use; a Popen-like process."""
    from tests.forked import Zygote

    zygotes: dict[tuple, Zygote] = {}

    def start(args: list[str], env: dict[str, str], **streams):
        env = {k: v for k, v in env.items() if k != "PYTEST_CURRENT_TEST"}  # one per test
        key = tuple(sorted(env.items()))
        if key not in zygotes:
            zygotes[key] = Zygote(env)
        return zygotes[key].start(args, **streams)

    yield start
    for zygote in zygotes.values():
        zygote.close()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of the running PostgreSQL server (skips without one, not in CI)."""
    import psycopg

    conninfo = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(conninfo, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}".strip())
    return conninfo


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the PostgreSQL server for one test, dropped after."""
    import psycopg

    name = f"virage_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from virage.warehouse import make_engine

    for url in (f"{base}/{name}",):
        make_engine(url).dispose()
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path: Path) -> str:
    """A warehouse URL: an SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """A landing zone with the persona world of tests/worlds.py."""
    return write_world(tmp_path / "landing")
