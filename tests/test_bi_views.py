"""The BI views on a real warehouse (SQLite file and PostgreSQL): small frames written
over three days, every figure recomputed here from those frames with pandas."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import inspect, select

from virage.schemas.fields import ACCOUNTS, CAMPAIGN_TABLE, PEOPLE, SCORES, Frame
from virage.schemas.views import VIEWS, view_tables
from virage.schemas.warehouse import accounts, campaigns, influence_scores, people
from virage.warehouse import bulk_insert, open_warehouse

LATEST = dt.date(2026, 11, 20)
DAYS = [LATEST - dt.timedelta(days=30), LATEST - dt.timedelta(days=7), LATEST]
# An extra day two days before the latest: its 7- and 30-day comparisons find nothing.
DAYS.insert(2, LATEST - dt.timedelta(days=2))

PEOPLE_ROWS = [
    # person_id, role, department
    ("amb-a", "ambassador", "Sales"),
    ("amb-b", "ambassador", "R&D"),
    ("amb-c", "ambassador", None),
    ("inf-x", "influencer", "Agency"),
    ("inf-y", "influencer", None),
]


def full_frame(frame: Frame, given: dict[str, list]) -> pd.DataFrame:
    """`given` columns, the frame's other columns filled with a plausible value (NULL
    where allowed), typed as the frame declares."""
    n = len(next(iter(given.values())))
    columns = {}
    for f in frame.fields:
        if f.name in given:
            columns[f.name] = given[f.name]
        elif f.nullable:
            columns[f.name] = [None] * n
        elif f.dtype in ("float64", "Int64"):
            columns[f.name] = [50] * n
        elif f.dtype == "bool":
            columns[f.name] = [True] * n
        elif f.allowed:
            columns[f.name] = [f.allowed[0]] * n
        else:
            columns[f.name] = ["x"] * n
    return pd.DataFrame(columns)[frame.columns].astype(frame.dtypes)


def make_scores() -> pd.DataFrame:
    """Scores of every person in two campaigns on each day, except: inf-y is missing 7
    days before the latest day, amb-c on the first day."""
    rng = np.random.default_rng(6)
    rows = []
    for day in DAYS:
        for campaign in ("c1", "c2"):
            for person, role, _ in PEOPLE_ROWS:
                if (person, day) in (("inf-y", DAYS[1]), ("amb-c", DAYS[0])):
                    continue
                posts = int(rng.integers(0, 40)) if person != "amb-b" else 0
                rows.append(
                    {
                        "as_of_date": pd.Timestamp(day),
                        "campaign_id": campaign,
                        "person_id": person,
                        "display_name": person.upper(),
                        "role": role,
                        "score": round(float(rng.uniform(0, 100)), 2),
                        "posts_considered": posts,
                        "sponsored_share": round(float(rng.uniform(0, 1)), 4) if posts else 0.0,
                        "run_id": f"run-{day}",
                    }
                )
    frame = pd.DataFrame(rows)
    frame["rank"] = (
        frame.groupby(["as_of_date", "campaign_id", "role"])["score"]
        .rank(ascending=False, method="first")
        .astype("int64")
    )
    return full_frame(SCORES, frame.to_dict("list"))


def make_accounts() -> pd.DataFrame:
    snapshots = [
        # platform, handle, snapshot_date, followers, person_id
        ("x", "a_x", DAYS[0] - dt.timedelta(days=3), 1000, "amb-a"),
        ("x", "a_x", DAYS[1] - dt.timedelta(days=1), 1500, "amb-a"),
        ("x", "a_x", LATEST + dt.timedelta(days=1), 9_999_999, "amb-a"),  # after: ignored
        ("linkedin", "a_li", LATEST, 300, "amb-a"),  # the day itself counts
        ("instagram", "b_ig", DAYS[1], 70, "amb-b"),
        ("tiktok", "x_tt", DAYS[0], 250_000, "inf-x"),
        ("tiktok", "x_tt", DAYS[2], 260_000, "inf-x"),
        ("x", "nobody", DAYS[0], 5, "not-scored"),  # belongs to no scored person
    ]
    frame = pd.DataFrame(
        snapshots, columns=["platform", "handle", "snapshot_date", "followers", "person_id"]
    )
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    return full_frame(ACCOUNTS, frame.to_dict("list"))


def make_people() -> pd.DataFrame:
    ids, roles, departments = zip(*PEOPLE_ROWS, strict=True)
    return full_frame(
        PEOPLE,
        {
            "person_id": list(ids),
            "display_name": [p.upper() for p in ids],
            "role": list(roles),
            "consent": [True] * len(ids),
            "department": list(departments),
        },
    )


def make_campaigns() -> pd.DataFrame:
    return full_frame(
        CAMPAIGN_TABLE,
        {
            "campaign_id": ["c1", "c2"],
            "name": ["Campaign one", "Campaign two"],
            "kind": ["topic", "topic"],
            "in_campaigns_file": [True, True],
        },
    )


@pytest.fixture
def published(warehouse):
    engine = open_warehouse(warehouse)
    scores, stored_accounts = make_scores(), make_accounts()
    with engine.begin() as conn:
        bulk_insert(conn, people, make_people())
        bulk_insert(conn, campaigns, make_campaigns())
        bulk_insert(conn, influence_scores, scores)
        bulk_insert(conn, accounts, stored_accounts)
    return engine, scores, stored_accounts


def read_view(engine, name: str, order: list[str]) -> pd.DataFrame:
    view = view_tables[name]
    with engine.connect() as conn:
        rows = conn.execute(select(view).order_by(*(view.c[c] for c in order))).all()
    frame = pd.DataFrame(rows, columns=[c.name for c in view.columns])
    if "as_of_date" in frame:
        frame["as_of_date"] = pd.to_datetime(frame["as_of_date"])
    return frame


def same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal values (numbers as floats, NULL as NaN), whatever the driver's types."""
    expected = expected.reset_index(drop=True)
    actual = actual[expected.columns].reset_index(drop=True)
    for name in expected.columns:
        if pd.api.types.is_numeric_dtype(expected[name]):
            actual[name] = pd.to_numeric(actual[name]).astype("float64")
            expected[name] = expected[name].astype("float64")
        else:
            actual[name] = actual[name].astype(object).where(actual[name].notna(), None)
            expected[name] = expected[name].astype(object).where(expected[name].notna(), None)
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-9)


def test_every_view_exists_with_its_documented_columns(published):
    engine, _, _ = published
    inspector = inspect(engine)
    assert set(VIEWS) <= set(inspector.get_view_names())
    for name in VIEWS:
        assert [c["name"] for c in inspector.get_columns(name)] == [
            c.name for c in view_tables[name].columns
        ]
        assert all(c.comment for c in view_tables[name].columns)


def test_trend_compares_with_the_snapshots_7_and_30_days_earlier(published):
    engine, scores, _ = published
    key = ["campaign_id", "person_id"]
    expected = scores[["as_of_date", *key, "display_name", "role", "score", "rank"]].copy()
    for days in (7, 30):
        earlier = scores[["as_of_date", *key, "score", "rank"]].copy()
        earlier["as_of_date"] += pd.Timedelta(days=days)
        merged = expected.merge(earlier, on=["as_of_date", *key], how="left", suffixes=("", "_b"))
        expected[f"score_change_{days}d"] = merged["score"] - merged["score_b"]
        expected[f"rank_change_{days}d"] = (merged["rank_b"] - merged["rank"]).astype("float64")
    order = ["as_of_date", "campaign_id", "person_id"]
    expected = expected.sort_values(order)
    actual = read_view(engine, "influence_score_trend", order)
    same(actual, expected)
    # The worked cases: all present on the latest day; inf-y had no snapshot 7 days
    # before it; nothing is 30 days before the extra day.
    latest = actual[actual["as_of_date"] == pd.Timestamp(LATEST)]
    for _, per_campaign in latest.groupby("campaign_id"):
        missing_7d = per_campaign.loc[per_campaign["score_change_7d"].isna(), "person_id"]
        missing_30d = per_campaign.loc[per_campaign["score_change_30d"].isna(), "person_id"]
        assert (set(missing_7d), set(missing_30d)) == ({"inf-y"}, {"amb-c"})
    extra = actual[actual["as_of_date"] == pd.Timestamp(DAYS[2])]
    assert extra[["score_change_7d", "score_change_30d"]].isna().all().all()


@pytest.mark.parametrize("role", ["ambassador", "influencer"])
def test_leaderboards_show_the_latest_day_of_one_role_with_departments(published, role):
    engine, scores, _ = published
    departments = {p: d for p, _, d in PEOPLE_ROWS}
    names = {"c1": "Campaign one", "c2": "Campaign two"}
    expected = scores[(scores["as_of_date"] == pd.Timestamp(LATEST)) & (scores["role"] == role)]
    expected = expected.assign(
        department=expected["person_id"].map(departments),
        campaign_name=expected["campaign_id"].map(names),
    ).sort_values(["campaign_id", "rank"])
    actual = read_view(engine, f"{role}_leaderboard", ["campaign_id", "rank"])
    columns = ["as_of_date", "campaign_id", "campaign_name", "rank", "person_id", "department"]
    same(actual, expected[[*columns, "score", "posts_considered", "sponsored_share"]])
    assert ("advocacy" in actual.columns) == (role == "ambassador")
    assert len(actual) == 2 * sum(r == role for _, r, _ in PEOPLE_ROWS)


def test_campaign_summary_counts_people_posts_sponsoring_and_reach(published):
    engine, scores, stored = published
    # Each person's reach on a day: per account they own, the latest count up to then.
    reach = {}
    for day in DAYS:
        known = stored[stored["snapshot_date"] <= pd.Timestamp(day)]
        latest = known.sort_values("snapshot_date").groupby(["platform", "handle"]).tail(1)
        reach[pd.Timestamp(day)] = latest.groupby("person_id")["followers"].sum()
    rows = []
    for (day, campaign), group in scores.groupby(["as_of_date", "campaign_id"]):
        posts = group["posts_considered"].astype("int64")
        followers = reach[day].reindex(group["person_id"]).fillna(0).sum()
        rows.append(
            {
                "as_of_date": day,
                "campaign_id": campaign,
                "people_scored": len(group),
                "people_with_posts": int((posts > 0).sum()),
                "posts_considered": int(posts.sum()),
                "sponsored_share": (group["sponsored_share"] * posts).sum() / posts.sum(),
                "follower_reach": followers,
            }
        )
    expected = pd.DataFrame(rows)
    actual = read_view(engine, "campaign_summary", ["as_of_date", "campaign_id"])
    same(actual, expected)
    # Worked example, the latest day: amb-a's x account as of 2026-11-12 (1,500; the
    # count dated after the day is ignored) and LinkedIn (300), amb-b 70, inf-x 260,000.
    on_latest = actual[actual["as_of_date"] == pd.Timestamp(LATEST)]
    assert on_latest["follower_reach"].tolist() == [261_870, 261_870]
    assert set(on_latest["campaign_name"]) == {"Campaign one", "Campaign two"}
