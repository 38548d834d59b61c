"""A warehouse written by an older virage is upgraded in place and loses nothing: real
dumps of one (tests/data, see their headers) are loaded into SQLite and PostgreSQL,
opened by this version, and compared row by row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from sqlalchemy import inspect, text

from virage.errors import ConfigError
from virage.schemas.migrate import LATEST_VERSION
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine, open_warehouse

DATA = Path(__file__).parent / "data"


def load_old_warehouse(url: str) -> None:
    """Restore the dump of a warehouse written by commit 24e9afe into `url`."""
    if url.startswith("sqlite"):
        script = (DATA / "warehouse_24e9afe.sqlite.sql").read_text()
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.executescript(script)
        return
    script = (DATA / "warehouse_24e9afe.postgresql.sql").read_text()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(script)


def rows(url: str, table: str, columns: list[str]) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        frame = pd.read_sql(text(f"SELECT {', '.join(columns)} FROM {table}"), conn)
    return frame.astype(str).sort_values(columns).reset_index(drop=True)


def test_an_older_warehouse_is_upgraded_without_losing_a_row(warehouse):
    load_old_warehouse(warehouse)
    engine = make_engine(warehouse)
    old_tables = set(inspect(engine).get_table_names())
    old_columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in old_tables}
    before = {t: rows(warehouse, t, cols) for t, cols in old_columns.items()}
    assert len(before["influence_scores"]) and len(before["posts"])

    open_warehouse(warehouse)
    engine.dispose()
    for table, columns in old_columns.items():
        pd.testing.assert_frame_equal(rows(warehouse, table, columns), before[table], obj=table)
    present = set(inspect(engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= present
    with engine.connect() as conn:
        steps = conn.execute(text("SELECT version FROM virage_schema_versions ORDER BY 1"))
        assert list(steps.scalars()) == list(range(1, LATEST_VERSION + 1))
        # The dimensions now name everyone and every campaign the old scores name.
        unnamed = conn.execute(
            text(
                "SELECT COUNT(*) FROM influence_scores s WHERE NOT EXISTS (SELECT 1 FROM people "
                "p WHERE p.person_id = s.person_id) OR NOT EXISTS (SELECT 1 FROM campaigns c "
                "WHERE c.campaign_id = s.campaign_id)"
            )
        ).scalar()
        assert unnamed == 0
        trend = conn.execute(text("SELECT COUNT(*) FROM influence_score_trend")).scalar()
        assert trend == len(before["influence_scores"])
    for table in metadata.sorted_tables:
        indexed = {index["name"] for index in inspect(engine).get_indexes(table.name)}
        assert {index.name for index in table.indexes} <= indexed, table.name
    if engine.dialect.name == "postgresql":
        keys = {fk["name"] for fk in inspect(engine).get_foreign_keys("influence_scores")}
        assert keys == {"fk_influence_scores_person", "fk_influence_scores_campaign"}

    open_warehouse(warehouse)  # a second opening changes nothing
    for table, columns in old_columns.items():
        pd.testing.assert_frame_equal(rows(warehouse, table, columns), before[table], obj=table)


def test_a_warehouse_upgraded_by_a_newer_virage_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    open_warehouse(url)
    with make_engine(url).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO virage_schema_versions VALUES (:v, 'from the future', "
                "CURRENT_TIMESTAMP)"
            ),
            {"v": LATEST_VERSION + 1},
        )
    with pytest.raises(ConfigError, match="newer virage"):
        open_warehouse(url)


@pytest.mark.postgres
def test_a_new_warehouse_after_an_upgrade_has_its_foreign_keys(postgres_server):
    """Upgrading an old warehouse adds influence_scores' foreign keys to it; a
    warehouse created afterwards in the same process must have them too."""
    import uuid

    base = postgres_server.rsplit("/", 1)[0]
    names = [f"virage_test_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        old, new = (f"{base}/{name}" for name in names)
        load_old_warehouse(old)
        open_warehouse(old).dispose()
        engine = open_warehouse(new)
        keys = {fk["name"] for fk in inspect(engine).get_foreign_keys("influence_scores")}
        engine.dispose()
        assert keys == {"fk_influence_scores_person", "fk_influence_scores_campaign"}
    finally:
        make_engine(old).dispose()
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
