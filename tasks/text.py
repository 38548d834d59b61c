"""Text matching for French and English: accent- and case-insensitive, whole words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    whole = pa.chunked_array(pa.array(texts.fillna("").astype("str")))
    # Slice by slice: each kernel makes a new copy of its input, and a million texts
    # are ~100 MB per copy; the slices' results are the only copy kept.
    slices = [
        whole.slice(start, FOLD_SLICE_ROWS) for start in range(0, len(whole), FOLD_SLICE_ROWS)
    ]
    folded = pa.chunked_array([_fold_arrow(s) for s in slices], type=pa.large_string())
    return pd.Series(pd.arrays.ArrowExtensionArray(folded), index=texts.index).astype("str")


FOLD_SLICE_ROWS = 100_000


def _fold_arrow(texts: pa.ChunkedArray) -> pa.Array:
    folded = pc.utf8_lower(texts)
    # Ligatures spelled out; the typographic apostrophe kept as one, so that
    # "l’électrique" still has the word "electrique" in it.
    for ligature, spelled in (("œ", "oe"), ("æ", "ae"), ("’", "'")):
        folded = pc.replace_substring(folded, ligature, spelled)
    folded = pc.utf8_normalize(folded, form="NFKD")
    # What encoding to ASCII would drop: accents (split off above), other scripts.
    folded = pc.replace_substring_regex(folded, r"[^\x00-\x7f]+", "")
    return folded.combine_chunks().cast(pa.large_string())


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


def matches(folded: pd.Series, pattern: str | None) -> pd.Series:
    """Whether each folded text matches `pattern` (all False when there is none)."""
    if pattern is None:
        return pd.Series(False, index=folded.index)
    hint = getattr(pattern, "hint", "")
    if not hint:
        return folded.str.contains(pattern, regex=True)
    found = folded.str.contains(hint, regex=True).to_numpy(dtype=bool, copy=True)
    candidates = np.flatnonzero(found)
    if len(candidates):
        found[candidates] = folded.iloc[candidates].str.contains(pattern, regex=True).to_numpy()
    return pd.Series(found, index=folded.index)


def matches_each(folded: pd.Series, patterns: Iterable[str]) -> dict[str, pd.Series]:
    """`matches` for each pattern, scanning the whole column once for any of their
    hints: each pattern then runs over the few texts that mention one of its words
    (a campaign's twenty terms cost one pass over a million posts, not twenty)."""
    patterns = list(dict.fromkeys(p for p in patterns if p))
    hints = [getattr(p, "hint", "") for p in patterns]
    if len(patterns) < 2 or not all(hints):
        return {p: matches(folded, p) for p in patterns}
    candidates = np.flatnonzero(folded.str.contains("|".join(hints), regex=True).to_numpy(bool))
    few = folded.iloc[candidates]
    found = {}
    for pattern in patterns:
        hit = np.zeros(len(folded), dtype=bool)
        hit[candidates] = matches(few, pattern).to_numpy()
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
