"""bulk_insert into an empty table sets the table's indexes aside and builds them
again after the rows (virage/warehouse.py): the same rows and the same indexes and
primary key at the end, and a load failing half-way leaves the table as it was."""

from __future__ import annotations

import pandas as pd
import psycopg
import pytest
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from bench.load import synthetic_posts
from tasks.publish import _upsert
from virage import warehouse as warehouse_code
from virage.schemas.fields import POSTS
from virage.schemas.warehouse import people, posts
from virage.warehouse import bulk_insert, open_warehouse

ROWS = 60
DUPLICATE = (IntegrityError, psycopg.IntegrityError)
"""COPY's own errors come from psycopg as they are (the raw connection copies)."""


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    """Tests load a few dozen rows: set the indexes aside from 10 rows on, and send
    them in blocks of 25."""
    monkeypatch.setattr(warehouse_code, "REBUILD_MIN_ROWS", 10)
    monkeypatch.setattr(warehouse_code, "COPY_CHUNK_ROWS", 25)


def statements(engine) -> list[str]:
    """The SQL the engine sends from now on, as it sends it."""
    sent: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, *args):
        sent.append(statement)

    return sent


def shape(engine, table: str = "posts") -> dict:
    """The table's indexes and primary key as the database describes them."""
    found = inspect(engine)
    indexes = sorted(found.get_indexes(table), key=lambda i: i["name"])
    return {
        "indexes": [(i["name"], i["column_names"], bool(i["unique"])) for i in indexes],
        "primary_key": found.get_pk_constraint(table),
        "nullable": {c["name"]: c["nullable"] for c in found.get_columns(table)},
    }


def stored_posts(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        stored = pd.read_sql(select(posts), conn)
    return normalized(stored)


def normalized(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order, times as UTC instants to the microsecond, for comparing."""
    frame = frame[POSTS.columns].sort_values(["platform", "post_id"]).reset_index(drop=True)
    times = [c for c, t in POSTS.dtypes.items() if "datetime" in str(t)]
    for name in times:
        frame[name] = pd.to_datetime(frame[name], utc=True).dt.as_unit("us")
    return frame.astype({c: t for c, t in POSTS.dtypes.items() if c not in times})


def dropped(sent: list[str]) -> list[str]:
    return [s for s in sent if s.lstrip().upper().startswith(("DROP INDEX", "ALTER TABLE"))]


def test_rows_and_indexes_are_the_same_after_a_load_into_an_empty_table(warehouse):
    engine = open_warehouse(warehouse)
    before = shape(engine)
    assert {i[0] for i in before["indexes"]} == {i.name for i in posts.indexes}
    frame = synthetic_posts(ROWS)
    sent = statements(engine)
    with engine.begin() as conn:
        assert bulk_insert(conn, posts, frame) == ROWS
    aside = dropped(sent)
    assert any("DROP INDEX" in s and "ix_posts_person_posted" in s for s in aside)
    if engine.dialect.name == "postgresql":
        assert any("DROP CONSTRAINT" in s for s in aside)  # the key is built after too
    assert shape(engine) == before
    pd.testing.assert_frame_equal(stored_posts(engine), normalized(frame))


def test_a_load_failing_half_way_leaves_the_empty_table_with_its_indexes(warehouse):
    """A duplicate key: PostgreSQL finds it when it builds the key again, after the
    rows are in; SQLite, which keeps its key, at the row."""
    engine = open_warehouse(warehouse)
    before = shape(engine)
    frame = synthetic_posts(ROWS)
    frame = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    sent = statements(engine)
    with pytest.raises(DUPLICATE), engine.begin() as conn:
        bulk_insert(conn, posts, frame)
    assert dropped(sent), "the indexes were not set aside: this tests nothing"
    assert shape(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(posts)).scalar() == 0


def test_a_failure_after_the_load_rolls_it_back_indexes_included(warehouse):
    """The caller fails later in the same transaction: the rows go, the indexes
    built again are the ones that were there."""
    engine = open_warehouse(warehouse)
    before = shape(engine)
    with pytest.raises(RuntimeError, match="later"), engine.begin() as conn:
        bulk_insert(conn, posts, synthetic_posts(ROWS))
        raise RuntimeError("a later step failed")
    assert shape(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(posts)).scalar() == 0


def test_a_stored_table_keeps_its_indexes_and_a_failed_load_changes_nothing(warehouse):
    engine = open_warehouse(warehouse)
    frame = synthetic_posts(ROWS)
    with engine.begin() as conn:
        bulk_insert(conn, posts, frame.iloc[: ROWS // 2])
    before, stored = shape(engine), stored_posts(engine)
    sent = statements(engine)
    with pytest.raises(DUPLICATE), engine.begin() as conn:
        bulk_insert(conn, posts, frame)  # its first half is stored already
    assert not dropped(sent), "indexes set aside on a table with rows"
    assert shape(engine) == before
    pd.testing.assert_frame_equal(stored_posts(engine), stored)
    with engine.begin() as conn:
        bulk_insert(conn, posts, frame.iloc[ROWS // 2 :])
    pd.testing.assert_frame_equal(stored_posts(engine), normalized(frame))


def test_the_upsert_of_a_first_night_then_of_the_same_rows(warehouse):
    """publish's path: straight into the empty table, then through its staging table
    (whose key is set aside too on PostgreSQL): nothing rewritten."""
    engine = open_warehouse(warehouse)
    before = shape(engine)
    frame = synthetic_posts(ROWS)
    for written in (ROWS, 0):
        with engine.begin() as conn:
            assert _upsert(conn, posts, frame) == written
        assert shape(engine) == before
    pd.testing.assert_frame_equal(stored_posts(engine), normalized(frame))


def test_few_rows_go_in_with_the_indexes(warehouse, monkeypatch):
    monkeypatch.setattr(warehouse_code, "REBUILD_MIN_ROWS", ROWS + 1)
    engine = open_warehouse(warehouse)
    sent = statements(engine)
    with engine.begin() as conn:
        bulk_insert(conn, posts, synthetic_posts(ROWS))
    assert not dropped(sent)


@pytest.mark.postgres
def test_a_key_a_foreign_key_leans_on_stays(postgres_url):
    """influence_scores refers to people: people's key is not dropped."""
    engine = open_warehouse(postgres_url)
    before = shape(engine, "people")
    frame = pd.DataFrame(
        {
            "person_id": [f"person-{i}" for i in range(ROWS)],
            "display_name": "Someone",
            "role": "employee",
            "consent": True,
            "department": None,
        }
    )
    frame = frame.reindex(columns=[c.name for c in people.columns])
    sent = statements(engine)
    with engine.begin() as conn:
        bulk_insert(conn, people, frame)
    assert not any("DROP CONSTRAINT" in s for s in sent)
    assert shape(engine, "people") == before


@pytest.mark.postgres
def test_a_reader_holding_the_table_makes_the_load_keep_its_indexes(postgres_url, monkeypatch):
    """A BI query open on posts: dropping an index would wait for it (and make every
    later reader wait too); after SET_ASIDE_LOCK_TIMEOUT the rows go in with the
    indexes, and the transaction's lock_timeout is its own again."""
    monkeypatch.setattr(warehouse_code, "SET_ASIDE_LOCK_TIMEOUT", "200ms")
    engine = open_warehouse(postgres_url)
    before = shape(engine)
    frame = synthetic_posts(ROWS)
    with engine.connect() as reader:
        reader.execute(select(func.count()).select_from(posts)).scalar()  # holds its lock
        sent = statements(engine)
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '7s'"))
            assert bulk_insert(conn, posts, frame) == ROWS
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "7s"
        reader.rollback()
    assert any(s.lstrip().startswith("DROP INDEX") for s in sent), "nothing was tried"
    assert not any(s.lstrip().startswith("CREATE INDEX") for s in sent), "indexes were set aside"
    assert shape(engine) == before
    pd.testing.assert_frame_equal(stored_posts(engine), normalized(frame))
