"""Shared fixtures: one Prefect test server per session, a real PostgreSQL database."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def prefect_api_url() -> str:
    """One Prefect test server per session (per xdist worker); its API URL. (One server
    for all workers was tried: flows ran slower on the shared server, by more than its
    start saved.)"""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


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
