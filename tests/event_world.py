"""A generated event whose coverage is known, to test event campaigns.

`generate_event_world(seed)` invents a one-day corporate event, the Lumen Summit (18
June 2026, 09:00-18:00 in Paris), and the people around it, then writes what exports
would show of them over the 90 days ending `AS_OF`. Each person has a hidden part in
the event (`group`):

- `opener`: an influencer-reporter who opens the conversation ten days before, then
  covers the day live and follows up;
- `live`: influencer-reporters who promote it in the week before, cover it live and
  sometimes follow up;
- `sponsored` and `twin`: two live reporters with the same audience and the same
  coverage, post for post and minute for minute; the sponsored one's posts (and half
  of their other posts) carry a paid-partnership disclosure;
- `late`: influencers who only post the day after;
- `staff_live`, `staff_after`, `staff_never`: consenting ambassadors who post during
  the event, only the day after, or never; `staff_refused`: an ambassador without
  consent who covers it live (never scored, never counted).

Everyone also posts noise that must not count: off-topic posts, posts naming the
summit without its hashtag, a look-alike hashtag (`#LumenSummitFan`), and one late
reporter's post with the hashtag before the campaign's first day.

`truth` has one row per post with whether it covers the event (`covers`), its
`phase`, the `audience` it was shown to (impressions where the platform reports
them, else the account's followers) and its `engagement` (likes + comments +
shares): the tests compute the expected metrics from it, not from virage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tests.truth_world import accounts_frame, people_frame, posts_frame
from virage.tasks.landing import Campaign

AS_OF = dt.date(2026, 6, 30)
WINDOW_END = pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")
WINDOW_START = WINDOW_END - pd.Timedelta(days=90)

HASHTAG, EVENT_HANDLE = "#LumenSummit", "@lumen_events"
EVENT_FIELDS = {
    "id": "summit",
    "name": "Lumen Summit 2026",
    "kind": "event",
    "keywords": ["mobilité durable", "sustainable mobility"],
    "hashtags": [HASHTAG],
    "brand_handles": [EVENT_HANDLE],
    "start": "2026-06-04",
    "end": "2026-06-30",
    "event_start": "2026-06-18T09:00",
    "event_end": "2026-06-18T18:00",
    "event_timezone": "Europe/Paris",
}
TOPIC_FIELDS = {
    "id": "velo",
    "name": "Vélo urbain",
    "keywords": ["vélo électrique", "piste cyclable"],
    "hashtags": ["#VeloUrbain"],
}
EVENT = Campaign.model_validate(EVENT_FIELDS)
TOPIC = Campaign.model_validate(TOPIC_FIELDS)
EVENT_START, EVENT_END = EVENT.event_period()  # 07:00 and 16:00 UTC
CAMPAIGN_START = pd.Timestamp(EVENT.start, tz="UTC")

COVERING = {
    "before": [
        f"J-{{days}} avant le {HASHTAG} : programme dévoilé demain",
        f"Can't wait for {HASHTAG}, see you in Paris",
        f"Countdown to the summit with {EVENT_HANDLE}",
    ],
    "during": [
        f"En direct du {HASHTAG} : keynote sur la mobilité durable",
        f"Live from {HASHTAG}: the panel on sustainable mobility is packed",
        f"Superbe démo sur le stand {EVENT_HANDLE} #LumenSummit",
        f"{HASHTAG} quelle ambiance dans la grande salle !",
    ],
    "after": [
        f"Ce que je retiens du {HASHTAG}, en cinq points",
        f"My takeaways from {HASHTAG} yesterday",
        f"Merci {EVENT_HANDLE} pour l'invitation, vivement l'an prochain",
    ],
}
NOISE = [
    "Superbe match hier soir",
    "New recipe: miso-glazed aubergine",
    "Mon vélo électrique pour aller au bureau #VeloUrbain",
    "Great summit hike this weekend, 2,000 m climbed",  # the word, not the event
    "Le Lumen Summit approche, j'ai hâte",  # the event named, without its markers
    "#LumenSummitFan club meeting tonight",  # a look-alike hashtag
    "Coffee and a good book, perfect Sunday",
]
SPONSOR = " #ad"

GROUPS = {
    "opener": ("influencer", 1),
    "live": ("influencer", 3),
    "sponsored": ("influencer", 1),
    "twin": ("influencer", 1),
    "late": ("influencer", 3),
    "staff_live": ("ambassador", 4),
    "staff_after": ("ambassador", 3),
    "staff_never": ("ambassador", 5),
    "staff_refused": ("ambassador", 1),
}


@dataclass(frozen=True)
class EventWorld:
    posts: pd.DataFrame
    """Posts of consenting people, as attribution leaves them."""
    accounts: pd.DataFrame
    people: pd.DataFrame
    """Consenting people: person_id, display_name, role, department."""
    campaigns: list[Campaign]
    as_of: dt.date
    groups: pd.Series
    """Each person's hidden part in the event (index person_id), everyone's."""
    followers: pd.Series
    """Each person's follower count (index person_id)."""
    truth: pd.DataFrame
    """One row per post, non-consenting people's too: post_id, person_id, posted_at,
    covers, phase, audience, engagement, sponsored."""
    roster: pd.DataFrame
    """roster.csv rows, the person without consent included."""
    all_posts: pd.DataFrame
    """Every post, the non-consenting person's too, as an export would hold them."""
    all_accounts: pd.DataFrame
    """Every follower snapshot, the non-consenting person's too."""


def _uniform(rng: np.random.Generator, low: pd.Timestamp, high: pd.Timestamp) -> pd.Timestamp:
    seconds = (high - low).total_seconds()
    return low + pd.Timedelta(seconds=int(rng.uniform(0, seconds)))


def _covering_times(
    rng: np.random.Generator, group: str, opener_first: pd.Timestamp
) -> list[tuple[pd.Timestamp, str]]:
    """(time, phase) of each post a person makes about the event."""
    hour, day = pd.Timedelta(hours=1), pd.Timedelta(days=1)
    times: list[tuple[pd.Timestamp, str]] = []
    if group == "opener":
        times.append((opener_first, "before"))
    if group in ("opener", "live"):
        times += [
            (_uniform(rng, EVENT_START - 7 * day, EVENT_START - hour), "before")
            for _ in range(rng.integers(1, 3))
        ]
        times += [
            (_uniform(rng, EVENT_START, EVENT_END), "during") for _ in range(rng.integers(2, 6))
        ]
        times += [
            (_uniform(rng, EVENT_END + hour, EVENT_END + 5 * day), "after")
            for _ in range(rng.integers(0, 3))
        ]
    elif group == "late":
        times += [
            (_uniform(rng, EVENT_END + 18 * hour, EVENT_END + 40 * hour), "after")
            for _ in range(rng.integers(1, 3))
        ]
    elif group in ("staff_live", "staff_refused"):
        times += [
            (_uniform(rng, EVENT_START, EVENT_END), "during") for _ in range(rng.integers(1, 4))
        ]
    elif group == "staff_after":
        times.append((_uniform(rng, EVENT_END + 18 * hour, EVENT_END + 30 * hour), "after"))
    return times


def generate_event_world(seed: int = 2026) -> EventWorld:
    """The world of the module docstring, the same for the same seed."""
    rng = np.random.default_rng(seed)
    people = [
        (f"{group.replace('_', '-')}-{k}", group, role)
        for group, (role, count) in GROUPS.items()
        for k in range(1, count + 1)
    ]
    opener_first = EVENT_START - pd.Timedelta(days=10)
    followers: dict[str, int] = {}
    shared: list[tuple[pd.Timestamp, str]] = []  # the sponsored reporter's and the twin's
    posts: list[dict] = []
    truth: list[dict] = []
    for pid, group, role in people:
        platform = "instagram" if role == "influencer" else "linkedin"
        if group in ("sponsored", "twin"):
            count = 30_000
        elif role == "influencer":
            count = int(10 ** rng.uniform(3.7, 4.7))
        else:
            count = int(rng.integers(300, 3_000))
        followers[pid] = count
        if group in ("sponsored", "twin"):
            shared = shared or _covering_times(
                np.random.default_rng(seed + 1), "live", opener_first
            )
            covering = shared
        else:
            covering = _covering_times(rng, group, opener_first)
        rows = [
            (when, phase, str(rng.choice(COVERING[phase])).replace("{days}", "3"))
            for when, phase in covering
        ]
        n_noise = rng.poisson(2.5 * 90 / 7)
        rows += [
            (_uniform(rng, WINDOW_START, WINDOW_END), None, str(rng.choice(NOISE)))
            for _ in range(n_noise)
        ]
        if group == "late" and pid.endswith("-1"):  # before the campaign's first day
            rows.append((CAMPAIGN_START - pd.Timedelta(days=5), None, f"Save the date {HASHTAG}"))
        for j, (when, phase, text) in enumerate(rows):
            sponsored = group == "sponsored" and (phase is not None or j % 2 == 0)
            text += SPONSOR if sponsored else ""
            mean = count * (0.04 if role == "influencer" else 0.06) * (2 if phase else 1)
            likes, comments, shares = (
                int(rng.poisson(0.9 * mean)),
                int(rng.poisson(0.08 * mean)),
                int(rng.poisson(0.02 * mean)),
            )
            if group in ("sponsored", "twin") and phase is not None:
                # The twins' coverage is the same post for post: same counts too.
                k = shared.index((when, phase))
                likes, comments, shares = 300 + 10 * k, 20 + k, 5
            impressions = int(count * rng.uniform(0.2, 0.6)) if platform == "linkedin" else None
            post_id = f"{pid}-{j:03d}"
            posts.append(
                {
                    "platform": platform,
                    "handle": pid,
                    "post_id": post_id,
                    "person_id": pid,
                    "posted_at": when,
                    "text": text,
                    "url": f"https://{platform}.example/{pid}/{j}",
                    "impressions": impressions if impressions is not None else pd.NA,
                    "likes": likes,
                    "comments": comments,
                    "shares": shares,
                }
            )
            truth.append(
                {
                    "post_id": post_id,
                    "person_id": pid,
                    "posted_at": when,
                    "covers": phase is not None,
                    "phase": phase,
                    "audience": float(impressions if impressions is not None else count),
                    "engagement": float(likes + comments + shares),
                    "sponsored": sponsored,
                }
            )
    groups = pd.Series({pid: group for pid, group, _ in people}, name="group")
    consenting = groups.index[groups != "staff_refused"]
    snapshots = [
        {
            "platform": "instagram" if groups[pid] in _INFLUENCER_GROUPS else "linkedin",
            "handle": pid,
            "snapshot_date": AS_OF - dt.timedelta(days=7 * week),
            "followers": count,
            "person_id": pid,
        }
        for pid, count in followers.items()
        for week in range(14)
    ]
    all_posts = posts_frame(posts)
    accounts = accounts_frame(snapshots)
    roles = {pid: role for pid, _, role in people}
    roster = pd.DataFrame(
        {
            "person_id": groups.index,
            "display_name": [p.replace("-", " ").title() for p in groups.index],
            "role": [roles[p] for p in groups.index],
            "consent": ["false" if g == "staff_refused" else "true" for g in groups],
            "department": ["Events" if roles[p] == "ambassador" else "" for p in groups.index],
            "instagram": ["@" + p if roles[p] == "influencer" else "" for p in groups.index],
            "linkedin": ["@" + p if roles[p] == "ambassador" else "" for p in groups.index],
        }
    )
    truth_frame = pd.DataFrame(truth)
    truth_frame["posted_at"] = pd.to_datetime(truth_frame["posted_at"], utc=True)
    return EventWorld(
        posts=all_posts[all_posts["person_id"].isin(consenting)].reset_index(drop=True),
        accounts=accounts[accounts["person_id"].isin(consenting)].reset_index(drop=True),
        people=people_frame([(p, roles[p]) for p in consenting]),
        campaigns=[EVENT, TOPIC],
        as_of=AS_OF,
        groups=groups,
        followers=pd.Series(followers, name="followers"),
        truth=truth_frame,
        roster=roster,
        all_posts=all_posts,
        all_accounts=accounts,
    )


_INFLUENCER_GROUPS = {g for g, (role, _) in GROUPS.items() if role == "influencer"}
