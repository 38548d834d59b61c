"""A benchmark landing zone of N posts: exchange CSVs and the platforms' own exports.

    python bench/generate.py --posts 1000000 --out .bench/landing [--seed 7] [--native-share 0.1]
    python bench/generate.py --out .bench/landing --night 2 [--add-share 0.01]

Night 1 writes roster.csv (about one person per 300 posts: staff ambassadors, a few
of them without consent, and influencers), campaigns.yaml (the demo's three campaigns,
the Lumen Live event included, moved to the scored day) and exports/:

- exchange CSVs, one per source (an agency or a listening tool), platform and week,
  each source with its own conventions (offsets in Paris time, +00:00 or Z; handles
  with or without @; an is_sponsored column or not; urls or not; column order);
- follower snapshots, weekly, one file per platform (virage.landing_writer);
- about `native_share` of the posts as the platforms' own exports, one folder per
  account: X archive zip, LinkedIn Shares.csv and Connections.csv, Instagram
  posts_1.json and followers_1.json, TikTok user_data_tiktok.json (follower lists
  only for accounts of at most FOLLOWER_LIST_CAP followers).

Followers are log-uniform from 100 to 3M, engagement falls with audience size (the
scorer's tier medians, then a gentle slope), texts are the demo's French and English
sentences (some on the campaigns' keywords and hashtags, some naming the brand, some
sponsored), posts are spread over the 90 days before the scored day with a daily rhythm,
fans' accounts in no roster post too, and a few rows are broken (quarantined).

Night k >= 2 adds files beside the others, which stay untouched: about `add_share` x N
new posts of the next day, recent posts delivered again with grown counts, a few
native accounts exporting their archive again, and the day's follower snapshot. A
manifest (.bench-generator.json) keeps the parameters and each night's files.

Everything is drawn with numpy and assembled with Arrow compute: no per-post Python.
Deterministic for a seed, modification times included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # examples/ is not an installed package
    sys.path.insert(0, str(REPO))

from examples import generate_landing as sample  # noqa: E402
from virage.landing_writer import write_landing  # noqa: E402
from virage.schemas.fields import ACCOUNTS, PLATFORMS, POSTS  # noqa: E402
from virage.tasks.landing import EXPORTS_DIR  # noqa: E402
from virage.tasks.scoring import tier_median_er  # noqa: E402
from virage.tasks.text import fold  # noqa: E402

MANIFEST = ".bench-generator.json"
DEFAULT_AS_OF = dt.date(2026, 11, 20)
"""The demo's scored day: the demo's campaigns fit it as they are."""
DAY = 86_400
MIN_FOLLOWERS, MAX_FOLLOWERS = 100, 3_000_000
FOLLOWER_LIST_CAP = 5_000
"""Native exports list followers one by one; bigger accounts' exports leave the list
out (their counts come from the snapshots), so a 3M-follower archive stays small."""
POSTS_PER_PERSON = 300
POSTS_PER_SOURCE = 150_000
EXCHANGE_CHUNK_ROWS = 200_000
X, LINKEDIN, INSTAGRAM, TIKTOK = (
    PLATFORMS.index(p) for p in ("x", "linkedin", "instagram", "tiktok")
)
TOPICS = ("velo", "recharge", "other")
LANGS = ("fr", "en")
SOURCE_NAMES = ("socialdesk", "agence-lumiere", "listenpro", "brandpulse", "media-sud")

# Platform membership by role (x, linkedin, instagram, tiktok): staff live on
# LinkedIn, influencers on Instagram and TikTok.
MEMBERSHIP = {
    "ambassador": np.array([0.35, 0.9, 0.25, 0.05]),
    "influencer": np.array([0.3, 0.1, 0.7, 0.45]),
}
# Posts per UTC hour (Europe's day: quiet nights, peaks at lunch and evening).
HOURLY = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3, 3, 3.5, 3, 3, 3, 3.2, 3.5, 4, 4.5, 4, 3, 2, 1.5]
)
HOURLY = HOURLY / HOURLY.sum()

EVENT_TEMPLATES = {
    ("before", "fr"): [
        "Plus que quelques jours avant le {tag}, on vous prépare une belle surprise",
        "Inscriptions ouvertes pour la soirée de lancement https://{domain}",
        "Qui vient au {tag} la semaine prochaine ?",
    ],
    ("before", "en"): [
        "Invited to {tag} next week, stay tuned",
        "Counting the days to {tag}: a new cargo bike is coming",
    ],
    ("during", "fr"): [
        "En direct du {tag} : la présentation commence !",
        "Démo de recharge rapide sur le stand {tag}",
        "{tag} quelle ambiance ce soir à Lyon",
    ],
    ("during", "en"): [
        "Live from {tag}: the new cargo bike is on stage",
        "{tag} what a night in Lyon",
    ],
    ("after", "fr"): [
        "Ce que je retiens du {tag} d'hier soir",
        "Le replay de la soirée est en ligne : https://{domain}/replay",
    ],
    ("after", "en"): [
        "My takeaways from {tag} last night",
        "Missed {tag}? The replay is online https://{domain}/replay",
    ],
}
PHASES = ("before", "during", "after")


GENERATOR_VERSION = 2
"""Bump when the same parameters draw a different landing: cached landings are redrawn
(a later night is drawn from the same world as night 1)."""


@dataclass(frozen=True)
class Params:
    posts: int
    seed: int = 7
    native_share: float = 0.1
    as_of: str = DEFAULT_AS_OF.isoformat()
    days: int = 90
    bad_share: float = 0.0002
    version: int = GENERATOR_VERSION


# --- vocabularies: every text is assembled from these by index -------------------


def _vocab(items: list[str]) -> pa.Array:
    return pa.array(items, pa.string())


BASE_TEXTS: list[str] = []
BASE_START = np.zeros((len(TOPICS), len(LANGS)), dtype=np.int64)
BASE_COUNT = np.zeros((len(TOPICS), len(LANGS)), dtype=np.int64)
for _t, _topic in enumerate(TOPICS):
    for _l, _lang in enumerate(LANGS):
        BASE_START[_t, _l], BASE_COUNT[_t, _l] = len(BASE_TEXTS), len(sample.TEXTS[(_topic, _lang)])
        BASE_TEXTS += sample.TEXTS[(_topic, _lang)]
FILLERS = {lang: [" " + t for t in sample.TEXTS[("other", lang)]] for lang in LANGS}
FILLER_TEXTS = FILLERS["fr"] + FILLERS["en"] + [""]
"""Second sentences: French ones, then English ones, then none (the last)."""
BRAND_TAGS = [*sample.BRAND_TAGS, ""]
SPONSOR_TAGS = [*sample.SPONSOR_TAGS, ""]
BRAND_IS_URL = np.array(["https://" in t for t in BRAND_TAGS])


def campaigns_for(as_of: dt.date) -> list[dict]:
    """The demo's campaigns, every date moved by as many days as `as_of` is from the
    demo's scored day."""
    shift = dt.timedelta(days=(as_of - sample.AS_OF.date()).days)
    moved = []
    for campaign in sample.CAMPAIGNS:
        campaign = dict(campaign)
        for key in ("start", "end"):
            if key in campaign:
                campaign[key] = (dt.date.fromisoformat(campaign[key]) + shift).isoformat()
        for key in ("event_start", "event_end"):
            if key in campaign:
                when = dt.datetime.fromisoformat(campaign[key]) + shift
                campaign[key] = when.strftime("%Y-%m-%dT%H:%M")
        moved.append(campaign)
    return moved


def _event(campaigns: list[dict]) -> dict | None:
    return next((c for c in campaigns if c.get("kind") == "event"), None)


# --- the world: people, accounts, posts -------------------------------------------


@dataclass
class World:
    params: Params
    start: int
    """First second of the window (UTC epoch)."""
    end: int
    """End of the scored day (exclusive)."""
    campaigns: list[dict]
    people: pd.DataFrame
    accounts: pd.DataFrame
    posts: pd.DataFrame
    sources: pd.DataFrame


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    ambassador = rng.random(n) < 0.4
    ambassador[:2], ambassador[2:4] = True, False  # both roles, whatever n
    role = np.where(ambassador, "ambassador", "influencer")
    number = np.zeros(n, dtype=np.int64)
    number[ambassador] = np.arange(1, ambassador.sum() + 1)
    number[~ambassador] = np.arange(1, (~ambassador).sum() + 1)
    prefix = np.where(ambassador, "amb-", "inf-")
    consent = np.where(ambassador, rng.random(n) > 0.08, rng.random(n) > 0.03)
    consent[:4] = True
    first = rng.integers(0, len(sample.FIRST), n)
    last = rng.integers(0, len(sample.LAST), n)
    topics = rng.dirichlet([1.5, 1.5, 2.0], n)
    activity = rng.lognormal(0, 1.0, n) * np.where(ambassador, 0.5, 1.5)
    activity[rng.random(n) < 0.1] *= 0.02  # dormant accounts
    activity[:4] = np.maximum(activity[:4], 1.0)  # they hold every platform: keep them busy
    return pd.DataFrame(
        {
            "person_id": pd.Series(prefix) + pd.Series(number).astype("str").str.zfill(5),
            "role": role,
            "consent": consent,
            "ambassador": ambassador,
            "first": first,
            "last": last,
            "display_name": pd.Series(np.array(sample.FIRST)[first])
            + " "
            + pd.Series(np.array(sample.LAST)[last]),
            "department": np.where(
                ambassador, np.array(sample.DEPARTMENTS)[rng.integers(0, 6, n)], ""
            ),
            "french": np.where(ambassador, 0.75, rng.beta(2, 2, n)),
            "topic_velo": topics[:, 0],
            "topic_recharge": topics[:, 1],
            "brand": np.where(ambassador, rng.uniform(0.1, 0.6, n), rng.uniform(0, 0.15, n)),
            "sponsored": np.where(
                ambassador,
                0.0,
                np.where(rng.random(n) < 0.3, rng.uniform(0.05, 0.6, n), 0.0),
            ),
            "engagement": rng.lognormal(0, 0.35, n),
            "activity": activity,
        }
    )


def _handles(
    first: np.ndarray, last: np.ndarray, number: np.ndarray, platform: np.ndarray
) -> pd.Series:
    """Per-platform handle styles: camillemartin12_ on X, camille-martin-12 on
    LinkedIn, camille.martin.12 on Instagram, camillemartin12 on TikTok."""
    folded_first = np.array([fold(n).replace(" ", "") for n in sample.FIRST])
    folded_last = np.array([fold(n).replace(" ", "") for n in sample.LAST])
    sep = np.array(["", "-", ".", ""])[platform]
    tail = np.array(["_", "", "", ""])[platform]
    return (
        pd.Series(folded_first[first])
        + sep
        + pd.Series(folded_last[last])
        + sep
        + pd.Series(number).astype("str")
        + tail
    )


def _accounts(rng: np.random.Generator, people: pd.DataFrame, n_sources: int) -> pd.DataFrame:
    n = len(people)
    probs = np.where(
        people["ambassador"].to_numpy()[:, None], MEMBERSHIP["ambassador"], MEMBERSHIP["influencer"]
    )
    has = rng.random((n, len(PLATFORMS))) < probs
    main = np.where(people["ambassador"], LINKEDIN, INSTAGRAM)
    has[np.arange(n), main] |= ~has.any(axis=1)
    has[np.arange(4), np.arange(4)] = True  # every platform, whatever n
    person, platform = np.nonzero(has)
    # Fans and competitors who are in no roster: their posts are skipped.
    strangers = max(5, n // 4)
    person = np.concatenate([person, np.full(strangers, -1)])
    platform = np.concatenate([platform, rng.integers(0, len(PLATFORMS), strangers)])
    total = len(person)
    own = person >= 0
    first = np.where(
        own,
        people["first"].to_numpy()[np.maximum(person, 0)],
        rng.integers(0, len(sample.FIRST), total),
    )
    last = np.where(
        own,
        people["last"].to_numpy()[np.maximum(person, 0)],
        rng.integers(0, len(sample.LAST), total),
    )
    number = np.where(own, person + 1, 100_000 + np.arange(total))
    followers = np.exp(rng.uniform(np.log(MIN_FOLLOWERS), np.log(MAX_FOLLOWERS), total)).astype(
        np.int64
    )
    bought = (
        ~people["ambassador"].to_numpy()[np.maximum(person, 0)] & own & (rng.random(total) < 0.03)
    )
    weight = np.where(
        own, people["activity"].to_numpy()[np.maximum(person, 0)], rng.lognormal(-1, 1, total)
    )
    per_person = np.bincount(person[own], minlength=n)  # a person's posts spread over accounts
    # Staff are followed by the company's own tool; the others by the agencies.
    source = rng.integers(0, n_sources, total)
    staff = own & people["ambassador"].to_numpy()[np.maximum(person, 0)]
    source[staff & (rng.random(total) < 0.6)] = 0
    return pd.DataFrame(
        {
            "person": person,
            "platform": platform,
            "handle": _handles(first, last, number, platform),
            "followers": followers,
            "bought": bought,
            "weight": weight / np.where(own, per_person[np.maximum(person, 0)], 1),
            "source": source,
            "discloses": rng.random(total) < 0.5,
            "native": False,
        }
    )


def _sources(n: int) -> pd.DataFrame:
    """Each source writes the exchange format its own way."""
    i = np.arange(n)
    names = [
        SOURCE_NAMES[k % len(SOURCE_NAMES)]
        + (f"-{k // len(SOURCE_NAMES) + 1}" if k >= len(SOURCE_NAMES) else "")
        for k in i
    ]
    return pd.DataFrame(
        {
            "name": names,
            "zone": i % 3,  # 0: Europe/Paris offsets, 1: +00:00, 2: Z
            "at": i % 2 == 0,  # handles written with a leading @
            "flag": i % 2 == 1,  # an is_sponsored column
            "urls": i % 4 != 2,
            "reversed": i % 3 == 1,  # columns in another order
        }
    )


def _times(rng: np.random.Generator, n: int, first_day: int, days: int) -> np.ndarray:
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=HOURLY)
    return first_day + day * DAY + hour * 3600 + rng.integers(0, 3600, n)


def _draw_posts(
    rng: np.random.Generator,
    world_people: pd.DataFrame,
    accounts: pd.DataFrame,
    sources: pd.DataFrame,
    acct: np.ndarray,
    secs: np.ndarray,
    seq0: int,
    event_phase: np.ndarray | None = None,
) -> pd.DataFrame:
    """Texts (as vocabulary indices), flags and counts of posts by `acct` at `secs`."""
    n = len(acct)
    person = accounts["person"].to_numpy()[acct]
    own = person >= 0
    p = np.maximum(person, 0)
    col = lambda name, default: np.where(own, world_people[name].to_numpy()[p], default)  # noqa: E731
    french = rng.random(n) < col("french", 0.5)
    lang = np.where(french, 0, 1)
    u = rng.random(n)
    velo, recharge = col("topic_velo", 0.2), col("topic_recharge", 0.2)
    topic = np.where(u < velo, 0, np.where(u < velo + recharge, 1, 2))
    base = BASE_START[topic, lang] + (rng.random(n) * BASE_COUNT[topic, lang]).astype(np.int64)
    platform = accounts["platform"].to_numpy()[acct]
    fillers = np.where(platform == LINKEDIN, 1 + (rng.random(n) < 0.5), rng.random(n) < 0.35)
    none = len(FILLER_TEXTS) - 1
    offset = np.where(french, 0, len(FILLERS["fr"]))
    count = np.where(french, len(FILLERS["fr"]), len(FILLERS["en"]))
    # Second sentences differ from each other and from an off-topic opening (the same list).
    opening = np.where(topic == 2, base - BASE_START[2, lang], -1)
    k1 = (rng.random(n) * count).astype(np.int64)
    k1 = np.where(k1 == opening, (k1 + 1) % count, k1)
    k2 = (k1 + 1 + (rng.random(n) * (count - 1)).astype(np.int64)) % count
    k2 = np.where(k2 == opening, (k2 + 1) % count, k2)
    f1 = np.where(fillers >= 1, offset + k1, none)
    f2 = np.where((fillers >= 2) & (k2 != k1), offset + k2, none)
    event = np.full(n, -1) if event_phase is None else event_phase
    on_topic = (topic != 2) | (event >= 0)
    branded = on_topic & (rng.random(n) < col("brand", 0.0))
    brand = np.where(branded, rng.integers(0, len(BRAND_TAGS) - 1, n), len(BRAND_TAGS) - 1)
    sponsored = rng.random(n) < col("sponsored", 0.1)
    native = accounts["native"].to_numpy()[acct]
    source = accounts["source"].to_numpy()[acct]
    # A paid post is disclosed by a flag where the channel has one (the exchange
    # is_sponsored column, TikTok's ContentDisclosure), else by a marker in its text.
    can_flag = np.where(
        native,
        (platform == TIKTOK) & accounts["discloses"].to_numpy()[acct],
        sources["flag"].to_numpy()[source],
    )
    flag_only = sponsored & can_flag & (rng.random(n) < 0.5)
    sponsor = np.where(
        sponsored & ~flag_only, rng.integers(0, len(SPONSOR_TAGS) - 1, n), len(SPONSOR_TAGS) - 1
    )
    # Engagement: the scorer's tier medians, falling a little further with audience.
    followers = accounts["followers"].to_numpy()[acct]
    er = tier_median_er(pd.Series(followers)).to_numpy() * (followers / 10_000) ** -0.05
    er = er * col("engagement", 1.0) * np.where(accounts["bought"].to_numpy()[acct], 0.1, 1.0)
    er = er * np.where(event >= 0, 1.3, 1.0)
    likes = np.floor(followers * er * rng.lognormal(-0.1, 0.6, n) * 0.9).astype(np.int64)
    has_impressions = (platform == X) | (platform == LINKEDIN)
    impressions = np.where(
        has_impressions, np.maximum(likes, followers * rng.uniform(0.1, 0.6, n)), -1
    ).astype(np.int64)
    clicks = np.where(
        has_impressions & branded, impressions * rng.uniform(0.002, 0.02, n), -1
    ).astype(np.int64)
    return pd.DataFrame(
        {
            "acct": acct.astype(np.int32),
            "secs": secs.astype(np.int64),
            "seq": seq0 + np.arange(n, dtype=np.int64),
            "lang": lang.astype(np.int8),
            "topic": topic.astype(np.int8),
            "base": base.astype(np.int16),
            "f1": f1.astype(np.int16),
            "f2": f2.astype(np.int16),
            "brand": brand.astype(np.int8),
            "sponsor": sponsor.astype(np.int8),
            "sponsored": sponsored,
            "flag_only": flag_only,
            "event": event.astype(np.int8),
            "likes": likes,
            "comments": (likes * rng.uniform(0.01, 0.08, n)).astype(np.int64),
            "shares": (likes * rng.uniform(0.0, 0.05, n)).astype(np.int64),
            "impressions": impressions,
            "clicks": clicks,
            "bad": np.zeros(n, dtype=np.int8),
        }
    )


def _event_times(
    rng: np.random.Generator, n: int, event: dict, end: int
) -> tuple[np.ndarray, np.ndarray]:
    zone = event.get("event_timezone", "UTC")
    start = int(pd.Timestamp(event["event_start"], tz=zone).timestamp())
    stop = int(pd.Timestamp(event["event_end"], tz=zone).timestamp())
    phase = rng.choice(3, n, p=[0.25, 0.5, 0.25])
    secs = np.select(
        [phase == 0, phase == 1],
        [start - rng.uniform(2 * 3600, 6 * DAY, n), rng.uniform(start, stop, n)],
        stop + rng.uniform(10 * 3600, 40 * 3600, n),
    ).astype(np.int64)
    return np.minimum(secs, end - 1), phase


def build_world(params: Params) -> World:
    """Night 1's people, accounts and posts: the same for the same parameters."""
    as_of = dt.date.fromisoformat(params.as_of)
    end = int(pd.Timestamp(as_of + dt.timedelta(days=1), tz="UTC").timestamp())
    start = end - params.days * DAY
    n_people = max(20, round(params.posts / POSTS_PER_PERSON))
    n_sources = max(3, round(params.posts / POSTS_PER_SOURCE))
    people = _people(_rng(params.seed, 1, 1), n_people)
    sources = _sources(n_sources)
    accounts = _accounts(_rng(params.seed, 1, 2), people, n_sources)
    rng = _rng(params.seed, 1, 3)
    campaigns = campaigns_for(as_of)
    event = _event(campaigns)
    n_event = round(params.posts * 0.01) if event else 0
    n_strangers = round(params.posts * 0.03)
    n_regular = params.posts - n_event - n_strangers
    own = (accounts["person"] >= 0).to_numpy()
    weight = accounts["weight"].to_numpy()
    roster_ids = np.flatnonzero(own)
    regular = rng.choice(roster_ids, n_regular, p=weight[own] / weight[own].sum())
    stranger_ids = np.flatnonzero(~own)
    strangers = rng.choice(stranger_ids, n_strangers, p=weight[~own] / weight[~own].sum())
    # The event's posts: most of the staff, some influencers.
    ambassador = people["ambassador"].to_numpy()[accounts["person"].to_numpy()[roster_ids]]
    event_weight = np.where(ambassador, 3.0, 1.0) * np.sqrt(weight[own])
    at_event = rng.choice(roster_ids, n_event, p=event_weight / event_weight.sum())
    acct = np.concatenate([regular, strangers, at_event])
    secs = np.concatenate([_times(rng, n_regular + n_strangers, start, params.days)])
    phase = np.full(len(acct), -1)
    if n_event:
        event_secs, event_phase = _event_times(rng, n_event, event, end)
        secs = np.concatenate([secs, event_secs])
        phase[n_regular + n_strangers :] = event_phase
    accounts["native"] = _choose_native(
        rng, accounts, acct, params.native_share, _consenting(people, accounts)
    )
    posts = _draw_posts(rng, people, accounts, sources, acct, secs, 0, phase)
    # A few broken rows in the exchange files: a negative count, a day-first date.
    # On consenting people's rows only: the others' rows are never checked (README).
    consenting = _consenting(people, accounts)[acct]
    exchange = np.flatnonzero(~accounts["native"].to_numpy()[acct] & (phase < 0) & consenting)
    bad = rng.choice(
        exchange, min(len(exchange), round(params.posts * params.bad_share)), replace=False
    )
    posts.loc[bad, "bad"] = (1 + np.arange(len(bad)) % 2).astype(np.int8)
    return World(params, start, end, campaigns, people, accounts, posts, sources)


def _consenting(people: pd.DataFrame, accounts: pd.DataFrame) -> np.ndarray:
    """Per account: it belongs to someone in the roster who consented."""
    person = accounts["person"].to_numpy()
    return (person >= 0) & people["consent"].to_numpy()[np.maximum(person, 0)]


def _choose_native(
    rng: np.random.Generator,
    accounts: pd.DataFrame,
    acct: np.ndarray,
    share: float,
    consenting: np.ndarray,
) -> np.ndarray:
    """Consenting people's accounts whose posts come as native exports (people hand
    over their own archives): one per platform, then random ones until they hold
    `share` of the posts."""
    native = np.zeros(len(accounts), dtype=bool)
    if share <= 0:
        return native
    per_account = np.bincount(acct, minlength=len(accounts))
    order = rng.permutation(np.flatnonzero(consenting & (per_account > 0)))
    platform = accounts["platform"].to_numpy()[order]
    firsts = [order[platform == p][0] for p in range(len(PLATFORMS)) if (platform == p).any()]
    rest = order[~np.isin(order, firsts)]
    ranked = np.concatenate([firsts, rest]).astype(np.int64)
    taken = np.cumsum(per_account[ranked]) - per_account[ranked] < share * len(acct)
    taken[: len(firsts)] = True
    native[ranked[taken]] = True
    return native


# --- rendering: Arrow strings from the indices --------------------------------------


def _cat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _take(vocab: list[str] | pa.Array, index: np.ndarray) -> pa.Array:
    values = vocab if isinstance(vocab, pa.Array) else _vocab(list(vocab))
    return pc.take(values, pa.array(np.asarray(index, dtype=np.int64)))


def _text(posts: pd.DataFrame, brand_parts: pa.Array | None = None) -> pa.Array:
    """base + second sentences + brand mention + sponsorship marker."""
    brand = brand_parts if brand_parts is not None else _take(BRAND_TAGS, posts["brand"])
    return _cat(
        _take(BASE_TEXTS, posts["base"]),
        _take(FILLER_TEXTS, posts["f1"]),
        _take(FILLER_TEXTS, posts["f2"]),
        brand,
        _take(SPONSOR_TAGS, posts["sponsor"]),
    )


def _event_vocab(campaigns: list[dict]) -> tuple[list[str], np.ndarray, np.ndarray]:
    event = _event(campaigns) or {}
    tag = (event.get("hashtags") or ["#event"])[0]
    domain = (event.get("brand_domains") or ["example.com"])[0]
    texts, starts, counts = [], np.zeros((3, 2), np.int64), np.zeros((3, 2), np.int64)
    for i, phase in enumerate(PHASES):
        for j, lang in enumerate(LANGS):
            found = [t.format(tag=tag, domain=domain) for t in EVENT_TEMPLATES[(phase, lang)]]
            starts[i, j], counts[i, j] = len(texts), len(found)
            texts += found
    return texts, starts, counts


def openings(campaigns: list[dict]) -> dict[str, list[str]]:
    """The sentences posts open with, by language: the demo's, and the event's."""
    vocab, starts, counts = _event_vocab(campaigns)
    found = {}
    for j, lang in enumerate(LANGS):
        found[lang] = [
            t for (_, language), ts in sample.TEXTS.items() if language == lang for t in ts
        ]
        found[lang] += [
            vocab[k]
            for i in range(len(PHASES))
            for k in range(starts[i, j], starts[i, j] + counts[i, j])
        ]
    return found


def _texts(world: World, posts: pd.DataFrame, brand_parts: pa.Array | None = None) -> pa.Array:
    """Every post's text; an event post opens with the event's sentence instead."""
    text = _text(posts, brand_parts)
    is_event, opening = _event_text(world, posts)
    if opening is None:
        return text
    brand = brand_parts if brand_parts is not None else _take(BRAND_TAGS, posts["brand"])
    event_text = _cat(opening, brand, _take(SPONSOR_TAGS, posts["sponsor"]))
    return pc.if_else(pa.array(is_event), event_text, text)


def _clock(secs: np.ndarray) -> pa.Array:
    """'YYYY-MM-DD HH:MM:SS' of epoch seconds."""
    return pa.array(secs.astype("datetime64[s]")).cast(pa.string())


def _paris_offset(secs: np.ndarray) -> np.ndarray:
    """Europe/Paris's UTC offset in seconds at each instant (changes fall on hours)."""
    hours, back = np.unique(secs // 3600, return_inverse=True)
    local = pd.DatetimeIndex(pd.to_datetime(hours * 3600, unit="s", utc=True)).tz_convert(
        "Europe/Paris"
    )
    offset = (
        local.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64) - hours * 3600
    )
    return offset[back]


def _iso(secs: np.ndarray, zone: np.ndarray) -> pa.Array:
    """ISO 8601 with an offset: Paris time (zone 0), +00:00 (1) or Z (2)."""
    offset = np.where(zone == 0, _paris_offset(secs), 0)
    local = pc.replace_substring(_clock(secs + offset), " ", "T", max_replacements=1)
    suffix = np.where(zone == 2, 2, np.where(offset == 7200, 3, np.where(offset == 3600, 4, 1)))
    return _cat(local, _take(["", "+00:00", "Z", "+02:00", "+01:00"], suffix))


def _ids(world: World, posts: pd.DataFrame) -> tuple[np.ndarray, pa.Array]:
    """Platform-style post ids, numeric and as text (LinkedIn's are URNs)."""
    platform = world.accounts["platform"].to_numpy()[posts["acct"]]
    secs, seq = posts["secs"].to_numpy(), posts["seq"].to_numpy()
    ms = secs * 1000 + seq % 1000
    number = np.select(
        [platform == X, platform == LINKEDIN, platform == TIKTOK],
        [
            (ms - sample.X_EPOCH_MS) << 22 | (seq & 0x3FFFFF),
            ms << 22 | (seq & 0x3FFFFF),
            secs << 32 | (seq & 0xFFFFFFFF),
        ],
        17_900_000_000_000_000 + seq * 1000 + secs % 1000,
    )
    text = pa.array(number).cast(pa.string())
    text = pc.if_else(pa.array(platform == LINKEDIN), _cat("urn:li:share:", text), text)
    return number, text


def _count(values: pd.Series) -> pa.Array:
    array = values.to_numpy()
    return pa.array(array, mask=array < 0)


def _exchange_table(world: World, posts: pd.DataFrame) -> pa.Table:
    """The exchange columns of `posts` (POSTS.exchange_header, then is_sponsored),
    written as each post's source writes them."""
    accounts, sources = world.accounts, world.sources
    acct = posts["acct"].to_numpy()
    source = accounts["source"].to_numpy()[acct]
    platform = accounts["platform"].to_numpy()[acct]
    handle = _take(pa.array(accounts["handle"].to_numpy().astype(str)), acct)
    _, post_id = _ids(world, posts)
    with_handle = pa.array((platform == X) | (platform == TIKTOK))
    url = _cat(
        _take(
            [
                "https://x.com/",
                "https://www.linkedin.com/feed/update/",
                "https://www.instagram.com/p/",
                "https://www.tiktok.com/@",
            ],
            platform,
        ),
        pc.if_else(with_handle, handle, ""),
        _take(["/status/", "", "", "/video/"], platform),
        post_id,
        _take(["", "/", "/", ""], platform),
    )
    posted_at = _iso(posts["secs"].to_numpy(), sources["zone"].to_numpy()[source])
    bad = posts["bad"].to_numpy()
    if (bad == 2).any():  # a day-first date, as a spreadsheet may write it
        day_first = pa.array(
            pd.to_datetime(posts["secs"], unit="s").dt.strftime("%d/%m/%Y").to_numpy(dtype=str)
        )
        posted_at = pc.if_else(pa.array(bad == 2), day_first, posted_at)
    likes = posts["likes"].to_numpy().copy()
    likes[bad == 1] = -5
    columns = {
        "platform": _take(list(PLATFORMS), platform),
        "handle": pc.if_else(pa.array(sources["at"].to_numpy()[source]), _cat("@", handle), handle),
        "post_id": post_id,
        "posted_at": posted_at,
        "text": _texts(world, posts),
        "url": pc.if_else(
            pa.array(sources["urls"].to_numpy()[source]), url, pa.scalar(None, pa.string())
        ),
        "impressions": _count(posts["impressions"]),
        "likes": pa.array(likes),
        "comments": _count(posts["comments"]),
        "shares": _count(posts["shares"]),
        "clicks": _count(posts["clicks"]),
        "is_sponsored": pa.array(posts["sponsored"].to_numpy()),
    }
    missing = [c for c in POSTS.exchange_header if c not in columns]
    if missing:  # the schema grew a column the generator does not know
        raise RuntimeError(f"bench/generate.py does not write exchange column(s) {missing}")
    return pa.table({c: columns[c] for c in [*POSTS.exchange_header, "is_sponsored"]})


def _write_csv(table: pa.Table, path: Path, header: str | None = None) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    if header is not None:
        buffer.write(header.encode())
    pcsv.write_csv(table, buffer, pcsv.WriteOptions(include_header=header is None))
    data = buffer.getvalue()
    path.write_bytes(data)
    return len(data)


def _groups(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """(key, start, stop) of each run of equal keys in a sorted array."""
    if len(keys) == 0:
        return []
    cuts = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate([[0], cuts])
    stops = np.concatenate([cuts, [len(keys)]])
    return list(zip(keys[starts].tolist(), starts.tolist(), stops.tolist(), strict=True))


class _Files:
    """The files a night writes, their modification times and what they hold."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[tuple[str, str, int, float]] = []

    def add(self, path: Path, fmt: str, size: int, mtime: float) -> None:
        os.utime(path, (mtime, mtime))
        self.written.append((path.relative_to(self.root).as_posix(), fmt, size, mtime))

    def write(self, path: Path, data: bytes | str, fmt: str, mtime: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path.write_bytes(raw)
        self.add(path, fmt, len(raw), mtime)


def _write_exchange(
    world: World,
    posts: pd.DataFrame,
    files: _Files,
    name: Callable[[int], str],
    mtime: Callable[[int], float],
    by_week: bool,
) -> None:
    """Exchange CSVs, one per source, platform (and week): rows by time in each."""
    accounts, sources = world.accounts, world.sources
    acct = posts["acct"].to_numpy()
    week = (posts["secs"].to_numpy() - world.start) // (7 * DAY) if by_week else 0
    key = (
        accounts["source"].to_numpy()[acct] * len(PLATFORMS) + accounts["platform"].to_numpy()[acct]
    ) * 1000 + week
    order = np.lexsort((posts["seq"].to_numpy(), posts["secs"].to_numpy(), key))
    groups = _groups(key[order])
    # Rendered a chunk of files at a time: the text of 3M rows at once would not fit.
    chunk_start = 0
    for i, (k, begin, stop) in enumerate(groups):
        if begin == chunk_start:
            chunk_stop = stop
            for _, _, later in groups[i + 1 :]:
                if later - chunk_start > EXCHANGE_CHUNK_ROWS:
                    break
                chunk_stop = later
            rows = posts.iloc[order[chunk_start:chunk_stop]].reset_index(drop=True)
            table, offset = _exchange_table(world, rows), chunk_start
            chunk_start = chunk_stop
        source, platform, week_k = k // 1000 // len(PLATFORMS), k // 1000 % len(PLATFORMS), k % 1000
        conventions = sources.iloc[source]
        columns = list(POSTS.exchange_header) + (["is_sponsored"] if conventions["flag"] else [])
        if conventions["reversed"]:
            columns = columns[::-1]
        path = files.root / EXPORTS_DIR / conventions["name"] / PLATFORMS[platform] / name(week_k)
        size = _write_csv(table.slice(begin - offset, stop - begin).select(columns), path)
        files.add(path, "exchange_posts", size, mtime(week_k))


# --- the platforms' own exports -------------------------------------------------------
# Each record is a template whose $names are filled column-wise: one Arrow
# concatenation for all of a format's records, then one join per account.

TWEET = """  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "$id"
          ],
          "editableUntil" : "$editable.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\\"https://mobile.twitter.com\\" rel=\\"nofollow\\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [$urls]
      },
      "display_text_range" : [
        "0",
        "$length"
      ],
      "favorite_count" : "$likes",
      "id_str" : "$id",
      "truncated" : false,
      "retweet_count" : "$shares",
      "id" : "$id",
      "created_at" : "$created",
      "favorited" : false,
      "full_text" : "$text",
      "lang" : "$lang"
    }
  }"""
TWEET_URL = """{
            "url" : "$short",
            "expanded_url" : "$expanded",
            "display_url" : "$display",
            "indices" : [
              "$first",
              "$last"
            ]
          }"""
X_FOLLOWER = """  {
    "follower" : {
      "accountId" : "$id",
      "userLink" : "https://twitter.com/intent/user?user_id=$id"
    }
  }"""
TIKTOK_VIDEO = """        {
          "Date": "$date",
          "Link": "https://www.tiktokv.com/share/video/$id/",
          "Likes": "$likes",
          "Title": "$text",
          "Sound": "original sound",
          "WhoCanView": "Everyone",
          "AllowComments": "Yes",
          "ContentDisclosure": "$disclosure"
        }"""
TIKTOK_FAN = '        {"Date": "$date", "UserName": "user$id"}'
INSTAGRAM_POST = """  {
    "media": [
      {
        "uri": "$uri",
        "creation_timestamp": $when,
        "title": ""
      }
    ],
    "title": "$text",
    "creation_timestamp": $when
  }"""
INSTAGRAM_PHOTO = """  {
    "media": [
      {
        "uri": "$uri",
        "creation_timestamp": $when,
        "title": "$text"
      }
    ]
  }"""
"""A single-photo post: Meta keeps its caption and time on the media only."""
INSTAGRAM_FOLLOWER = """    {
      "title": "",
      "media_list_data": [],
      "string_list_data": [
        {
          "href": "https://www.instagram.com/$name",
          "value": "$name",
          "timestamp": $when
        }
      ]
    }"""
CONNECTIONS_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\n\n'
)


def _fill(template: str, **values: pa.Array) -> pa.Array:
    """The template with each $name replaced, row by row, by that column's text."""
    parts = re.split(r"\$(\w+)", template)
    return _cat(*(part if i % 2 == 0 else values[part] for i, part in enumerate(parts)))


def _str(values: np.ndarray | pd.Series | pa.Array) -> pa.Array:
    array = values if isinstance(values, pa.Array) else pa.array(np.asarray(values))
    return array.cast(pa.string())


def _json_strings(values: pa.Array, mojibake: bool = False) -> pa.Array:
    """Each text as the inside of a JSON string; `mojibake`: every UTF-8 byte of a
    non-ASCII character as its own \\u00XX escape, as Meta writes them. Escaped once
    per distinct text, so the Python here runs over the vocabulary, not the posts."""
    encoded = pc.dictionary_encode(values)

    def escape(text: str) -> str:
        if mojibake:
            return json.dumps(text.encode("utf-8").decode("latin-1"))[1:-1]
        return json.dumps(text, ensure_ascii=False)[1:-1]

    distinct = pa.array([escape(t) for t in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(distinct, encoded.indices)


def _per_account(acct: np.ndarray, records: pa.Array, sep: str = ",\n") -> dict[int, str]:
    """Records (sorted by account) joined per account."""
    groups = _groups(acct)
    if not groups:
        return {}
    offsets = pa.array([g[1] for g in groups] + [groups[-1][2]], pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, records), sep).to_pylist()
    return {g[0]: text for g, text in zip(groups, joined, strict=True)}


def _members(
    world: World, owners: list[int], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The follower lists of `owners` (all their followers, or none above the cap):
    each member's owner, an id, and the epoch second they followed."""
    followers = world.accounts["followers"].to_numpy()[owners]
    sizes = np.where(followers <= FOLLOWER_LIST_CAP, followers, 0)
    owner = np.repeat(np.asarray(owners, dtype=np.int64), sizes)
    since = world.end - rng.integers(DAY, 5 * 365 * DAY, len(owner))
    return owner, rng.integers(10**8, 10**18, len(owner)), since


def _local_x_time(secs: np.ndarray) -> pa.Array:
    """`Thu Nov 19 17:10:25 +0100 2026`: Paris time, names in English."""
    offset = _paris_offset(secs)
    local = secs + offset
    clock = _clock(local)
    months = local.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return _cat(
        _take(sample.WEEKDAYS, (local // DAY + 3) % 7),  # 1970-01-01 was a Thursday
        " ",
        _take(sample.MONTHS, months % 12),
        " ",
        pc.utf8_slice_codeunits(clock, 8, 19),
        _take([" +0100 ", " +0200 "], (offset == 7200).astype(np.int64)),
        pc.utf8_slice_codeunits(clock, 0, 4),
    )


def _event_text(world: World, posts: pd.DataFrame) -> tuple[np.ndarray, pa.Array | None]:
    """Which posts are about the event, and their opening sentence."""
    phase = posts["event"].to_numpy()
    if not (phase >= 0).any():
        return phase >= 0, None
    vocab, starts, counts = _event_vocab(world.campaigns)
    at, lang = np.maximum(phase, 0), posts["lang"].to_numpy()
    pick = starts[at, lang] + posts["seq"].to_numpy() % counts[at, lang]
    return phase >= 0, _take(vocab, pick)


def _write_x(
    world: World, posts: pd.DataFrame, folders: dict[int, Path], files: _Files, mtime: float, rng
) -> None:
    """X account archives: data/account.js, tweets.js, follower.js (small accounts),
    manifest.js. Brand links are t.co links in the text, expanded in entities."""
    accounts = world.accounts
    _, post_id = _ids(world, posts)
    brand = posts["brand"].to_numpy()
    is_url = pa.array(BRAND_IS_URL[brand])
    short = _cat("https://t.co/", pc.utf8_lpad(_str(posts["seq"]), 10, "0"))  # 23 characters
    tags = _take(BRAND_TAGS, brand)
    text = _texts(world, posts, pc.if_else(is_url, _cat(" ", short), tags))
    is_event, opening = _event_text(world, posts)
    body = _cat(
        *(
            _take(FILLER_TEXTS if c != "base" else BASE_TEXTS, posts[c])
            for c in ("base", "f1", "f2")
        )
    )
    if opening is not None:
        body = pc.if_else(pa.array(is_event), opening, body)
    first = pc.add(pc.utf8_length(body), 1)
    expanded = pc.utf8_trim_whitespace(tags)
    urls = _fill(
        TWEET_URL,
        short=short,
        expanded=expanded,
        display=pc.utf8_slice_codeunits(expanded, 8, 60),
        first=_str(first),
        last=_str(pc.add(first, 23)),
    )
    record = _fill(
        TWEET,
        id=post_id,
        editable=pc.replace_substring(_clock(posts["secs"].to_numpy() + 3600), " ", "T"),
        urls=pc.if_else(is_url, _cat(" ", urls, " "), " "),
        length=_str(pc.utf8_length(text)),
        likes=_str(posts["likes"]),
        shares=_str(posts["shares"]),
        created=_local_x_time(posts["secs"].to_numpy()),
        text=_json_strings(text),
        lang=_take(list(LANGS), posts["lang"]),
    )
    tweets = _per_account(posts["acct"].to_numpy(), record)
    owners = sorted(folders)
    owner, member, _ = _members(world, owners, rng)
    followers = _per_account(owner, _fill(X_FOLLOWER, id=_str(member)))
    stamp = pd.Timestamp(mtime, unit="s", tz="UTC")
    for a in owners:
        handle = accounts.at[a, "handle"]
        username = handle[:1].upper() + handle[1:]  # X keeps the case its owner chose
        account_id = str(10**18 + a)
        account = {"username": username, "accountId": account_id, "createdVia": "web"}
        account["accountDisplayName"] = _display_name(world, a)
        manifest = {
            "userInfo": {"accountId": account_id, "userName": username},
            "archiveInfo": {"generationDate": f"{stamp:%Y-%m-%dT%H:%M:%S}.000Z"},
        }
        entries = [
            ("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2)),
            ("data/account.js", sample._ytd("account", [{"account": account}])),
            ("data/tweets.js", "window.YTD.tweets.part0 = [\n" + tweets.get(a, "") + "\n]"),
        ]
        if a in followers:
            entries.append(
                ("data/follower.js", f"window.YTD.follower.part0 = [\n{followers[a]}\n]")
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for entry, data in entries:
                info = zipfile.ZipInfo(entry, date_time=stamp.timetuple()[:6])  # fixed bytes
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data.encode("utf-8"), compresslevel=1)
        files.write(folders[a] / f"twitter-{stamp:%Y-%m-%d}.zip", buffer.getvalue(), "zip", mtime)


def _display_name(world: World, a: int) -> str:
    return str(world.people.at[int(world.accounts.at[a, "person"]), "display_name"])


def _write_tiktok(
    world: World, posts: pd.DataFrame, folders: dict[int, Path], files: _Files, mtime: float, rng
) -> None:
    """user_data_tiktok.json: videos (likes only), profile, fans list (small accounts)."""
    accounts = world.accounts
    acct = posts["acct"].to_numpy()
    _, post_id = _ids(world, posts)
    record = _fill(
        TIKTOK_VIDEO,
        date=_clock(posts["secs"].to_numpy()),
        id=post_id,
        likes=_str(posts["likes"]),
        text=_json_strings(_texts(world, posts)),
        disclosure=_take(["", "Paid partnership"], posts["flag_only"].to_numpy().astype(np.int64)),
    )
    videos = _per_account(acct, record)
    total_likes = posts.groupby("acct")["likes"].sum().to_dict()
    owners = sorted(folders)
    owner, member, since = _members(world, owners, rng)
    fans = _per_account(owner, _fill(TIKTOK_FAN, date=_clock(since), id=_str(member % 10**10)))
    for a in owners:
        profile = {"userName": accounts.at[a, "handle"], "bioDescription": _display_name(world, a)}
        profile["likesReceived"] = str(int(total_likes.get(a, 0)))
        activity = {"Following": {"Following": []}}
        if a in fans:
            activity["Follower"] = {"FansList": "<fans>"}
        document = {
            "Ads and data": {"Ad Interests": {"AdInterestCategories": ""}},
            "Post": {"Posts": {"VideoList": "<videos>"}},
            "Profile": {"Profile Information": {"ProfileMap": profile}},
            "Your Activity": activity,
        }
        text = json.dumps(document, indent=2, ensure_ascii=False)
        text = text.replace('"<videos>"', "[\n" + videos.get(a, "") + "\n      ]")
        text = text.replace('"<fans>"', "[\n" + fans.get(a, "") + "\n      ]")
        files.write(folders[a] / "user_data_tiktok.json", text + "\n", "tiktok", mtime)


def _write_instagram(
    world: World, posts: pd.DataFrame, folders: dict[int, Path], files: _Files, mtime: float, rng
) -> None:
    """posts_1.json (no counts, Meta's escaped UTF-8) and followers_1.json (small
    accounts)."""
    number, _ = _ids(world, posts)
    secs = posts["secs"].to_numpy()
    month = pc.utf8_slice_codeunits(pc.replace_substring(_clock(secs), "-", ""), 0, 6)
    values = {
        "uri": _cat("media/posts/", month, "/", _str(number % 10**9), "_", _str(number), ".jpg"),
        "when": _str(secs),
        "text": _json_strings(_texts(world, posts), mojibake=True),
    }
    single = pa.array(posts["seq"].to_numpy() % 3 == 0)
    record = pc.if_else(single, _fill(INSTAGRAM_PHOTO, **values), _fill(INSTAGRAM_POST, **values))
    media = _per_account(posts["acct"].to_numpy(), record)
    owners = sorted(folders)
    owner, member, since = _members(world, owners, rng)
    name = _cat("fan.", _str(member % 10**9))
    followers = _per_account(owner, _fill(INSTAGRAM_FOLLOWER, name=name, when=_str(since)))
    for a in owners:
        content = folders[a] / "your_instagram_activity" / "content" / "posts_1.json"
        files.write(content, "[\n" + media.get(a, "") + "\n]\n", "instagram_posts", mtime)
        if a in followers:
            path = folders[a] / "connections" / "followers_and_following" / "followers_1.json"
            document = '{\n  "relationships_followers": [\n' + followers[a] + "\n  ]\n}\n"
            files.write(path, document, "instagram_followers", mtime)


def _write_linkedin(
    world: World, posts: pd.DataFrame, folders: dict[int, Path], files: _Files, mtime: float, rng
) -> None:
    """Shares.csv (no counts; the brand mention and the marker on lines of their own,
    every inner line wrapped in quotes) and Connections.csv (small accounts)."""
    n = len(posts)
    _, post_id = _ids(world, posts)
    brand, sponsor = posts["brand"].to_numpy(), posts["sponsor"].to_numpy()
    body = _cat(
        *(
            _take(FILLER_TEXTS if c != "base" else BASE_TEXTS, posts[c])
            for c in ("base", "f1", "f2")
        )
    )
    is_event, opening = _event_text(world, posts)
    if opening is not None:
        body = pc.if_else(pa.array(is_event), opening, body)
    own_line = lambda tags: ["\n\n" + t.strip() if t else "" for t in tags]  # noqa: E731
    text = _cat(body, _take(own_line(BRAND_TAGS), brand), _take(own_line(SPONSOR_TAGS), sponsor))
    link = pc.utf8_trim_whitespace(_take(BRAND_TAGS, brand))
    shares = pa.table(
        {
            "Date": _clock(posts["secs"].to_numpy()),
            "ShareLink": _cat(
                "https://www.linkedin.com/feed/update/", pc.replace_substring(post_id, ":", "%3A")
            ),
            "ShareCommentary": pc.replace_substring(text, "\n", '"\n"'),
            "SharedUrl": pc.if_else(pa.array(BRAND_IS_URL[brand]), link, ""),
            "MediaUrl": pa.nulls(n, pa.string()).fill_null(""),
            "Visibility": pa.nulls(n, pa.string()).fill_null("MEMBER_NETWORK"),
        }
    )
    owners = sorted(folders)
    owner, member, since = _members(world, owners, rng)
    m = len(owner)
    hidden = pa.array(rng.random(m) < 0.002)  # members who hide all but the date
    shown = lambda values: pc.if_else(hidden, "", values)  # noqa: E731
    connected = pa.array(since.astype("datetime64[s]"))
    connections = pa.table(
        {
            "First Name": shown(_take(sample.FIRST, rng.integers(0, len(sample.FIRST), m))),
            "Last Name": shown(_take(sample.LAST, rng.integers(0, len(sample.LAST), m))),
            "URL": shown(_cat("https://www.linkedin.com/in/m-", _str(member % 10**9))),
            "Email Address": pa.nulls(m, pa.string()).fill_null(""),
            "Company": shown(_take(sample.COMPANIES, rng.integers(0, len(sample.COMPANIES), m))),
            "Position": shown(_take(sample.POSITIONS, rng.integers(0, len(sample.POSITIONS), m))),
            "Connected On": _cat(
                pc.utf8_lpad(_str(pc.day(connected)), 2, "0"),
                " ",
                pc.take(_vocab(["", *sample.MONTHS]), pc.month(connected)),
                " ",
                _str(pc.year(connected)),
            ),
        }
    )
    posts_of = {k: (b, e) for k, b, e in _groups(posts["acct"].to_numpy())}
    members_of = {k: (b, e) for k, b, e in _groups(owner)}
    for a in owners:
        begin, stop = posts_of.get(a, (0, 0))
        path = folders[a] / "Shares.csv"
        size = _write_csv(shares.slice(begin, stop - begin), path, _header(shares))
        files.add(path, "linkedin_shares", size, mtime)
        if a in members_of:
            begin, stop = members_of[a]
            path = folders[a] / "Connections.csv"
            header = CONNECTIONS_PREAMBLE + _header(connections)
            size = _write_csv(connections.slice(begin, stop - begin), path, header)
            files.add(path, "linkedin_connections", size, mtime)


def _header(table: pa.Table) -> str:
    """A header line as the platforms write it: names unquoted."""
    return ",".join(table.column_names) + "\n"


NATIVE_WRITERS = {
    X: _write_x,
    LINKEDIN: _write_linkedin,
    INSTAGRAM: _write_instagram,
    TIKTOK: _write_tiktok,
}
NATIVE_FORMATS = {
    X: "x_tweets",
    LINKEDIN: "linkedin_shares",
    INSTAGRAM: "instagram_posts",
    TIKTOK: "tiktok",
}


def _write_native(
    world: World, posts: pd.DataFrame, owners: np.ndarray, files: _Files, mtime: float, rng
) -> None:
    """The native exports of `owners` (account indices) holding `posts`, in
    exports/<platform>/<handle>/<export day>/."""
    accounts = world.accounts
    day = pd.Timestamp(mtime, unit="s", tz="UTC").strftime("%Y-%m-%d")
    order = np.lexsort((-posts["secs"].to_numpy(), posts["acct"].to_numpy()))  # newest first
    posts = posts.iloc[order].reset_index(drop=True)
    platform_of = accounts["platform"].to_numpy()
    for platform, writer in NATIVE_WRITERS.items():
        mine = owners[platform_of[owners] == platform]
        if len(mine) == 0:
            continue
        folders = {
            int(a): files.root
            / EXPORTS_DIR
            / PLATFORMS[platform]
            / accounts.at[int(a), "handle"]
            / day
            for a in mine
        }
        rows = posts[np.isin(posts["acct"].to_numpy(), mine)].reset_index(drop=True)
        writer(world, rows, folders, files, mtime, rng)


# --- nights ---------------------------------------------------------------------------


def _snapshots(world: World, days: list[int], growth: float = 0.0) -> pd.DataFrame:
    """Follower counts of every account on the given days (epoch seconds at 00:00)."""
    accounts = world.accounts
    final = accounts["followers"].to_numpy()
    n, k = len(accounts), len(days)
    day = np.tile(np.asarray(days, dtype=np.int64), n)
    progress = (day - world.start) / (world.end - world.start)
    followers = np.repeat(final, k) * (0.92 + 0.08 * progress + growth)
    # Bought followers arrive in one week, three weeks before the scored day.
    jump = world.end - 21 * DAY
    followers = np.where(
        np.repeat(accounts["bought"].to_numpy(), k) & (day < jump),
        np.repeat(final, k) * 0.45,
        followers,
    )
    return pd.DataFrame(
        {
            "platform": np.repeat(np.array(PLATFORMS)[accounts["platform"].to_numpy()], k),
            "handle": np.repeat(accounts["handle"].to_numpy().astype(str), k),
            "snapshot_date": pd.to_datetime(day, unit="s").strftime("%Y-%m-%d"),
            "followers": np.clip(followers, MIN_FOLLOWERS, MAX_FOLLOWERS).astype(np.int64),
        }
    )


def _roster(world: World) -> pd.DataFrame:
    people, accounts = world.people, world.accounts
    roster = people[["person_id", "display_name", "role"]].copy()
    roster["consent"] = np.where(people["consent"], "true", "false")
    roster["department"] = people["department"]
    rng = _rng(world.params.seed, 1, 4)
    own = accounts[accounts["person"] >= 0]
    # The roster is typed by people: some handles with @, some capitalised.
    written = own["handle"].astype("str")
    written = written.where(rng.random(len(own)) < 0.9, written.str.capitalize())
    written = ("@" + written).where(rng.random(len(own)) < 0.5, written)
    for platform, name in enumerate(PLATFORMS):
        mine = own["platform"].to_numpy() == platform
        column = pd.Series("", index=roster.index, dtype="str")
        column.iloc[own["person"].to_numpy()[mine]] = written.to_numpy()[mine]
        roster[name] = column
    roster["contract"] = np.where(people["ambassador"], "staff", "freelance")
    return roster


def _night_mtime(world: World, night: int) -> float:
    """Exports are collected in the night after the day they cover, at 01:00 UTC."""
    return float(world.end + (night - 1) * DAY + 3600)


def _to_store(world: World, posts: pd.DataFrame) -> np.ndarray:
    """Which posts the warehouse keeps: a consenting person's, not broken."""
    person = world.accounts["person"].to_numpy()[posts["acct"].to_numpy()]
    consenting = (person >= 0) & world.people["consent"].to_numpy()[np.maximum(person, 0)]
    return consenting & (posts["bad"].to_numpy() == 0)


def _counts(world: World, posts: pd.DataFrame, files: _Files, started: float, **extra) -> dict:
    accounts, people = world.accounts, world.people
    acct = posts["acct"].to_numpy()
    person = accounts["person"].to_numpy()[acct]
    native = accounts["native"].to_numpy()[acct]
    platform = accounts["platform"].to_numpy()[acct]
    consenting = (person >= 0) & people["consent"].to_numpy()[np.maximum(person, 0)]
    by_format = {"exchange_posts": int((~native).sum())}
    for code, fmt in NATIVE_FORMATS.items():
        by_format[fmt] = int((native & (platform == code)).sum())
    written = pd.DataFrame(files.written, columns=["path", "format", "size", "mtime"])
    bad = posts["bad"].to_numpy() > 0
    return {
        "rows": len(posts),
        **extra,
        "posts_by_format": by_format,
        "posts_of_strangers": int((person < 0).sum()),
        "posts_without_consent": int(((person >= 0) & ~consenting).sum()),
        "posts_bad": int(bad.sum()),
        "posts_to_store": int((consenting & ~bad).sum()),
        "posts_sponsored": int(posts["sponsored"].sum()),
        "posts_sponsored_to_store": int((posts["sponsored"].to_numpy() & consenting & ~bad).sum()),
        "posts_french": int((posts["lang"] == 0).sum()),
        "posts_event": int((posts["event"] >= 0).sum()),
        "files": len(written),
        "files_by_format": {
            k: int(v) for k, v in written["format"].value_counts().sort_index().items()
        },
        "bytes": int(written["size"].sum()),
        "seconds": round(time.perf_counter() - started, 2),
        "paths": written["path"].tolist(),
    }


def generate_landing(
    root: Path,
    posts: int,
    seed: int = 7,
    *,
    native_share: float = 0.1,
    as_of: dt.date = DEFAULT_AS_OF,
    days: int = 90,
    bad_share: float = 0.0002,
) -> dict:
    """Write night 1 of a landing zone of `posts` posts into `root` (which must be
    empty or absent) and return what it holds (counts; `paths`: the files)."""
    started = time.perf_counter()
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    params = Params(posts, seed, native_share, as_of.isoformat(), days, bad_share)
    world = build_world(params)
    files = _Files(root)
    mtime = _night_mtime(world, 1)
    snapshots = _snapshots(world, list(range(world.end - DAY, world.start - 1, -7 * DAY))[::-1])
    empty_posts = pd.DataFrame({c: pd.Series(dtype="str") for c in POSTS.exchange_header})
    write_landing(root, _roster(world), world.campaigns, empty_posts, snapshots)
    for path in sorted((root / EXPORTS_DIR).rglob("*.accounts.csv")):
        files.add(path, "exchange_accounts", path.stat().st_size, mtime)
    for name in (root / "roster.csv", root / "campaigns.yaml"):
        os.utime(name, (mtime, mtime))
    native = world.accounts["native"].to_numpy()[world.posts["acct"].to_numpy()]

    def week_name(week: int) -> str:
        return f"{pd.Timestamp(world.start + week * 7 * DAY, unit='s'):%Y-%m-%d}.posts.csv"

    def week_end(week: int) -> float:  # a weekly export is taken when its week is over
        return float(min(world.start + (week + 1) * 7 * DAY + 3600, mtime))

    _write_exchange(world, world.posts[~native], files, week_name, week_end, by_week=True)
    owners = np.flatnonzero(world.accounts["native"].to_numpy())
    _write_native(world, world.posts[native], owners, files, mtime, _rng(seed, 1, 5))
    counts = _counts(
        world,
        world.posts,
        files,
        started,
        night=1,
        as_of=params.as_of,
        posts_new=len(world.posts),
        posts_updated=0,
        people=len(world.people),
        ambassadors=int(world.people["ambassador"].sum()),
        consenting=int(world.people["consent"].sum()),
        accounts=int((world.accounts["person"] >= 0).sum()),
        native_accounts=int(world.accounts["native"].sum()),
        snapshots=len(snapshots),
    )
    manifest = {"params": asdict(params), "nights": {"1": counts}}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return counts


def read_manifest(root: Path) -> dict:
    return json.loads((Path(root) / MANIFEST).read_text())


def _night_posts(world: World, night: int, add_share: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Night `night`'s new posts (on its day) and the native accounts exporting again."""
    rng = _rng(world.params.seed, night, 1)
    accounts = world.accounts
    native = accounts["native"].to_numpy()
    again = np.flatnonzero(native)
    again = (
        rng.choice(again, min(len(again), max(1, round(len(again) * 0.05))), replace=False)
        if len(again)
        else again
    )
    eligible = np.flatnonzero(~native)
    eligible = np.concatenate([eligible, again])
    weight = accounts["weight"].to_numpy()[eligible]
    n = round(world.params.posts * add_share)
    acct = rng.choice(eligible, n, p=weight / weight.sum())
    day = world.end + (night - 2) * DAY
    secs = _times(rng, n, day, 1)
    seq0 = world.params.posts + (night - 2) * 10 * n
    return _draw_posts(rng, world.people, accounts, world.sources, acct, secs, seq0), np.sort(again)


def add_night(root: Path, night: int = 2, add_share: float = 0.01) -> dict:
    """Add night `night`'s files to a landing written by generate_landing: new posts
    of its day (about `add_share` of the landing's posts), recent posts delivered again
    with grown counts, a few native archives exported again, the day's follower
    snapshot. Existing files stay as they are. Returns the night's counts."""
    started = time.perf_counter()
    root = Path(root)
    manifest = read_manifest(root)
    if manifest["params"].get("version") != GENERATOR_VERSION:
        raise ValueError(f"{root} was drawn by another version of the generator: draw it again")
    if str(night) in manifest["nights"]:
        raise FileExistsError(f"night {night} is already in {root}")
    if night < 2 or str(night - 1) not in manifest["nights"]:
        raise ValueError(f"night {night} needs night {night - 1} first")
    world = build_world(Params(**manifest["params"]))
    nights = {k: _night_posts(world, k, add_share) for k in range(2, night + 1)}
    new, again = nights[night]
    rng = _rng(world.params.seed, night, 2)
    posts = world.posts
    native = world.accounts["native"].to_numpy()
    # Recent exchange posts of the last three days, delivered again with more likes.
    day = world.end + (night - 2) * DAY
    recent = np.flatnonzero(
        ~native[posts["acct"].to_numpy()]
        & (posts["secs"].to_numpy() >= world.end - 3 * DAY)
        & (posts["bad"].to_numpy() == 0)
    )
    updated = posts.iloc[rng.choice(recent, min(len(recent), len(new) // 2), replace=False)].copy()
    grow = rng.uniform(1.05, 1.6, len(updated))
    for column in ("likes", "comments", "shares", "impressions", "clicks"):
        values = updated[column].to_numpy()
        updated[column] = np.where(values < 0, values, (values * grow).astype(np.int64))
    files = _Files(root)
    mtime = _night_mtime(world, night)
    stamp = pd.Timestamp(day, unit="s").strftime("%Y-%m-%d")
    new_native = native[new["acct"].to_numpy()]
    delivered = pd.concat([updated, new[~new_native]], ignore_index=True)
    _write_exchange(
        world,
        delivered,
        files,
        lambda _: f"{stamp}.daily.posts.csv",
        lambda _: mtime,
        by_week=False,
    )
    # Native archives hold everything their account ever posted.
    history = pd.concat([posts, *(p for p, _ in nights.values())], ignore_index=True)
    _write_native(
        world,
        history[np.isin(history["acct"].to_numpy(), again)],
        again,
        files,
        mtime,
        _rng(world.params.seed, night, 3),
    )
    snapshots = _snapshots(world, [day], growth=0.0005 * (night - 1))
    for platform, part in snapshots.groupby("platform"):
        path = root / EXPORTS_DIR / platform / f"followers-{stamp}.accounts.csv"
        part[ACCOUNTS.exchange_header].to_csv(path, index=False)
        files.add(path, "exchange_accounts", path.stat().st_size, mtime)
    rows = history[np.isin(history["acct"].to_numpy(), again)]
    counts = _counts(
        world,
        pd.concat([updated, new[~new_native], rows], ignore_index=True),
        files,
        started,
        night=night,
        as_of=stamp,
        posts_new=len(new),
        posts_updated=len(updated),
        native_accounts_again=len(again),
        snapshots=len(snapshots),
    )
    counts["posts_new_to_store"] = int(_to_store(world, new).sum())
    manifest["nights"][str(night)] = counts
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return counts


def remove_nights(root: Path, keep: int = 1) -> int:
    """Delete the files of the nights after `keep` (their folders too when empty);
    return how many files went."""
    root = Path(root)
    manifest = read_manifest(root)
    removed = 0
    for night in sorted((int(k) for k in manifest["nights"]), reverse=True):
        if night <= keep:
            continue
        for relative in manifest["nights"].pop(str(night))["paths"]:
            path = root / relative
            if path.exists():
                path.unlink()
                removed += 1
            for parent in path.parents:
                if parent == root or not parent.is_dir() or any(parent.iterdir()):
                    break
                parent.rmdir()
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return removed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write")
    parser.add_argument("--posts", type=int, help="posts of night 1")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--native-share", type=float, default=0.1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument("--night", type=int, default=1, help="2, 3...: add that night's files")
    parser.add_argument(
        "--add-share",
        type=float,
        default=0.01,
        help="new posts of a later night, as a share of --posts",
    )
    parser.add_argument("--force", action="store_true", help="night 1: replace --out if it exists")
    args = parser.parse_args(argv)
    if args.night == 1:
        if args.posts is None:
            parser.error("--posts is required for night 1")
        if args.force and args.out.exists():
            shutil.rmtree(args.out)
        try:
            counts = generate_landing(
                args.out, args.posts, args.seed, native_share=args.native_share, as_of=args.as_of
            )
        except FileExistsError as exc:
            parser.error(f"{exc} (use --force to replace it)")
    else:
        try:
            counts = add_night(args.out, args.night, args.add_share)
        except (FileExistsError, ValueError, FileNotFoundError) as exc:
            parser.error(str(exc))
    shown = {k: v for k, v in counts.items() if k != "paths"}
    print(json.dumps(shown, indent=1))


if __name__ == "__main__":
    main()
