"""Properties of scoring on small generated frames (hypothesis).

Each example scores a handful of people and posts, mostly twice (about 0.15 s each),
so the example counts are kept small and the deadline generous. Resonance, credibility
and activity do not depend on the campaign; one campaign (travel) is scored unless the
property is about every score.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.truth_world import (
    AS_OF,
    CYBER,
    TRAVEL,
    TRAVEL_BRAND,
    accounts_frame,
    people_frame,
    posts_frame,
)
from virage.schemas.fields import PLATFORMS, POSTS, ROLES
from virage.tasks.people import latest_copies
from virage.tasks.scoring import score_campaigns

# Two scorings per example: 20 examples keep each test near 5 s.
FAST = settings(
    max_examples=20,
    deadline=dt.timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
END = pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")
TEXTS = [
    "Nos vacances à Lisbonne : l'itinéraire complet",
    "Five password mistakes #infosec",
    "Superbe match hier soir",
    f"Merci {TRAVEL_BRAND} pour ce séminaire",
    "Road trip en Islande #ad",
    "Publicité\nMa routine sport",
]

counts = st.one_of(st.none(), st.integers(0, 50_000))


@st.composite
def worlds(draw, min_people: int = 1, max_people: int = 4):
    """(posts, accounts, people) rows: a few people, each with one account, a few
    snapshots and a few posts, some outside the window."""
    n = draw(st.integers(min_people, max_people))
    posts, snaps, people = [], [], []
    for i in range(n):
        pid = f"p{i}"
        platform = draw(st.sampled_from(PLATFORMS))
        people.append((pid, draw(st.sampled_from(ROLES))))
        followers = draw(st.lists(st.integers(0, 3_000_000), min_size=0, max_size=3))
        for k, count in enumerate(followers):
            snaps.append(
                {
                    "platform": platform,
                    "handle": pid,
                    "snapshot_date": AS_OF - dt.timedelta(days=30 * (len(followers) - 1 - k)),
                    "followers": count,
                    "person_id": pid,
                }
            )
        for k in range(draw(st.integers(0, 6))):
            posts.append(
                {
                    "platform": platform,
                    "handle": pid,
                    "post_id": f"{pid}-{k}",
                    "person_id": pid,
                    # Mostly in the window; some before it or after the day scored.
                    "posted_at": END - pd.Timedelta(hours=draw(st.integers(-30, 24 * 100))),
                    "text": draw(st.sampled_from(TEXTS)),
                    "likes": draw(counts),
                    "comments": draw(counts),
                    "shares": draw(counts),
                    "clicks": draw(counts),
                    "declared": draw(st.booleans()),
                }
            )
    return posts, snaps, people


def run(posts: list[dict] | pd.DataFrame, snaps, people, campaigns=(TRAVEL,)) -> pd.DataFrame:
    posts = posts if isinstance(posts, pd.DataFrame) else posts_frame(posts)
    snaps = snaps if isinstance(snaps, pd.DataFrame) else accounts_frame(snaps)
    scores = score_campaigns(posts, snaps, people_frame(people), list(campaigns), AS_OF)
    return scores.sort_values(["campaign_id", "person_id"]).reset_index(drop=True)


def component(scores: pd.DataFrame, pid: str, name: str) -> float:
    return float(scores.loc[scores["person_id"] == pid, name].iloc[0])


@FAST
@given(world=worlds(), data=st.data())
def test_more_engagement_at_equal_audience_never_lowers_resonance(world, data):
    posts, snaps, people = world
    known = [k for k, p in enumerate(posts) if p["likes"] is not None]
    if not known:
        return
    k = data.draw(st.sampled_from(known))
    extra = data.draw(st.integers(1, 100_000))
    more = [dict(p) for p in posts]
    more[k]["likes"] += extra
    before, after = run(posts, snaps, people), run(more, snaps, people)
    pid = posts[k]["person_id"]
    assert component(after, pid, "resonance") >= component(before, pid, "resonance")


@FAST
@given(world=worlds(), data=st.data())
def test_adding_sponsored_posts_never_raises_credibility(world, data):
    posts, snaps, people = world
    pid = data.draw(st.sampled_from([p for p, _ in people]))
    platform = next((s["platform"] for s in snaps if s["person_id"] == pid), "instagram")
    paid = [
        {
            "platform": platform,
            "handle": pid,
            "post_id": f"{pid}-paid-{j}",
            "person_id": pid,
            "posted_at": END - pd.Timedelta(hours=hours),
            "text": text,
        }
        for j, (hours, text) in enumerate(
            data.draw(
                st.lists(
                    st.tuples(
                        st.integers(1, 24 * 89),
                        st.sampled_from(["Road trip #ad", "Partenariat rémunéré", "#sponsorisé"]),
                    ),
                    min_size=1,
                    max_size=4,
                )
            )
        )
    ]
    before, after = run(posts, snaps, people), run(posts + paid, snaps, people)
    assert component(after, pid, "credibility") <= component(before, pid, "credibility")
    others = before["person_id"] != pid
    pd.testing.assert_series_equal(
        after.loc[others, "credibility"], before.loc[others, "credibility"]
    )


@FAST
@given(world=worlds(min_people=2), seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_any_score(world, seed):
    posts, snaps, people = world
    rng = np.random.default_rng(seed)
    posts_f, snaps_f = posts_frame(posts), accounts_frame(snaps)
    shuffled_posts = posts_f.iloc[rng.permutation(len(posts_f))].reset_index(drop=True)
    shuffled_snaps = snaps_f.iloc[rng.permutation(len(snaps_f))].reset_index(drop=True)
    shuffled_people = [people[i] for i in rng.permutation(len(people))]
    both = (TRAVEL, CYBER)
    pd.testing.assert_frame_equal(
        run(shuffled_posts, shuffled_snaps, shuffled_people, both),
        run(posts_f, snaps_f, people, both),
    )


@FAST
@given(world=worlds(), data=st.data())
def test_duplicate_exports_deduplicated_as_ingestion_does_change_nothing(world, data):
    # The same posts exported again (older files, possibly other metrics), then
    # deduplicated by (platform, post_id) keeping the latest copy, as ingestion does.
    posts, snaps, people = world
    posts_f = posts_frame(posts)
    copies = data.draw(st.lists(st.sampled_from(range(len(posts_f))), max_size=6)) if posts else []
    older = posts_f.iloc[copies].assign(
        observed_at=posts_f["observed_at"].iloc[0] - pd.Timedelta(days=1) if copies else None,
        likes=lambda f: f["likes"].fillna(0) + 7,
        source_file="older.posts.csv",
    )
    exact = posts_f.iloc[copies]
    mixed = pd.concat([older, posts_f, exact], ignore_index=True)
    mixed = mixed.assign(row_number=range(len(mixed)))
    deduped = latest_copies(mixed, list(POSTS.key)).drop(columns="row_number")
    pd.testing.assert_frame_equal(
        run(deduped.astype(POSTS.dtypes), snaps, people), run(posts_f, snaps, people)
    )


@settings(FAST, max_examples=30)
@given(world=worlds(), role=st.sampled_from(ROLES), old=st.lists(st.integers(91, 400), max_size=3))
def test_person_without_posts_in_the_window_has_zero_activity_and_a_finite_score(world, role, old):
    posts, snaps, people = world
    # "quiet" only posted before the window (or never), with or without followers.
    posts = posts + [
        {
            "platform": "x",
            "handle": "quiet",
            "post_id": f"quiet-{j}",
            "person_id": "quiet",
            "posted_at": END - pd.Timedelta(days=days),
            "text": TEXTS[0],
            "likes": 10,
        }
        for j, days in enumerate(old)
    ]
    scores = run(posts, snaps, [*people, ("quiet", role)], (TRAVEL, CYBER))
    quiet = scores[scores["person_id"] == "quiet"]
    assert len(quiet) == 2
    assert (quiet["activity"] == 0).all()
    assert (quiet["posts_considered"] == 0).all()
    assert np.isfinite(quiet["score"]).all()
    assert quiet["score"].between(0, 100).all()
    numeric = ["score", "reach", "resonance", "relevance", "credibility", "activity"]
    assert scores[[*numeric, "audience_quality"]].notna().all().all()
    assert scores.loc[scores["role"] == "ambassador", "advocacy"].notna().all()
