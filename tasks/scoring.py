"""Scores per (as_of_date, campaign, person): frames in, one frame out.

Every formula and constant is explained, with its source, in docs/scoring.md.
Reach, resonance, activity, credibility and audience quality describe a person's
profile over the window; relevance and advocacy depend on the campaign.
"""

from __future__ import annotations

import datetime as dt
import string

import numpy as np
import pandas as pd

from virage.schemas.fields import COMPONENTS, POSTS, SCORES
from virage.tasks.landing import MIX_WEIGHTS, Campaign
from virage.tasks.text import brand_pattern, fold_series, matches, matches_each, terms_pattern

WINDOW_DAYS = 90

# HypeAuditor follower tiers and their 2018 median Instagram engagement rates,
# ER = (likes + comments) / followers.
TIER_EDGES = (5_000, 20_000, 100_000, 1_000_000)
TIER_NAMES = ("nano", "micro", "mid", "macro", "mega")
TIER_MEDIAN_ER = (0.0645, 0.0376, 0.0263, 0.0257, 0.0256)

REACH_FULL_AUDIENCE = 10_000_000  # an audience of 10M scores a reach of 100
RESONANCE_PRIOR_POSTS = 5  # posts' worth of weight given to the tier's typical ER
AUDIENCE_CHECK_MIN_FOLLOWERS = 20_000  # below: too small for the ER-collapse signal
AUDIENCE_CHECK_MIN_POSTS = 3
SUSPICIOUS_ER_RATIO = 0.25  # median ER under a quarter of the tier's median
FOLLOWER_JUMP = 0.25  # +25% between two snapshots...
FOLLOWER_JUMP_MIN = 1_000  # ...and at least this many new followers
JUMP_PENALTY = 0.6
RECENCY_HALF_LIFE_DAYS = 30
RELEVANCE_PRIOR_POSTS = 2
RELEVANCE_VOLUME_POSTS = 3
RELEVANCE_MIX = {"share": 0.45, "volume": 0.35, "engagement": 0.20}
CREDIBILITY_PRIOR_POSTS = 2
ADVOCACY_VOLUME_POSTS = 4
ADVOCACY_FULL_ENGAGEMENT = 10_000
ADVOCACY_FULL_REACH = 1_000_000  # brand posts seen a million times earn full reach
ADVOCACY_MIX = {"volume": 0.4, "engagement": 0.3, "reach": 0.3}
CLICK_WEIGHT = 2  # a click on a brand link is worth two reactions

DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "influencer": {
        "reach": 0.30,
        "resonance": 0.35,
        "activity": 0.15,
        "audience_quality": 0.20,
        "relevance": 0.8,
        "credibility": 0.6,
    },
    "ambassador": {
        "reach": 0.15,
        "resonance": 0.20,
        "activity": 0.20,
        "audience_quality": 0.05,
        "advocacy": 0.40,
        "relevance": 0.8,
        "credibility": 0.6,
    },
}

EVENT_WEIGHTS: dict[str, float] = {"event_coverage": 1.0}
"""Laid over both roles' weights for an event campaign (the campaign's own weights
come after): the event's coverage weighs as much as the rest of the mix together."""

PROFILE_COLUMNS = [
    "reach",
    "resonance",
    "activity",
    "credibility",
    "audience_quality",
    "tier",
    "posts_considered",
    "sponsored_share",
]


def _tier_codes(followers: pd.Series) -> np.ndarray:
    """Index of each follower count's tier (missing counts fall in the first)."""
    return np.searchsorted(np.array(TIER_EDGES), followers.fillna(0).to_numpy(), side="right")


def tier_of(followers: pd.Series) -> pd.Series:
    """HypeAuditor tier name of each follower count ("unknown" when missing)."""
    names = pd.Series(
        np.array(TIER_NAMES)[_tier_codes(followers)], index=followers.index, dtype="str"
    )
    return names.where(followers.notna(), "unknown")


def tier_median_er(followers: pd.Series) -> pd.Series:
    """The median engagement rate of each follower count's tier."""
    return pd.Series(np.array(TIER_MEDIAN_ER)[_tier_codes(followers)], index=followers.index)


def window_bounds(as_of: dt.date, days: int = WINDOW_DAYS) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) in UTC: the `days` days ending with the whole of `as_of`."""
    end = pd.Timestamp(as_of + dt.timedelta(days=1), tz="UTC")
    return end - pd.Timedelta(days=days), end


def campaign_period(
    campaign: Campaign, as_of: dt.date, window_days: int = WINDOW_DAYS
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) in UTC of the posts a campaign scores: the window, narrowed by the
    campaign's start and end days (both included whole) where it has them."""
    start, end = window_bounds(as_of, window_days)
    if campaign.start:
        start = max(start, pd.Timestamp(campaign.start, tz="UTC"))
    if campaign.end:
        end = min(end, pd.Timestamp(campaign.end + dt.timedelta(days=1), tz="UTC"))
    return start, end


def latest_followers(accounts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per account: its latest follower count on or before `as_of`."""
    known = accounts[accounts["snapshot_date"] <= pd.Timestamp(as_of)]
    latest = known.sort_values("snapshot_date").drop_duplicates(["platform", "handle"], keep="last")
    return latest[["platform", "handle", "person_id", "followers"]]


def account_followers(posts: pd.DataFrame, followers: pd.DataFrame) -> np.ndarray:
    """The follower count of each post's account (latest_followers rows, one per
    account), in the posts' order: looked up on the account columns alone, so that
    adding it copies none of the posts' other columns."""
    key = ["platform", "handle"]
    found = posts[key].merge(
        followers[[*key, "followers"]], on=key, how="left", validate="many_to_one"
    )
    return found["followers"].array


def _account_quality(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    followers: pd.DataFrame,
    start: pd.Timestamp,
    as_of: dt.date,
) -> pd.Series:
    """Audience quality of each account (index platform, handle), 0-100."""
    key = ["platform", "handle"]
    ratio = posts.groupby(key)["er_ratio"].agg(["median", "count"])
    quality = followers.set_index(key)[["followers"]].join(ratio)
    checked = (quality["followers"] >= AUDIENCE_CHECK_MIN_FOLLOWERS) & (
        quality["count"] >= AUDIENCE_CHECK_MIN_POSTS
    )
    engagement_factor = (quality["median"] / SUSPICIOUS_ER_RATIO).clip(0, 1).where(checked, 1.0)

    # Follower jumps not matched by engagement (bought followers).
    in_window = accounts[
        (accounts["snapshot_date"] >= start.tz_localize(None))
        & (accounts["snapshot_date"] <= pd.Timestamp(as_of))
    ]
    snaps = in_window.sort_values([*key, "snapshot_date"])
    previous = snaps.groupby(key)["followers"].shift()
    snaps = snaps.assign(
        growth=snaps["followers"] / previous - 1, gained=snaps["followers"] - previous
    )
    jumps = snaps[(snaps["growth"] > FOLLOWER_JUMP) & (snaps["gained"] >= FOLLOWER_JUMP_MIN)]
    jump_factor = pd.Series(1.0, index=quality.index)
    if not jumps.empty:
        biggest = jumps.sort_values("growth").drop_duplicates(key, keep="last")
        around = posts.merge(biggest[[*key, "snapshot_date", "growth"]], on=key)
        after = around["posted_at"].dt.tz_localize(None) >= around["snapshot_date"]
        medians = around.assign(after=after).groupby([*key, "after"])["engagement"].median()
        medians = medians.unstack("after").reindex(columns=[False, True])
        # +1 keeps a silent "before" (median 0) comparable instead of undefined.
        lift = (medians[True] + 1) / (medians[False] + 1)
        growth = biggest.set_index(key)["growth"].reindex(lift.index)
        unmatched = lift < 1 + growth / 2
        jump_factor.loc[unmatched[unmatched].index] = JUMP_PENALTY
    return 100 * engagement_factor * jump_factor


PLATFORM_BENCHMARK_MIN_POSTS = 30
PLATFORM_BENCHMARK_MIN_ACCOUNTS = 10
"""Posts with a known ER, and accounts posting them, that a platform needs in the
window before their median is used as its benchmark: a few accounts would set their
own bar."""


def platform_benchmarked(tier_ratio: pd.Series, posts: pd.DataFrame) -> pd.Series:
    """ER against the tier benchmark, divided by the median of that ratio among the
    window's posts on the same platform: the published tier medians are Instagram's,
    and engagement runs differently on LinkedIn, X or TikTok. A platform with fewer
    than PLATFORM_BENCHMARK_MIN_POSTS such posts, or PLATFORM_BENCHMARK_MIN_ACCOUNTS
    accounts, keeps the tier benchmark alone."""
    by_platform = tier_ratio.groupby(posts["platform"])
    median = by_platform.transform("median")
    accounts = posts["handle"].where(tier_ratio.notna()).groupby(posts["platform"])
    enough = (by_platform.transform("count") >= PLATFORM_BENCHMARK_MIN_POSTS) & (
        accounts.transform("nunique") >= PLATFORM_BENCHMARK_MIN_ACCOUNTS
    )
    return tier_ratio / median.where(enough & (median > 0), 1.0)


def profile_components(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    people: pd.DataFrame,
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
) -> pd.DataFrame:
    """Profile components per person (index person_id) over the window: reach,
    resonance, activity, credibility, audience_quality, tier, posts_considered,
    sponsored_share. `posts` are the window's posts with an `engagement` column."""
    start, _ = window_bounds(as_of, window_days)
    key = ["platform", "handle"]
    followers = latest_followers(accounts, as_of)
    if "followers" in posts.columns:  # looked up already (window_posts)
        posts = posts.copy(deep=False)  # the columns added below are this function's
    else:
        posts = posts.assign(followers=account_followers(posts, followers))
    # ER as HypeAuditor defines it, so that it compares with their tier medians.
    er = posts["reactions"] / posts["followers"].where(posts["followers"] > 0)
    posts["er_ratio"] = er / tier_median_er(posts["followers"])
    # Resonance compares with the platform's peers too; the fake-audience check keeps
    # the absolute tier benchmark (a platform full of bought audiences must not set
    # its own bar).
    posts["er_resonance"] = platform_benchmarked(posts["er_ratio"], posts)

    quality = _account_quality(posts, accounts, followers, start, as_of).rename("quality")
    by_account = pd.MultiIndex.from_frame(followers[key])
    accounts_q = followers.assign(quality=quality.reindex(by_account).fillna(100.0).to_numpy())
    accounts_q["effective"] = accounts_q["followers"] * accounts_q["quality"] / 100
    per_person = accounts_q.groupby("person_id").agg(
        followers=("followers", "sum"), effective=("effective", "sum")
    )
    weighted = (
        (accounts_q["quality"] * accounts_q["followers"]).groupby(accounts_q["person_id"]).sum()
    )
    per_person["audience_quality"] = (
        weighted / per_person["followers"].where(per_person["followers"] > 0)
    ).fillna(100.0)

    by_person = posts.groupby("person_id")
    stats = pd.DataFrame(
        {
            "posts": by_person.size(),
            "sponsored": by_person["is_sponsored"].sum(),
            "ratio_median": by_person["er_resonance"].median(),
            "ratio_count": by_person["er_resonance"].count(),
            "impressions": by_person["impressions"].median(),
            "weeks": ((posts["posted_at"] - start).dt.days // 7)
            .groupby(posts["person_id"])
            .nunique(),
            "platforms": by_person["platform"].nunique(),
        }
    )
    out = pd.DataFrame(index=pd.Index(people["person_id"], name="person_id"))
    out = out.join(per_person).join(stats)
    n_posts = out["posts"].fillna(0)

    audience = np.fmax(
        out["effective"].fillna(0).to_numpy(dtype=float),
        out["impressions"].astype("float64").fillna(0).to_numpy(),
    )
    out["reach"] = 100 * np.clip(np.log10(1 + audience) / np.log10(REACH_FULL_AUDIENCE), 0, 1)

    n_ratio = out["ratio_count"].fillna(0)
    shrunk = (n_ratio * out["ratio_median"].fillna(1.0) + RESONANCE_PRIOR_POSTS) / (
        n_ratio + RESONANCE_PRIOR_POSTS
    )
    out["resonance"] = (100 * shrunk / (1 + shrunk)).where(n_posts > 0, 0.0)

    weeks_in_window = -(-window_days // 7)
    regularity = (out["weeks"].fillna(0) / weeks_in_window).clip(0, 1)
    adoption = out["platforms"].fillna(0).clip(upper=3) / 3
    out["activity"] = 100 * (0.7 * regularity + 0.3 * adoption)

    sponsored = out["sponsored"].fillna(0)
    out["credibility"] = 100 * (1 - sponsored / (n_posts + CREDIBILITY_PRIOR_POSTS)) ** 2
    out["sponsored_share"] = (sponsored / n_posts.where(n_posts > 0)).fillna(0.0)
    out["audience_quality"] = out["audience_quality"].fillna(100.0)
    out["tier"] = tier_of(out["followers"])
    out["posts_considered"] = n_posts.astype("int64")
    return out[PROFILE_COLUMNS]


def term_hits(folded: pd.Series, campaign: Campaign) -> dict[str, pd.Series]:
    """Each keyword and hashtag's regex, with which of `folded` it matches."""
    terms = [terms_pattern(keywords=[k]) for k in campaign.keywords]
    terms += [terms_pattern(hashtags=[h]) for h in campaign.hashtags]
    return matches_each(folded, terms)


def weights_of(hits: dict[str, pd.Series]) -> dict[str, float]:
    """Each term's rarity weight over the texts `hits` covers: inverse document
    frequency, scaled so that the campaign's rarest term weighs 1. A term everybody
    uses says less about a post's topic than one few use."""
    if not hits:
        return {}
    idf = {t: np.log((len(hit) + 1) / (int(hit.sum()) + 1)) + 1 for t, hit in hits.items()}
    top = max(idf.values())
    return {t: value / top for t, value in idf.items()}


def term_weights(folded: pd.Series, campaign: Campaign) -> dict[str, float]:
    """Each keyword and hashtag's regex with its rarity weight over `folded` (the
    window's posts of everyone); see weights_of."""
    return weights_of(term_hits(folded, campaign))


def strength_of(hits: dict[str, pd.Series], weights: dict[str, float]) -> pd.Series:
    """The rarity weights of the terms each text matches, summed and capped at 1."""
    index = next(iter(hits.values())).index if hits else pd.RangeIndex(0)
    strength = pd.Series(0.0, index=index)
    for pattern, hit in hits.items():
        strength += weights[pattern] * hit
    return strength.clip(upper=1.0)


def topical_strength(folded: pd.Series, campaign: Campaign, corpus: pd.Series) -> pd.Series:
    """How on topic each post is, 0 to 1: the rarity weights of the campaign terms it
    matches, summed and capped at 1 (rarities measured over `corpus`)."""
    hits = term_hits(folded, campaign)
    if not hits:
        return pd.Series(0.0, index=folded.index)
    return strength_of(hits, term_weights(corpus, campaign))


def _log_share(values: pd.Series, full: float) -> pd.Series:
    """log10(1 + values) as a share of log10(full), clipped to [0, 1]."""
    return np.clip(np.log10(1 + values.astype(float)) / np.log10(full), 0, 1)


def campaign_components(
    posts: pd.DataFrame,
    campaign: Campaign,
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
    corpus: pd.Series | None = None,
) -> pd.DataFrame:
    """relevance and advocacy per person_id for one campaign. `posts` are the
    window's posts with `folded` text and `engagement`; `corpus` the folded texts
    keyword rarity is measured over (default: `posts`)."""
    start, end = campaign_period(campaign, as_of, window_days)
    in_period = (posts["posted_at"] >= start) & (posts["posted_at"] < end)
    # Texts are matched over the whole window (no copy of them for the period); only
    # the numbers read below go through the period's filter, which copies them.
    folded = posts["folded"]
    if corpus is None:  # rarities over all of `posts`: each term is matched once
        hits = term_hits(folded, campaign)
        on_topic = strength_of(hits, weights_of(hits)) if hits else None
    else:
        on_topic = topical_strength(folded, campaign, corpus)
    brand = matches(folded, brand_pattern(campaign.brand_handles, campaign.brand_domains))
    posts = posts[[c for c in CAMPAIGN_READS if c in posts.columns]][in_period]
    brand = brand[in_period]
    on_topic = pd.Series(0.0, index=posts.index) if on_topic is None else on_topic[in_period]

    # Recency counts back from the end of what is scored, so a finished campaign's
    # relevance stays put night after night.
    age_days = (end - posts["posted_at"]).dt.total_seconds() / 86400
    half_life = campaign.half_life_days or RECENCY_HALF_LIFE_DAYS
    weight = 0.5 ** (age_days / half_life)
    # Factorised once for the campaign's many sums per person (each sum over a text
    # column would hash every person_id again); categories sort as the ids do.
    person = posts["person_id"].astype("category")
    weighted_on = (weight * on_topic).groupby(person).sum()
    weighted_all = weight.groupby(person).sum()
    share = weighted_on / (weighted_all + RELEVANCE_PRIOR_POSTS)
    volume = 1 - np.exp(-weighted_on / RELEVANCE_VOLUME_POSTS)
    # The audience's verdict: the share of engagement earned on topic. Posts whose
    # export gives no counts add nothing; with none at all, the post share stands in.
    engagement = posts["engagement"].astype("float64")
    earned_on = (weight * on_topic * engagement).groupby(person).sum(min_count=1)
    earned_all = (weight * engagement).groupby(person).sum(min_count=1)
    earned = (earned_on / earned_all.where(earned_all > 0)).reindex(share.index)
    relevance = 100 * (
        RELEVANCE_MIX["share"] * share
        + RELEVANCE_MIX["volume"] * volume
        + RELEVANCE_MIX["engagement"] * earned.fillna(share)
    )

    brand_posts = brand.groupby(person).sum()
    brand_engagement = (
        (posts["engagement"] + CLICK_WEIGHT * posts["clicks"].fillna(0))
        .where(brand, 0)
        .groupby(person)
        .sum()
    )
    # Earned reach: the brand posts' impressions where the export gives them, else
    # the followers of the account that posted them (who could see it).
    unknown = pd.Series(np.nan, index=posts.index)
    audience = posts.get("impressions", unknown).astype("float64")
    audience = audience.fillna(posts.get("followers", unknown).astype("float64"))
    earned_reach = audience.fillna(0).where(brand, 0).groupby(person).sum()
    advocacy = 100 * (
        ADVOCACY_MIX["volume"] * (1 - np.exp(-brand_posts / ADVOCACY_VOLUME_POSTS))
        + ADVOCACY_MIX["engagement"] * _log_share(brand_engagement, ADVOCACY_FULL_ENGAGEMENT)
        + ADVOCACY_MIX["reach"] * _log_share(earned_reach, ADVOCACY_FULL_REACH)
    )
    found = pd.DataFrame({"relevance": relevance, "advocacy": advocacy})
    return found.set_axis(found.index.astype(posts["person_id"].dtype))


CAMPAIGN_READS = ("person_id", "posted_at", "engagement", "clicks", "impressions", "followers")
"""The window's columns campaign_components reads."""
WINDOW_COLUMNS = ("reactions", "engagement", "folded", "followers")
"""What window_posts adds to the posts."""
NEVER_READ = ("url", "source_file", "source_sha256", "first_seen_at", "last_seen_at")
NOT_SCORED = ("text", *NEVER_READ)
"""Post columns the window leaves out (`folded` stands in for the text)."""
SCORED_POST_COLUMNS = [name for name in POSTS.columns if name not in NEVER_READ]
"""The post columns scoring reads: what a night reads back of the stored posts."""


def text_folded(posts: pd.DataFrame) -> pd.DataFrame:
    """`posts` with their `folded` text (see fold_series) in place of the text: what
    scoring reads of it."""
    return posts.assign(folded=fold_series(posts["text"])).drop(columns="text")


def window_posts(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
    *,
    one_copy_each: bool = False,
) -> pd.DataFrame:
    """The window's posts, each once (the latest copy), with `reactions` (likes +
    comments), `engagement` (+ shares), `folded` text and the posting account's
    `followers` (its latest count on or before `as_of`). Posts that already carry
    these columns (a window made earlier, for scoring and the event summary alike)
    are only cut to the window's bounds."""
    start, end = window_bounds(as_of, window_days)
    if set(WINDOW_COLUMNS) <= set(posts.columns):
        return posts[(posts["posted_at"] >= start) & (posts["posted_at"] < end)]
    key = list(POSTS.key)
    # One post counts once: the latest copy (`one_copy_each`: the caller kept it).
    if not one_copy_each and posts.duplicated(key).any():
        latest = (
            posts.sort_values("observed_at", kind="stable") if "observed_at" in posts else posts
        )
        posts = latest.drop_duplicates(key, keep="last")
    inside = (posts["posted_at"] >= start) & (posts["posted_at"] < end)
    window = posts if inside.all() else posts[inside]  # a filter copies every column
    counts = window[["likes", "comments", "shares"]].astype("float64")
    # A count the export does not give (LinkedIn and Instagram archives give none) is
    # unknown, not zero: such posts add nothing to the engagement medians.
    window = window.assign(
        reactions=counts[["likes", "comments"]].sum(axis=1, min_count=1),
        engagement=counts.sum(axis=1, min_count=1),
    )
    if "folded" not in window.columns:  # else folded as they were read (text_folded_arrow)
        window = window.assign(folded=fold_series(window["text"]))
    # What scoring never reads goes: the window is the night's largest frame.
    window = window.drop(columns=[c for c in NOT_SCORED if c in window.columns])
    account = ["platform", "handle"]
    followers = latest_followers(accounts, as_of)[[*account, "followers"]]
    return window.assign(followers=account_followers(window, followers))


MIX_FLOOR = 1.0
"""Components enter the geometric mix as at least 1 (of 100): a zero must weigh
heavily, not make every score 0."""


def combine(components: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Final score: the weighted geometric mean of the profile components (and
    advocacy), scaled by the relevance and credibility factors. A geometric mean
    lets no strong component hide a very weak one (a huge audience does not make up
    for no engagement). `weights` are the role's weights."""
    mix = [c for c in MIX_WEIGHTS if weights.get(c, 0) > 0 and components[c].notna().any()]
    total = sum(weights[c] for c in mix)
    logs = sum(
        weights[c] * np.log(components[c].astype("float64").fillna(0).clip(lower=MIX_FLOOR))
        for c in mix
    )
    base = np.exp(logs / total) if total else 0.0
    relevance_factor = (
        1 - weights["relevance"] + weights["relevance"] * components["relevance"] / 100
    )
    credibility_factor = (
        1 - weights["credibility"] + weights["credibility"] * components["credibility"] / 100
    )
    return base * relevance_factor * credibility_factor


def score_campaigns(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    people: pd.DataFrame,
    campaigns: list[Campaign],
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
) -> pd.DataFrame:
    """Scores of every consenting person for every campaign on `as_of`, with the
    influence_scores columns (run_id left empty for the publisher to stamp).

    posts: attributed posts (person_id, platform, handle, posted_at, text, url, counts,
    is_sponsored); accounts: follower snapshots with person_id; people: person_id,
    display_name, role."""
    # events.py builds on this module (window, constants): imported here, not above.
    from virage.tasks.events import event_coverage

    window = window_posts(posts, accounts, as_of, window_days)
    # The profile reads counts and times, not texts.
    profile = profile_components(
        window.drop(columns=["folded"]), accounts, people, as_of, window_days
    )
    base = people.set_index("person_id")[["display_name", "role"]].join(profile)
    frames = []
    for campaign in campaigns:
        topical = campaign_components(window, campaign, as_of, window_days)
        frame = base.join(topical)
        frame["relevance"] = frame["relevance"].fillna(0.0)
        frame["advocacy"] = frame["advocacy"].fillna(0.0).where(frame["role"] == "ambassador")
        frame["event_coverage"] = np.nan
        if campaign.is_event:
            coverage = event_coverage(window, campaign, as_of, window_days)
            frame["event_coverage"] = coverage.reindex(frame.index).fillna(0.0)
        frame["score"] = np.nan
        for role, role_weights in DEFAULT_WEIGHTS.items():
            event = EVENT_WEIGHTS if campaign.is_event else {}
            weights = {**role_weights, **event, **campaign.weights}
            if role != "ambassador":
                weights["advocacy"] = 0.0
            is_role = frame["role"] == role
            frame.loc[is_role, "score"] = combine(frame[is_role], weights)
        frames.append(frame.assign(campaign_id=campaign.id))
    scores = pd.concat(frames).reset_index()
    return finalise(scores, as_of)


STRONG, WEAK = 65.0, 35.0
"""A component at or above STRONG is named as a strength, at or below WEAK as a
weakness."""

_PHRASES: dict[str, tuple[str, str]] = {
    # component: (said when strong, said when weak); {tier} and {sponsored} filled in.
    "relevance": ("often on this campaign's topic", "rarely on this campaign's topic"),
    # Before the profile's phrases: on a tie, an event's coverage says more.
    "event_coverage": ("covered the event widely", "barely covered the event"),
    "resonance": ("high engagement for a {tier} account", "low engagement for a {tier} account"),
    "reach": ("large audience", "small audience"),
    "credibility": ("few sponsored posts", "{sponsored} of posts sponsored"),
    "activity": ("posts regularly", "rarely posts"),
    "audience_quality": ("genuine audience", "signs of a bought or inactive audience"),
    "advocacy": ("often shares the brand", "rarely shares the brand"),
}


def explain_scores(scores: pd.DataFrame, most: int = 2) -> pd.Series:
    """Each row's `most` strongest and `most` weakest components in plain words,
    strengths first: "high engagement for a micro account, often on this campaign's
    topic; 70% of posts sponsored". Credibility and audience quality are named only
    when weak: being unsponsored or genuine is the norm, not a merit. On a tie, the
    component named first in _PHRASES comes first."""
    values = scores[list(_PHRASES)].astype("float64").to_numpy()
    named_when_strong = np.array([c not in ("credibility", "audience_quality") for c in _PHRASES])
    strong = (values >= STRONG) & named_when_strong
    weak = values <= WEAK
    fields = {
        "tier": scores["tier"].astype("str").to_numpy(dtype=object),
        "sponsored": (scores["sponsored_share"].astype("float64") * 100)
        .round()
        .astype("int64")
        .astype("str")
        .add("%")
        .to_numpy(dtype=object),
    }
    said_strong = np.column_stack([_filled(p[0], fields, len(scores)) for p in _PHRASES.values()])
    said_weak = np.column_stack([_filled(p[1], fields, len(scores)) for p in _PHRASES.values()])
    # Strongest first among strengths, weakest first among weaknesses.
    strengths = _joined(np.where(strong, -values, np.inf), strong, said_strong, most, ", ")
    weaknesses = _joined(np.where(weak, values, np.inf), weak, said_weak, most, ", ")
    both = (strengths != "") & (weaknesses != "")
    text = strengths + np.where(both, "; ", "") + weaknesses
    return pd.Series(np.where(text == "", "no strong or weak factor", text), index=scores.index)


def _filled(template: str, fields: dict[str, np.ndarray], rows: int) -> np.ndarray:
    """`template` with its {tier} and {sponsored} filled in, row by row (an array of
    the same text when it has neither)."""
    text = np.full(rows, "", dtype=object)
    for literal, name, _, _ in string.Formatter().parse(template):
        text = text + literal
        if name:
            text = text + fields[name]
    return text


def _joined(
    order: np.ndarray, chosen: np.ndarray, phrases: np.ndarray, most: int, sep: str
) -> np.ndarray:
    """Per row, the first `most` chosen phrases by `order` (lowest first; the first
    column on a tie), joined by `sep`; "" where none is chosen."""
    ranked = np.argsort(order, axis=1, kind="stable")[:, :most]
    picked = np.take_along_axis(phrases, ranked, axis=1)
    kept = np.take_along_axis(chosen, ranked, axis=1)
    text = np.full(len(phrases), "", dtype=object)
    for column in range(ranked.shape[1]):
        between = np.where((text != "") & kept[:, column], sep, "")
        text = text + between + np.where(kept[:, column], picked[:, column], "")
    return text


def finalise(scores: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Round, rank within (campaign, role) and order as the influence_scores table."""
    numeric = ["score", *COMPONENTS]
    scores[numeric] = scores[numeric].astype("float64").clip(0, 100).round(2)
    scores["sponsored_share"] = scores["sponsored_share"].astype("float64").round(4)
    scores = scores.sort_values(
        ["campaign_id", "role", "score", "person_id"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    scores["rank"] = scores.groupby(["campaign_id", "role"]).cumcount().add(1).astype("Int64")
    scores["explanation"] = explain_scores(scores)
    scores["as_of_date"] = pd.Timestamp(as_of)
    scores["run_id"] = ""
    scores["posts_considered"] = scores["posts_considered"].astype("Int64")
    return scores[SCORES.columns].astype(SCORES.dtypes).reset_index(drop=True)
