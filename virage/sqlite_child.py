"""Reads of a SQLite warehouse file done in a child process, through ADBC's driver.

    python -m virage.sqlite_child DATABASE < job.json > tables.arrows

ADBC's SQLite driver turns rows into Arrow columns in C: a million stored posts in
about 1 s, against about 6 s through Python's sqlite3 (docs/performance.md). It
brings its own copy of SQLite, which must never share a process with the run's:
two copies in one process undo each other's file locks
(https://www.sqlite.org/howtocorrupt.html, 2.2.1). In a child process, it is one
more reader of the file, as SQLite's locking expects, and it reads on the other core
while the run goes on.

The job (JSON on standard input) lists queries, each with its SQL, positional
parameters, the Arrow type of each column, the columns holding times (parsed here)
and, optionally, a function (module:name) to make of the table once read (see
arrow_read.Read.then: folding the posts' texts here costs the run nothing); their
rows go to standard output as Arrow IPC streams, one after the other, in the job's
order (no file to clean up: should the run die, the child's next write fails and it
exits). Exit status 0 when all were written, 1 with one line on standard error
otherwise. Only pyarrow and the driver are imported: the child starts in a quarter
of a second.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

BATCH_ROWS = 1 << 24
"""Rows per Arrow batch. The driver infers a column's type from the first batch's
values, and a column empty in it would be typed int64 (then fail on the first text):
one batch for any window up to 16 million rows."""


def write_tables(database: str, queries: list[dict], out: BinaryIO) -> None:
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    # Read-only: this process must never write to the warehouse.
    uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"
    with adbc.connect(uri) as conn:
        for query in queries:
            with conn.cursor() as cursor:
                cursor.adbc_statement.set_options(
                    **{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)}
                )
                cursor.execute(query["sql"], query["params"] or None)
                table = cursor.fetch_arrow_table()
            schema = pa.schema([(n, pa.type_for_alias(t)) for n, t in query["types"].items()])
            # A column NULL throughout comes typed int64: the cast gives it its type.
            table = table.rename_columns(schema.names).cast(schema)
            table = _times_parsed(table, query.get("times") or {})
            if query.get("then"):  # module:function, e.g. virage.fold:text_folded_arrow
                module, name = query["then"].split(":")
                if module.split(".")[0] != "virage":  # only this package's own functions
                    raise ValueError(f"{query['then']} is not a function of virage")
                table = getattr(importlib.import_module(module), name)(table)
            with pa.ipc.new_stream(out, table.schema) as stream:
                stream.write_table(table)
            del table
    out.flush()


def _times_parsed(table, times: dict[str, str | None]):
    """The columns named in `times` (SQLite's ISO text) as Arrow times, in UTC where
    their zone is "UTC"; a column Arrow cannot parse stays text, for the run to."""
    import pyarrow as pa

    for name, zone in times.items():
        try:
            parsed = table[name].cast(pa.timestamp("us")).cast(pa.timestamp("us", tz=zone))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        table = table.set_column(table.schema.get_field_index(name), name, parsed)
    return table


def main(argv: list[str] | None = None) -> int:
    database = (argv if argv is not None else sys.argv[1:])[0]
    try:
        write_tables(database, json.load(sys.stdin)["queries"], sys.stdout.buffer)
    except Exception as exc:  # the parent reads in-process instead
        print(f"{type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
