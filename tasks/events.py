"""Event campaigns: who covered the event, and how its coverage went day by day.

An event campaign (`kind: event` in campaigns.yaml) has a date and markers: its
hashtags, brand handles and brand domains. A post carrying one of them, inside the
campaign's period, covers the event; it falls before, during or after the event. From
those posts come each person's `event_coverage` component (scored with the others in
tasks/scoring.py) and the `event_summary` table (one row per event and day). Formulas
and sources: docs/scoring.md, "Event coverage".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import delete
from sqlalchemy.engine import Connection

from virage.schemas.fields import EVENT_PHASES, EVENT_SUMMARY
from virage.schemas.warehouse import event_summary as event_summary_table
from virage.tasks.landing import Campaign
from virage.tasks.scoring import (
    CLICK_WEIGHT,
    WINDOW_DAYS,
    campaign_period,
    window_posts,
)
from virage.tasks.text import brand_pattern, matches, terms_pattern
from virage.warehouse import bulk_insert

PHASE_WEIGHTS = {"before": 0.25, "during": 0.50, "after": 0.25}
"""What covering each phase is worth: live coverage counts double, promotion before
and the follow-up after count alike."""
EVENT_VOLUME_POSTS = 3  # posts: 1 - exp(-n/3), three posts give 63% of the volume term
EVENT_FULL_REACH = 1_000_000  # coverage seen a million times earns the full reach term
EVENT_FULL_ENGAGEMENT = 10_000  # the same for the response to it
OPENING_HALF_RANK = 2  # the opening term halves every two places after the first voice
COVERAGE_MIX = {"phases": 0.30, "volume": 0.20, "reach": 0.20, "engagement": 0.20, "opening": 0.10}


def carries_event(folded: pd.Series, campaign: Campaign) -> pd.Series:
    """Whether each folded text carries one of the event's hashtags, brand handles or
    brand domains (its keywords do not count: generic words do not mark an event)."""
    tags = matches(folded, terms_pattern(hashtags=campaign.hashtags))
    brand = matches(folded, brand_pattern(campaign.brand_handles, campaign.brand_domains))
    return tags | brand


def event_posts(
    window: pd.DataFrame, campaign: Campaign, as_of: dt.date, window_days: int = WINDOW_DAYS
) -> pd.DataFrame:
    """The posts covering the event: in the campaign's period (window ∩ start/end),
    carrying its markers, with their `phase`, `audience` (impressions, else the posting
    account's followers, else 0) and `response` (engagement + CLICK_WEIGHT × clicks,
    missing counts adding nothing). `window` as from scoring.window_posts."""
    start, end = campaign_period(campaign, as_of, window_days)
    posts = window[(window["posted_at"] >= start) & (window["posted_at"] < end)]
    posts = posts[carries_event(posts["folded"], campaign)]
    event_start, event_end = campaign.event_period()
    when = posts["posted_at"]
    phase = np.select([when < event_start, when < event_end], ["before", "during"], "after")
    unknown = pd.Series(np.nan, index=posts.index)
    audience = posts.get("impressions", unknown).astype("float64")
    audience = audience.fillna(posts.get("followers", unknown).astype("float64")).fillna(0)
    response = posts["engagement"].astype("float64").fillna(0) + CLICK_WEIGHT * posts.get(
        "clicks", unknown
    ).astype("float64").fillna(0)
    return posts.assign(phase=phase, audience=audience, response=response)


def _log_share(values: pd.Series, full: float) -> pd.Series:
    return np.clip(np.log10(1 + values.astype("float64")) / np.log10(full), 0, 1)


def coverage_parts(
    window: pd.DataFrame, campaign: Campaign, as_of: dt.date, window_days: int = WINDOW_DAYS
) -> pd.DataFrame:
    """The terms of event_coverage, each 0 to 1, for each person with at least one
    post covering the event (index person_id): phases (PHASE_WEIGHTS of the phases
    covered), volume (1 − exp(−n / 3)), reach and engagement (log-shares of the posts'
    audience and response) and opening (0.5 ^ ((r − 1) / 2) for the r-th person to
    post about the event)."""
    posts = event_posts(window, campaign, as_of, window_days)
    person = posts["person_id"]
    covered = pd.crosstab(person, posts["phase"]).reindex(columns=list(EVENT_PHASES), fill_value=0)
    # Who opened the conversation: people ranked by their first covering post (a tie
    # shares the better place).
    order = posts["posted_at"].groupby(person).min().rank(method="min")
    return pd.DataFrame(
        {
            "phases": (covered > 0).astype("float64") @ pd.Series(PHASE_WEIGHTS),
            "volume": 1 - np.exp(-covered.sum(axis=1) / EVENT_VOLUME_POSTS),
            "reach": _log_share(posts["audience"].groupby(person).sum(), EVENT_FULL_REACH),
            "engagement": _log_share(
                posts["response"].groupby(person).sum(), EVENT_FULL_ENGAGEMENT
            ),
            "opening": 0.5 ** ((order - 1) / OPENING_HALF_RANK),
        },
        index=covered.index.rename("person_id"),
    )


def event_coverage(
    window: pd.DataFrame, campaign: Campaign, as_of: dt.date, window_days: int = WINDOW_DAYS
) -> pd.Series:
    """event_coverage (0-100) of each person with at least one post covering the event
    (index person_id; everyone else has 0): `100 × Σ COVERAGE_MIX × coverage_parts`."""
    parts = coverage_parts(window, campaign, as_of, window_days)
    return (100 * (parts * pd.Series(COVERAGE_MIX)).sum(axis=1)).rename("event_coverage")


def _day_phases(days: pd.DatetimeIndex, campaign: Campaign) -> np.ndarray:
    """before / during / after of each UTC day: a day the event touches is during."""
    event_start, event_end = campaign.event_period()
    return np.select(
        [days + pd.Timedelta(days=1) <= event_start, days >= event_end],
        ["before", "after"],
        "during",
    )


def summarise_event(
    window: pd.DataFrame,
    people: pd.DataFrame,
    campaign: Campaign,
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
) -> pd.DataFrame:
    """One event campaign's rows of event_summary (run_id left empty): every UTC day
    of the campaign's period up to `as_of`, days without a post included."""
    start, end = campaign_period(campaign, as_of, window_days)
    if start >= end:  # the campaign has not started, or ended before the window
        return pd.DataFrame(columns=EVENT_SUMMARY.columns).astype(EVENT_SUMMARY.dtypes)
    days = pd.date_range(start.floor("D"), (end - pd.Timedelta(microseconds=1)).floor("D"))
    roles = people.set_index("person_id")["role"]
    posts = event_posts(window, campaign, as_of, window_days)
    posts = posts[posts["person_id"].isin(roles.index)]
    posts = posts.assign(
        day=posts["posted_at"].dt.floor("D"),
        ambassador=posts["person_id"].map(roles).eq("ambassador"),
    )
    by_day = posts.groupby("day")
    firsts = posts.groupby("person_id").agg(day=("day", "min"), ambassador=("ambassador", "first"))
    ambassadors = int(roles.eq("ambassador").sum())
    new_ambassadors = firsts.loc[firsts["ambassador"], "day"].value_counts()
    ambassador_days = posts.loc[posts["ambassador"]].groupby("day")["person_id"].nunique()
    frame = pd.DataFrame(
        {
            "posts": by_day.size(),
            "people_posting": by_day["person_id"].nunique(),
            "first_time_posters": firsts["day"].value_counts(),
            "ambassadors_posting": ambassador_days,
            "reach": by_day["audience"].sum(),
            "engagement": by_day["engagement"].sum(min_count=1),
            "sponsored_share": by_day["is_sponsored"].mean(),
        }
    ).reindex(days)
    counts = ["posts", "people_posting", "first_time_posters", "ambassadors_posting", "reach"]
    frame[counts] = frame[counts].fillna(0).round()
    # No post: nothing was engaged with. Posts without counts: unknown (stays NULL).
    frame["engagement"] = frame["engagement"].where(frame["posts"] > 0, 0.0).round()
    per_ambassador = ambassadors if ambassadors else np.nan
    frame["ambassador_share"] = frame["ambassadors_posting"] / per_ambassador
    to_date = new_ambassadors.reindex(days, fill_value=0).cumsum()
    frame["ambassador_share_to_date"] = to_date / per_ambassador
    frame = frame.assign(
        as_of_date=pd.Timestamp(as_of),
        campaign_id=campaign.id,
        day=days.tz_localize(None),
        phase=_day_phases(days, campaign),
        run_id="",
    )
    return frame[EVENT_SUMMARY.columns].astype(EVENT_SUMMARY.dtypes).reset_index(drop=True)


def event_summaries(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    people: pd.DataFrame,
    campaigns: list[Campaign],
    as_of: dt.date,
    window_days: int = WINDOW_DAYS,
) -> pd.DataFrame:
    """The event_summary rows of every event campaign on `as_of` (none for topic
    campaigns). posts, accounts and people as for scoring.score_campaigns."""
    events = [c for c in campaigns if c.is_event]
    if not events:
        return pd.DataFrame(columns=EVENT_SUMMARY.columns).astype(EVENT_SUMMARY.dtypes)
    window = window_posts(posts, accounts, as_of, window_days)
    frames = [summarise_event(window, people, c, as_of, window_days) for c in events]
    return pd.concat(frames, ignore_index=True).astype(EVENT_SUMMARY.dtypes)


def replace_event_summary(
    conn: Connection, run_id: str, as_of: dt.date, summary: pd.DataFrame | None
) -> int:
    """Replace the day's event_summary rows with `summary`, stamped with the run,
    inside the caller's transaction; None leaves them as they are (a run that did not
    compute them). Returns the rows written."""
    if summary is None:
        return 0
    table = event_summary_table
    conn.execute(delete(table).where(table.c.as_of_date == as_of))
    rows = summary.assign(run_id=run_id)[EVENT_SUMMARY.columns].astype(EVENT_SUMMARY.dtypes)
    return bulk_insert(conn, table, rows)
