"""Small generated landing zones for tests: personas whose orderings are known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from virage.landing_writer import write_landing

AS_OF = dt.date(2026, 11, 20)
BRAND = "@acme"
DOMAIN = "acme.example"

CAMPAIGNS = [
    {
        "id": "velo",
        "name": "Vélo électrique",
        "keywords": ["vélo électrique", "piste cyclable", "e-bike"],
        "hashtags": ["#VeloUrbain"],
        "brand_handles": [BRAND],
        "brand_domains": [DOMAIN],
    },
    {
        "id": "cuisine",
        "name": "Cuisine",
        "keywords": ["recette", "recipe"],
        "hashtags": [],
        "brand_handles": [BRAND],
        "brand_domains": [DOMAIN],
    },
]

ON_TOPIC = [
    "Mon vélo électrique pour aller au bureau, 10 km chaque matin",
    "La nouvelle PISTE CYCLABLE est géniale #VeloUrbain",
    "Riding my e-bike to work again today",
    "Vélos électriques : mes trois conseils pour l'hiver",
]
OFF_TOPIC = [
    "Superbe match hier soir",
    "Weekend at the beach with friends",
    "New outfit for the gala",
]


def persona(
    person_id: str,
    name: str,
    role: str,
    *,
    platform: str,
    followers: int,
    posts: int,
    on_topic: float,
    er: float,
    sponsored: float = 0.0,
    brand: float = 0.0,
    consent: bool = True,
) -> dict:
    return dict(
        person_id=person_id,
        display_name=name,
        role=role,
        consent=consent,
        platform=platform,
        followers=followers,
        posts=posts,
        on_topic=on_topic,
        er=er,
        sponsored=sponsored,
        brand=brand,
    )


PERSONAS = [
    persona(
        "micro",
        "Micro Cyclist",
        "influencer",
        platform="instagram",
        followers=12_000,
        posts=30,
        on_topic=0.8,
        er=0.05,
    ),
    persona(
        "mega",
        "Mega Star",
        "influencer",
        platform="instagram",
        followers=3_000_000,
        posts=30,
        on_topic=0.0,
        er=0.025,
    ),
    persona(
        "paid",
        "Paid Promoter",
        "influencer",
        platform="instagram",
        followers=60_000,
        posts=30,
        on_topic=0.8,
        er=0.03,
        sponsored=0.8,
    ),
    persona(
        "emp-yes",
        "Alice Advocate",
        "ambassador",
        platform="linkedin",
        followers=3_000,
        posts=20,
        on_topic=0.6,
        er=0.04,
        brand=0.5,
    ),
    persona(
        "emp-quiet",
        "Bob Quiet",
        "ambassador",
        platform="linkedin",
        followers=8_000,
        posts=2,
        on_topic=0.0,
        er=0.02,
    ),
    persona(
        "emp-no",
        "Nina Noconsent",
        "ambassador",
        platform="linkedin",
        followers=5_000,
        posts=25,
        on_topic=0.9,
        er=0.06,
        brand=0.8,
        consent=False,
    ),
]


def build_frames(
    personas: list[dict] = PERSONAS, as_of: dt.date = AS_OF, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """roster, posts and accounts frames for the personas (posts over 80 days)."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(hours=20)
    roster, posts, accounts = [], [], []
    for p in personas:
        handle = p["person_id"].replace("-", "_")
        roster.append(
            {
                "person_id": p["person_id"],
                "display_name": p["display_name"],
                "role": p["role"],
                "consent": str(p["consent"]).lower(),
                "department": "Sales" if p["role"] == "ambassador" else "",
                p["platform"]: "@" + handle.upper(),
            }
        )
        for day in (70, 40, 10):
            accounts.append(
                {
                    "platform": p["platform"],
                    "handle": handle,
                    "snapshot_date": as_of - dt.timedelta(days=day),
                    "followers": p["followers"],
                }
            )
        for k in range(p["posts"]):
            on = k < round(p["posts"] * p["on_topic"])
            text = (ON_TOPIC if on else OFF_TOPIC)[k % (len(ON_TOPIC) if on else len(OFF_TOPIC))]
            if k < round(p["posts"] * p["brand"]):
                text += f" avec {BRAND} https://www.{DOMAIN}/velo"
            if k >= p["posts"] - round(p["posts"] * p["sponsored"]):
                text += " #partenariat"
            likes = int(p["followers"] * p["er"] * rng.uniform(0.8, 1.2))
            posts.append(
                {
                    "platform": p["platform"],
                    "handle": "@" + handle,
                    "post_id": f"{handle}-{k}",
                    "posted_at": (end - pd.Timedelta(days=80 * k / max(p["posts"], 1))).isoformat(),
                    "text": text,
                    "url": "",
                    "impressions": "",
                    "likes": likes,
                    "comments": likes // 20,
                    "shares": likes // 50,
                    "clicks": "",
                }
            )
    return pd.DataFrame(roster), pd.DataFrame(posts), pd.DataFrame(accounts)


def write_world(root: Path, personas: list[dict] = PERSONAS, as_of: dt.date = AS_OF) -> Path:
    roster, posts, accounts = build_frames(personas, as_of)
    return write_landing(root, roster, CAMPAIGNS, posts, accounts)
