"""Scoring: the personas rank as a marketer would expect, components behave."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.worlds import AS_OF, PERSONAS, persona, write_world
from virage.schemas.fields import ACCOUNTS, COMPONENTS, POSTS, SCORES
from virage.tasks.ingest import discover_exports, parse_exports
from virage.tasks.landing import Campaign, load_landing
from virage.tasks.people import prepare_accounts, prepare_posts
from virage.tasks.scoring import (
    DEFAULT_WEIGHTS,
    campaign_components,
    combine,
    explain_scores,
    platform_benchmarked,
    score_campaigns,
    term_weights,
    tier_of,
    topical_strength,
    window_posts,
)
from virage.tasks.text import fold_series
from virage.tasks.validate import canonicalise


def score_world(
    root: Path, as_of: dt.date = AS_OF, campaigns: list[Campaign] | None = None
) -> pd.DataFrame:
    """The plain functions of the nightly flow, chained without Prefect."""
    landing = load_landing(root)
    parsed = parse_exports(discover_exports(landing.exports, landing.root))
    posts = prepare_posts(
        canonicalise(parsed.frames["posts"], POSTS).clean, landing.roster.handles
    ).frame
    accounts = prepare_accounts(
        canonicalise(parsed.frames["accounts"], ACCOUNTS).clean, landing.roster.handles
    ).frame
    return score_campaigns(
        posts, accounts, landing.roster.people, campaigns or landing.campaigns, as_of
    )


def by_person(scores: pd.DataFrame, campaign: str) -> pd.DataFrame:
    return scores[scores["campaign_id"] == campaign].set_index("person_id")


def test_personas_rank_as_a_marketer_expects(tmp_path):
    scores = score_world(write_world(tmp_path))
    velo = by_person(scores, "velo")
    # An engaged, on-topic micro-influencer beats a huge off-topic account and an
    # account whose posts are mostly sponsored.
    assert velo.loc["micro", "score"] > velo.loc["mega", "score"]
    assert velo.loc["micro", "score"] > velo.loc["paid", "score"]
    assert velo.loc["micro", "rank"] == 1
    assert velo.loc["mega", "reach"] > velo.loc["micro", "reach"]  # big, but not influential
    assert velo.loc["paid", "credibility"] < 30 < velo.loc["micro", "credibility"]
    assert velo.loc["paid", "sponsored_share"] == pytest.approx(0.8)
    # The ambassador who shares brand content beats the one who barely posts.
    assert velo.loc["emp-yes", "score"] > velo.loc["emp-quiet", "score"]
    assert velo.loc["emp-yes", "advocacy"] > velo.loc["emp-quiet", "advocacy"]
    # A person who never consented is never scored.
    assert "emp-no" not in scores["person_id"].tolist()


def test_every_consenting_person_gets_a_row_per_campaign_in_range(tmp_path):
    scores = score_world(write_world(tmp_path))
    consenting = {p["person_id"] for p in PERSONAS if p["consent"]}
    for campaign in ("velo", "cuisine"):
        assert set(by_person(scores, campaign).index) == consenting
    assert list(scores.columns) == SCORES.columns
    components = ["score", *(c for c in COMPONENTS if c not in ("advocacy", "event_coverage"))]
    assert scores[components].notna().all().all()
    assert ((scores[components] >= 0) & (scores[components] <= 100)).all().all()
    assert scores["event_coverage"].isna().all()  # topic campaigns only
    assert scores.loc[scores["role"] == "influencer", "advocacy"].isna().all()
    assert scores.loc[scores["role"] == "ambassador", "advocacy"].between(0, 100).all()
    assert not scores.duplicated(["as_of_date", "campaign_id", "person_id"]).any()


def test_rank_follows_score_within_campaign_and_role(tmp_path):
    scores = score_world(write_world(tmp_path))
    for _, group in scores.groupby(["campaign_id", "role"]):
        ordered = group.sort_values("rank")
        assert ordered["rank"].tolist() == list(range(1, len(group) + 1))
        assert ordered["score"].is_monotonic_decreasing


def test_relevance_is_topical(tmp_path):
    scores = score_world(write_world(tmp_path))
    velo, cuisine = by_person(scores, "velo"), by_person(scores, "cuisine")
    assert velo.loc["micro", "relevance"] > 50
    assert cuisine.loc["micro", "relevance"] == 0
    assert velo.loc["micro", "score"] > cuisine.loc["micro", "score"]


def test_resonance_compares_engagement_within_the_follower_tier(tmp_path):
    # ER at each tier's own median engagement rate: the same resonance, whatever the size.
    typical = [
        persona(
            "nano",
            "Nano",
            "influencer",
            platform="x",
            followers=2_000,
            posts=20,
            on_topic=0.5,
            er=0.0645,
        ),
        persona(
            "mega",
            "Mega",
            "influencer",
            platform="x",
            followers=2_000_000,
            posts=20,
            on_topic=0.5,
            er=0.0256,
        ),
        persona(
            "double",
            "Double",
            "influencer",
            platform="x",
            followers=2_000_000,
            posts=20,
            on_topic=0.5,
            er=0.0512,
        ),
    ]
    velo = by_person(score_world(write_world(tmp_path, typical)), "velo")
    assert velo.loc["nano", "resonance"] == pytest.approx(velo.loc["mega", "resonance"], abs=4)
    assert velo.loc["double", "resonance"] > velo.loc["mega", "resonance"] + 10


def test_credibility_falls_progressively_with_sponsored_share(tmp_path):
    people = [
        persona(
            f"s{share}",
            f"S{share}",
            "influencer",
            platform="instagram",
            followers=20_000,
            posts=20,
            on_topic=1,
            er=0.04,
            sponsored=share / 100,
        )
        for share in (0, 25, 50, 100)
    ]
    velo = by_person(score_world(write_world(tmp_path, people)), "velo")
    credibility = velo.loc[["s0", "s25", "s50", "s100"], "credibility"].tolist()
    assert credibility == sorted(credibility, reverse=True)
    assert credibility[0] == 100
    assert credibility[-1] < 10


def test_collapsed_engagement_on_a_large_account_lowers_audience_quality(tmp_path):
    people = [
        persona(
            "real",
            "Real",
            "influencer",
            platform="instagram",
            followers=200_000,
            posts=20,
            on_topic=0.5,
            er=0.025,
        ),
        persona(
            "bought",
            "Bought",
            "influencer",
            platform="instagram",
            followers=200_000,
            posts=20,
            on_topic=0.5,
            er=0.002,
        ),
    ]
    velo = by_person(score_world(write_world(tmp_path, people)), "velo")
    assert velo.loc["bought", "audience_quality"] < 50 < velo.loc["real", "audience_quality"]
    assert velo.loc["bought", "reach"] < velo.loc["real", "reach"]


def test_only_the_window_counts(tmp_path):
    root = write_world(tmp_path)
    inside = score_world(root, AS_OF)
    # Ninety-one days later every post has left the window.
    later = score_world(root, AS_OF + dt.timedelta(days=91))
    assert (inside["posts_considered"] > 0).any()
    assert (later["posts_considered"] == 0).all()
    assert (later["relevance"] == 0).all() and (later["activity"] == 0).all()
    # Before the first post nothing counts either (posts after as-of are ignored).
    earlier = score_world(root, AS_OF - dt.timedelta(days=120))
    assert (earlier["posts_considered"] == 0).all()


def test_campaign_dates_and_weights(tmp_path):
    root = write_world(tmp_path)
    base = Campaign(id="velo", name="v", keywords=("vélo électrique", "e-bike"))
    late = base.model_copy(update={"id": "late", "start": AS_OF + dt.timedelta(days=1)})
    reach_only = base.model_copy(
        update={
            "id": "reach",
            "weights": {
                "reach": 1,
                "resonance": 0,
                "activity": 0,
                "audience_quality": 0,
                "advocacy": 0,
                "relevance": 0,
                "credibility": 0,
            },
        }
    )
    scores = score_world(root, campaigns=[base, late, reach_only])
    assert (by_person(scores, "late")["relevance"] == 0).all()
    assert by_person(scores, "velo").loc["micro", "relevance"] > 0
    reach = by_person(scores, "reach")
    assert (reach["score"] == reach["reach"]).all()
    assert reach.loc["mega", "rank"] == 1


def test_tiers():
    followers = pd.Series([None, 800, 5_000, 19_999, 20_000, 150_000, 1_000_000], dtype="Float64")
    assert tier_of(followers).tolist() == [
        "unknown",
        "nano",
        "micro",
        "micro",
        "mid",
        "macro",
        "mega",
    ]


def test_without_any_follower_data_everyone_is_still_scored(tmp_path):
    root = write_world(tmp_path)
    for snapshot in (root / "exports").rglob("*.accounts.csv"):
        snapshot.unlink()
    scores = score_world(root)
    assert (scores["tier"] == "unknown").all()
    assert scores["score"].between(0, 100).all()
    velo = by_person(scores, "velo")
    assert velo.loc["micro", "score"] > velo.loc["mega", "score"]


def test_the_worked_example_of_the_docs_holds():
    """docs/scoring.md's three influencers, from their components to their scores."""
    components = pd.DataFrame(
        {
            "reach": [58.27, 90.01, 68.26],
            "resonance": [59.94, 45.12, 50.00],
            "activity": [74.62, 80.00, 63.85],
            "audience_quality": [100.0, 100.0, 100.0],
            "advocacy": [np.nan] * 3,
            "relevance": [68.76, 7.02, 60.89],
            "credibility": [85.21, 73.47, 10.12],
        },
        index=["A", "B", "C"],
    )
    weights = {**DEFAULT_WEIGHTS["influencer"], "advocacy": 0.0}
    assert combine(components, weights).round(2).tolist() == [46.51, 15.28, 20.71]


def test_a_rare_campaign_term_counts_more_than_a_common_one():
    corpus = fold_series(pd.Series(["vélo"] * 8 + ["#VeloUrbain vélo", "rien"]))
    campaign = Campaign(id="c", name="C", keywords=["vélo"], hashtags=["VeloUrbain"])
    weights = term_weights(corpus, campaign)
    assert max(weights.values()) == 1.0 and min(weights.values()) < 0.5
    strength = topical_strength(corpus, campaign, corpus)
    assert strength.iloc[8] == 1.0  # both terms: capped at 1
    assert 0 < strength.iloc[0] < 0.5  # the common word alone
    assert strength.iloc[9] == 0.0


def test_explanations_name_the_strongest_and_weakest_factors_in_plain_words(tmp_path):
    scores = score_world(write_world(tmp_path))
    velo = by_person(scores, "velo")["explanation"]
    assert velo["paid"].endswith("80% of posts sponsored")
    assert velo["micro"].startswith("often on this campaign's topic")
    assert "rarely on this campaign's topic" in velo["mega"]
    assert (
        "often on this campaign's topic"
        not in by_person(scores, "cuisine").loc["micro", "explanation"]
    )


def test_explanations_order_strengths_and_weaknesses_and_break_ties_by_component():
    neutral = dict.fromkeys(
        ["relevance", "event_coverage", "resonance", "reach", "credibility", "activity"], 50.0
    ) | {"audience_quality": 50.0, "advocacy": 50.0}
    rows = {
        "both": {
            **neutral,
            "relevance": 90.0,
            "event_coverage": None,
            "resonance": 70.0,
            "reach": 80.0,
            "credibility": 20.0,
            "activity": 30.0,
            "audience_quality": 90.0,  # genuine: the norm, never named as a strength
            "advocacy": None,
        },
        "plain": neutral,
        "tied": {**neutral, "relevance": 70.0, "resonance": 70.0, "reach": 70.0},
        "weak only": {**neutral, "advocacy": 10.0, "credibility": 100.0},
    }
    scores = pd.DataFrame.from_dict(rows, orient="index").assign(
        tier=["micro", "micro", "nano", "macro"], sponsored_share=[0.8, 0.0, 0.1, 0.0]
    )
    said = explain_scores(scores)
    assert said.to_dict() == {
        "both": "often on this campaign's topic, large audience; "
        "80% of posts sponsored, rarely posts",
        "plain": "no strong or weak factor",
        "tied": "often on this campaign's topic, high engagement for a nano account",
        "weak only": "rarely shares the brand",
    }
    assert explain_scores(scores, most=1)["both"] == (
        "often on this campaign's topic; 80% of posts sponsored"
    )


def test_engagement_is_benchmarked_against_the_platforms_peers_when_there_are_enough():
    linkedin = pd.DataFrame(
        {"platform": "linkedin", "handle": [f"a{i % 12}" for i in range(36)]}
    ).assign(ratio=[0.5, 0.25, 1.0] * 12)
    few = pd.DataFrame({"platform": "x", "handle": ["b", "c"] * 20}).assign(ratio=0.5)
    posts = pd.concat([linkedin, few], ignore_index=True)
    benchmarked = platform_benchmarked(posts["ratio"], posts)
    # LinkedIn's median ratio (0.5) becomes its benchmark; X has two accounts only.
    assert benchmarked[posts["platform"] == "linkedin"].median() == 1.0
    assert (benchmarked[posts["platform"] == "x"] == 0.5).all()


def test_a_post_given_twice_counts_once(tmp_path):
    landing = load_landing(write_world(tmp_path))
    parsed = parse_exports(discover_exports(landing.exports, landing.root))
    posts = prepare_posts(canonicalise(parsed.frames["posts"], POSTS).clean, landing.roster.handles)
    accounts = prepare_accounts(
        canonicalise(parsed.frames["accounts"], ACCOUNTS).clean, landing.roster.handles
    )
    args = (accounts.frame, landing.roster.people, landing.campaigns, AS_OF)
    once = score_campaigns(posts.frame, *args)
    twice = score_campaigns(pd.concat([posts.frame, posts.frame.head(5)]), *args)
    pd.testing.assert_frame_equal(once, twice)


def test_a_window_made_once_scores_as_the_posts_do(tmp_path):
    """The flow builds the window once for scoring and the event summary: scoring it
    again must give what scoring the posts gives, and keep the window as it is."""
    landing = load_landing(write_world(tmp_path))
    parsed = parse_exports(discover_exports(landing.exports, landing.root))
    posts = prepare_posts(canonicalise(parsed.frames["posts"], POSTS).clean, landing.roster.handles)
    accounts = prepare_accounts(
        canonicalise(parsed.frames["accounts"], ACCOUNTS).clean, landing.roster.handles
    ).frame
    window = window_posts(posts.frame, accounts, AS_OF)
    assert "text" not in window and "folded" in window
    pd.testing.assert_frame_equal(window_posts(window, accounts, AS_OF), window)
    args = (accounts, landing.roster.people, landing.campaigns, AS_OF)
    pd.testing.assert_frame_equal(
        score_campaigns(window, *args), score_campaigns(posts.frame, *args)
    )


def test_relevance_rises_when_the_audience_engages_with_the_on_topic_posts():
    when = pd.Timestamp(AS_OF, tz="UTC") - pd.Timedelta(days=3)
    texts = ["mon velo du matin", "une recette de gateau"] * 2
    posts = pd.DataFrame(
        {
            "person_id": ["topic-engages"] * 2 + ["other-engages"] * 2,
            "posted_at": [when] * 4,
            "folded": fold_series(pd.Series(texts)),
            "engagement": [90.0, 10.0, 10.0, 90.0],
            "clicks": [None] * 4,
        }
    )
    campaign = Campaign(id="velo", name="Vélo", keywords=["vélo"])
    relevance = campaign_components(posts, campaign, AS_OF)["relevance"]
    assert relevance["topic-engages"] > relevance["other-engages"]
    unknown = campaign_components(posts.assign(engagement=np.nan), campaign, AS_OF)["relevance"]
    assert unknown["topic-engages"] == unknown["other-engages"]  # the post share stands in
