"""`virage warehouse grant-bi`: a real night on PostgreSQL, then a real login as the
BI role, which may read the BI views and nothing else."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import errors

from tests.test_cli import assert_one_clear_line, virage, virage_here
from tests.worlds import AS_OF
from virage.schemas.views import VIEWS, bi_grants, create_views, drop_views, view_tables
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine, open_warehouse

TABLES = [*(t.name for t in metadata.sorted_tables), bi_grants.name]


@pytest.fixture
def role(postgres_url):
    """A role name unique to the test, dropped afterwards with whatever it was granted
    (roles belong to the whole server, not to the test's database)."""
    name = f"bi_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
            conn.execute(f'DROP OWNED BY "{name}"')
            conn.execute(f'DROP ROLE "{name}"')


def as_role(url: str, role: str) -> str:
    """The test database's URL for `role` (the test server trusts 127.0.0.1)."""
    return url.replace("://postgres@", f"://{role}@", 1)


def refused(conninfo: str, sql: str, *also: type[Exception]) -> bool:
    """`sql` fails for lack of privilege (or for one of the `also` reasons)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except (errors.InsufficientPrivilege, *also):
            return True
    return False


def night(world, url: str) -> None:
    run = virage_here(
        "run", "--landing", str(world), "--warehouse", url, "--as-of", AS_OF.isoformat()
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.postgres
@pytest.mark.flow
def test_the_bi_role_reads_every_view_and_nothing_else(prefect_api_url, postgres_url, world, role):
    night(world, postgres_url)
    # It held more than it should: grant-bi takes that back.
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT SELECT, INSERT ON posts, influence_scores TO "{role}"')

    granted = virage("warehouse", "grant-bi", role, "--login", "--warehouse", postgres_url)
    assert granted.returncode == 0, granted.stderr
    assert f"role {role} (existing, LOGIN)" in granted.stdout

    reader = as_role(postgres_url, role)
    with psycopg.connect(reader, autocommit=True) as conn:
        for view in VIEWS:
            conn.execute(f"SELECT * FROM {view}").fetchall()
        scored = conn.execute("SELECT COUNT(*) FROM current_influence_scores").fetchone()[0]
        assert scored > 0
    for table in TABLES:
        assert refused(reader, f"SELECT * FROM {table}"), table
        assert refused(reader, f"DELETE FROM {table}"), table
    for relation in (*VIEWS, "posts", "people", "influence_scores"):
        column = {**metadata.tables, **view_tables}[relation].columns[0].name
        # A view over one table (current_influence_scores) could be written through,
        # so it must be the privilege that stops it; views over joins or aggregates
        # cannot be written at all.
        unwritable = (
            ()
            if relation in (*TABLES, "current_influence_scores")
            else (errors.ObjectNotInPrerequisiteState,)
        )
        for sql in (
            f"INSERT INTO {relation} DEFAULT VALUES",
            f"UPDATE {relation} SET {column} = {column}",
            f"DELETE FROM {relation}",
        ):
            assert refused(reader, sql, *unwritable), sql
    assert refused(reader, "CREATE TABLE mine (x integer)")
    assert refused(reader, "CREATE VIEW mine AS SELECT 1 AS x")

    # A table rebuild drops the views and recreates them (schemas/migrate.py), and
    # every run opens the warehouse again: the grants follow.
    with make_engine(postgres_url).begin() as conn:
        drop_views(conn)
        create_views(conn)
    open_warehouse(postgres_url)
    with psycopg.connect(reader, autocommit=True) as conn:
        for view in VIEWS:
            conn.execute(f"SELECT * FROM {view}").fetchall()
    assert refused(reader, "SELECT * FROM posts")

    again = virage("warehouse", "grant-bi", role, "--warehouse", postgres_url)
    assert again.returncode == 0, again.stderr
    assert f"role {role} (existing, LOGIN)" in again.stdout


@pytest.mark.postgres
def test_a_new_role_is_nologin_unless_asked_and_takes_its_password_from_the_environment(
    postgres_url, role
):
    made = virage("warehouse", "grant-bi", role, "--warehouse", postgres_url)
    assert made.returncode == 0, made.stderr
    assert f"role {role} (created, NOLOGIN)" in made.stdout
    missing = virage(
        "warehouse", "grant-bi", role, "--login", "--password-env", "VIRAGE_TEST_NO_SUCH_VAR",
        "--warehouse", postgres_url,
    )  # fmt: skip
    assert_one_clear_line(missing, "VIRAGE_TEST_NO_SUCH_VAR")
    secret = 'it\'s a "secret"'
    login = virage(
        "warehouse", "grant-bi", role, "--login", "--password-env", "BI_PASSWORD",
        "--warehouse", postgres_url, env={"BI_PASSWORD": secret},
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert secret not in login.stdout + login.stderr
    with psycopg.connect(postgres_url) as conn:
        can_login, password = conn.execute(
            "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s", [role]
        ).fetchone()
        recorded = conn.execute("SELECT role FROM bi_grants").fetchall()
    assert can_login and password and secret not in password  # stored hashed
    assert recorded == [(role,)]


@pytest.mark.postgres
def test_a_bad_role_name_or_a_superuser_is_refused(postgres_url):
    bad = virage("warehouse", "grant-bi", "x; DROP TABLE posts", "--warehouse", postgres_url)
    assert_one_clear_line(bad, "role name 'x; DROP TABLE posts' is not valid")
    superuser = virage("warehouse", "grant-bi", "postgres", "--warehouse", postgres_url)
    assert_one_clear_line(superuser, "superuser")


def test_sqlite_has_no_roles_the_file_permissions_say_who_reads(tmp_path):
    database = tmp_path / "w.db"
    result = virage("warehouse", "grant-bi", "bi_reader", "--warehouse", f"sqlite:///{database}")
    assert_one_clear_line(result, "file permissions")
    assert not database.exists()  # refused before anything was created
