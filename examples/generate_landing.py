"""Write the bundled sample landing zone (examples/landing) for `make demo`.

A fictional company, Lumen Mobilité, with staff ambassadors and outside influencers
posting in French and English over the summer and autumn of 2026, and two campaigns.
The people are invented; the personas are the traps a scorer must see through: an
on-topic micro-influencer, off-topic celebrities, a mostly sponsored account, an
account with bought followers, dormant staff, staff who never consented.

Deterministic (fixed seed): `python examples/generate_landing.py` rewrites the same
files. The demo scores them as of 2026-11-20.
"""

from __future__ import annotations

import shutil
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
        if is_brand:
            text += str(rng.choice(BRAND_TAGS))
        if rng.random() < person["sponsored"]:
            text += str(rng.choice(SPONSOR_TAGS))
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
                "text": text,
                "url": f"https://{platform}.example/{person['handles'][platform]}/{k}",
                "impressions": impressions,
                "likes": likes,
                "comments": int(likes * rng.uniform(0.01, 0.08)),
                "shares": int(likes * rng.uniform(0.0, 0.05)),
                "clicks": int(impressions * 0.01) if impressions and is_brand else None,
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


def main(target: Path = Path(__file__).parent / "landing") -> None:
    rng = np.random.default_rng(2026)
    crowd = people(rng)
    posts = pd.DataFrame([row for p in crowd for row in posts_of(p, rng)])
    # Fans and competitors who are in no roster: skipped, never stored.
    strangers = posts.sample(40, random_state=7).assign(
        handle=lambda f: "@fan" + f.index.astype(str), post_id=lambda f: "fan-" + f["post_id"]
    )
    posts = pd.concat([posts, strangers], ignore_index=True).sort_values("posted_at")
    posts["posted_at"] = posts["posted_at"].map(lambda t: t.isoformat())
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
    write_landing(target, roster, CAMPAIGNS, posts, accounts)
    # A partner agency's report with two broken rows, and a stray note: the demo's
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
        f'instagram,@{camille},ag0003,19/11/2026,"Vélo cargo du jour",,,120,4,2,\n',
        encoding="utf-8",
    )
    (agency / "notes.txt").write_text("Reminder: send the November report.\n", encoding="utf-8")
    print(
        f"wrote {len(roster)} people, {len(posts)} posts, {len(accounts)} follower snapshots "
        f"to {target}"
    )


if __name__ == "__main__":
    main()
