"""Write the bundled sample landing zone (examples/landing) for `make demo`.

A fictional company, Lumen Mobilité, with staff ambassadors and outside influencers
posting in French and English over the summer and autumn of 2026, and two campaigns.
The people are invented; the personas are the traps a scorer must see through: an
on-topic micro-influencer, off-topic celebrities, a mostly sponsored account, an
account with bought followers, dormant staff, staff who never consented.

Most posts come in the platform-neutral exchange CSVs; a few accounts come as the
files the platforms hand their members (docs/formats.md): two TikTok influencers'
user_data_tiktok.json (one declares paid partnerships with ContentDisclosure), an
ambassador's zipped X archive and another's LinkedIn Shares.csv and Connections.csv.
Every post is in exactly one file. A partner agency's report with broken rows and a
stray note show the quarantine.

Deterministic (fixed seeds, fixed zip entry times, every file's modification time set
to the export time): `python examples/generate_landing.py` rewrites the same bytes.
The demo scores them as of 2026-11-20.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from virage.landing_writer import write_landing
from virage.tasks.scoring import tier_median_er
from virage.tasks.text import fold

AS_OF = pd.Timestamp("2026-11-20", tz="UTC")
FIRST_DAY = pd.Timestamp("2026-07-01", tz="UTC")
BRAND = "@lumenmobilite"
DOMAIN = "lumen-mobilite.example"
EVENT_DOMAIN = f"live.{DOMAIN}"

CAMPAIGNS = [
    {
        "id": "velo-urbain",
        "name": "Vélo urbain / Urban cycling",
        "keywords": [
            "vélo électrique",
            "vélo cargo",
            "piste cyclable",
            "mobilité douce",
            "e-bike",
            "cargo bike",
            "bike lane",
            "cycling",
        ],
        "hashtags": ["#VeloUrbain", "#UrbanCycling"],
        "brand_handles": [BRAND],
        "brand_domains": [DOMAIN],
        "start": "2026-09-01",
        "end": "2026-12-31",
    },
    {
        "id": "recharge-express",
        "name": "Recharge express / Fast charging",
        "keywords": [
            "borne de recharge",
            "recharge rapide",
            "véhicule électrique",
            "voiture électrique",
            "fast charging",
            "charging station",
            "electric vehicle",
            "electric car",
        ],
        "hashtags": ["#RechargeExpress", "#FastCharging"],
        "brand_handles": [BRAND],
        "brand_domains": [DOMAIN],
        "start": "2026-10-01",
        "weights": {"reach": 0.25, "resonance": 0.35},
    },
    {
        "id": "lumen-live",
        "name": "Lumen Live 2026 (launch evening, Lyon)",
        "kind": "event",
        "keywords": ["lancement", "launch"],
        "hashtags": ["#LumenLive"],
        "brand_domains": [EVENT_DOMAIN],
        "start": "2026-11-01",
        "end": "2026-11-30",
        "event_start": "2026-11-12T18:00",
        "event_end": "2026-11-12T22:00",
        "event_timezone": "Europe/Paris",
    },
]

TEXTS = {
    ("velo", "fr"): [
        "Trajet du matin en vélo électrique : 12 km sans bouchons #VeloUrbain",
        "La nouvelle piste cyclable de la rue Garibaldi change tout pour la mobilité douce",
        "Essai d'un vélo cargo pour l'école des enfants, bluffant",
        "Mobilité douce : combien de kilomètres faites-vous à vélo chaque semaine ?",
        "Premier hiver en vélo électrique, mes conseils pour rouler sous la pluie",
        "Les pistes cyclables sécurisées doublent le nombre de cyclistes, étude à l'appui",
    ],
    ("velo", "en"): [
        "Morning commute on my e-bike: 12 km and no traffic #UrbanCycling",
        "New protected bike lanes downtown make cycling so much safer",
        "Tried a cargo bike for the school run today, a game changer",
        "Winter cycling tips: lights, mudguards and a good e-bike battery",
        "Cities that build bike lanes see cycling double within three years",
    ],
    ("recharge", "fr"): [
        "Borne de recharge rapide testée sur l'autoroute : 80 % en 20 minutes #RechargeExpress",
        "Véhicule électrique et vacances : où recharger sans stress ?",
        "La recharge rapide arrive enfin dans notre quartier",
        "Voiture électrique depuis un an : le bilan des coûts de recharge",
        "Combien de bornes de recharge faut-il pour 100 voitures électriques ?",
    ],
    ("recharge", "en"): [
        "Fast charging on the motorway: 10 to 80% in 20 minutes #FastCharging",
        "Road trip in an electric vehicle: planning charging stops is easier than you think",
        "A new charging station opened next to the office, finally",
        "One year with an electric car: what charging really costs",
    ],
    ("other", "fr"): [
        "Superbe week-end en Bretagne, les crêpes étaient parfaites",
        "Réunion d'équipe ce matin, fiers du chemin parcouru",
        "Quel match hier soir ! Ambiance incroyable au stade",
        "Nouvelle recette de tarte aux pommes, un succès à la maison",
        "Conférence inspirante sur le leadership et la confiance",
        "Ma sélection de livres pour l'automne",
    ],
    ("other", "en"): [
        "Great weekend in the mountains, the views were stunning",
        "What a game last night! The crowd was unreal",
        "My autumn reading list is finally ready",
        "New skincare routine, three weeks in",
        "Behind the scenes of today's photo shoot",
        "Coffee, sunshine and a long walk by the river",
    ],
}
SPONSOR_TAGS = [
    " #ad",
    " #sponsored",
    " #partenariat",
    " Collaboration commerciale",
    " #sponsorisé",
    " Paid partnership with Velozen",
]
BRAND_TAGS = [
    f" avec {BRAND}",
    f" via {BRAND}",
    f" https://{DOMAIN}/velo",
    f" https://{DOMAIN}/recharge",
    f" merci {BRAND} !",
]

FIRST = [
    "Camille",
    "Hugo",
    "Léa",
    "Lucas",
    "Chloé",
    "Nathan",
    "Manon",
    "Louis",
    "Inès",
    "Jules",
    "Emma",
    "Gabriel",
    "Sarah",
    "Arthur",
    "Zoé",
    "Noah",
    "Alice",
    "Tom",
    "Jade",
    "Paul",
    "Olivia",
    "James",
    "Mia",
    "Ethan",
    "Grace",
    "Leo",
    "Amélie",
    "Théo",
    "Clara",
    "Adam",
    "Élodie",
    "Maxime",
    "Océane",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Smith",
    "Taylor",
    "Brown",
    "Wilson",
]
DEPARTMENTS = ["Ventes", "Marketing", "R&D", "Service client", "Ressources humaines", "Direction"]


def _person(
    pid,
    name,
    role,
    consent,
    department,
    accounts,
    *,
    per_week,
    topics,
    french,
    sponsored=0.0,
    brand=0.0,
    engagement=1.0,
    bought=False,
):
    return dict(
        person_id=pid,
        display_name=name,
        role=role,
        consent=consent,
        department=department,
        accounts=accounts,
        per_week=per_week,
        topics=topics,
        french=french,
        sponsored=sponsored,
        brand=brand,
        engagement=engagement,
        bought=bought,
    )


def _handle(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


def people(rng: np.random.Generator) -> list[dict]:
    crowd = []
    names = iter(f"{f} {n}" for f, n in zip(FIRST, LAST, strict=True))
    for i in range(1, 31):
        name = next(names)
        dormant = i % 9 == 0
        accounts = {"linkedin": int(rng.integers(200, 8000))}
        if i % 3 == 0:
            accounts["x"] = int(rng.integers(100, 5000))
        if i % 5 == 0:
            accounts["instagram"] = int(rng.integers(300, 12000))
        topics = rng.dirichlet([1.5, 1.5, 2.0])
        crowd.append(
            _person(
                f"emp-{i:03d}",
                name,
                "ambassador",
                i % 11 != 0,
                DEPARTMENTS[i % len(DEPARTMENTS)],
                accounts,
                per_week=0.1 if dormant else float(rng.uniform(0.8, 4)),
                topics=dict(zip(["velo", "recharge", "other"], topics, strict=True)),
                french=0.75,
                brand=float(rng.uniform(0.1, 0.6)),
                engagement=float(rng.lognormal(0, 0.3)),
            )
        )
    crowd += [
        _person(
            "inf-camille",
            "Camille Roux (Vélotaf Lyon)",
            "influencer",
            True,
            "",
            {"instagram": 12_400, "x": 4_100},
            per_week=4,
            french=0.9,
            topics={"velo": 0.8, "recharge": 0.05, "other": 0.15},
            engagement=1.6,
        ),
        _person(
            "inf-hugo",
            "Hugo Bernard (Électrons Libres)",
            "influencer",
            True,
            "",
            {"tiktok": 86_000, "x": 9_500},
            per_week=3,
            french=0.8,
            topics={"velo": 0.05, "recharge": 0.8, "other": 0.15},
            engagement=1.3,
        ),
        _person(
            "inf-amy",
            "Amy Taylor (Pedal Power)",
            "influencer",
            True,
            "",
            {"instagram": 31_000},
            per_week=3,
            french=0.1,
            topics={"velo": 0.7, "recharge": 0.1, "other": 0.2},
            engagement=1.1,
        ),
        _person(
            "inf-lea",
            "Léa Martin",
            "influencer",
            True,
            "",
            {"instagram": 2_400_000, "tiktok": 1_100_000},
            per_week=6,
            french=0.6,
            topics={"velo": 0.0, "recharge": 0.0, "other": 1.0},
            engagement=0.9,
        ),
        _person(
            "inf-jordan",
            "Jordan Smith",
            "influencer",
            True,
            "",
            {"x": 3_100_000, "instagram": 1_800_000},
            per_week=5,
            french=0.1,
            topics={"velo": 0.01, "recharge": 0.0, "other": 0.99},
            engagement=1.0,
        ),
        _person(
            "inf-sarah",
            "Sarah Dubois",
            "influencer",
            True,
            "",
            {"instagram": 64_000},
            per_week=4,
            french=0.9,
            sponsored=0.8,
            topics={"velo": 0.6, "recharge": 0.2, "other": 0.2},
            engagement=1.1,
        ),
        _person(
            "inf-max",
            "Max Fischer",
            "influencer",
            True,
            "",
            {"instagram": 240_000},
            per_week=4,
            french=0.3,
            bought=True,
            topics={"velo": 0.4, "recharge": 0.4, "other": 0.2},
            engagement=0.08,
        ),
        _person(
            "inf-noconsent",
            "Paul Vincent",
            "influencer",
            False,
            "",
            {"instagram": 45_000},
            per_week=3,
            french=0.8,
            topics={"velo": 0.5, "recharge": 0.3, "other": 0.2},
        ),
    ]
    for i in range(1, 11):
        followers = int(10 ** rng.uniform(3, 5.7))
        platform = ["instagram", "tiktok", "x", "linkedin"][i % 4]
        topics = rng.dirichlet([1, 1, 2])
        crowd.append(
            _person(
                f"inf-{i:03d}",
                f"{FIRST[-i]} {LAST[i]}",
                "influencer",
                True,
                "",
                {platform: followers},
                per_week=float(rng.uniform(0.5, 5)),
                french=0.5,
                topics=dict(zip(["velo", "recharge", "other"], topics, strict=True)),
                sponsored=float(rng.choice([0, 0.1, 0.3])),
                engagement=float(rng.lognormal(0, 0.4)),
            )
        )
    for person in crowd:
        person["handles"] = {
            p: _handle(person["display_name"].split(" (")[0]) + ("" if p != "x" else "_")
            for p in person["accounts"]
        }
    return crowd


def posts_of(person: dict, rng: np.random.Generator) -> list[dict]:
    days = (AS_OF - FIRST_DAY).days
    n = rng.poisson(person["per_week"] * days / 7)
    rows = []
    for k in range(n):
        when = FIRST_DAY + pd.Timedelta(seconds=int(rng.integers(0, days * 86400)))
        platform = rng.choice(list(person["accounts"]))
        followers = person["accounts"][platform]
        topic = rng.choice(list(person["topics"]), p=np.array(list(person["topics"].values())))
        language = "fr" if rng.random() < person["french"] else "en"
        text = str(rng.choice(TEXTS[(topic, language)]))
        is_brand = topic != "other" and rng.random() < person["brand"]
        brand_tag = str(rng.choice(BRAND_TAGS)) if is_brand else ""
        sponsor_tag = str(rng.choice(SPONSOR_TAGS)) if rng.random() < person["sponsored"] else ""
        er = tier_median_er(pd.Series([followers])).iloc[0] * person["engagement"]
        likes = int(followers * er * rng.lognormal(0, 0.5) * 0.9)
        impressions = (
            int(followers * rng.uniform(0.1, 0.5)) if platform in ("linkedin", "x") else None
        )
        rows.append(
            {
                "platform": platform,
                "handle": "@" + person["handles"][platform],
                "post_id": f"{person['person_id']}-{platform}-{k:04d}",
                "posted_at": when.tz_convert("Europe/Paris"),
                "text": text + brand_tag + sponsor_tag,
                "url": f"https://{platform}.example/{person['handles'][platform]}/{k}",
                "impressions": impressions,
                "likes": likes,
                "comments": int(likes * rng.uniform(0.01, 0.08)),
                "shares": int(likes * rng.uniform(0.0, 0.05)),
                "clicks": int(impressions * 0.01) if impressions and is_brand else None,
                # For the native exports, which write these their own way.
                "language": language,
                "base_text": text,
                "brand_tag": brand_tag.strip(),
                "sponsor_tag": sponsor_tag.strip(),
            }
        )
    return rows


def accounts_of(person: dict, rng: np.random.Generator) -> list[dict]:
    rows = []
    for platform, final in person["accounts"].items():
        for day in pd.date_range("2026-07-05", AS_OF.tz_localize(None), freq="7D"):
            progress = (day - pd.Timestamp("2026-07-05")).days / 140
            followers = final * (0.92 + 0.08 * progress)
            if person["bought"] and day < pd.Timestamp("2026-10-04"):
                followers = final * 0.45  # bought followers arrive in one week
            rows.append(
                {
                    "platform": platform,
                    "handle": person["handles"][platform],
                    "snapshot_date": day,
                    "followers": int(followers),
                }
            )
    return rows


# --- the platforms' own exports ------------------------------------------------------
# Some people's posts arrive as the file the platform hands its members instead of the
# exchange CSVs (docs/formats.md). Each post is in exactly one file: these accounts'
# posts are left out of exports/<platform>/<month>.posts.csv.

EXPORTED_AT = pd.Timestamp("2026-11-20 06:00", tz="UTC")
"""When the exports were downloaded: every file's modification time. virage dates the
follower count of a native export by it."""

TIKTOK_EXPORTS = {"inf-001": True, "inf-009": False}
"""TikTok influencers whose TikTok comes as user_data_tiktok.json; True: their paid
partnerships are declared with TikTok's ContentDisclosure instead of a text marker."""
X_ARCHIVE = "emp-003"
"""The ambassador whose X comes as the account archive (a zip)."""
LINKEDIN_ARCHIVE = "emp-019"
"""The ambassador whose LinkedIn comes as the member archive's Shares.csv and
Connections.csv."""

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
X_EPOCH_MS = 1_288_834_974_657  # X ids count milliseconds from here, shifted left 22 bits


def _utc(when: pd.Timestamp) -> str:
    return when.tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S")


def _ms(when: pd.Timestamp) -> int:
    return int(when.tz_convert("UTC").timestamp() * 1000)


def _account_posts(posts: pd.DataFrame, person: dict, platform: str) -> pd.DataFrame:
    """One account's posts, newest first as the platforms list them."""
    mine = posts[
        (posts["platform"] == platform) & (posts["handle"] == "@" + person["handles"][platform])
    ]
    return mine.sort_values("posted_at", ascending=False, kind="stable")


def tiktok_export(
    person: dict, posts: pd.DataFrame, ids: np.random.Generator, disclosed: bool
) -> str:
    """user_data_tiktok.json (current layout): the videos with their likes only (the
    export has no comments or shares), the profile and the fans list. Video ids carry
    their second in the top 32 bits, as TikTok's do."""
    handle = person["handles"]["tiktok"]
    videos = []
    for row in _account_posts(posts, person, "tiktok").itertuples():
        video_id = int(row.posted_at.timestamp()) << 32 | int(ids.integers(0, 2**32))
        text, disclosure = row.text, ""
        if disclosed and row.sponsor_tag:
            text, disclosure = (
                row.base_text + (f" {row.brand_tag}" if row.brand_tag else ""),
                "Paid partnership",
            )
        videos.append(
            {
                "Date": _utc(row.posted_at),
                "Link": f"https://www.tiktok.com/@{handle}/video/{video_id}",
                "Likes": str(row.likes),
                "Title": text,
                "Sound": "original sound",
                "Location": "",
                "WhoCanView": "Everyone",
                "AllowComments": "Yes",
                "AllowStitches": "Yes",
                "AllowDuets": "Yes",
                "ContentDisclosure": disclosure,
                "AIGeneratedContent": "No",
            }
        )
    fans = int(person["accounts"]["tiktok"])
    since = ids.integers(
        int(pd.Timestamp("2021-01-01", tz="UTC").timestamp()), int(EXPORTED_AT.timestamp()), fans
    )
    fan_ids = ids.integers(10**6, 10**9, fans)
    document = {
        "Ads and data": {"Ad Interests": {"AdInterestCategories": ""}},
        "Comment": {"Comments": {"CommentsList": []}},
        "Post": {"Posts": {"VideoList": videos}},
        "Profile": {
            "Profile Information": {
                "ProfileMap": {
                    "userName": handle,
                    "bioDescription": person["display_name"],
                    "likesReceived": str(sum(int(v["Likes"]) for v in videos)),
                    "profilePhoto": "",
                }
            }
        },
        "Your Activity": {
            "Follower": {
                "FansList": [
                    {"Date": _utc(pd.Timestamp(int(t), unit="s", tz="UTC")), "UserName": f"user{u}"}
                    for t, u in sorted(zip(since, fan_ids, strict=True), reverse=True)
                ]
            },
            "Following": {"Following": []},
            "Watch History": {
                "VideoList": [
                    {
                        "Date": "2026-11-19 21:14:02",
                        "Link": "https://www.tiktokv.com/share/video/7709993898693809799/",
                    }
                ]
            },
        },
    }
    # One fan a line: a fans list as long as the follower count stays readable.
    fans_list = document["Your Activity"]["Follower"]["FansList"]
    document["Your Activity"]["Follower"]["FansList"] = "<fans>"
    text = json.dumps(document, indent=2, ensure_ascii=False)
    lines = ",\n".join(" " * 8 + json.dumps(fan, ensure_ascii=False) for fan in fans_list)
    return text.replace('"<fans>"', f"[\n{lines}\n      ]") + "\n"


def _ytd(name: str, records: list[dict]) -> str:
    """An X archive data file: a JavaScript assignment, every number a string."""
    body = json.dumps(records, indent=2, separators=(",", " : "), ensure_ascii=False)
    return f"window.YTD.{name}.part0 = {body}"


def _x_time(when: pd.Timestamp) -> str:
    """`Thu Nov 19 17:10:25 +0100 2026`: the poster's local time, names in English."""
    local = when.tz_convert("Europe/Paris")
    return (
        f"{WEEKDAYS[local.weekday()]} {MONTHS[local.month - 1]} {local.day:02d} "
        f"{local.strftime('%H:%M:%S %z')} {local.year}"
    )


def _entities(text: str) -> dict:
    def at(found: re.Match) -> list[str]:
        return [str(found.start()), str(found.end())]

    return {
        "hashtags": [{"text": f[0][1:], "indices": at(f)} for f in re.finditer(r"#\w+", text)],
        "symbols": [],
        "user_mentions": [
            {
                "name": "Lumen Mobilité",
                "screen_name": f[0][1:],
                "indices": at(f),
                "id_str": "1187410205",
                "id": "1187410205",
            }
            for f in re.finditer(r"@\w+", text)
        ],
        "urls": [
            {
                "url": f[0],
                "expanded_url": f[0],
                "display_url": f[0].split("//", 1)[1],
                "indices": at(f),
            }
            for f in re.finditer(r"https://\S+", text)
        ],
    }


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG, for the archive's one media file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def x_archive(person: dict, posts: pd.DataFrame, ids: np.random.Generator) -> bytes:
    """An X account archive: data/account.js (the owner, which wins over the folder),
    data/tweets.js (likes and retweets; no replies, impressions or clicks),
    data/follower.js (one record per follower), the archive's manifest and one photo.
    Tweet ids are X snowflakes: milliseconds since X's epoch, shifted left 22 bits."""
    username = "LeaDubois_"  # X keeps the case the owner chose; virage lower-cases it
    account_id = "1093847562019384832"
    tweets, media = [], None
    for row in _account_posts(posts, person, "x").itertuples():
        tweet_id = str((_ms(row.posted_at) - X_EPOCH_MS) << 22 | int(ids.integers(0, 2**22)))
        tweet = {
            "edit_info": {
                "initial": {
                    "editTweetIds": [tweet_id],
                    "editableUntil": (row.posted_at + pd.Timedelta(hours=1))
                    .tz_convert("UTC")
                    .strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "editsRemaining": "5",
                    "isEditEligible": True,
                }
            },
            "retweeted": False,
            "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
            "entities": _entities(row.text),
            "display_text_range": ["0", str(len(row.text))],
            "favorite_count": str(row.likes),
            "id_str": tweet_id,
            "truncated": False,
            "retweet_count": str(row.shares),
            "id": tweet_id,
            "created_at": _x_time(row.posted_at),
            "favorited": False,
            "full_text": row.text,
            "lang": row.language,
        }
        if media is None and row.brand_tag:  # the newest brand post has a photo
            media_id = str(int(tweet_id) + 1)
            media = f"data/tweets_media/{tweet_id}-LmnVelo2026Nov.png"
            tweet["extended_entities"] = {
                "media": [
                    {
                        "id_str": media_id,
                        "id": media_id,
                        "media_url_https": "https://pbs.twimg.com/media/LmnVelo2026Nov.png",
                        "type": "photo",
                    }
                ]
            }
        tweets.append({"tweet": tweet})
    followers = [
        {
            "follower": {
                "accountId": str(a),
                "userLink": f"https://twitter.com/intent/user?user_id={a}",
            }
        }
        for a in ids.integers(10**8, 10**18, int(person["accounts"]["x"]))
    ]
    account = [
        {
            "account": {
                "email": "lea.dubois@lumen-mobilite.example",
                "createdVia": "web",
                "username": username,
                "accountId": account_id,
                "createdAt": "2019-02-03T08:41:17.000Z",
                "accountDisplayName": person["display_name"],
            }
        }
    ]
    manifest = json.dumps(
        {
            "userInfo": {
                "accountId": account_id,
                "userName": username,
                "displayName": person["display_name"],
            },
            "archiveInfo": {
                "sizeBytes": "0",
                "generationDate": EXPORTED_AT.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "isPartialArchive": False,
            },
            "dataTypes": {
                "account": {
                    "files": [
                        {
                            "fileName": "data/account.js",
                            "globalName": "YTD.account.part0",
                            "count": "1",
                        }
                    ]
                },
                "follower": {
                    "files": [
                        {
                            "fileName": "data/follower.js",
                            "globalName": "YTD.follower.part0",
                            "count": str(len(followers)),
                        }
                    ]
                },
                "tweets": {
                    "mediaDirectory": "data/tweets_media",
                    "files": [
                        {
                            "fileName": "data/tweets.js",
                            "globalName": "YTD.tweets.part0",
                            "count": str(len(tweets)),
                        }
                    ],
                },
            },
        },
        indent=2,
        ensure_ascii=False,
    )
    entries: list[tuple[str, bytes]] = [
        ("data/manifest.js", f"window.__THAR_CONFIG = {manifest}".encode()),
        ("data/account.js", _ytd("account", account).encode()),
        ("data/follower.js", _ytd("follower", followers).encode()),
        ("data/tweets.js", _ytd("tweets", tweets).encode()),
    ]
    if media:
        entries.append((media, _png(64, 64, (242, 140, 40))))
    buffer = io.BytesIO()
    stamp = EXPORTED_AT.tz_convert("Europe/Paris")
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            # A fixed time and mode in each entry: the zip comes out byte for byte the same.
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.external_attr = 0o100644 << 16
            info.compress_type = (
                zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, data)
    return buffer.getvalue()


def _csv_field(value: str) -> str:
    """A field quoted as LinkedIn quotes it: when it holds a comma, quote or line
    break, and always when empty."""
    if value == "" or any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def linkedin_shares(person: dict, posts: pd.DataFrame, ids: np.random.Generator) -> str:
    """Shares.csv from the member archive: no counts at all; a multi-line share has
    every inner line wrapped in its own quotes. Here the brand mention or link goes on
    a line of its own. Activity ids carry their millisecond in the top 41 bits."""
    lines = ["Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"]
    for row in _account_posts(posts, person, "linkedin").itertuples():
        activity = _ms(row.posted_at) << 22 | int(ids.integers(0, 2**22))
        kind = "ugcPost" if row.brand_tag.startswith("https://") else "share"
        commentary = row.base_text
        for tag in (row.brand_tag, row.sponsor_tag):
            if tag:
                commentary += "\n\n" + tag
        wrapped = commentary.replace("\n", '"\n"')
        shared = row.brand_tag if row.brand_tag.startswith("https://") else ""
        lines.append(
            ",".join(
                [
                    _utc(row.posted_at),
                    f"https://www.linkedin.com/feed/update/urn%3Ali%3A{kind}%3A{activity}",
                    _csv_field(wrapped),
                    _csv_field(shared),
                    _csv_field(""),
                    "MEMBER_NETWORK",
                ]
            )
        )
    return "\n".join(lines) + "\n"


COMPANIES = [
    "Lumen Mobilité",
    "Cyclopolis",
    "Voltaïa Énergie",
    "Atelier Rayon",
    "Groupe Horizon",
    "Ville de Lyon",
    "Indépendant",
]
POSITIONS = [
    "Chargée de communication",
    "Ingénieur batteries",
    "Responsable RSE, mobilités",
    "Product Manager",
    "Conseiller clientèle",
    "Head of Growth",
    "Chef de projet, infrastructures de recharge",
]


def linkedin_connections(person: dict, ids: np.random.Generator) -> str:
    """Connections.csv: the "Notes:" preamble newer exports put above the header, then
    one row per connection, newest first. Connections stand in for followers; a few
    members hide everything but the date."""
    count = int(person["accounts"]["linkedin"])
    days = np.sort(
        ids.integers(0, (EXPORTED_AT - pd.Timestamp("2012-01-01", tz="UTC")).days, count)
    )[::-1]
    hidden = set(ids.choice(count, 3, replace=False).tolist())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for k, day in enumerate(days):
        connected = pd.Timestamp("2012-01-01") + pd.Timedelta(days=int(day))
        on = f"{connected.day:02d} {MONTHS[connected.month - 1]} {connected.year}"
        if k in hidden:
            writer.writerow(["", "", "", "", "", "", on])
            continue
        first, last = str(ids.choice(FIRST)), str(ids.choice(LAST))
        slug = f"{fold(first)}-{fold(last)}-{int(ids.integers(16**7, 16**8)):x}".replace(" ", "")
        email = f"{fold(first)}.{fold(last)}@example.com" if ids.random() < 0.05 else ""
        writer.writerow(
            [
                first,
                last,
                f"https://www.linkedin.com/in/{slug}",
                email,
                str(ids.choice(COMPANIES)),
                str(ids.choice(POSITIONS)),
                on,
            ]
        )
    preamble = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email '
        "addresses are missing. You will only see email addresses for connections who have "
        "allowed their connections to see or download their email address. Learn more "
        'about this at https://www.linkedin.com/help/linkedin/answer/261"\n'
        "\n"
    )
    return preamble + out.getvalue()


def write_native(target: Path, crowd: list[dict], posts: pd.DataFrame) -> list[Path]:
    """Write the native exports of the people chosen above; return the files written."""
    ids = np.random.default_rng(20261120)  # its own seed: the exchange data stay as they were
    by_id = {p["person_id"]: p for p in crowd}
    exports = target / "exports"
    written = []
    for pid, disclosed in TIKTOK_EXPORTS.items():
        person = by_id[pid]
        path = exports / "tiktok" / person["handles"]["tiktok"] / "user_data_tiktok.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tiktok_export(person, posts, ids, disclosed), encoding="utf-8")
        written.append(path)
    person = by_id[X_ARCHIVE]
    path = exports / "x" / person["handles"]["x"] / f"twitter-{EXPORTED_AT:%Y-%m-%d}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(x_archive(person, posts, ids))
    written.append(path)
    person = by_id[LINKEDIN_ARCHIVE]
    folder = exports / "linkedin" / person["handles"]["linkedin"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Shares.csv").write_text(linkedin_shares(person, posts, ids), encoding="utf-8")
    (folder / "Connections.csv").write_text(linkedin_connections(person, ids), encoding="utf-8")
    written += [folder / "Shares.csv", folder / "Connections.csv"]
    return written


def native_accounts(crowd: list[dict]) -> set[tuple[str, str]]:
    """(platform, @handle) of the accounts whose posts come in a native export."""
    by_id = {p["person_id"]: p for p in crowd}
    chosen = [(pid, "tiktok") for pid in TIKTOK_EXPORTS]
    chosen += [(X_ARCHIVE, "x"), (LINKEDIN_ARCHIVE, "linkedin")]
    return {(platform, "@" + by_id[pid]["handles"][platform]) for pid, platform in chosen}


# --- the launch evening (campaign lumen-live) ----------------------------------------
# Invited reporters and staff cover Lumen Live, 12 November 2026, 18:00-22:00 in Lyon.
# Drawn from a generator of their own: the other posts stay as they were.

EVENT_START = pd.Timestamp("2026-11-12 18:00", tz="Europe/Paris")
EVENT_END = pd.Timestamp("2026-11-12 22:00", tz="Europe/Paris")
EVENT_TEXTS = {
    "before": [
        "J-{days} avant le #LumenLive : on vous fait découvrir le nouveau vélo cargo",
        "Invited to #LumenLive next week, stay tuned",
        "Inscriptions ouvertes pour la soirée de lancement https://" + EVENT_DOMAIN,
    ],
    "during": [
        "En direct du #LumenLive : la présentation commence !",
        "Live from #LumenLive: the new cargo bike is on stage",
        "Démo de recharge rapide sur le stand #LumenLive",
        "#LumenLive quelle ambiance ce soir à Lyon",
    ],
    "after": [
        "Ce que je retiens du #LumenLive d'hier soir",
        "My takeaways from #LumenLive last night",
        "Le replay de la soirée est en ligne : https://" + EVENT_DOMAIN + "/replay",
    ],
}
EVENT_REPORTERS = {
    # person_id: (posts before, during, after, first post this many days before)
    "inf-camille": (2, 4, 1, 9),
    "inf-amy": (1, 3, 0, None),
    "inf-sarah": (0, 2, 1, None),
    "inf-hugo": (0, 0, 2, None),  # only the day after
    "inf-noconsent": (0, 2, 0, None),  # never stored: no consent
}


def event_posts(crowd: list[dict], native: set[tuple[str, str]]) -> list[dict]:
    """The posts about Lumen Live: reporters before, during and after it, and about
    two thirds of the staff during the evening or the day after."""
    rng = np.random.default_rng(20261112)
    hour, day = pd.Timedelta(hours=1), pd.Timedelta(days=1)
    plan: dict[str, list[tuple[pd.Timestamp, str]]] = {}
    for pid, (before, during, after, first) in EVENT_REPORTERS.items():
        times = [(EVENT_START - first * day, "before")] if first else []
        times += [
            (EVENT_START - pd.Timedelta(hours=float(rng.uniform(2, 24 * 6))), "before")
            for _ in range(before)
        ]
        times += [
            (EVENT_START + pd.Timedelta(minutes=float(rng.uniform(0, 240))), "during")
            for _ in range(during)
        ]
        times += [
            (EVENT_END + pd.Timedelta(hours=float(rng.uniform(10, 40))), "after")
            for _ in range(after)
        ]
        plan[pid] = times
    for person in crowd:
        if person["role"] != "ambassador":
            continue
        draw = rng.random()
        if draw < 0.4:
            plan[person["person_id"]] = [(EVENT_START + rng.uniform(0, 4) * hour, "during")]
        elif draw < 0.65:
            plan[person["person_id"]] = [(EVENT_END + rng.uniform(12, 30) * hour, "after")]
    by_id = {p["person_id"]: p for p in crowd}
    rows = []
    for pid, times in plan.items():
        person = by_id[pid]
        usable = [p for p in person["accounts"] if (p, "@" + person["handles"][p]) not in native]
        if not usable:
            continue
        platform = usable[0]
        followers = person["accounts"][platform]
        for k, (when, phase) in enumerate(sorted(times)):
            text = str(rng.choice(EVENT_TEXTS[phase])).replace("{days}", "3")
            if rng.random() < person["sponsored"]:
                text += " #sponsorisé"
            er = tier_median_er(pd.Series([followers])).iloc[0] * person["engagement"]
            likes = int(followers * er * rng.lognormal(0.3, 0.4))
            impressions = (
                int(followers * rng.uniform(0.2, 0.6)) if platform in ("linkedin", "x") else None
            )
            rows.append(
                {
                    "platform": platform,
                    "handle": "@" + person["handles"][platform],
                    "post_id": f"{pid}-{platform}-live-{k:02d}",
                    "posted_at": when.tz_convert("Europe/Paris"),
                    "text": text,
                    "url": f"https://{platform}.example/{person['handles'][platform]}/live-{k}",
                    "impressions": impressions,
                    "likes": likes,
                    "comments": int(likes * rng.uniform(0.02, 0.1)),
                    "shares": int(likes * rng.uniform(0.0, 0.05)),
                    "clicks": None,
                }
            )
    return rows


def main(target: Path = Path(__file__).parent / "landing") -> None:
    rng = np.random.default_rng(2026)
    crowd = people(rng)
    posts = pd.DataFrame([row for p in crowd for row in posts_of(p, rng)])
    # Fans and competitors who are in no roster: skipped, never stored.
    strangers = posts.sample(40, random_state=7).assign(
        handle=lambda f: "@fan" + f.index.astype(str), post_id=lambda f: "fan-" + f["post_id"]
    )
    posts = pd.concat([posts, strangers], ignore_index=True).sort_values("posted_at")
    # The launch evening's posts slot in by time; a stable sort keeps the others' order.
    live = pd.DataFrame(event_posts(crowd, native_accounts(crowd)))
    posts = pd.concat([posts, live], ignore_index=True).sort_values("posted_at", kind="stable")
    native = pd.Series(
        list(zip(posts["platform"], posts["handle"], strict=True)), index=posts.index
    ).isin(native_accounts(crowd))
    exchange = posts[~native].assign(
        posted_at=lambda f: f["posted_at"].map(lambda t: t.isoformat())
    )
    # Follower history stays in the exchange file for every account, native ones too (a
    # weekly tracker's, up to 2026-11-15); a native export adds the count on its own day.
    # A git checkout resets modification times, and a native count dated after the
    # demo's as-of day would not be scored: the history keeps the demo's scores the same.
    accounts = pd.DataFrame([row for p in crowd for row in accounts_of(p, rng)])
    roster = pd.DataFrame(
        [
            {
                "person_id": p["person_id"],
                "display_name": p["display_name"],
                "role": p["role"],
                "consent": str(p["consent"]).lower(),
                "department": p["department"],
                **{platform: "@" + handle for platform, handle in p["handles"].items()},
                "contract": "staff" if p["role"] == "ambassador" else "freelance",
            }
            for p in crowd
        ]
    )
    if target.exists():
        shutil.rmtree(target)
    write_landing(target, roster, CAMPAIGNS, exchange, accounts)
    native_files = write_native(target, crowd, posts[native])
    # A partner agency's report with two broken rows of five, and a stray note: the demo's
    # quarantine shows what happens to them.
    agency = target / "exports" / "agency"
    agency.mkdir(parents=True)
    camille = next(p for p in crowd if p["person_id"] == "inf-camille")["handles"]["instagram"]
    (agency / "partner-report.posts.csv").write_text(
        "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,shares,clicks\n"
        f"instagram,@{camille},ag0001,2026-11-18T18:30:00+01:00,"
        '"Atelier réparation vélo électrique ce samedi #VeloUrbain",,,412,38,12,\n'
        f"instagram,@{camille},ag0002,2026-11-19T08:10:00+01:00,"
        '"Piste cyclable testée sous la pluie",,,-5,3,1,\n'
        f'instagram,@{camille},ag0003,19/11/2026,"Vélo cargo du jour",,,120,4,2,\n'
        # Good rows around them keep the file under the share of bad rows that would
        # hold it back whole.
        f"instagram,@{camille},ag0004,2026-11-19T12:00:00+01:00,"
        '"Stationnement vélo : le nouveau parking de la gare #VeloUrbain",,,233,19,4,\n'
        f"instagram,@{camille},ag0005,2026-11-19T19:45:00+01:00,"
        '"Retour en vélo électrique, 12 km sans effort",,,189,11,3,\n',
        encoding="utf-8",
    )
    (agency / "notes.txt").write_text("Reminder: send the November report.\n", encoding="utf-8")
    # Fixed modification times: virage dates a native export's follower count by its
    # file's, and reads older files first.
    stamp = EXPORTED_AT.timestamp()
    for path in sorted(target.rglob("*")):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    print(
        f"wrote {len(roster)} people, {len(exchange)} posts in exchange files and "
        f"{int(native.sum())} in {len(native_files)} native exports, "
        f"{len(accounts)} follower snapshots to {target}"
    )


if __name__ == "__main__":
    main()
