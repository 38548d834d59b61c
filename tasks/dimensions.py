"""The warehouse's dimensions from the landing zone: people from the roster,
campaigns from campaigns.yaml. Plain frames in the shape schemas/fields.py declares."""

from __future__ import annotations

import json

import pandas as pd

from virage.schemas.fields import CAMPAIGN_TABLE, PEOPLE, ROLES
from virage.tasks.landing import Campaign, Roster


def people_rows(roster: Roster) -> pd.DataFrame:
    """One row per person the roster names with a usable id and role. Consenting
    people with a valid row carry their name and team; anyone else only the id, the
    role and consent false, so participation shares can count them and nothing more."""
    consenting = roster.people.assign(consent=True)
    typed = roster.typed
    others = typed[
        typed["person_id"].notna()
        & (typed["person_id"] != "")
        & typed["role"].isin(ROLES)
        & ~typed["person_id"].isin(consenting["person_id"])
    ].drop_duplicates("person_id")
    others = pd.DataFrame(
        {"person_id": others["person_id"], "role": others["role"], "consent": False}
    )
    rows = pd.concat([consenting, others], ignore_index=True)
    return rows.reindex(columns=PEOPLE.columns).astype(PEOPLE.dtypes)


def campaign_rows(campaigns: list[Campaign]) -> pd.DataFrame:
    """One row per campaign of campaigns.yaml, marked as listed there; an event's
    bounds in UTC, its end excluded."""
    periods = [c.event_period() if c.is_event else (pd.NaT, pd.NaT) for c in campaigns]
    rows = pd.DataFrame(
        {
            "campaign_id": [c.id for c in campaigns],
            "name": [c.name for c in campaigns],
            "kind": [c.kind for c in campaigns],
            "start_date": pd.to_datetime([c.start for c in campaigns]),
            "end_date": pd.to_datetime([c.end for c in campaigns]),
            "event_start": pd.to_datetime([p[0] for p in periods], utc=True),
            "event_end": pd.to_datetime([p[1] for p in periods], utc=True),
            "keywords": [json.dumps(list(c.keywords), ensure_ascii=False) for c in campaigns],
            "hashtags": [json.dumps(list(c.hashtags), ensure_ascii=False) for c in campaigns],
            "in_campaigns_file": True,
        }
    )
    return rows.reindex(columns=CAMPAIGN_TABLE.columns).astype(CAMPAIGN_TABLE.dtypes)
