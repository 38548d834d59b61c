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


def skip_or_fail(reason: str) -> None:
    """Skip with a reason on a developer's machine; under CI=true, fail instead."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def prefect_api_url() -> str:
    """One Prefect test server for every flow test; its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


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
