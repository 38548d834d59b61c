"""A generated world whose true influence is known, to measure how well scoring ranks.

`generate_world(seed)` draws a few hundred people (about 2/3 outside influencers, 1/3
employee ambassadors) with hidden traits, then writes what an export would show of
them: posts with text and engagement counts, and weekly follower snapshots, over the
90 days that end on `AS_OF`. Scoring sees only those frames; the test compares its
ranking with the *true influence* computed from the hidden traits.

Hidden traits, per person (all drawn with one `numpy.random.Generator`):

- `real_audience`: real followers over all accounts, log-normal and heavy-tailed
  (influencers: median 15,000, a few celebrities in the millions; ambassadors: median
  700, a few executives with tens of thousands);
- `topic_share` per campaign in [0, 1]: the share of their posts on the campaign's
  topic (travel, cybersecurity or anything else), from a Dirichlet around the
  person's niche;
- `engagement_quality` q: their engagement rate relative to the median of their
  follower tier (log-normal around 1);
- `sponsored_share` s: the share of their posts that are paid (influencers only;
  a third of them are heavy promoters); 10% of paid posts are not disclosed;
- `bought_share` b: the share of the main account's followers that were bought (15%
  of influencers); for 60% of them the purchase is a visible jump in the window's
  follower snapshots, for the others it predates the window. Bought followers never
  engage. A few other influencers gain real followers suddenly (a viral post), and
  their engagement follows;
- `posts_per_week` λ and `dormant` (12%: they post only in the window's first two
  weeks); `regularity` r is the expected share of weeks with a post,
  `1 − exp(−λ)`, times 2/13 for dormant people;
- ambassadors only, `brand_share` per campaign: the share of their posts that carry
  the campaign's brand (a mention of its handle or a link to its domain); a quarter
  of them never share brand content.

True influence per campaign c, the yardstick (what a marketer would pay for):

- influencer: `log10(1 + real_audience) × 2q / (1 + q) × topic_share_c × (1 − s)² × √r`
  — the real audience, log-compressed (many ordinary accounts beat one star), times
  how much it engages (1 at the tier's typical rate, saturating at 2), times how much
  of the content is about the campaign's topic, times impartiality (paid content
  costs credibility, squared as a half-paid feed is worth far less than half), times
  presence now;
- ambassador: `log10(1 + real_audience) × 2q / (1 + q) × √r ×
  (0.5 × topic_share_c + 0.5 × min(1, 2 × brand_share_c))` — the same audience and
  engagement terms, with half the value from talking about the topic and half from
  carrying the brand (sharing it in half of one's posts or more is full value).

Neither bought followers nor undisclosed paid posts enter the truth, while scoring can
only see displayed follower counts and disclosure markers: the gap is deliberate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks.landing import Campaign
from virage.tasks.text import fold_series, is_sponsored_text

AS_OF = dt.date(2026, 6, 30)
WINDOW_DAYS = 90
WINDOW_END = pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")
WINDOW_START = WINDOW_END - pd.Timedelta(days=WINDOW_DAYS)

TRAVEL_BRAND, TRAVEL_DOMAIN = "@solea_voyages", "solea-voyages.example"
CYBER_BRAND, CYBER_DOMAIN = "@solea_secure", "secure.solea.example"

TRAVEL = Campaign(
    id="escapades",
    name="Escapades d'été",
    keywords=(
        "voyage",
        "travel",
        "road trip",
        "vacances",
        "destination",
        "hôtel",
        "itinéraire",
        "city break",
    ),
    hashtags=("#travel", "#wanderlust", "#escapade"),
    brand_handles=(TRAVEL_BRAND,),
    brand_domains=(TRAVEL_DOMAIN,),
)
CYBER = Campaign(
    id="cyberday",
    name="Cyber Day",
    keywords=(
        "cybersécurité",
        "cybersecurity",
        "phishing",
        "hameçonnage",
        "ransomware",
        "rançongiciel",
        "mot de passe",
        "password",
        "zero trust",
        "MFA",
    ),
    hashtags=("#infosec", "#cyber"),
    brand_handles=(CYBER_BRAND,),
    brand_domains=(CYBER_DOMAIN,),
)
CAMPAIGNS = [TRAVEL, CYBER]
TOPICS = ("escapades", "cyberday", "other")

# On-topic sentences, French and English; the last two of each list are on the topic
# but use none of the campaign's terms (what keyword matching misses).
SENTENCES = {
    "escapades": [
        "Nos vacances à Lisbonne : l'itinéraire complet en cinq jours",
        "Trois hôtels de charme testés cette semaine dans les Cévennes",
        "Road trip en Islande, jour 4 : cascades et glaciers",
        "My favourite travel hacks for long-haul flights",
        "Best city break destinations for a long weekend #wanderlust",
        "Carnet de voyage : Kyoto sous la neige",
        "Packing list for two weeks of travel with kids",
        "Les destinations les moins chères pour l'été #escapade",
        "Itinéraires à vélo le long de la Loire, entre châteaux et hôtels",
        "VOYAGES en train de nuit : le retour, et c'est très bien",
        "Sunset over Santorini, no filter",
        "Petit-déjeuner face à la mer à Essaouira",
    ],
    "cyberday": [
        "Le phishing reste la première porte d'entrée des rançongiciels",
        "Five password mistakes I still see in every audit",
        "Pourquoi le zero trust n'est pas qu'un slogan #cybersécurité",
        "Ransomware attacks on hospitals doubled this year #infosec",
        "Activez la MFA sur tous vos comptes, sans exception",
        "Retour d'expérience : une campagne d'hameçonnage simulée chez un client",
        "Gestionnaire de mots de passe : mon comparatif de l'année",
        "Threat modelling for small teams, a practical guide #cyber",
        "Les bonnes pratiques de cybersécurité pour les PME",
        "Cybersecurity awareness is a habit, not a training day",
        "Patch Tuesday: what to update first this month",
        "Audit de sécurité terminé, rapport rendu au client",
    ],
    "other": [
        "Superbe match hier soir, quelle ambiance !",
        "New recipe: miso-glazed aubergine",
        "Ma routine sport du dimanche matin",
        "Outfit of the day for the gala",
        "Le marché de Noël ouvre demain, on y sera",
        "Coffee and a good book, perfect Sunday",
        "Notre nouvelle recrue commence lundi, bienvenue !",
        "Quarterly results are in, proud of the team",
        "Trois livres qui m'ont marqué cette année",
        "Behind the scenes of today's shoot",
    ],
}
TAILS = ["", "", "", " Qu'en pensez-vous ?", " What do you think?", " 🙂", " ✨✨"]
SPONSOR_MARKERS = [
    "#ad",
    "#sponsorisé",
    "Partenariat rémunéré avec @maison_lune",
    "#partenariat",
    "PUBLICITÉ",  # as a label opening the post
    "(Publicité)",
    "Paid partnership with @glowco",
    "#collab",
    "Collaboration commerciale",
]
BRAND_LINES = {
    "escapades": [
        f"Découvrez nos offres d'été : https://www.{TRAVEL_DOMAIN}/ete",
        f"Merci {TRAVEL_BRAND} pour ce séminaire",
        f"Our new routes are live: {TRAVEL_DOMAIN}/routes",
    ],
    "cyberday": [
        f"Notre livre blanc : https://{CYBER_DOMAIN}/livre-blanc",
        f"Fière de l'équipe {CYBER_BRAND}",
        f"Join our webinar at {CYBER_DOMAIN}/webinar",
    ],
}

# HypeAuditor tier edges and median engagement rates: the world's "normal" ER.
_TIER_EDGES = np.array([5_000, 20_000, 100_000, 1_000_000])
_TIER_ER = np.array([0.0645, 0.0376, 0.0263, 0.0257, 0.0256])


def tier_er(followers: float) -> float:
    return float(_TIER_ER[np.searchsorted(_TIER_EDGES, followers, side="right")])


@dataclass(frozen=True)
class TruthWorld:
    posts: pd.DataFrame
    accounts: pd.DataFrame
    people: pd.DataFrame
    campaigns: list[Campaign]
    as_of: dt.date
    latents: pd.DataFrame
    """One row per person: the hidden traits (index person_id)."""
    truth: pd.DataFrame
    """person_id, campaign_id, role, truth: true influence per campaign."""


# --- frame builders, shared with the persona and property tests -----------------------

OBSERVED_AT = pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")


def posts_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical posts from dicts (platform, handle, post_id, person_id, posted_at, text
    and any counts); is_sponsored as ingestion sets it: a disclosure marker in the text,
    or a `declared` flag."""
    defaults = {
        "url": "",
        "impressions": pd.NA,
        "likes": 0,
        "comments": 0,
        "shares": 0,
        "clicks": pd.NA,
        "source_file": "generated.posts.csv",
        "source_sha256": "",
        "observed_at": OBSERVED_AT,
    }
    declared = [bool(r.get("declared", False)) for r in rows]
    frame = pd.DataFrame(
        [{**defaults, **{k: v for k, v in r.items() if k != "declared"}} for r in rows],
        columns=[c for c in POSTS.columns if c != "is_sponsored"],
    )
    flagged = is_sponsored_text(fold_series(frame["text"])).to_numpy(dtype=bool)
    frame["is_sponsored"] = flagged | np.array(declared, dtype=bool)
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    return frame[POSTS.columns].astype(POSTS.dtypes)


def accounts_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical follower snapshots from dicts (platform, handle, snapshot_date,
    followers, person_id)."""
    defaults = {
        "source_file": "generated.accounts.csv",
        "source_sha256": "",
        "observed_at": OBSERVED_AT,
    }
    frame = pd.DataFrame([{**defaults, **r} for r in rows], columns=ACCOUNTS.columns)
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    return frame.astype(ACCOUNTS.dtypes)


def people_frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """The roster's people from (person_id, role) pairs."""
    return pd.DataFrame(
        {
            "person_id": [p for p, _ in rows],
            "display_name": [p.replace("-", " ").title() for p, _ in rows],
            "role": [r for _, r in rows],
            "department": ["Sales" if r == "ambassador" else "" for _, r in rows],
        }
    ).astype("str")


def followers_by_person(accounts: pd.DataFrame, as_of: dt.date = AS_OF) -> pd.Series:
    """The naive yardstick: the latest follower count of each account, summed per person."""
    known = accounts[accounts["snapshot_date"] <= pd.Timestamp(as_of)]
    latest = known.sort_values("snapshot_date").drop_duplicates(["platform", "handle"], keep="last")
    return latest.groupby("person_id")["followers"].sum().astype("float64")


# --- the generated world --------------------------------------------------------------

SNAPSHOT_WEEKS = 15  # weekly snapshots from 98 days before AS_OF up to AS_OF


def _draw_people(rng: np.random.Generator, n_people: int) -> pd.DataFrame:
    n_amb = n_people // 3
    role = np.array(["ambassador"] * n_amb + ["influencer"] * (n_people - n_amb))
    rng.shuffle(role)
    amb = role == "ambassador"
    niche = np.where(
        amb,
        rng.choice(3, n_people, p=[0.3, 0.3, 0.4]),
        rng.choice(3, n_people, p=[0.35, 0.25, 0.40]),
    )
    alphas = np.array([[6.0, 0.3, 2.0], [0.3, 6.0, 2.0], [0.5, 0.5, 6.0]])
    shares = np.vstack([rng.dirichlet(alphas[k]) for k in niche])

    audience = np.where(
        amb, rng.lognormal(np.log(700), 1.0, n_people), rng.lognormal(np.log(15_000), 1.6, n_people)
    )
    stars = rng.random(n_people) < np.where(amb, 0.05, 0.04)
    audience = np.clip(audience * np.where(stars, 30.0, 1.0), 150, 20_000_000).round()

    quality = np.clip(rng.lognormal(0.0, 0.5, n_people), 0.1, 5.0)
    promoter = rng.random(n_people) < 0.3
    sponsored = np.where(promoter, rng.beta(4, 3, n_people), rng.beta(1, 12, n_people))
    sponsored = np.where(amb, 0.0, sponsored)

    bought = (~amb) & (rng.random(n_people) < 0.15)
    bought_share = np.where(bought, rng.uniform(0.4, 0.8, n_people), 0.0)
    bought_in_window = bought & (rng.random(n_people) < 0.6)
    viral = (~amb) & (~bought) & (rng.random(n_people) < 0.06)
    viral_gain = np.where(viral, rng.uniform(0.4, 1.0, n_people), 0.0)
    jump_week = rng.integers(3, 11, n_people)  # snapshot index (weeks before AS_OF)

    rate = np.where(
        amb, rng.lognormal(np.log(0.8), 0.7, n_people), rng.lognormal(np.log(1.5), 0.7, n_people)
    )
    rate = np.clip(rate, 0.15, 8.0)
    dormant = rng.random(n_people) < 0.12
    regularity = (1 - np.exp(-rate)) * np.where(dormant, 2 / 13, 1.0)

    propensity = np.where(rng.random(n_people) < 0.25, 0.0, rng.beta(1.2, 2.5, n_people))
    propensity = np.where(amb, propensity, 0.0)
    brand = propensity[:, None] * (0.2 + 0.8 * shares[:, :2])

    return pd.DataFrame(
        {
            "person_id": [f"p{i:03d}" for i in range(n_people)],
            "role": role,
            "niche": np.array(TOPICS)[niche],
            "share_escapades": shares[:, 0],
            "share_cyberday": shares[:, 1],
            "share_other": shares[:, 2],
            "real_audience": audience,
            "engagement_quality": quality,
            "sponsored_share": sponsored,
            "bought_share": bought_share,
            "bought_in_window": bought_in_window,
            "viral_gain": viral_gain,
            "jump_week": jump_week,
            "posts_per_week": rate,
            "dormant": dormant,
            "regularity": regularity,
            "brand_escapades": brand[:, 0],
            "brand_cyberday": brand[:, 1],
        }
    ).set_index("person_id")


def true_influence(latents: pd.DataFrame) -> pd.DataFrame:
    """True influence per (person, campaign), from the hidden traits (module docstring)."""
    rows = []
    size = np.log10(1 + latents["real_audience"])
    q = latents["engagement_quality"]
    engaged = 2 * q / (1 + q)
    presence = np.sqrt(latents["regularity"])
    impartial = (1 - latents["sponsored_share"]) ** 2
    for campaign in CAMPAIGNS:
        topic = latents[f"share_{campaign.id}"]
        carry = np.minimum(1.0, 2 * latents[f"brand_{campaign.id}"])
        influencer = size * engaged * topic * impartial * presence
        ambassador = size * engaged * presence * (0.5 * topic + 0.5 * carry)
        truth = influencer.where(latents["role"] == "influencer", ambassador)
        rows.append(
            pd.DataFrame(
                {
                    "person_id": latents.index,
                    "campaign_id": campaign.id,
                    "role": latents["role"].to_numpy(),
                    "truth": truth.to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _accounts_of(rng: np.random.Generator, person: dict) -> list[tuple[str, float]]:
    """(platform, share of the real audience) of each of a person's accounts, main first."""
    if person["role"] == "ambassador":
        platforms, shares = ["linkedin"], [1.0]
        if rng.random() < 0.5:
            platforms.append("x")
            shares.append(rng.uniform(0.1, 0.5))
        if rng.random() < 0.1:
            platforms.append("instagram")
            shares.append(rng.uniform(0.1, 0.5))
    else:
        order = rng.choice(
            ["instagram", "tiktok", "x", "linkedin"], 4, replace=False, p=[0.4, 0.25, 0.2, 0.15]
        )
        extra = int(rng.choice(3, p=[0.5, 0.35, 0.15]))
        platforms = [str(p) for p in order[: 1 + extra]]
        shares = [1.0, *rng.uniform(0.05, 0.4, extra)]
    total = sum(shares)
    return [(p, s / total) for p, s in zip(platforms, shares, strict=True)]


WEEK = 7 * 86_400


def _audience(person: dict, share: float, main: bool, t: float) -> tuple[float, float]:
    """(real, shown) followers of an account at `t` seconds before the window's end."""
    real = person["real_audience"] * share * np.exp(-person["growth"] * max(t, 0) / WEEK)
    jumped = t <= person["jump_at"]  # t counts back: smaller is later
    if main and person["viral_gain"] and not jumped:
        real /= 1 + person["viral_gain"]
    shown = real
    bought = person["bought_share"]
    if main and bought and (not person["bought_in_window"] or jumped):
        shown += person["real_audience"] * share * bought / (1 - bought)
    return real, shown


def generate_world(seed: int = 2026, n_people: int = 300) -> TruthWorld:
    """The world described in the module docstring, the same for the same seed."""
    rng = np.random.default_rng(seed)
    latents = _draw_people(rng, n_people)
    # Weekly snapshots, taken at noon UTC; times count back from the window's end.
    snapshot_days = [AS_OF - dt.timedelta(days=7 * k) for k in range(SNAPSHOT_WEEKS)]
    snapshot_t = [7 * k * 86_400 + 12 * 3_600 for k in range(SNAPSHOT_WEEKS)]
    window = WINDOW_DAYS * 86_400
    posts: list[dict] = []
    snaps: list[dict] = []
    for pid, person in zip(latents.index, latents.to_dict("records"), strict=True):
        accounts = _accounts_of(rng, person)
        person["growth"] = rng.normal(0.004, 0.004)  # organic growth per week
        # A jump happens three days before the first snapshot that shows it.
        person["jump_at"] = snapshot_t[person["jump_week"]] + 3 * 86_400 - 12 * 3_600
        for k, (platform, share) in enumerate(accounts):
            for day, t in zip(snapshot_days, snapshot_t, strict=True):
                snaps.append(
                    {
                        "platform": platform,
                        "handle": pid,
                        "snapshot_date": day,
                        "followers": round(_audience(person, share, k == 0, t)[1]),
                        "person_id": pid,
                    }
                )

        # When they post: over the window, or only its first two weeks when dormant;
        # plus older posts before the window, which must not count.
        rate = person["posts_per_week"]
        if person["dormant"]:
            n, span = 1 + rng.poisson(rate * 2), 14 * 86_400
        else:
            n, span = rng.poisson(rate * WINDOW_DAYS / 7), window
        before_window = window + rng.uniform(0, 30 * 86_400, rng.poisson(rate * 3))
        times = [*(window - rng.uniform(0, span, n)), *before_window]
        weights = np.sqrt([s for _, s in accounts])
        weights = weights / weights.sum()
        topic_p = np.array([person[f"share_{t}"] for t in TOPICS])
        topic_p = topic_p / topic_p.sum()
        for j, t in enumerate(times):
            a = int(rng.choice(len(accounts), p=weights))
            platform, share = accounts[a]
            topic = TOPICS[rng.choice(3, p=topic_p)]
            text = SENTENCES[topic][rng.integers(len(SENTENCES[topic]))]
            text += TAILS[rng.integers(len(TAILS))]
            brand_post = False
            for campaign in ("escapades", "cyberday"):
                if rng.random() < person[f"brand_{campaign}"]:
                    lines = BRAND_LINES[campaign]
                    text += " " + lines[rng.integers(len(lines))]
                    brand_post = True
            if rng.random() < person["sponsored_share"] and rng.random() < 0.9:
                marker = SPONSOR_MARKERS[rng.integers(len(SPONSOR_MARKERS))]
                text = f"{marker}\n{text}" if marker == "PUBLICITÉ" else f"{text} {marker}"
            real, _ = _audience(person, share, a == 0, t)
            mean = real * tier_er(real) * person["engagement_quality"] * rng.lognormal(0, 0.4)
            posts.append(
                {
                    "platform": platform,
                    "handle": pid,
                    "post_id": f"{pid}-{j}",
                    "person_id": pid,
                    "posted_at": WINDOW_END - pd.Timedelta(seconds=float(t)),
                    "text": text,
                    "url": f"https://{platform}.example/{pid}/{j}",
                    "impressions": round(real * rng.uniform(0.1, 0.4))
                    if platform in ("x", "linkedin")
                    else pd.NA,
                    "likes": rng.poisson(0.95 * mean),
                    "comments": rng.poisson(0.05 * mean),
                    "shares": rng.poisson(0.02 * mean * (2 if brand_post else 1)),
                    "clicks": rng.poisson(0.1 * mean) if brand_post else pd.NA,
                }
            )
    people = people_frame(list(zip(latents.index, latents["role"], strict=True)))
    return TruthWorld(
        posts=posts_frame(posts),
        accounts=accounts_frame(snaps),
        people=people,
        campaigns=CAMPAIGNS,
        as_of=AS_OF,
        latents=latents,
        truth=true_influence(latents),
    )


def spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rho (average ranks for ties) without scipy: Pearson on ranks."""
    return float(a.rank().corr(b.rank()))
