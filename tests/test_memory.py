"""Freed memory goes back to the operating system between a night's steps."""

from __future__ import annotations

import resource
import subprocess
import sys

import numpy as np
import pytest

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


GROWING_ARRAYS = """
import resource, sys
from virage.memory import give_back_freed_memory, reuse_freed_memory
if sys.argv[1] == "reuse":
    assert reuse_freed_memory()

def faults(size):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = bytearray(size)  # zeroed: every page touched
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

# A night's pattern: ever larger arrays, each freed before the next.
first = faults(1 << 20)
growing = sum(faults(n << 20) for n in range(2, 9))
give_back_freed_memory()
print(growing, faults(8 << 20))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_large_blocks_are_reused_until_given_back():
    """By default glibc maps each array larger than the last one freed anew, and every
    page of it faults in; with reuse_freed_memory the arrays reuse the freed block
    (only its growth faults in), until give_back_freed_memory returns it."""

    def faults(mode: str) -> tuple[int, int]:
        shown = subprocess.run(
            [sys.executable, "-c", GROWING_ARRAYS, mode], capture_output=True, text=True, check=True
        )
        growing, after_giving_back = shown.stdout.split()
        return int(growing), int(after_giving_back)

    mb = (1 << 20) // resource.getpagesize()
    default_growing, _ = faults("default")
    reused_growing, after_giving_back = faults("reuse")
    assert default_growing > 30 * mb  # 2 + 3 + ... + 8 MB, each faulted in anew
    assert reused_growing < 10 * mb  # the block grown to 8 MB
    assert after_giving_back > 6 * mb  # given back: faulted in again
