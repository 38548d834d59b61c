"""French and English matching: accents, case, plurals, hashtags, brands, disclosures."""

from __future__ import annotations

import os
import re
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from virage.tasks.text import (
    SCAN_SLICE_ROWS,
    brand_pattern,
    contains,
    fold_series,
    is_sponsored_text,
    matches,
    terms_pattern,
)


def hits(texts: list[str], pattern: str | None) -> list[bool]:
    return matches(fold_series(pd.Series(texts)), pattern).tolist()


def test_keywords_match_across_accents_case_and_plurals_but_not_inside_words():
    pattern = terms_pattern(["vélo électrique", "Bike lane"], ["#MobilitéDouce"])
    assert hits(
        [
            "Mon VELO ELECTRIQUE est arrivé",
            "Deux vélos   électriques au garage",
            "New bike lanes downtown",
            "Vive la #mobilitedouce !",
            "Le vélo est électrique",
            "motobike lane",
            "#mobilitedouce2026",
        ],
        pattern,
    ) == [True, True, True, True, False, False, False]


def test_french_typography_and_padded_hashtags():
    pattern = terms_pattern(["électrique"], ["  #VéloUrbain "])
    assert hits(["l’électrique, enfin", "Vive le #velourbain"], pattern) == [True, True]


def test_no_terms_match_nothing():
    assert terms_pattern([], []) is None
    assert hits(["anything"], None) == [False]


def test_brand_handles_and_domains():
    pattern = brand_pattern(["@Acme"], ["acme.example"])
    assert hits(
        [
            "merci @ACME !",
            "voir https://www.acme.example/velo",
            "voir blog.acme.example",
            "@acmefan n'est pas la marque",
            "notacme.example",
            "email@acme pas une mention",
            "écrivez à contact@acme.example",
            "https://acme.example.evil.com/phish",
            "fin de phrase sur acme.example.",
        ],
        pattern,
    ) == [True, True, True, False, False, False, False, False, True]


@pytest.mark.parametrize(
    ("text", "sponsored"),
    [
        ("Super vélo #ad", True),
        ("#Sponsorisé par la marque", True),
        ("En partenariat avec Velozen", True),
        ("Collaboration commerciale", True),
        ("Publicité - nouveau vélo", True),
        ("Nouveau vélo [publicité]", True),
        ("Paid partnership with Velozen", True),
        ("Paid  partnership\nwith Velozen", True),
        ("Nouveau vélo !\nPublicité pour Velozen", True),
        ("La publicité ne marche plus, parlons-en", False),
        ("#adventure time", False),
        ("Quel bon repas", False),
    ],
)
def test_disclosure_markers(text, sponsored):
    assert is_sponsored_text(fold_series(pd.Series([text]))).tolist() == [sponsored]


def test_a_brand_name_that_folds_to_nothing_matches_nothing():
    assert brand_pattern(["@🙂"], ["www."]) is None
    assert hits(["any text at all", "@acme"], brand_pattern(["@🙂", "@acme"], ["www."])) == [
        False,
        True,
    ]


def test_patterns_survive_copies_and_pickles_with_their_prefilter():
    import copy
    import pickle

    pattern = terms_pattern(["vélo cargo"], ["#VeloUrbain"])
    texts = ["Mon vélo cargo", "#VeloUrbain", "un velo", "cargo seul"]
    for clone in (copy.deepcopy(pattern), pickle.loads(pickle.dumps(pattern))):
        assert clone == pattern and clone.hint == pattern.hint
        assert hits(texts, clone) == hits(texts, pattern) == [True, True, False, False]


# The patterns run through Arrow's RE2 in pandas; Python's `re` must find the same
# texts, and so must the look-around form they replace (what "whole word" means).
_PIECES = [
    "velo",
    "velos",
    "electrique",
    "cargo",
    "#velourbain",
    "@acme",
    "acme.example",
    "blog.",
    "publicite",
    "paid",
    "partnership",
    "#ad",
    "e",
    "x",
    "_",
    "-",
    ".",
    "@",
    "#",
    "[",
    "(",
    ")",
    "]",
    " ",
    "  ",
    "\n",
    "\t",
    "\v",
    "\x1c",
    "2026",
    "a.b",
]


def _lookaround_reference(pattern: str) -> str:
    """The same pattern written with look-arounds, as Python's `re` alone can run it."""
    word = "[^0-9A-Za-z_]"
    return (
        pattern.replace(f"(?:^|{word})", r"(?<!\w)")
        .replace(f"(?:{word}|\\Z)", r"(?!\w)")
        .replace("(?:^|[^0-9A-Za-z_@])", r"(?<![\w@])")
        .replace("(?:^|[^0-9A-Za-z_.@-])", r"(?<![\w.@-])")
        .replace(r"(?:\Z|[^0-9A-Za-z_.-]|\.\Z|\.[^0-9A-Za-z_-])", r"(?![\w-]|\.[\w-])")
    )


@settings(deadline=None, max_examples=150, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=30))
def test_arrow_and_python_regex_engines_agree(texts):
    from virage.tasks.text import SPONSORED_PATTERN

    column = pd.Series(texts, dtype="str")
    for pattern in (
        terms_pattern(["vélo", "vélo cargo", "électrique"], ["#VeloUrbain", "ad"]),
        brand_pattern(["@Acme"], ["acme.example"]),
        SPONSORED_PATTERN,
    ):
        assert not column.array._needs_python_regex(str(pattern))  # RE2, not `re`
        found = matches(column, pattern).tolist()
        assert found == [re.search(str(pattern), t) is not None for t in texts]
        reference = _lookaround_reference(str(pattern))
        assert "(?<" in reference
        assert found == [re.search(reference, t) is not None for t in texts]


_LETTERS = "aAzZéÉèàÀçÇôÔûüÜïœŒæÆ’'ßﬁ①Ⅻǅ 	\n-#@.😀日本"


@settings(deadline=None, max_examples=200, derandomize=True)
@given(st.lists(st.none() | st.text(alphabet=_LETTERS, max_size=12), max_size=20))
def test_a_column_folds_as_each_text_does(texts):
    from virage.tasks.text import fold

    column = pd.Series(texts, index=range(100, 100 + len(texts)), dtype="str")
    folded = fold_series(column)
    assert folded.index.equals(column.index) and folded.dtype == "str"
    assert folded.tolist() == [fold(t) if t is not None else "" for t in texts]


@settings(deadline=None, max_examples=150, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=30))
def test_one_pass_for_many_terms_finds_what_each_term_finds(texts):
    from virage.tasks.text import matches_each

    column = pd.Series(texts, index=range(7, 7 + len(texts)), dtype="str")
    terms = [terms_pattern(keywords=[k]) for k in ("vélo", "vélo cargo", "électrique")]
    terms += [terms_pattern(hashtags=[h]) for h in ("#VeloUrbain", "ad")]
    terms += [brand_pattern(["@Acme"], ["acme.example"]), None]
    found = matches_each(column, terms)
    assert list(found) == [t for t in terms if t]
    for term, hit in found.items():
        assert hit.index.equals(column.index) and hit.dtype == bool
        assert hit.tolist() == [re.search(str(term), t) is not None for t in texts]


def test_a_pattern_arrows_engine_cannot_read_is_matched_by_pythons_over_many_threads():
    texts = fold_series(pd.Series(["vélo cargo", "velo", None, "cargo vélo électrique"] * 40_000))
    looks_ahead = r"velo(?= cargo)"  # RE2 has no look-around: Python's re matches it
    expected = [bool(re.search(looks_ahead, t)) for t in texts]
    assert contains(texts, looks_ahead).tolist() == expected
    assert sum(expected) == 40_000  # one text in four
    at_end = r"electrique\Z"  # Python's end anchor, which RE2 spells \z
    assert contains(texts, at_end).tolist() == [t.endswith("electrique") for t in texts]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_process_forked_after_a_scan_still_scans():
    """The scans share one pool of threads, started once: a process forked after a scan
    (it has none of its parent's threads) still scans, and does not wait forever."""
    texts = pd.Series(["un vélo cargo"] * (2 * SCAN_SLICE_ROWS), dtype="str")
    assert contains(texts, "cargo").all()  # the parent's threads are started
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's own exit status is the check)
        os._exit(0 if contains(texts, "cargo").all() else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(child, 9)
    pytest.fail("the forked process's scan hung")
