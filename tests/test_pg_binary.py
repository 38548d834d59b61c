"""PostgreSQL's binary COPY (virage/pg_binary.py) stores what the CSV COPY stores, for
every table of the warehouse and the awkward values of each type; a table the encoder
cannot write in binary goes in as CSV; a value out of a column's range fails the load
instead of being stored wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    delete,
    select,
)

from virage import pg_binary
from virage import warehouse as warehouse_code
from virage.schemas.warehouse import metadata
from virage.warehouse import bulk_insert, open_warehouse

pytestmark = pytest.mark.postgres

TEXTS = ["plain", "", "émoji 🚲 « guillemets »", 'a "quote", a comma\nand a line', None]
TEXTS += ["x" * 10_000, "NULL", "\\N back\\slash\ttab"]
ROWS = len(TEXTS)
INTEGERS = [0, -1, 2**31 - 1, -(2**31), None, 7, 42, 1_000]
BIG_INTEGERS = [0, -1, 2**62, -(2**63), None, 10**15, 3, 2**31]
FLOATS = [0.0, -1.5, 1e-300, 1.7976931348623157e308, None, 0.1, -0.0, 123456.789]
BOOLEANS = [True, False, None, True, False, True, False, False]
TIMES = [
    "2026-11-20 08:00:00.123456",
    "1999-12-31 23:59:59.999999",  # before PostgreSQL's epoch
    "1970-01-01 00:00:00",
    "2100-01-01 12:00:00",
    None,
    "2026-03-29 01:30:00",
    "2000-01-01 00:00:00",
    "2026-11-20 08:00:00.000001",
]
DAYS = ["2026-11-20", "1999-12-31", "2000-01-01", "1900-03-01", None]
DAYS += ["2024-02-29", "2026-01-01", "2038-01-19"]


def awkward_values(column: Column) -> pd.Series:
    """ROWS distinct values of the column's type, NULL among them when it may be."""
    kind = column.type
    if isinstance(kind, Boolean):
        values = pd.Series(BOOLEANS, dtype="boolean")
    elif isinstance(kind, BigInteger):
        values = pd.Series(BIG_INTEGERS, dtype="Int64")
    elif isinstance(kind, Integer):
        values = pd.Series(INTEGERS, dtype="Int64")
    elif isinstance(kind, Float):
        values = pd.Series(FLOATS, dtype="float64")
    elif isinstance(kind, DateTime):
        values = pd.Series(pd.to_datetime(TIMES, format="ISO8601")).dt.as_unit("us")
        if kind.timezone:
            values = values.dt.tz_localize("UTC")
    elif isinstance(kind, Date):
        values = pd.Series(pd.to_datetime(DAYS)).dt.as_unit("us")
    else:
        values = pd.Series(TEXTS, dtype="str").str.slice(0, kind.length)
    if not column.nullable:  # a value of the same type in place of NULL
        values = values.fillna(values.iloc[0])
    return values


def awkward_frame(table: Table) -> pd.DataFrame:
    """A frame of the table's columns, its key unique over the rows."""
    frame = pd.DataFrame({c.name: awkward_values(c) for c in table.columns})
    keys = list(table.primary_key.columns)
    texts = [c.name for c in keys if isinstance(c.type, String)]
    if texts:
        frame[texts[0]] = frame[texts[0]].str.slice(0, 12) + frame.index.astype(str)
    elif keys:
        frame[keys[0].name] = pd.Series(range(ROWS), dtype="Int64")
    return frame


def stored_rows(engine, table: Table) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table)).all()]


LOADABLE = [t for t in metadata.sorted_tables if not t.foreign_keys]
"""influence_scores refers to people and campaigns: staged_influence_scores, its
columns without the foreign keys, stands for it."""


@pytest.mark.parametrize("table", LOADABLE, ids=lambda t: t.name)
def test_a_binary_load_stores_what_a_csv_load_stores(postgres_url, table):
    engine = open_warehouse(postgres_url)
    frame = awkward_frame(table)
    with engine.connect() as conn:
        assert pg_binary.copy_blocks(conn, table, frame, 3) is not None, "CSV, not binary"
    with engine.begin() as conn:
        conn.execute(delete(table))  # virage_schema_versions has its rows already
        assert bulk_insert(conn, table, frame) == ROWS
    from_binary = stored_rows(engine, table)
    with engine.begin() as conn:
        conn.execute(delete(table))
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        warehouse_code._copy_csv(conn, table, frame, f'"{table.name}"', names)
    from_csv = stored_rows(engine, table)
    assert len(from_binary) == ROWS
    key = [i for i, c in enumerate(table.columns) if c.primary_key] or [0]
    order = lambda row: tuple(str(row[i]) for i in key)  # noqa: E731
    assert sorted(from_binary, key=order) == sorted(from_csv, key=order)


def test_rows_and_nulls_come_back_as_they_were_written(postgres_url, monkeypatch):
    """Beyond agreeing with CSV: the values themselves, over several blocks."""
    monkeypatch.setattr(warehouse_code, "COPY_CHUNK_ROWS", 3)
    table = Table(
        "awkward",
        MetaData(),
        Column("row", Integer, primary_key=True),
        Column("note", String),
        Column("source", String),
        Column("seen_at", DateTime(timezone=True)),
        Column("day", Date),
        Column("share", Float),
    )
    engine = open_warehouse(postgres_url)
    table.create(engine)
    frame = pd.DataFrame(
        {
            "row": pd.Series(range(ROWS), dtype="Int64"),
            "note": pd.Series(TEXTS, dtype="str"),
            # Parsing makes a file's name a categorical: Arrow hands it over as one.
            "source": pd.Series(["a.csv", "b.csv", None] * 3, dtype="category")[:ROWS],
            "seen_at": pd.Series(pd.to_datetime(TIMES, format="ISO8601")).dt.tz_localize("UTC"),
            "day": pd.to_datetime(DAYS),
            "share": FLOATS,
        }
    )
    with engine.begin() as conn:
        bulk_insert(conn, table, frame)
    with engine.connect() as conn:
        stored = pd.read_sql(select(table).order_by(table.c.row), conn)
    assert stored["note"].astype(object).where(stored["note"].notna(), None).tolist() == TEXTS
    sources = stored["source"].astype(object).where(stored["source"].notna(), None)
    assert sources.tolist() == (["a.csv", "b.csv", None] * 3)[:ROWS]
    written = frame["seen_at"].dt.as_unit("us")
    read = pd.to_datetime(stored["seen_at"], utc=True).dt.as_unit("us")
    assert read.isna().tolist() == written.isna().tolist()
    assert (read.dropna() == written.dropna()).all()
    days = pd.to_datetime(stored["day"])
    assert days.dt.strftime("%Y-%m-%d").fillna("-").tolist() == [d or "-" for d in DAYS]
    assert np.allclose(stored["share"].fillna(-9.0), pd.Series(FLOATS).fillna(-9.0), rtol=0)


def test_nanoseconds_round_to_the_nearest_microsecond_as_postgresql_rounds_text(postgres_url):
    table = Table("stamps", MetaData(), Column("at", DateTime(timezone=True)))
    engine = open_warehouse(postgres_url)
    table.create(engine)
    written = pd.Series(
        pd.to_datetime(["2026-11-20 08:00:00.000000400", "2026-11-20 08:00:00.000000600"]),
    ).dt.tz_localize("UTC")
    with engine.begin() as conn:
        bulk_insert(conn, table, pd.DataFrame({"at": written}))
    with engine.connect() as conn:
        stored = sorted(r[0] for r in conn.execute(select(table.c.at)))
    assert [t.microsecond for t in stored] == [0, 1]


def test_a_column_without_a_binary_encoder_goes_in_as_csv(postgres_url):
    table = Table("amounts", MetaData(), Column("id", Integer), Column("amount", Numeric(10, 2)))
    engine = open_warehouse(postgres_url)
    table.create(engine)
    frame = pd.DataFrame({"id": [1, 2], "amount": [1.25, None]})
    with engine.begin() as conn:
        assert pg_binary.copy_blocks(conn, table, frame, 10) is None
        bulk_insert(conn, table, frame)
    assert sorted(stored_rows(engine, table), key=lambda r: r[0]) == [(1, 1.25), (2, None)]


def test_a_column_whose_stored_type_differs_from_the_schema_goes_in_as_csv(postgres_url):
    """An older warehouse's integer where the schema now says bigint: binary would be
    misread, CSV is read as text."""
    engine = open_warehouse(postgres_url)
    stored = Table("counts", MetaData(), Column("n", Integer))
    stored.create(engine)
    schema = Table("counts", MetaData(), Column("n", BigInteger))
    frame = pd.DataFrame({"n": pd.Series([5, None], dtype="Int64")})
    with engine.begin() as conn:
        assert pg_binary.copy_blocks(conn, schema, frame, 10) is None
        bulk_insert(conn, schema, frame)
    assert sorted(stored_rows(engine, stored), key=str) == [(5,), (None,)]


def test_a_value_out_of_the_column_range_fails_the_load(postgres_url):
    table = Table("small", MetaData(), Column("n", Integer))
    engine = open_warehouse(postgres_url)
    table.create(engine)
    with pytest.raises(pa.ArrowInvalid, match="2147483648"), engine.begin() as conn:
        bulk_insert(conn, table, pd.DataFrame({"n": [1, 2**31]}))
    assert stored_rows(engine, table) == []
