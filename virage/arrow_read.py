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

import json
import logging
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Compiled, Connection, Engine

from virage.niceness import run_beside

log = logging.getLogger(__name__)

_NULLABLE_INTEGERS = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}


def read_frame(
    conn: Connection,
    query: Select,
    dtypes: dict[str, str],
    then: Callable[[pa.Table], pa.Table] | None = None,
) -> pd.DataFrame:
    """The rows of `query` as a frame with `dtypes` (a table's canonical dtypes),
    through `then` (see Read) when given."""
    table = _arrow_table(conn, query, dtypes)
    if table is None:
        frame = _typed(pd.read_sql(query, conn), dtypes)
        if then is None:
            return frame
        table = pa.Table.from_pandas(frame, preserve_index=False)
    return _frame_of(then(table) if then else table, dtypes)


def _frame_of(table: pa.Table, dtypes: dict[str, str]) -> pd.DataFrame:
    return _typed(table.to_pandas(types_mapper=_NULLABLE_INTEGERS.get), dtypes)


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    dtypes = {name: dtype for name, dtype in dtypes.items() if name in frame.columns}
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


@dataclass(frozen=True)
class Read:
    """A query and the canonical dtypes of its columns; `then`, what to make of its
    Arrow table once read: in the child process that reads a SQLite file when it can
    import it (a module's function), else in the thread that takes in the child's
    tables; either way while the run goes on."""

    query: Select
    dtypes: dict[str, str]
    then: Callable[[pa.Table], pa.Table] | None = None

    def finish(self, table: pa.Table) -> pa.Table:
        return self.then(table) if self.then else table


class Reading:
    """Reads started now, whose frames `frames()` returns (waiting for them).

    They go on beside the run, on the other core: a SQLite file is read by a child
    process (virage/sqlite_child.py), PostgreSQL by a thread of this process (ADBC's
    driver lets go of Python's lock while it reads). Anything they cannot read is
    read in this process when the frames are asked for."""

    CHILD_TIMEOUT_SECONDS = 1800
    """How long a read beside the run may take (child or thread) before this process
    reads in its stead."""

    def __init__(self, engine: Engine, reads: list[Read]) -> None:
        self.engine = engine
        self.reads = reads
        self._child: subprocess.Popen | None = None
        self._beside: threading.Thread | None = None
        self._tables: list[pa.Table] = []
        database = _sqlite_file(engine.url)
        if database is not None:
            self._start_child(database)
        elif engine.url.get_backend_name() == "postgresql":
            # Imported here, not in the thread: two threads importing at once (the
            # run imports Prefect meanwhile) may see half-initialised modules.
            import adbc_driver_postgresql.dbapi  # noqa: F401

            self._beside = threading.Thread(target=self._read_postgresql, daemon=True)
            self._beside.start()

    def _read_postgresql(self) -> None:
        run_beside()
        try:
            for read in self.reads:
                self._tables.append(read.finish(_postgresql_table(self.engine.url, read.query)))
        except Exception as exc:  # read again in-process; the type only (see _arrow_table)
            log.debug("the read beside the run failed (%s)", type(exc).__name__)

    def _start_child(self, database: str) -> None:
        dialect = self.engine.dialect
        queries = []
        for read in self.reads:
            compiled = read.query.compile(dialect=dialect)
            names = [column.name for column in read.query.selected_columns]
            types = [_SQLITE_ARROW.get(read.dtypes.get(name, "")) for name in names]
            if None in types:  # a type the child would have to guess: read here
                return
            queries.append(
                {
                    "sql": str(compiled),
                    "params": _positional(compiled, stored_as=True),
                    "types": {name: str(kind) for name, kind in zip(names, types, strict=True)},
                    # Parsed there, as the run's pd.to_datetime would (0.3 s of it on
                    # a million posts); what Arrow cannot parse stays text for it.
                    "times": {
                        name: "UTC" if "UTC" in read.dtypes[name] else None
                        for name in names
                        if read.dtypes[name].startswith("datetime64")
                    },
                    "then": _importable(read.then),
                }
            )
        try:
            self._child = subprocess.Popen(
                # -P: nothing from the working directory shadows what the child imports.
                [sys.executable, "-P", "-m", "virage.sqlite_child", database],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            self._child.stdin.write(json.dumps({"queries": queries}, default=str).encode())
            self._child.stdin.close()
        except OSError as exc:  # could not start, or died before reading its job
            log.debug("no child process to read %s: %s", database, exc)
            if self._child is not None:
                _stop_child(self._child)
                self._child.stdout.close()
                self._child.stderr.close()
            self._child = None
            return
        run_beside(self._child.pid)
        # Its tables are taken in as it writes them: it exits as soon as it is done.
        self._beside = threading.Thread(target=self._drain, name="sqlite-child", daemon=True)
        self._beside.start()
        # Killed at exit at the latest, should the run fail before taking the frames.
        weakref.finalize(self, _stop_child, self._child)

    def _drain(self) -> None:
        run_beside()  # takes in the child's tables (and applies `then` the child could not)
        try:
            for read in self.reads:
                table = pa.ipc.open_stream(self._child.stdout).read_all()
                self._tables.append(table if _importable(read.then) else read.finish(table))
        except (OSError, pa.ArrowException) as exc:  # the child failed: its status says why
            log.debug("the child read stopped: %s", type(exc).__name__)

    def frames(self) -> list[pd.DataFrame]:
        """The frames of the reads, in their order; read again in this process on a
        second call (a retry) or where the read beside the run failed."""
        tables = self._child_tables() if self._child is not None else self._thread_tables()
        # Taken once: held here, the tables' buffers would outlive the frames.
        self._child, self._beside, self._tables = None, None, []
        if tables is not None:
            return [_frame_of(t, r.dtypes) for t, r in zip(tables, self.reads, strict=True)]
        with self.engine.connect() as conn:
            return [read_frame(conn, r.query, r.dtypes, r.then) for r in self.reads]

    def _thread_tables(self) -> list[pa.Table] | None:
        if self._beside is None:
            return None
        self._beside.join(self.CHILD_TIMEOUT_SECONDS)
        if self._beside.is_alive() or len(self._tables) != len(self.reads):
            return None
        log.debug("%s read beside the run", ", ".join(str(t.num_rows) for t in self._tables))
        return self._tables

    def _child_tables(self) -> list[pa.Table] | None:
        child = self._child
        self._beside.join(self.CHILD_TIMEOUT_SECONDS)
        if len(self._tables) != len(self.reads):  # the reading thread stopped early:
            _stop_child(child)  # the child may be blocked writing to a full pipe
        try:
            child.wait(timeout=1 if self._beside.is_alive() else self.CHILD_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _stop_child(child)
        error = child.stderr.read().decode(errors="replace").strip()
        child.stdout.close()
        child.stderr.close()
        if child.returncode != 0 or len(self._tables) != len(self.reads):
            log.debug("the child read failed (%s): reading in-process", error or child.returncode)
            return None
        log.debug("%s read by a child process", ", ".join(str(t.num_rows) for t in self._tables))
        return self._tables


def _importable(then: Callable | None) -> str | None:
    """`then` as module:name, for the child to import; None for no function, or one
    it could not import (a lambda, a nested function): this process applies those."""
    if then is None or "<" in then.__qualname__ or "." in then.__qualname__:
        return None
    return f"{then.__module__}:{then.__qualname__}"


def _stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()


def _sqlite_file(url: URL) -> str | None:
    """The file of a SQLite database URL; None for any other database, an in-memory
    one, or a URL with options (read in-process, as the run's engine opens it)."""
    if url.get_backend_name() != "sqlite" or url.query:
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return database


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
