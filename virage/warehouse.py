"""Warehouse connection and the dialect-specific fast paths, in one place.

SQLite (embedded default) and PostgreSQL (production) are supported, each with its
fast bulk path: batched executemany in one transaction with WAL mode, and COPY
through psycopg 3. (The upsert uses INSERT .. ON CONFLICT, which both share.)
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Date, Engine, Table, create_engine, event, literal, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.schema import CreateIndex, DropIndex, ExecutableDDLElement

from virage import pg_binary
from virage.errors import ConfigError, WarehouseBusy
from virage.schemas.migrate import OutdatedWarehouse, create_schema

DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse.db"

log = logging.getLogger(__name__)


def resolve_url(url: str | None = None) -> str:
    """The URL given, else VIRAGE_WAREHOUSE_URL, else ./warehouse.db."""
    return url or os.environ.get("VIRAGE_WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL


_PASSWORD_OPTION = re.compile(r"([?&;](?:ssl)?password=)[^&;]*", re.IGNORECASE)
"""libpq reads a password from the query string too (`?password=...`)."""


def redact(url: str) -> str:
    """The URL with any password hidden, for messages: in the user part, in the query
    string, and in a URL too broken to parse (all the user part goes then)."""
    try:
        parsed = make_url(url)
        if "@" in (parsed.host or ""):  # an unescaped @ in the password: its tail
            raise ValueError(url)
        shown = parsed.render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        scheme, found, rest = url.partition("://")
        at = rest.rfind("@")
        if not found or at < 0:
            shown = url
        else:
            shown = f"{scheme}://{rest[:at].split(':', 1)[0]}:***@{rest[at + 1 :]}"
    return _PASSWORD_OPTION.sub(r"\1***", shown)


@lru_cache(maxsize=8)
def make_engine(url: str) -> Engine:
    """An engine for `url`; PostgreSQL URLs use psycopg 3, SQLite files WAL mode."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(
            f"warehouse URL {redact(url)!r} is not a database URL, e.g. "
            "sqlite:///warehouse.db or postgresql://user@host/db"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"cannot use warehouse {redact(url)}: {exc}") from None
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"warehouse {redact(url)}: virage writes to SQLite or PostgreSQL, "
            f"not {engine.dialect.name}"
        )
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Python's sqlite3 commits DDL on its own outside SQLAlchemy's transaction, so a
    # failed publish would leave its temporary tables behind: drive BEGIN ourselves
    # (SQLAlchemy's documented recipe) so that DDL rolls back with everything else.
    dbapi_connection.isolation_level = None
    # A second writer waits for the first instead of failing at once.
    dbapi_connection.execute("PRAGMA busy_timeout=30000")
    # 64 MB of page cache instead of 2: loading a million posts updates their indexes
    # all over the file (measured: 20.2 s -> 11.7 s; more cache gained nothing).
    dbapi_connection.execute("PRAGMA cache_size=-65536")  # KiB


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _unreachable(url: str, exc: SQLAlchemyError) -> ConfigError:
    reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
    return ConfigError(f"cannot reach warehouse {redact(url)}: {reason}")


def connect_existing(url: str | None = None) -> Engine:
    """Connect to a warehouse for reading, changing nothing: BI roles may only SELECT,
    and a mistyped SQLite path must not create an empty database."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    database = engine.url.database
    if (
        engine.dialect.name == "sqlite"
        and database
        and database != ":memory:"
        and not (database.startswith("file:") or Path(database).exists())
    ):
        raise ConfigError(
            f"warehouse file {database} does not exist; check --warehouse or run `virage run` first"
        )
    try:
        engine.connect().close()
    except SQLAlchemyError as exc:
        raise _unreachable(resolved, exc) from None
    return engine


def open_warehouse_exclusively(url: str | None = None, wait_seconds: float = 0) -> Engine:
    """open_warehouse under the writer lock, released on return: creating or upgrading
    the tables never races a run that is writing. Raises WarehouseBusy when another
    run holds the lock longer than `wait_seconds`."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        with writer_lock(engine, wait_seconds):
            return open_warehouse(resolved)
    except SQLAlchemyError as exc:
        raise _unreachable(resolved, exc) from None


def open_warehouse(url: str | None = None) -> Engine:
    """Connect, create missing tables and views, and return the engine. Raises
    ConfigError with one line when the warehouse cannot be reached."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        if engine.dialect.name == "sqlite":
            # WAL (kept in the file) lets BI tools read while the nightly run writes.
            with engine.connect() as conn:
                conn.connection.driver_connection.execute("PRAGMA journal_mode=WAL")
        with engine.begin() as conn:
            create_schema(conn)
    except SQLAlchemyError as exc:
        raise _unreachable(resolved, exc) from None
    except OutdatedWarehouse as exc:
        raise ConfigError(f"warehouse {redact(resolved)}: {exc}") from None
    return engine


def _column_values(frame: pd.DataFrame, table: Table, dialect: str) -> list[list]:
    columns = []
    for column in table.columns:
        series = frame[column.name]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            utc = "+00:00" if dialect == "postgresql" else ""
            columns.append(_as_text(series.dt.tz_convert(None), "us", utc))
        elif pd.api.types.is_datetime64_dtype(series.dtype):
            columns.append(_as_text(series, "D", ""))
        else:
            columns.append(series.astype(object).where(series.notna(), None).tolist())
    return columns


def _as_text(times: pd.Series, unit: str, suffix: str) -> list:
    """Naive UTC times as the text both dialects read ('2026-11-20 08:00:00.000000'),
    None for NaT. Each distinct time is formatted once: export and run times repeat."""
    codes, distinct = pd.factorize(times)
    if not len(distinct):
        return [None] * len(times)
    stamps = np.datetime_as_string(distinct.to_numpy().astype(f"datetime64[{unit}]"), unit=unit)
    text = np.char.add(np.char.replace(stamps, "T", " "), suffix).astype(object)
    return np.where(codes >= 0, text[codes], None).tolist()


def bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (the table's columns) into `table`, inside the
    caller's transaction.

    Into an empty table (a first night), REBUILD_MIN_ROWS rows or more go in with
    the table's indexes set aside (on PostgreSQL its primary key too) and built again
    from the schema once the rows are in: one sorted build instead of an update per
    row. It all happens in the caller's transaction, so a failure (a duplicate key
    found when the key is built again, say) rolls back to the table as it was,
    indexes included."""
    if frame.empty:
        return 0
    dialect = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    target = conn.dialect.identifier_preparer.format_table(table)
    names = ", ".join(quote(c.name) for c in table.columns)
    rebuild = []
    if len(frame) >= REBUILD_MIN_ROWS and _is_empty(conn, table):
        rebuild = _set_indexes_aside(conn, table)
    if dialect == "postgresql":
        _copy(conn, table, frame, target, names)
    else:  # sqlite: executemany per block of rows, inside the caller's transaction
        marks = ", ".join("?" * len(table.columns))
        for start in range(0, len(frame), COPY_CHUNK_ROWS):
            block = frame.iloc[start : start + COPY_CHUNK_ROWS]
            rows = list(zip(*_column_values(block, table, dialect), strict=True))
            conn.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({marks})", rows)
    _run(conn, rebuild)
    return len(frame)


def _copy(conn: Connection, table: Table, frame: pd.DataFrame, target: str, names: str) -> None:
    """COPY `frame` into `table` (`target`, its quoted name; `names`, its quoted column
    names) in PostgreSQL's binary format (virage/pg_binary.py), or as CSV when a column
    has no binary encoder here."""
    blocks = pg_binary.copy_blocks(conn, table, frame, COPY_CHUNK_ROWS)
    if blocks is None:
        _copy_csv(conn, table, frame, target, names)
        return
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN (FORMAT binary)") as copy:
        for block in blocks:
            copy.write(block)


def _copy_csv(conn: Connection, table: Table, frame: pd.DataFrame, target: str, names: str) -> None:
    with conn.connection.driver_connection.cursor() as cursor:
        # The CSV's times are UTC without an offset: read them in UTC, then give the
        # transaction its own time zone back.
        zone = cursor.execute("SELECT current_setting('TimeZone')").fetchone()[0]
        cursor.execute("SELECT set_config('TimeZone', 'UTC', true)")
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for start in range(0, len(frame), COPY_CHUNK_ROWS):
                copy.write(_as_csv(frame.iloc[start : start + COPY_CHUNK_ROWS], table))
        cursor.execute("SELECT set_config('TimeZone', %s, true)", (zone,))


COPY_CHUNK_ROWS = 25_000
"""Rows per block sent to COPY or executemany: bounds what is held in memory at once
(as Python objects for SQLite, a million posts would take about a gigabyte). Blocks
of 25,000 rows rather than 100,000 loaded 200,000 posts faster on both dialects
(PostgreSQL 0.87 s -> 0.75 s, SQLite 1.34 s -> 1.24 s, medians of 5 to 8 loads)."""

REBUILD_MIN_ROWS = 20_000
"""From this many rows into an empty table, bulk_insert builds the table's indexes
after the rows instead of updating them row by row (200,000 posts into an empty
table, medians of 5 to 8 loads: PostgreSQL 1.28 s -> 0.90 s, SQLite 1.44 s -> 1.24 s)."""

SET_ASIDE_LOCK_TIMEOUT = "2s"
"""How long PostgreSQL may wait for the exclusive lock that dropping an index takes
(a reader of the table holds it back); past that, the rows go in with the indexes."""

DDLStatement = ExecutableDDLElement | str
"""A DDL construct, or SQL text built from quoted names of our own schema."""


def _run(conn: Connection, statements: list[DDLStatement]) -> None:
    for statement in statements:
        if isinstance(statement, str):
            conn.exec_driver_sql(statement)
        else:
            conn.execute(statement)


def _is_empty(conn: Connection, table: Table) -> bool:
    return conn.execute(select(literal(1)).select_from(table).limit(1)).first() is None


def _set_indexes_aside(conn: Connection, table: Table) -> list[DDLStatement]:
    """Drop the indexes of `table` that both its schema and the database have (on
    PostgreSQL its primary key too, when its columns are the schema's and no foreign
    key leans on it) and return the statements that build them again, from the
    schema. PostgreSQL drops nothing when it cannot have the table to itself within
    SET_ASIDE_LOCK_TIMEOUT (a long query of a BI tool, say)."""
    stored = _stored_index_names(conn, table)
    indexes = sorted((i for i in table.indexes if i.name in stored), key=lambda i: i.name)
    drop: list[DDLStatement] = [DropIndex(i) for i in indexes]
    build: list[DDLStatement] = []
    if conn.dialect.name == "sqlite":  # its primary key cannot be dropped
        _run(conn, drop)
        return [CreateIndex(i) for i in indexes]
    name = _primary_key_to_set_aside(conn, table)
    if name is not None:
        quote = conn.dialect.identifier_preparer.quote
        target = conn.dialect.identifier_preparer.format_table(table)
        keys = ", ".join(quote(c.name) for c in table.primary_key.columns)
        drop.append(f"ALTER TABLE {target} DROP CONSTRAINT {quote(name)}")
        build.append(f"ALTER TABLE {target} ADD CONSTRAINT {quote(name)} PRIMARY KEY ({keys})")
    build.extend(CreateIndex(i) for i in indexes)
    if not drop:
        return []
    waited = conn.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar()
    conn.exec_driver_sql(
        "SELECT set_config('lock_timeout', %(wait)s, true)", {"wait": SET_ASIDE_LOCK_TIMEOUT}
    )
    try:
        with conn.begin_nested():  # a savepoint: giving up leaves the transaction usable
            _run(conn, drop)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        log.info("%s is being read: its rows go in with its indexes", table.name)
        build = []
    conn.exec_driver_sql("SELECT set_config('lock_timeout', %(wait)s, true)", {"wait": waited})
    return build


def _stored_index_names(conn: Connection, table: Table) -> set[str]:
    """The names of the indexes the database has on `table` (a temporary one too)."""
    if conn.dialect.name == "sqlite":
        if table.schema is None:
            found = conn.exec_driver_sql("SELECT name FROM pragma_index_list(?)", (table.name,))
        else:
            found = conn.exec_driver_sql(
                "SELECT name FROM pragma_index_list(?, ?)", (table.name, table.schema)
            )
    else:
        found = conn.exec_driver_sql(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = to_regclass(%(table)s)",
            {"table": conn.dialect.identifier_preparer.format_table(table)},
        )
    return {row[0] for row in found}


def _primary_key_to_set_aside(conn: Connection, table: Table) -> str | None:
    """The name of the primary key of `table` in a PostgreSQL database, when its
    columns are the schema's and no foreign key refers to it; else None."""
    expected = [c.name for c in table.primary_key.columns]
    if not expected:
        return None
    found = conn.exec_driver_sql(
        "SELECT c.conname, ARRAY(SELECT a.attname::text FROM unnest(c.conkey) "
        "WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a "
        "ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), "
        "EXISTS (SELECT 1 FROM pg_constraint f "
        "WHERE f.confrelid = c.conrelid AND f.contype = 'f') "
        "FROM pg_constraint c WHERE c.conrelid = to_regclass(%(table)s) AND c.contype = 'p'",
        {"table": conn.dialect.identifier_preparer.format_table(table)},
    ).first()
    if found is None or list(found[1]) != expected or found[2]:
        return None
    return found[0]


def _as_csv(frame: pd.DataFrame, table: Table) -> bytes:
    """`frame`'s rows (the table's columns) as CSV for PostgreSQL's COPY, written by
    Arrow in C++: strings always quoted, so an empty string stays one and a missing
    value (an unquoted empty field) is NULL; times in UTC without an offset (Arrow
    writes zoned times ten times slower), dates as dates."""
    arrays = pa.Table.from_pandas(frame[[c.name for c in table.columns]], preserve_index=False)
    for i, column in enumerate(table.columns):
        values = arrays.column(i)
        if isinstance(column.type, Date):  # the day, whatever time of it (as before)
            values = values.cast(pa.date32(), safe=False)
        elif pa.types.is_timestamp(values.type) and values.type.tz is not None:
            values = values.cast(pa.timestamp(values.type.unit))  # the same instants, UTC
        arrays = arrays.set_column(i, column.name, values)
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(arrays, sink, pa_csv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


LOCK_POLL_SECONDS = 0.5


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, from a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


WRITER_LOCK_KEY = _advisory_key("virage.warehouse.writer")


@contextmanager
def writer_lock(engine: Engine, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the warehouse's single-writer lock for the block; waits up to
    `wait_seconds` for another run to finish, then raises WarehouseBusy.

    PostgreSQL: a session advisory lock (scoped to the database) held on a dedicated
    connection; SQLite: an exclusive flock on `<file>.lock` beside the database. The
    operating system or the server releases either when the process dies, so a
    killed run never leaves the warehouse locked. Inside held_warehouse(...) for the
    same warehouse, in the same thread, the lock is held already: nothing to take."""
    if _lock_identity(engine) in _lent():
        yield  # held for this run by whoever started it (held_warehouse)
        return
    deadline = time.monotonic() + wait_seconds
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            # A session the server ends for idling would drop the lock unnoticed.
            conn.exec_driver_sql(
                "SELECT set_config(name, '0', false) FROM pg_settings "
                "WHERE name IN ('idle_session_timeout', 'idle_in_transaction_session_timeout')"
            )
            conn.commit()  # a rollback below would undo the settings otherwise
            while not conn.exec_driver_sql(
                f"SELECT pg_try_advisory_lock({WRITER_LOCK_KEY})"
            ).scalar():
                conn.rollback()
                _wait_or_give_up(engine, deadline)
            conn.commit()
            try:
                yield
            finally:
                _release_advisory_lock(conn)
        return
    path = _sqlite_file(engine)
    if path is None:
        yield  # an in-memory database has a single writer by construction
        return
    try:
        handle = open(f"{path}.lock", "a+b")  # noqa: SIM115 (the with below closes it)
    except OSError as exc:
        raise ConfigError(
            f"cannot reach warehouse {_shown(engine)}: {exc.strerror}: {Path(path).parent}"
        ) from None
    with handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                _wait_or_give_up(engine, deadline)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_LENT = threading.local()


def _lent() -> set[str]:
    """The warehouses whose writer lock this thread holds through held_warehouse."""
    if not hasattr(_LENT, "keys"):
        _LENT.keys = set()
    return _LENT.keys


def _shown(engine: Engine) -> str:
    """The engine's URL as messages may show it."""
    return redact(engine.url.render_as_string(hide_password=False))


def _lock_identity(engine: Engine) -> str:
    if engine.dialect.name == "postgresql":
        return _shown(engine)
    return f"sqlite:{_sqlite_file(engine)}"


@contextmanager
def held_warehouse(url: str | None = None, wait_seconds: float = 0) -> Iterator[Engine]:
    """The warehouse opened (tables created or upgraded) under its writer lock, which
    stays held for the whole block and is lent to every writer_lock taken for it in
    this thread: the CLI takes it before it starts a flow, so that no other run can
    slip in between its checks and the flow. Raises WarehouseBusy as writer_lock does,
    ConfigError when the warehouse cannot be reached."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    key = _lock_identity(engine)
    with ExitStack() as held:
        try:
            held.enter_context(writer_lock(engine, wait_seconds))
            open_warehouse(resolved)
        except SQLAlchemyError as exc:
            raise _unreachable(resolved, exc) from None
        _lent().add(key)
        try:
            yield engine
        finally:
            _lent().discard(key)


def _release_advisory_lock(conn: Connection) -> None:
    """Release the lock; a connection the server already closed released it then, and
    that must not fail a run that has published."""
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_unlock({WRITER_LOCK_KEY})")
        conn.commit()
    except SQLAlchemyError:
        log.warning("the warehouse's writer lock was already gone when released")
        conn.invalidate()


def _sqlite_file(engine: Engine) -> str | None:
    """The real path of an SQLite database file, also when given as a file: URI; None
    for an in-memory database."""
    database = engine.url.database or ""
    query = engine.url.query
    if database in ("", ":memory:") or query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database in ("", ":memory:") or "mode=memory" in (engine.url.database or ""):
            return None
    return os.path.realpath(database)


def _wait_or_give_up(engine: Engine, deadline: float) -> None:
    if time.monotonic() >= deadline:
        raise WarehouseBusy(
            f"warehouse {_shown(engine)} is being written "
            f"by another virage run{_running_run(engine)}; this run did not start: try "
            "again when it has finished, or wait for it with --wait SECONDS"
        )
    time.sleep(LOCK_POLL_SECONDS)


def _running_run(engine: Engine) -> str:
    """' (run R for D, started at T)' from pipeline_runs, when it says which."""
    try:
        with engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT run_id, as_of_date, started_at FROM pipeline_runs "
                "WHERE status = 'running' ORDER BY started_at DESC LIMIT 1"
            ).first()
    except SQLAlchemyError:
        return ""
    if found is None:
        return ""
    return f" (run {found[0]} for {found[1]}, started at {str(found[2])[:19]} UTC)"
