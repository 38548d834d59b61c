"""Freed memory goes back to the operating system between a night's steps."""

from __future__ import annotations

import sys

import numpy as np

from virage.memory import give_back_freed_memory


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(s for s in status if s.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def test_freed_small_blocks_leave_the_process():
    if not sys.platform.startswith("linux"):
        assert give_back_freed_memory() is False
        return
    # Many small blocks (below malloc's mmap threshold) stay in the heap once freed.
    blocks = [np.ones(2_000, dtype=np.float64) for _ in range(30_000)]  # ~460 MB
    del blocks[::2]  # every other block: the heap cannot shrink from its top alone
    held = _resident_mb()
    assert give_back_freed_memory() is True
    assert _resident_mb() < held - 100


def test_an_empty_like_frame_holds_none_of_the_original_memory():
    import gc

    import pandas as pd
    import pyarrow as pa

    from virage.memory import empty_like

    pool = pa.default_memory_pool()
    before = pool.bytes_allocated()
    frame = pd.DataFrame(
        {"text": pd.Series(["a post's text"] * 200_000, dtype="str"), "n": range(200_000)}
    )
    held = pool.bytes_allocated() - before
    assert held > 2_000_000  # the texts live in Arrow's memory
    sliced, empty = frame.iloc[:0], empty_like(frame)
    del frame
    gc.collect()
    # An empty slice still holds every text; empty_like holds nothing.
    assert pool.bytes_allocated() - before >= held
    del sliced
    gc.collect()
    assert pool.bytes_allocated() - before < held / 100
    assert empty.empty and empty.dtypes.to_dict() == {
        "text": pd.StringDtype(na_value=float("nan")),
        "n": "int64",
    }
