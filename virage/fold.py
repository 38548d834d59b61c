"""Folding texts (lower case, no accents) in Arrow alone, without pandas.

What scoring matches campaign terms against. Every step runs in Arrow's C++ kernels,
which let go of Python's lock: a million stored posts are folded as they are read
back, beside the run (virage/arrow_read.py, virage/sqlite_child.py), and this module
imports nothing but pyarrow, so that a child process reading the warehouse starts
fast. tasks/text.py builds the pandas side on it (fold_series).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

FOLD_SLICE_ROWS = 100_000


def fold_arrow(texts: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each text in lower case, without accents (œ and æ spelled out), in ASCII; a
    missing text becomes the empty string."""
    whole = pc.fill_null(texts.cast(pa.large_string()), "")
    # Slice by slice: each kernel makes a new copy of its input, and a million texts
    # are ~100 MB per copy; the slices' results are the only copy kept.
    slices = [
        whole.slice(start, FOLD_SLICE_ROWS) for start in range(0, len(whole), FOLD_SLICE_ROWS)
    ]
    return pa.chunked_array([_fold_slice(s) for s in slices], type=pa.large_string())


def _fold_slice(texts: pa.ChunkedArray) -> pa.Array:
    folded = pc.utf8_lower(texts)
    # Ligatures spelled out; the typographic apostrophe kept as one, so that
    # "l’électrique" still has the word "electrique" in it.
    for ligature, spelled in (("œ", "oe"), ("æ", "ae"), ("’", "'")):
        folded = pc.replace_substring(folded, ligature, spelled)
    folded = pc.utf8_normalize(folded, form="NFKD")
    # What encoding to ASCII would drop: accents (split off above), other scripts.
    folded = pc.replace_substring_regex(folded, r"[^\x00-\x7f]+", "")
    return folded.combine_chunks().cast(pa.large_string())


def text_folded_arrow(posts: pa.Table) -> pa.Table:
    """`posts` with their `folded` text in place of the `text` column: what scoring
    reads of it."""
    folded = posts.append_column("folded", fold_arrow(posts["text"]))
    return folded.drop_columns(["text"])
