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
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by `virage` before pandas, which it need not wait for
    import pandas as pd


@cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The process's own symbols, libc's among them: find_library would run
        # ldconfig in a child process, forked from a process holding gigabytes.
        libc = ctypes.CDLL(None)
        libc.malloc_trim, libc.mallopt  # noqa: B018 (not glibc: musl has neither)
    except (OSError, AttributeError):
        return None
    return libc


def _malloc_trim():
    libc = _glibc()
    return None if libc is None else libc.malloc_trim


M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""mallopt's parameters (malloc.h)."""
LARGEST_HEAP_BLOCK = 32 * 1024 * 1024
"""glibc's highest mmap threshold on 64-bit: larger blocks are always mapped anew."""


def reuse_freed_memory() -> bool:
    """Have glibc keep freed blocks of up to 32 MB in its heap for the next ones, until
    give_back_freed_memory returns them, in this process and in the processes it
    starts (the reading child, Prefect's server); False where it cannot (not glibc).

    By default glibc maps each block above a threshold (128 KB, raised as such blocks
    are freed) afresh and returns it when freed, and hands back the top of its heap
    as soon as 128 KB are free there: every large array of a night (a column of a
    million posts is 8 MB) then costs page faults on new pages, which the kernel zeroes
    first. On the incremental 1M-post night: 837,000 minor page faults and 3.2 s of
    system time before, about 510,000 and 2.3 s after (docs/performance.md)."""
    libc = _glibc()
    if libc is None:
        return False
    # Read by glibc as a process starts: the children's settings.
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(LARGEST_HEAP_BLOCK))
    os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(NO_TRIM))
    mapped = libc.mallopt(M_MMAP_THRESHOLD, LARGEST_HEAP_BLOCK)
    trimmed = libc.mallopt(M_TRIM_THRESHOLD, NO_TRIM)
    return bool(mapped and trimmed)


NO_TRIM = 2**31 - 1
"""A trim threshold no heap reaches: only give_back_freed_memory trims."""


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
    import pandas as pd

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
