"""Giving freed memory back to the operating system between a night's steps.

glibc keeps the memory of freed objects in its heap for reuse; freed small blocks
(a night's per-file frames, its Python strings) stay resident while the next step's
large arrays come from new pages, so a night's peak counted both. malloc_trim hands
the free heap pages back. On the 1M-post benchmark night, calling it after parsing,
after attribution and before the Great Expectations record lowered the peak resident
memory from 2.9 GB to 2.55 GB (docs/performance.md); it takes milliseconds.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pandas as pd


@cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The process's own symbols, libc's among them: find_library would run
        # ldconfig in a child process, forked from a process holding gigabytes.
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def give_back_freed_memory() -> bool:
    """Free what only reference cycles still hold, then return the heap's free pages to
    the operating system; False where the C library cannot (not Linux, not glibc).

    The collection matters: frames a step let go of can sit in cycles until Python's
    next full collection, which a night's few large allocations do not trigger soon
    (on the 1M-post night, collecting before attribution and before scoring lowered
    the peak by about 200 MB). Under `startup_objects_frozen` it costs milliseconds;
    otherwise about 0.25 s, for the Python objects Prefect and Great Expectations
    bring, whatever the night's size."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with `frame`'s columns and dtypes and no rows that holds none of its
    memory. `frame.iloc[:0]` would not do: a slice of an Arrow-backed column, even an
    empty one, keeps the whole column's buffers alive (a million posts' texts)."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in frame.dtypes.items()})


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """Leave the objects that exist on entry (modules, classes, settings: some 650,000
    once Prefect and Great Expectations are imported) out of the garbage collector's
    scans until exit. They outlive the night anyway; each full collection over them
    took 0.27 s, and a night collects at every give_back_freed_memory. On exit they
    are collectable again: a process that runs many flows frees what they leave."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
