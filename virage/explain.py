"""`virage explain`: why a person stands where they do, from the warehouse alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from virage.leaderboard import read_leaderboard
from virage.schemas.fields import COMPONENTS
from virage.tasks.landing import Campaign
from virage.tasks.publish import read_stored
from virage.tasks.scoring import (
    RECENCY_HALF_LIFE_DAYS,
    campaign_period,
    topical_strength,
    window_bounds,
)
from virage.tasks.text import brand_pattern, fold_series, matches

POST_COLUMNS = ["posted_at", "platform", "engagement", "on_topic", "brand", "text"]


@dataclass
class Explanation:
    """One person's standing in one campaign: the score row and the posts behind it."""

    score: pd.Series
    """The influence_scores row, components and explanation included."""
    out_of: int
    """People ranked in the same campaign and role."""
    topical_posts: pd.DataFrame
    """The posts that weighed most in relevance (POST_COLUMNS), most first."""
    engaging_posts: pd.DataFrame
    """The posts with the most likes, comments and shares (POST_COLUMNS)."""


def explain(
    engine: Engine,
    person_id: str,
    campaigns: list[Campaign],
    campaign_id: str | None = None,
    top: int = 3,
) -> list[Explanation]:
    """The latest published standing of `person_id` in each campaign (or one), with
    the posts of the scoring window that weighed most. `campaigns` (campaigns.yaml)
    say which posts are on topic; a campaign not among them shows no topical posts."""
    board = read_leaderboard(engine, campaign_id)
    mine = board[board["person_id"] == person_id]
    if mine.empty:
        return []
    as_of = pd.Timestamp(mine["as_of_date"].iloc[0]).date()
    start, end = window_bounds(as_of)
    stored, _ = read_stored(engine, start, end)
    stored["folded"] = fold_series(stored["text"])
    own = stored[stored["person_id"] == person_id].copy()
    counts = own[["likes", "comments", "shares"]].astype("float64")
    own["engagement"] = counts.sum(axis=1, min_count=1)
    by_id = {c.id: c for c in campaigns}
    found = []
    for _, row in mine.iterrows():  # one row per campaign
        peers = board[(board["campaign_id"] == row["campaign_id"]) & (board["role"] == row["role"])]
        campaign = by_id.get(row["campaign_id"])
        posts = _weighed(own, stored["folded"], campaign, as_of)
        topical = posts[posts["on_topic"] > 0].sort_values("weight", ascending=False)
        engaging = posts.dropna(subset=["engagement"]).sort_values("engagement", ascending=False)
        found.append(
            Explanation(
                row, len(peers), topical.head(top)[POST_COLUMNS], engaging.head(top)[POST_COLUMNS]
            )
        )
    return found


def _weighed(
    own: pd.DataFrame, corpus: pd.Series, campaign: Campaign | None, as_of: dt.date
) -> pd.DataFrame:
    """The person's posts with their topical strength, brand mention and relevance
    weight (recency x strength) for `campaign`."""
    posts = own.copy()
    if campaign is None:
        posts["on_topic"] = 0.0
        posts["brand"] = False
        posts["weight"] = 0.0
        return posts
    # As scoring does: only the campaign's period counts, recency from its end.
    start, end = campaign_period(campaign, as_of)
    in_period = (posts["posted_at"] >= start) & (posts["posted_at"] < end)
    half_life = campaign.half_life_days or RECENCY_HALF_LIFE_DAYS
    age_days = (end - posts["posted_at"]).dt.total_seconds() / 86400
    strength = topical_strength(posts["folded"], campaign, corpus)
    posts["on_topic"] = strength.where(in_period, 0.0).round(2)
    posts["brand"] = in_period & matches(
        posts["folded"], brand_pattern(campaign.brand_handles, campaign.brand_domains)
    )
    posts["weight"] = np.power(0.5, age_days / half_life) * posts["on_topic"]
    return posts


def component_table(score: pd.Series) -> list[tuple[str, str]]:
    """(component, value) pairs for printing; advocacy shown only for ambassadors,
    event coverage only in event campaigns."""
    shown = [c for c in COMPONENTS if pd.notna(score[c])]  # advocacy, event_coverage
    return [(c.replace("_", " "), f"{float(score[c]):.1f}") for c in shown]
