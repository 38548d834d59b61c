"""Large reads from the warehouse as Arrow columns, not through pandas.read_sql.

pandas.read_sql goes through SQLAlchemy's rows and builds the frame from Python
objects: reading back a million stored posts took about 8 s of CPU on our 2-core
machine. PostgreSQL is read through ADBC's driver (binary COPY straight into Arrow);
SQLite through the run's own connection, each block of rows turned into typed Arrow
columns in one call per column (figures in docs/performance.md). Whatever these
cannot read (a libpq option ADBC does not take, a value of another type than its
column's) goes through read_sql: the same frame, slower.
"""

from __future__ import annotations

import logging
from contextlib import closing

import pandas as pd
import pyarrow as pa
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Compiled, Connection

log = logging.getLogger(__name__)

_NULLABLE_INTEGERS = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}


def read_frame(conn: Connection, query: Select, dtypes: dict[str, str]) -> pd.DataFrame:
    """The rows of `query` as a frame with `dtypes` (a table's canonical dtypes)."""
    table = _arrow_table(conn, query, dtypes)
    if table is None:
        frame = pd.read_sql(query, conn)
    else:
        frame = table.to_pandas(types_mapper=_NULLABLE_INTEGERS.get)
    for name, dtype in dtypes.items():
        if "UTC" in dtype:  # SQLite hands back naive UTC text, PostgreSQL aware times
            frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
        elif dtype.startswith("datetime64"):
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame.astype(dtypes)


def _arrow_table(conn: Connection, query: Select, dtypes: dict[str, str]) -> pa.Table | None:
    """`query`'s result as Arrow columns, or None where this module cannot read it."""
    url = conn.engine.url
    try:
        if url.get_backend_name() == "sqlite":
            return _sqlite_table(conn, query, dtypes)
        if url.get_backend_name() == "postgresql":
            return _postgresql_table(url, query)
    except Exception as exc:  # any driver or type failure: the slower way
        # The type only: a driver's message may quote the URL, password included.
        log.debug("Arrow read not possible (%s): reading through SQLAlchemy", type(exc).__name__)
    return None


def _sqlite_table(conn: Connection, query: Select, dtypes: dict[str, str]) -> pa.Table:
    """SQLite through the run's own connection, a block of rows at a time, each column
    of a block made an Arrow array of its schema's type in one call. Not ADBC's SQLite
    driver: with it, a whole night's writes vanished from the file (the flow tests
    caught it); it carries its own copy of SQLite, and two copies in one process
    undo each other's file locks (https://www.sqlite.org/howtocorrupt.html, 2.2.1)."""
    compiled = query.compile(dialect=conn.dialect)
    params = _positional(compiled, stored_as=True)
    # Closed even when a block fails to convert: an unfinished statement would keep
    # its read snapshot open on the run's connection.
    with closing(conn.connection.driver_connection.execute(str(compiled), params)) as cursor:
        names = [d[0] for d in cursor.description]
        types = [_SQLITE_ARROW.get(dtypes.get(name, "")) for name in names]
        blocks = []
        while rows := cursor.fetchmany(READ_BLOCK_ROWS):
            columns = zip(*rows, strict=True)
            arrays = [pa.array(v, kind) for v, kind in zip(columns, types, strict=True)]
            blocks.append(pa.table(arrays, names))
    if not blocks:
        return pa.table([pa.array([], t or pa.null()) for t in types], names)
    return pa.concat_tables(blocks, promote_options="permissive")


READ_BLOCK_ROWS = 100_000
"""Rows fetched as Python objects at once: bounds that memory (a gigabyte for a
million posts)."""

_SQLITE_ARROW = {
    "str": pa.string(),
    "Int64": pa.int64(),
    "int64": pa.int64(),
    "bool": pa.int64(),  # SQLite keeps booleans as 0 and 1
    "boolean": pa.int64(),
    "float64": pa.float64(),
    "Float64": pa.float64(),
    # SQLite keeps times as ISO text.
    "datetime64[us, UTC]": pa.string(),
    "datetime64[us]": pa.string(),
}


def _postgresql_table(url: URL, query: Select) -> pa.Table:
    """PostgreSQL through ADBC's driver (binary COPY into Arrow), on its own
    connection: a read outside the run's transaction, as read_stored's is."""
    import adbc_driver_postgresql.dbapi as adbc

    # ADBC's PostgreSQL driver takes $1, $2 ... placeholders.
    compiled = query.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar"))
    params = _positional(compiled, stored_as=False)
    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(libpq_url) as connection, connection.cursor() as cursor:
        cursor.execute(str(compiled), params or None)
        return cursor.fetch_arrow_table()


def _positional(compiled: Compiled, stored_as: bool) -> list:
    """The query's parameters in placeholder order; `stored_as`: converted as the
    dialect stores them (SQLite keeps times as ISO text)."""
    values = []
    for name in compiled.positiontup or ():
        value = compiled.params[name]
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if stored_as:
            dialect = compiled.dialect
            bind_type = compiled.binds[name].type
            processor = bind_type.dialect_impl(dialect).bind_processor(dialect)
            value = processor(value) if processor else value
        values.append(value)
    return values
