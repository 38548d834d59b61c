"""Text matching for French and English: accent- and case-insensitive, whole words."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from virage.fold import fold_arrow

# Disclosure markers (folded: no accents, lower case). Sources: FTC endorsement guides
# (#ad, #sponsored), French law n°2023-451 art. 5 ("publicité", "collaboration
# commerciale"), and common platform labels. See docs/scoring.md.
SPONSORED_HASHTAGS = (
    "ad",
    "ads",
    "sponsored",
    "sponsorise",
    "sponsorisee",
    "partenariat",
    "partenariatremunere",
    "collab",
    "collaborationcommerciale",
    "publicite",
    "paidpartnership",
    "gifted",
)
SPONSORED_PHRASES = (
    "paid partnership",
    "sponsored by",
    "partenariat remunere",
    "en partenariat avec",
    "collaboration commerciale",
    "sponsorise par",
    "sponsorisee par",
    "offert par",
)
# Our patterns run on folded (ASCII) text through Arrow's RE2, a whole column at C
# speed: no look-arounds (RE2 has none; pandas would fall back to Python's `re`, one
# text at a time) and no \s, \w or $ (whose meanings differ between the engines or
# make pandas scan the column first). A look-around becomes a character consumed
# beside the match, which decides whether a text matches just the same.
_SPACE = r"[\t\n\v\f\r\x1c-\x1f ]"  # what Python's \s matches in ASCII text
_WORD = "0-9A-Za-z_"
_BEFORE_WORD = rf"(?:^|[^{_WORD}])"  # (?<!\w)
_AFTER_WORD = rf"(?:[^{_WORD}]|\Z)"  # (?!\w)

# "Publicité" counts only as a label (start of text or in brackets), not as a word in
# a sentence about advertising.
_PUBLICITE_LABEL = rf"(?:^[^{_WORD}]*publicite{_AFTER_WORD}|[\[(]{_SPACE}*publicite{_SPACE}*[\])])"


def fold(value: str) -> str:
    """One string without accents, in lower case (œ and æ spelled out)."""
    value = value.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def fold_series(texts: pd.Series) -> pd.Series:
    """`fold` over a whole column; missing text becomes the empty string. Every step
    runs in Arrow's C++ kernels: a million posts are never turned into Python
    strings (with pandas' encode and decode they were, twice: 400 MB for a moment)."""
    folded = fold_arrow(pa.chunked_array(pa.array(texts.astype("str"))))
    return pd.Series(pd.arrays.ArrowExtensionArray(folded), index=texts.index).astype("str")


def _term(term: str, plural: str = "") -> str:
    words = fold(term).strip().split()
    return f"{_SPACE}+".join(re.escape(w) + plural for w in words)


class Pattern(str):
    """A regex over folded text, with `hint`: a regex of plain words, at least one of
    which every match contains. Scanning a column for the hint is cheaper than for
    the full regex, which then runs only on the few candidates."""

    hint: str

    def __new__(cls, regex: str, literals: Iterable[str] = ()) -> Pattern:
        pattern = super().__new__(cls, regex)
        pattern.hint = "|".join(sorted({_plain(w) for w in literals if w}))
        return pattern

    def __reduce__(self) -> tuple:  # copies and pickles (Dask) keep the hint
        return (_pattern_with_hint, (str(self), self.hint))


def _pattern_with_hint(regex: str, hint: str) -> Pattern:
    pattern = Pattern(regex)
    pattern.hint = hint
    return pattern


_RE2_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def _plain(word: str) -> str:
    """`word` as a regex matching itself (RE2 and re alike)."""
    return _RE2_SPECIAL.sub(r"\\\1", word)


def _longest_word(term: str) -> str:
    return max(fold(term).strip().split(), key=len)


def terms_pattern(keywords: Iterable[str] = (), hashtags: Iterable[str] = ()) -> str | None:
    """A regex matching any keyword as whole words (each word may take an s or x
    plural, so "vélo électrique" finds "vélos électriques") or any
    hashtag, over folded text; None when there is nothing to match."""
    alternatives = []
    keywords = [k for k in keywords if fold(k).strip()]
    hashtags = [h.strip().lstrip("#") for h in hashtags if fold(h).strip("# ")]
    words = [_term(k, plural=r"(?:s|x)?") for k in keywords]
    if words:
        alternatives.append(_BEFORE_WORD + "(?:" + "|".join(words) + ")" + _AFTER_WORD)
    tags = [_term(h) for h in hashtags]
    if tags:
        alternatives.append("#(?:" + "|".join(tags) + ")" + _AFTER_WORD)
    if not alternatives:
        return None
    literals = [_longest_word(k) for k in keywords] + ["#" + fold(h).split()[0] for h in hashtags]
    return Pattern("|".join(alternatives), literals)


def brand_pattern(handles: Iterable[str] = (), domains: Iterable[str] = ()) -> str | None:
    """A regex matching a mention of any brand handle or a link to any brand domain
    (subdomains included, e-mail addresses and look-alike hosts such as
    brand.example.evil.com not), over folded text."""
    alternatives = []
    # Folding can leave nothing (an emoji, "www."): an empty name would match any text.
    handles = [h for h in (fold(h).strip().lstrip("@") for h in handles) if h]
    domains = [d for d in (fold(d).strip().removeprefix("www.") for d in domains) if d]
    if handles:
        names = [re.escape(h) for h in handles]
        alternatives.append(rf"(?:^|[^{_WORD}@])@(?:" + "|".join(names) + ")" + _AFTER_WORD)
    if domains:
        hosts = [re.escape(d) for d in domains]
        # Not inside a longer name or an e-mail address, and not followed by more of a
        # host name: (?<![\w.@-]) before, (?![\w-]|\.[\w-]) after.
        alternatives.append(
            rf"(?:^|[^{_WORD}.@-])(?:[a-z0-9-]+\.)*(?:"
            + "|".join(hosts)
            + rf")(?:\Z|[^{_WORD}.-]|\.\Z|\.[^{_WORD}-])"
        )
    if not alternatives:
        return None
    return Pattern("|".join(alternatives), ["@" + h for h in handles] + domains)


_END_ANCHOR = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")
"""An unescaped \\Z (an even number of backslashes before it)."""
SCAN_SLICE_ROWS = 50_000
"""Texts per slice of a parallel scan (see _scan): fewer are not worth a thread."""


def _arrow_texts(folded: pd.Series) -> pa.ChunkedArray | None:
    """The column's own Arrow strings (no copy); None when it holds no Arrow data."""
    if getattr(folded.dtype, "storage", None) != "pyarrow":
        return None
    return pa.chunked_array(pa.array(folded.array))


def _scan(texts: pa.ChunkedArray, regex: str) -> np.ndarray:
    """Whether each text contains a match of `regex` (a missing text: no), as
    `str.contains` says (the same RE2 kernel of Arrow's), the column's slices scanned
    by as many threads as the machine has cores: Arrow's kernels let go of Python's
    lock, and scanning a million posts for a campaign's words was a third of scoring."""
    step = max(SCAN_SLICE_ROWS, -(-len(texts) // (os.cpu_count() or 1)))
    slices = [texts.slice(start, step) for start in range(0, len(texts), step)]
    # RE2 spells Python's end-of-text anchor \Z as \z.
    re2 = _END_ANCHOR.sub(r"\1\\z", regex)

    def scan(part: pa.ChunkedArray) -> np.ndarray:
        try:
            found = pc.fill_null(pc.match_substring_regex(part, re2), False)
        except pa.ArrowInvalid:  # what RE2 cannot read (a look-around): Python's re,
            search = re.compile(regex).search  # text by text, as pandas would
            return np.array([t is not None and bool(search(t)) for t in part.to_pylist()])
        return found.to_numpy(zero_copy_only=False)

    if len(slices) < 2:
        return scan(texts) if len(texts) else np.zeros(0, dtype=bool)
    return np.concatenate(list(_scanners().map(scan, slices)))


@cache
def _scanners() -> ThreadPoolExecutor:
    """The threads of every scan, started once: a night scans some forty times, and
    starting threads while others hold Python's lock cost it 0.15 s."""
    return ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="virage-scan")


if hasattr(os, "register_at_fork"):  # a forked child has none of its parent's threads
    os.register_at_fork(after_in_child=_scanners.cache_clear)


def contains(folded: pd.Series, regex: str) -> np.ndarray:
    """Whether each folded text contains a match of `regex` (see _scan)."""
    texts = _arrow_texts(folded)
    if texts is None:
        return folded.str.contains(regex, regex=True).to_numpy(dtype=bool)
    return _scan(texts, regex)


def matches(folded: pd.Series, pattern: str | None) -> pd.Series:
    """Whether each folded text matches `pattern` (all False when there is none)."""
    if pattern is None:
        return pd.Series(False, index=folded.index)
    hint = getattr(pattern, "hint", "")
    if not hint:
        return pd.Series(contains(folded, pattern), index=folded.index)
    found = contains(folded, hint).copy()  # written to below
    candidates = np.flatnonzero(found)
    if len(candidates):
        found[candidates] = contains(folded.iloc[candidates], pattern)
    return pd.Series(found, index=folded.index)


def matches_each(folded: pd.Series, patterns: Iterable[str]) -> dict[str, pd.Series]:
    """`matches` for each pattern, scanning the whole column once for any of their
    hints: each pattern then runs over the few texts that mention one of its words
    (a campaign's twenty terms cost one pass over a million posts, not twenty), and
    patterns with the same hint share its scan."""
    patterns = list(dict.fromkeys(p for p in patterns if p))
    hints = [getattr(p, "hint", "") for p in patterns]
    texts = _arrow_texts(folded)
    if len(patterns) < 2 or not all(hints) or texts is None:
        return {p: matches(folded, p) for p in patterns}
    candidates = np.flatnonzero(_scan(texts, "|".join(hints)))
    few = texts.take(candidates)
    hinted: dict[str, np.ndarray] = {}  # hint -> positions in `few` that contain it
    found = {}
    for pattern, hint in zip(patterns, hints, strict=True):
        if hint not in hinted:
            hinted[hint] = np.flatnonzero(_scan(few, hint))
        maybe = hinted[hint]
        hit = np.zeros(len(folded), dtype=bool)
        hit[candidates[maybe[_scan(few.take(maybe), pattern)]]] = True
        found[pattern] = pd.Series(hit, index=folded.index)
    return found


# Multi-line: a "Publicité" label may open any line of a post.
SPONSORED_PATTERN = Pattern(
    "(?m)"
    + "|".join(
        [
            "#(?:" + "|".join(SPONSORED_HASHTAGS) + ")" + _AFTER_WORD,
            _BEFORE_WORD
            + "(?:"
            + "|".join(_term(p) for p in SPONSORED_PHRASES)
            + ")"
            + _AFTER_WORD,
            _PUBLICITE_LABEL,
        ]
    ),
    ["#" + tag for tag in SPONSORED_HASHTAGS]
    + [_longest_word(p) for p in SPONSORED_PHRASES]
    + ["publicite"],
)


def is_sponsored_text(folded: pd.Series) -> pd.Series:
    """Whether each folded text carries a paid-partnership disclosure."""
    return matches(folded, SPONSORED_PATTERN)
