"""Scoring against known truth: rank correlation in a generated world, and personas.

The generated world (tests/truth_world.py) hides each person's real audience, topical
interest, engagement quality, paid share, bought followers and regularity, and defines
true influence from them. Scoring only sees the exports; here it must rank people
far closer to the truth than follower counts do. Run with `-s` to see the table;
docs/scoring.md quotes it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.truth_world import (
    AS_OF,
    CYBER,
    TRAVEL,
    TRAVEL_BRAND,
    TRAVEL_DOMAIN,
    accounts_frame,
    followers_by_person,
    generate_world,
    people_frame,
    posts_frame,
    spearman,
    tier_er,
)
from virage.tasks.scoring import score_campaigns

SEEDS = (2026, 1, 2)
# Thresholds, set about 0.1 below the worst of seeds 2026 and 1-5 as measured when this
# test was written (full table in docs/scoring.md): influencers 0.74-0.84 for the score
# against at most 0.17 for followers; ambassadors 0.65-0.79 against at most 0.21.
MIN_RHO = {"influencer": 0.65, "ambassador": 0.55}
MIN_GAIN = {"influencer": 0.45, "ambassador": 0.3}
# Among influencers who mostly post on the campaign's topic, relevance no longer sorts
# them: the other components must. Measured 0.71-0.87 against at most 0.34.
ON_TOPIC_SHARE = 0.3
MIN_RHO_ON_TOPIC, MIN_GAIN_ON_TOPIC = 0.6, 0.3


def rho_table(seed: int) -> pd.DataFrame:
    world = generate_world(seed)
    scores = score_campaigns(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    frame = scores.merge(world.truth, on=["person_id", "campaign_id", "role"], validate="1:1")
    followers = followers_by_person(world.accounts)
    frame["followers"] = frame["person_id"].map(followers).fillna(0.0)
    shares = world.latents.filter(like="share_")
    frame["topic_share"] = [
        shares.at[p, f"share_{c}"]
        for p, c in zip(frame["person_id"], frame["campaign_id"], strict=True)
    ]
    rows = []
    for (campaign, role), group in frame.groupby(["campaign_id", "role"]):
        subsets = {"all": group, "on topic": group[group["topic_share"] >= ON_TOPIC_SHARE]}
        for subset, rows_ in subsets.items():
            rows.append(
                {
                    "seed": seed,
                    "campaign": campaign,
                    "role": role,
                    "people": subset,
                    "n": len(rows_),
                    "rho_score": spearman(rows_["score"], rows_["truth"]),
                    "rho_followers": spearman(rows_["followers"], rows_["truth"]),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def rhos() -> pd.DataFrame:
    table = pd.concat([rho_table(seed) for seed in SEEDS], ignore_index=True)
    with pd.option_context("display.width", 120, "display.float_format", "{:.2f}".format):
        print("\nSpearman rho with true influence\n" + table.to_string(index=False))
    return table


def test_score_ranks_by_true_influence_far_better_than_follower_counts(rhos):
    everyone = rhos[rhos["people"] == "all"]
    assert len(everyone) == 4 * len(SEEDS)
    for row in everyone.itertuples():
        label = f"seed {row.seed} {row.campaign} {row.role}: {row.rho_score:.2f}"
        assert row.rho_score >= MIN_RHO[row.role], label
        assert row.rho_score >= row.rho_followers + MIN_GAIN[row.role], (
            f"{label} vs followers {row.rho_followers:.2f}"
        )


def test_among_on_topic_influencers_score_still_beats_followers(rhos):
    # Relevance alone sorts on-topic from off-topic people; among on-topic influencers
    # the order comes from real audience, engagement, paid share and regularity.
    on_topic = rhos[(rhos["people"] == "on topic") & (rhos["role"] == "influencer")]
    for row in on_topic.itertuples():
        label = f"seed {row.seed} {row.campaign}: {row.rho_score:.2f} (n={row.n})"
        assert row.n >= 30, label
        assert row.rho_score >= MIN_RHO_ON_TOPIC, label
        assert row.rho_score >= row.rho_followers + MIN_GAIN_ON_TOPIC, label


def test_generated_world_is_deterministic():
    first, again = generate_world(7, n_people=30), generate_world(7, n_people=30)
    pd.testing.assert_frame_equal(first.posts, again.posts)
    pd.testing.assert_frame_equal(first.truth, again.truth)


# --- personas in a hand-built two-campaign world (travel vs cybersecurity) ------------

TRAVEL_FR = [
    "Nos vacances à Lisbonne : l'itinéraire complet en cinq jours",
    "Trois hôtels de charme testés cette semaine dans les Cévennes",
    "Itinéraires à vélo le long de la Loire, entre châteaux",
    "Carnet de voyage : Kyoto sous la neige",
    "VOYAGES en train de nuit : le retour",
]
TRAVEL_EN = [
    "My favourite travel hacks for long-haul flights",
    "Best city break destinations for a long weekend",
    "Packing list for two weeks of travel with kids",
    "Road trip across Utah, day four",
    "Cheap hotels near the old town, ranked",
]
CYBER_TEXTS = [
    "Le phishing reste la première porte d'entrée des rançongiciels",
    "Five password mistakes I still see in every audit",
    "Pourquoi le zero trust n'est pas qu'un slogan #cybersécurité",
    "Ransomware attacks on hospitals doubled this year #infosec",
    "Gestionnaire de mots de passe : mon comparatif",
]
OTHER_TEXTS = [
    "Superbe match hier soir",
    "New recipe: miso-glazed aubergine",
    "Ma routine sport du dimanche matin",
    "Behind the scenes of today's shoot",
]
END = pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")


def feed(
    pid: str,
    platform: str,
    texts: list[str],
    *,
    likes: int | list[int],
    days_ago: list[float] | None = None,
) -> list[dict]:
    """Posts of one account, by default one every 3.5 days back from as-of."""
    days_ago = days_ago if days_ago is not None else [0.5 + 3.5 * k for k in range(len(texts))]
    likes = likes if isinstance(likes, list) else [likes] * len(texts)
    return [
        {
            "platform": platform,
            "handle": pid,
            "post_id": f"{pid}-{k}",
            "person_id": pid,
            "posted_at": END - pd.Timedelta(days=day),
            "text": text,
            "likes": n,
            "comments": n // 20,
            "shares": n // 50,
        }
        for k, (text, day, n) in enumerate(zip(texts, days_ago, likes, strict=True))
    ]


def snapshots(pid: str, platform: str, followers: int | list[int]) -> list[dict]:
    """Weekly follower snapshots over the window (13 of them, the last on as-of)."""
    counts = followers if isinstance(followers, list) else [followers] * 13
    return [
        {
            "platform": platform,
            "handle": pid,
            "snapshot_date": AS_OF - dt.timedelta(days=7 * (len(counts) - 1 - k)),
            "followers": n,
            "person_id": pid,
        }
        for k, n in enumerate(counts)
    ]


def typical_likes(followers: int, ratio: float = 1.0) -> int:
    """Likes giving `ratio` times the tier's median ER (comments are likes // 20)."""
    return int(followers * tier_er(followers) * ratio / 1.05)


def mix(on: list[str], n_on: int, n: int, off: list[str] = OTHER_TEXTS) -> list[str]:
    """n texts, n_on of them cycling through `on`, the others through `off`, interleaved."""
    every = n / max(n_on, 1)
    picks = {round(k * every) for k in range(n_on)}
    return [on[k % len(on)] if k in picks else off[k % len(off)] for k in range(n)]


def score(posts: list[dict], snaps: list[dict], people: list[tuple[str, str]], campaigns=None):
    scores = score_campaigns(
        posts_frame(posts),
        accounts_frame(snaps),
        people_frame(people),
        campaigns or [TRAVEL, CYBER],
        AS_OF,
    )
    return {c: g.set_index("person_id") for c, g in scores.groupby("campaign_id")}


def test_travel_creator_and_security_expert_swap_places_because_influence_is_topical():
    posts, snaps = [], []
    people = [
        ("globetrotter", "instagram", mix(TRAVEL_FR + TRAVEL_EN, 20, 24), 25_000, 1.3),
        ("secops", "x", mix(CYBER_TEXTS, 20, 24), 25_000, 1.3),
        # A bigger generalist who touches both topics now and then.
        ("lifestyle", "instagram", mix(TRAVEL_EN[:1] + CYBER_TEXTS[:1], 4, 24), 300_000, 1.0),
        ("foodie", "tiktok", mix([], 0, 24), 60_000, 1.0),
    ]
    for pid, platform, texts, followers, ratio in people:
        posts += feed(pid, platform, texts, likes=typical_likes(followers, ratio))
        snaps += snapshots(pid, platform, followers)
    scores = score(posts, snaps, [(p[0], "influencer") for p in people])
    travel, cyber = scores["escapades"], scores["cyberday"]
    assert travel.loc["globetrotter", "rank"] == 1
    assert cyber.loc["secops", "rank"] == 1
    assert travel.loc["secops", "rank"] >= 3
    assert cyber.loc["globetrotter", "rank"] >= 3
    # Same profile components in both campaigns: only relevance moved them.
    assert travel.loc["globetrotter", "reach"] == cyber.loc["globetrotter", "reach"]
    assert cyber.loc["globetrotter", "score"] < travel.loc["globetrotter", "score"] / 2
    assert travel.loc["secops", "score"] < cyber.loc["secops", "score"] / 2


def test_bought_followers_rank_below_an_organic_account_of_the_same_size():
    # Both show 60,000 followers on as-of; "bought" had 25,000 until six weeks ago and
    # its engagement never followed the jump.
    texts = mix(TRAVEL_EN + TRAVEL_FR, 16, 24)
    posts = feed("organic", "instagram", texts, likes=typical_likes(60_000))
    posts += feed("bought", "instagram", texts, likes=typical_likes(25_000))
    snaps = snapshots("organic", "instagram", 60_000)
    snaps += snapshots("bought", "instagram", [25_000] * 7 + [60_000] * 6)
    travel = score(posts, snaps, [("organic", "influencer"), ("bought", "influencer")])["escapades"]
    assert travel.loc["bought", "score"] < travel.loc["organic", "score"]
    assert travel.loc["bought", "audience_quality"] < travel.loc["organic", "audience_quality"]
    assert travel.loc["bought", "reach"] < travel.loc["organic", "reach"]
    assert travel.loc["bought", "tier"] == travel.loc["organic", "tier"] == "mid"


def test_dormant_account_ranks_below_a_regular_poster_because_it_stopped_posting():
    # Same audience, engagement and topics; the dormant one posted its 12 posts in the
    # window's first week and nothing since.
    texts = mix(TRAVEL_FR, 8, 12)
    likes = typical_likes(15_000)
    posts = feed(
        "regular", "instagram", texts, likes=likes, days_ago=[1 + 7 * k for k in range(12)]
    )
    posts += feed(
        "dormant", "instagram", texts, likes=likes, days_ago=[83 + k / 2 for k in range(12)]
    )
    snaps = snapshots("regular", "instagram", 15_000) + snapshots("dormant", "instagram", 15_000)
    travel = score(posts, snaps, [("regular", "influencer"), ("dormant", "influencer")])[
        "escapades"
    ]
    assert travel.loc["dormant", "activity"] < travel.loc["regular", "activity"]
    assert travel.loc["dormant", "score"] < travel.loc["regular", "score"]
    assert travel.loc["regular", "rank"] == 1


def test_french_only_posts_match_a_bilingual_keyword_list_as_well_as_english_ones():
    # Accents, capitals and plurals ("hôtels", "Itinéraires", "VOYAGES") against the
    # campaign's "hôtel", "itinéraire", "voyage": French posts count about as much as
    # English ones (not exactly: each term is weighted by its rarity in the window).
    likes = typical_likes(10_000)
    posts = feed("francophone", "instagram", TRAVEL_FR, likes=likes)
    posts += feed("anglophone", "instagram", TRAVEL_EN, likes=likes)
    snaps = snapshots("francophone", "instagram", 10_000)
    snaps += snapshots("anglophone", "instagram", 10_000)
    scores = score(posts, snaps, [("francophone", "influencer"), ("anglophone", "influencer")])
    travel = scores["escapades"]
    assert travel.loc["francophone", "relevance"] > 0
    assert travel.loc["francophone", "relevance"] == pytest.approx(
        travel.loc["anglophone", "relevance"], rel=0.15
    )
    assert scores["cyberday"].loc["francophone", "relevance"] == 0


def test_employee_who_shares_brand_content_outranks_a_bigger_network_that_never_does():
    # Ambassadors: a manager with 40,000 LinkedIn followers who talks about travel but
    # never relays the brand, and a colleague with 900 who links to it in 8 of 20 posts.
    texts = mix(TRAVEL_FR, 10, 20)
    relayed = [
        f"{text} {TRAVEL_BRAND} https://www.{TRAVEL_DOMAIN}/ete" if k % 5 in (0, 2) else text
        for k, text in enumerate(texts)
    ]
    posts = feed("big-network", "linkedin", texts, likes=typical_likes(40_000))
    posts += feed("advocate", "linkedin", relayed, likes=typical_likes(900))
    snaps = snapshots("big-network", "linkedin", 40_000) + snapshots("advocate", "linkedin", 900)
    travel = score(posts, snaps, [("big-network", "ambassador"), ("advocate", "ambassador")])[
        "escapades"
    ]
    assert travel.loc["big-network", "reach"] > travel.loc["advocate", "reach"]
    assert travel.loc["big-network", "advocacy"] == 0
    assert travel.loc["advocate", "advocacy"] > 0
    assert travel.loc["advocate", "score"] > travel.loc["big-network", "score"]
    assert travel.loc["advocate", "rank"] == 1
    assert np.isfinite(travel["score"]).all()
