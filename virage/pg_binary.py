"""Frames as PostgreSQL's binary COPY format, encoded by Arrow over whole columns.

PostgreSQL reads binary COPY about twice as fast as CSV: no text to parse, above all
no times (bench/load.py, 200,000 posts: the server's COPY 0.73-1.0 s from CSV,
0.33-0.67 s from binary). The format (PostgreSQL documentation, "COPY", section
"Binary Format"): a signature and two 32-bit words, then per row a 16-bit field count
and per field a 32-bit length (-1 for NULL) and the value in the type's binary
send/receive form, big-endian; a 16-bit -1 ends the data.

Each column becomes an Arrow array of whole fields (length and value), and the rows
are these fields joined element-wise: no Python per row. Only types whose binary form
is fixed here are encoded; for a table with another type, or whose columns in the
database differ from the schema's (an older warehouse), `copy_blocks` says so and the
caller sends CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.engine import Connection

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
"""The signature, the flags word (no OIDs) and the header extension's length (none)."""
TRAILER = (-1).to_bytes(2, "big", signed=True)
NULL_FIELD = pa.scalar((-1).to_bytes(4, "big", signed=True), pa.large_binary())
JOINED = pa.scalar(b"", pa.large_binary())
"""The separator of fields joined into rows: none."""

POSTGRES_EPOCH_DAYS = 10_957
"""2000-01-01, PostgreSQL's epoch for dates and times, in days since 1970-01-01."""
POSTGRES_EPOCH_US = POSTGRES_EPOCH_DAYS * 86_400 * 1_000_000

Encoder = Callable[[pa.Array], pa.Array]
TEXT_TYPES = {"text", "character varying"}
"""Database types a text field is written to alike."""


def _packed(values: np.ndarray, big_endian: str, with_length: bool = True) -> pa.Array:
    """Fixed-width `values` in network byte order, each after its 32-bit length (a
    whole field) or alone."""
    raw = np.ascontiguousarray(values.astype(big_endian, copy=False))
    width = raw.dtype.itemsize
    start = 4 if with_length else 0
    packed = np.empty((len(raw), start + width), dtype=np.uint8)
    packed[:, :start] = np.frombuffer(width.to_bytes(4, "big")[:start], dtype=np.uint8)
    packed[:, start:] = raw.view(np.uint8).reshape(len(raw), width)
    array = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(start + width), len(raw), [None, pa.py_buffer(packed)]
    )
    return array.cast(pa.large_binary())


def _with_nulls(fields: pa.Array, values: pa.Array) -> pa.Array:
    if not values.null_count:
        return fields
    return pc.if_else(values.is_null(), NULL_FIELD, fields)


def _integers(big_endian: str) -> Encoder:
    numpy_type = np.dtype(big_endian).newbyteorder("=")
    arrow_type = pa.from_numpy_dtype(numpy_type)

    def encode(values: pa.Array) -> pa.Array:
        # A safe cast: a fraction or a value out of the column's range raises.
        native = values.cast(arrow_type).fill_null(0).to_numpy(zero_copy_only=False)
        return _with_nulls(_packed(native, big_endian), values)

    return encode


def _doubles(values: pa.Array) -> pa.Array:
    native = values.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False)
    return _with_nulls(_packed(native, ">f8"), values)


def _booleans(values: pa.Array) -> pa.Array:
    native = values.cast(pa.bool_()).fill_null(False).to_numpy(zero_copy_only=False)
    return _with_nulls(_packed(native.astype(np.uint8), "u1"), values)


_PER_SECOND = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": None}


def _times(values: pa.Array) -> pa.Array:
    """Microseconds since 2000-01-01 UTC (timestamp and timestamptz alike); naive
    times are taken as UTC, as the CSV path writes them."""
    if not pa.types.is_timestamp(values.type):
        values = values.cast(pa.timestamp("us"))
    ticks = values.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    scale = _PER_SECOND[values.type.unit]
    # Nanoseconds round to the nearest microsecond, as PostgreSQL rounds input text.
    micros = (ticks + 500) // 1000 if scale is None else ticks * scale
    return _with_nulls(_packed(micros - POSTGRES_EPOCH_US, ">i8"), values)


def _dates(values: pa.Array) -> pa.Array:
    """Days since 2000-01-01: the day, whatever time of it (as the CSV path)."""
    days = values.cast(pa.date32(), safe=False).cast(pa.int32())
    native = days.fill_null(0).to_numpy(zero_copy_only=False)
    return _with_nulls(_packed(native - POSTGRES_EPOCH_DAYS, ">i4"), values)


def _texts(values: pa.Array) -> pa.Array:
    """UTF-8 bytes after their length; values that are not text (numbers in a text
    column) as Arrow writes them as text."""
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_string())
    payload = values.cast(pa.large_binary())
    lengths = pc.binary_length(payload).fill_null(0).to_numpy(zero_copy_only=False)
    prefixes = _packed(lengths, ">i4", with_length=False)
    return pc.binary_join_element_wise(prefixes, payload, JOINED).fill_null(NULL_FIELD)


def _encoder(column_type: object) -> tuple[Encoder, str] | None:
    """The encoder of a schema type and the database type it writes, or None."""
    if isinstance(column_type, BigInteger):
        return _integers(">i8"), "bigint"
    if isinstance(column_type, SmallInteger):
        return _integers(">i2"), "smallint"
    if isinstance(column_type, Integer):
        return _integers(">i4"), "integer"
    if isinstance(column_type, Float) and column_type.precision is None:
        return _doubles, "double precision"
    if isinstance(column_type, Boolean):
        return _booleans, "boolean"
    if isinstance(column_type, DateTime):
        zone = "with" if column_type.timezone else "without"
        return _times, f"timestamp {zone} time zone"
    if isinstance(column_type, Date):
        return _dates, "date"
    if isinstance(column_type, String):  # Text and VARCHAR too
        return _texts, "text" if column_type.length is None else "character varying"
    return None


def _stored_types(conn: Connection, table: Table) -> dict[str, str]:
    """Each column's type as the database has it (without length modifiers)."""
    found = conn.exec_driver_sql(
        "SELECT attname::text, format_type(atttypid, NULL) FROM pg_attribute "
        "WHERE attrelid = to_regclass(%(table)s) AND attnum > 0 AND NOT attisdropped",
        {"table": conn.dialect.identifier_preparer.format_table(table)},
    )
    return dict(found.all())


def copy_blocks(
    conn: Connection, table: Table, frame: pd.DataFrame, rows_per_block: int
) -> Iterator[bytes | memoryview] | None:
    """The binary COPY data of `frame`'s rows (the table's columns), a block of rows at
    a time, or None when a column's type has no encoder here or differs in the
    database from the schema's type."""
    encoders: list[Encoder] = []
    stored = _stored_types(conn, table)
    for column in table.columns:
        found = _encoder(column.type)
        if found is None:
            return None
        encode, database_type = found
        if stored.get(column.name) != database_type and not (
            {database_type, stored.get(column.name)} <= TEXT_TYPES
        ):
            return None
        encoders.append(encode)
    return _blocks(frame[[c.name for c in table.columns]], encoders, rows_per_block)


def _blocks(
    frame: pd.DataFrame, encoders: list[Encoder], rows_per_block: int
) -> Iterator[bytes | memoryview]:
    yield SIGNATURE
    count = _packed(np.full(rows_per_block, len(encoders)), ">i2", with_length=False)
    for start in range(0, len(frame), rows_per_block):
        block = pa.Table.from_pandas(
            frame.iloc[start : start + rows_per_block], preserve_index=False
        )
        fields = [encode(block.column(i).combine_chunks()) for i, encode in enumerate(encoders)]
        rows = pc.binary_join_element_wise(count[: block.num_rows], *fields, JOINED)
        yield _data_of(rows)
    yield TRAILER


def _data_of(array: pa.Array) -> memoryview:
    """The bytes of a large_binary array's values, end to end, without a copy."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return memoryview(array.buffers()[2])[first:last]
