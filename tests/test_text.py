"""French and English matching: accents, case, plurals, hashtags, brands, disclosures."""

from __future__ import annotations

import pandas as pd
import pytest

from virage.tasks.text import (
    brand_pattern,
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
