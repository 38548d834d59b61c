"""Event campaigns: configuration, coverage per person, the daily summary, the flow.

Expected values come from the generated event's truth (tests/event_world.py), never
from virage's own output; the worked example of docs/scoring.md is pinned.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from sqlalchemy import text

from tests.event_world import (
    AS_OF,
    CAMPAIGN_START,
    EVENT,
    EVENT_FIELDS,
    EVENT_START,
    TOPIC,
    TOPIC_FIELDS,
    generate_event_world,
)
from virage.errors import ConfigError
from virage.landing_writer import write_landing
from virage.schemas.fields import EVENT_SUMMARY
from virage.tasks.events import (
    coverage_parts,
    event_coverage,
    event_posts,
    event_summaries,
    replace_event_summary,
)
from virage.tasks.landing import Campaign, read_campaigns
from virage.tasks.scoring import DEFAULT_WEIGHTS, EVENT_WEIGHTS, combine, score_campaigns
from virage.tasks.scoring import window_posts as scoring_window
from virage.tasks.text import fold_series
from virage.warehouse import make_engine, open_warehouse

SEEDS = (2026, 1, 2)


@pytest.fixture(scope="module", params=SEEDS)
def world(request):
    return generate_event_world(request.param)


def covering_truth(world) -> pd.DataFrame:
    """The truth's covering posts of consenting people inside the campaign period."""
    truth = world.truth
    consenting = truth["person_id"].isin(world.people["person_id"])
    period = (truth["posted_at"] >= CAMPAIGN_START) & (
        truth["posted_at"] < pd.Timestamp(AS_OF + dt.timedelta(days=1), tz="UTC")
    )
    return truth[truth["covers"] & consenting & period]


def window_of(world) -> pd.DataFrame:
    return scoring_window(world.posts, world.accounts, world.as_of)


# --- campaigns.yaml ------------------------------------------------------------------


def write_campaigns(tmp_path, *campaigns: dict):
    path = tmp_path / "campaigns.yaml"
    path.write_text(yaml.safe_dump({"campaigns": list(campaigns)}), encoding="utf-8")
    return path


def test_an_event_campaign_reads_dates_times_and_its_time_zone(tmp_path):
    days = {**EVENT_FIELDS, "event_start": "2026-06-18", "event_end": "2026-06-19"}
    offset = {**EVENT_FIELDS, "id": "offset", "event_start": "2026-06-18T09:00:00+02:00"}
    offset |= {"event_end": "2026-06-18T18:00:00+02:00"}
    read = read_campaigns(write_campaigns(tmp_path, days, offset, TOPIC_FIELDS))
    # Dates are whole days in the event's zone (Paris is UTC+2 in June), the end included.
    assert read[0].event_period() == (
        pd.Timestamp("2026-06-17 22:00", tz="UTC"),
        pd.Timestamp("2026-06-19 22:00", tz="UTC"),
    )
    # A time with an offset is taken as written; the same instants as the Paris times.
    assert read[1].event_period() == EVENT.event_period()
    assert pd.Timestamp("2026-06-18 07:00", tz="UTC") == EVENT_START
    assert (read[0].is_event, read[2].is_event, read[2].kind) == (True, False, "topic")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_end": "2026-06-17"}, "event_end 2026-06-17 is before event_start"),
        ({"event_start": None}, "an event needs event_start and event_end"),
        ({"hashtags": [], "brand_handles": []}, "needs hashtags or brand handles/domains"),
        ({"event_timezone": "Europe/Lyon"}, "unknown time zone 'Europe/Lyon'"),
        ({"kind": "topic"}, "event_start, event_end, event_timezone need kind: event"),
        ({"kind": "festival"}, "kind: Input should be 'topic' or 'event'"),
        ({"end": "2026-06-10"}, "the event lies outside the campaign's start and end"),
        ({"event_start": "2026-06-31"}, "event_start: Value error"),
    ],
)
def test_a_bad_event_is_a_config_error_on_one_line(tmp_path, change, message):
    fields = {k: v for k, v in {**EVENT_FIELDS, **change}.items() if v is not None}
    with pytest.raises(ConfigError) as raised:
        read_campaigns(write_campaigns(tmp_path, fields))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


# --- coverage per person -------------------------------------------------------------


def test_the_posts_covering_the_event_are_exactly_the_true_ones(world):
    found = event_posts(window_of(world), EVENT, AS_OF)
    truth = covering_truth(world).set_index("post_id")
    # Noise (the word "summit", the event named without its markers, a look-alike
    # hashtag) and the hashtag before the campaign's first day do not count.
    assert set(found["post_id"]) == set(truth.index)
    phases = found.set_index("post_id")["phase"]
    assert (phases == truth["phase"].reindex(phases.index)).all()


def test_coverage_terms_follow_the_posts_of_the_truth(world):
    parts = coverage_parts(window_of(world), EVENT, AS_OF)
    truth = covering_truth(world)
    per_person = truth.groupby("person_id")
    assert set(parts.index) == set(per_person.groups)
    volume = 1 - np.exp(-per_person.size() / 3)
    reach = np.log10(1 + per_person["audience"].sum()) / np.log10(1_000_000)
    engagement = np.log10(1 + per_person["engagement"].sum()) / np.log10(10_000)
    weights = {"before": 0.25, "during": 0.5, "after": 0.25}
    phases = per_person["phase"].agg(lambda p: sum(weights[x] for x in set(p)))
    place = per_person["posted_at"].min().rank(method="min")
    expected = pd.DataFrame(
        {
            "phases": phases,
            "volume": volume,
            "reach": reach.clip(0, 1),
            "engagement": engagement.clip(0, 1),
            "opening": 0.5 ** ((place - 1) / 2),
        }
    )
    pd.testing.assert_frame_equal(
        parts.sort_index(), expected.sort_index(), check_names=False, atol=1e-9
    )


def test_live_reporters_cover_more_than_the_day_after_and_silent_staff_not_at_all(world):
    scores = score_campaigns(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    summit = scores[scores["campaign_id"] == EVENT.id].set_index("person_id")
    summit["group"] = world.groups
    coverage = summit.groupby("group")["event_coverage"]
    assert coverage.min()[["opener", "live", "twin"]].min() > coverage.max()["late"]
    assert coverage.min()["staff_live"] > 0 and coverage.min()["staff_after"] > 0
    assert coverage.max()["staff_never"] == 0.0
    # Scores: reporters who covered it live outrank the day-after ones; every member of
    # staff who posted outranks every one who did not.
    rank = summit.groupby("group")["rank"]
    assert rank.max()[["opener", "live", "twin"]].max() < rank.min()["late"]
    assert rank.max()[["staff_live", "staff_after"]].max() < rank.min()["staff_never"]
    # The sponsored reporter's coverage equals their twin's, their score does not.
    twin, paid = summit.loc["twin-1"], summit.loc["sponsored-1"]
    assert twin["event_coverage"] == paid["event_coverage"]
    assert twin["score"] > paid["score"]
    assert "covered the event widely" in summit.loc["opener-1", "explanation"]
    assert "barely covered the event" in summit.loc["staff-never-1", "explanation"]
    # A topic campaign has no event coverage, and the event does not change its scores.
    velo = scores[scores["campaign_id"] == TOPIC.id]
    assert velo["event_coverage"].isna().all()
    alone = score_campaigns(world.posts, world.accounts, world.people, [TOPIC], AS_OF)
    pd.testing.assert_frame_equal(velo.reset_index(drop=True), alone)


def test_the_reporter_who_opens_the_conversation_is_first(world):
    parts = coverage_parts(window_of(world), EVENT, AS_OF)
    assert parts["opening"].idxmax() == "opener-1"
    assert (parts["opening"] == 1.0).sum() == 1


# --- the daily summary ---------------------------------------------------------------


def test_the_daily_summary_counts_what_the_truth_holds(world):
    summary = event_summaries(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    assert list(summary.columns) == EVENT_SUMMARY.columns
    assert set(summary["campaign_id"]) == {EVENT.id}
    days = pd.date_range(EVENT.start, AS_OF)
    assert summary["day"].tolist() == list(days)
    truth = covering_truth(world).assign(
        day=lambda t: t["posted_at"].dt.tz_localize(None).dt.floor("D")
    )
    ambassadors = set(world.people.loc[world.people["role"] == "ambassador", "person_id"])
    truth["ambassador"] = truth["person_id"].isin(ambassadors)
    by_day = truth.groupby("day")
    expected = pd.DataFrame(
        {
            "posts": by_day.size(),
            "people_posting": by_day["person_id"].nunique(),
            "ambassadors_posting": truth[truth["ambassador"]].groupby("day")["person_id"].nunique(),
            "reach": by_day["audience"].sum(),
            "engagement": by_day["engagement"].sum(),
            "sponsored_share": by_day["sponsored"].mean(),
        }
    ).reindex(days)
    got = summary.set_index("day")
    for column in ("posts", "people_posting", "ambassadors_posting", "reach", "engagement"):
        assert got[column].astype("float64").tolist() == expected[column].fillna(0).tolist()
    shared = expected["sponsored_share"]
    assert np.allclose(got["sponsored_share"], shared, equal_nan=True)
    share = expected["ambassadors_posting"].fillna(0) / len(ambassadors)
    assert np.allclose(got["ambassador_share"], share)
    assert got["first_time_posters"].sum() == truth["person_id"].nunique()
    # Phases: before the event's day, the day itself, after.
    event_day = pd.Timestamp("2026-06-18")
    assert (got.loc[got.index < event_day, "phase"] == "before").all()
    assert got.loc[event_day, "phase"] == "during"
    assert (got.loc[got.index > event_day, "phase"] == "after").all()


def test_the_participation_share_counts_consenting_ambassadors_only(world):
    summary = event_summaries(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    groups = world.groups
    consenting_staff = groups[groups.str.startswith("staff") & (groups != "staff_refused")]
    posted = consenting_staff.isin(["staff_live", "staff_after"]).sum()
    final = summary["ambassador_share_to_date"].iloc[-1]
    assert final == pytest.approx(posted / len(consenting_staff))
    assert summary["ambassador_share_to_date"].is_monotonic_increasing
    during = summary.set_index("day").loc[pd.Timestamp("2026-06-18"), "ambassador_share"]
    live = (consenting_staff == "staff_live").sum()
    assert during == pytest.approx(live / len(consenting_staff))


def test_an_event_out_of_the_window_or_not_started_summarises_nothing():
    world = generate_event_world(2026)
    early = AS_OF.replace(day=1)  # before the campaign's first day
    summary = event_summaries(world.posts, world.accounts, world.people, [EVENT], early)
    assert summary.empty and list(summary.columns) == EVENT_SUMMARY.columns
    assert event_summaries(world.posts, world.accounts, world.people, [TOPIC], AS_OF).empty


# --- the worked example of docs/scoring.md --------------------------------------------


def test_the_event_worked_example_of_the_docs_holds():
    """R reports live, S (staff) posts once during, L only posts the day after."""
    campaign = Campaign(
        id="launch",
        name="Launch",
        kind="event",
        hashtags=["#Launch26"],
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 30),
        event_start=dt.date(2026, 6, 18),
        event_end=dt.date(2026, 6, 18),
    )
    rows = [  # person, when, engagement, clicks, impressions, followers
        ("R", "2026-06-10 09:00", 300, None, None, 12_000),
        ("R", "2026-06-18 09:00", 700, None, None, 12_000),
        ("R", "2026-06-18 12:00", 600, None, None, 12_000),
        ("R", "2026-06-18 15:00", 500, None, None, 12_000),
        ("R", "2026-06-20 10:00", 300, None, None, 12_000),
        ("S", "2026-06-18 08:00", 45, 5, 1_500, 900),
        ("L", "2026-06-19 10:00", 900, None, None, 40_000),
        ("L", "2026-06-19 18:00", 600, None, None, 40_000),
    ]
    window = pd.DataFrame(
        rows, columns=["person_id", "posted_at", "engagement", "clicks", "impressions", "followers"]
    ).assign(
        posted_at=lambda f: pd.to_datetime(f["posted_at"], utc=True),
        folded=fold_series(pd.Series(["Live #Launch26"] * len(rows))),
    )
    coverage = event_coverage(window, campaign, AS_OF).round(2)
    assert coverage.to_dict() == {"L": 54.46, "R": 89.05, "S": 47.07}

    influencers = pd.DataFrame(
        {
            "reach": [58.27, 65.00],
            "resonance": [59.94, 55.00],
            "activity": [74.62, 70.00],
            "audience_quality": [100.0, 100.0],
            "advocacy": [np.nan] * 2,
            "event_coverage": [89.05, 54.46],
            "relevance": [68.76, 30.00],
            "credibility": [85.21, 100.0],
        },
        index=["R", "L"],
    )
    topic = {**DEFAULT_WEIGHTS["influencer"], "advocacy": 0.0}
    event = {**topic, **EVENT_WEIGHTS}
    assert combine(influencers, event).round(2).tolist() == [53.20, 26.69]
    assert combine(influencers.assign(event_coverage=np.nan), topic).round(2).tolist() == [
        46.51,
        29.73,
    ]
    staff = pd.DataFrame(
        {
            "reach": [43.99],
            "resonance": [53.49],
            "activity": [68.46],
            "audience_quality": [100.0],
            "advocacy": [30.00],
            "event_coverage": [47.07],
            "relevance": [25.00],
            "credibility": [100.0],
        }
    )
    weights = {**DEFAULT_WEIGHTS["ambassador"], **EVENT_WEIGHTS}
    assert combine(staff, weights).round(2).tolist() == [18.34]


# --- publishing and the nightly flow --------------------------------------------------


def test_replacing_the_days_rows_keeps_other_days_and_none_leaves_them(tmp_path):
    world = generate_event_world(2026)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = open_warehouse(url)
    days = [AS_OF - dt.timedelta(days=1), AS_OF]
    with engine.begin() as conn:
        for day in days:
            rows = event_summaries(world.posts, world.accounts, world.people, [EVENT], day)
            replace_event_summary(conn, f"run-{day}", day, rows)
        again = event_summaries(world.posts, world.accounts, world.people, [EVENT], AS_OF)
        written = replace_event_summary(conn, "rerun", AS_OF, again)
        assert replace_event_summary(conn, "rescore", AS_OF, None) == 0
        stored = pd.read_sql(text("SELECT as_of_date, run_id FROM event_summary"), conn)
    assert written == len(again)
    counts = stored.groupby(["as_of_date", "run_id"]).size().to_dict()
    assert counts == {
        (str(days[0]), f"run-{days[0]}"): len(again) - 1,
        (str(AS_OF), "rerun"): len(again),
    }


@pytest.mark.flow
def test_the_nightly_flow_fills_the_event_summary_and_scores_the_events_people(
    prefect_api_url, warehouse, tmp_path
):
    from virage.flows.nightly import nightly_scores

    world = generate_event_world(2026)
    landing = write_landing(
        tmp_path / "landing",
        world.roster,
        [EVENT_FIELDS, TOPIC_FIELDS],
        world.all_posts,
        world.all_accounts,
    )
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)

    with make_engine(warehouse).connect() as conn:
        daily = pd.read_sql(text("SELECT * FROM event_coverage_daily ORDER BY day"), conn)
        stored = pd.read_sql(text("SELECT * FROM event_summary"), conn)
        scores = pd.read_sql(
            text("SELECT campaign_id, person_id, event_coverage FROM current_influence_scores"),
            conn,
        )
    truth = covering_truth(world)
    assert len(stored) == len(daily) == (AS_OF - EVENT.start).days + 1
    assert daily["posts"].sum() == len(truth)
    assert daily["campaign_id"].eq(EVENT.id).all()
    staff = world.groups[world.groups.str.startswith("staff")]
    consenting = staff[staff != "staff_refused"]
    posted = consenting.isin(["staff_live", "staff_after"]).sum()
    assert daily["ambassador_share_to_date"].iloc[-1] == pytest.approx(posted / len(consenting))
    summit = scores[scores["campaign_id"] == EVENT.id].set_index("person_id")
    assert set(summit.index) == set(world.people["person_id"])  # not the one who refused
    covered = truth["person_id"].unique()
    assert (summit.loc[covered, "event_coverage"] > 0).all()
    silent = world.groups.index[world.groups == "staff_never"]
    assert (summit.loc[silent, "event_coverage"] == 0).all()
    assert scores.loc[scores["campaign_id"] == TOPIC.id, "event_coverage"].isna().all()


def test_great_expectations_checks_the_event_fields_of_campaigns_yaml():
    from types import SimpleNamespace

    from virage.schemas.expectations import campaigns_expectations
    from virage.tasks.gx_record import SuiteBatch, campaign_rows, record_checks

    # pydantic refuses these before a run; an object that skipped it shows the suite
    # still checks them.
    unmarked = SimpleNamespace(
        id="bare",
        name="Bare event",
        keywords=("launch",),
        hashtags=("#",),
        brand_handles=(" @ ",),
        brand_domains=(),
        start=None,
        end=None,
        is_event=True,
        event_period=lambda: (EVENT_START, EVENT_START - pd.Timedelta(hours=1)),
    )
    rows = campaign_rows([EVENT, TOPIC, unmarked])
    assert rows["kind"].tolist() == ["event", "topic", "event"]
    assert rows["event_markers"].tolist() == [2, 1, 0]
    assert rows["event_start"].iloc[0] == EVENT_START and pd.isna(rows["event_start"].iloc[1])
    batch = SuiteBatch("campaigns", rows, campaigns_expectations(), None, "campaigns.yaml")
    record = record_checks([batch], None, "campaigns")
    failed = {
        (e["expectation"], e["column"]): e["unexpected_count"]
        for e in record.expectations
        if not e["success"]
    }
    assert failed == {
        ("expect_column_values_to_be_between", "event_markers"): 1,
        ("expect_column_pair_values_a_to_be_greater_than_b", "event_end, event_start"): 1,
    }


def test_the_daily_view_keeps_each_events_latest_run(warehouse):
    world = generate_event_world(2026)
    other = Campaign.model_validate({**EVENT_FIELDS, "id": "summit-b", "end": "2026-06-29"})
    engine = open_warehouse(warehouse)
    earlier = AS_OF - dt.timedelta(days=1)
    with engine.begin() as conn:
        first = event_summaries(world.posts, world.accounts, world.people, [EVENT, other], earlier)
        replace_event_summary(conn, "first", earlier, first)
        # The later run no longer has summit-b (say, taken out of campaigns.yaml).
        latest = event_summaries(world.posts, world.accounts, world.people, [EVENT], AS_OF)
        replace_event_summary(conn, "latest", AS_OF, latest)
        daily = pd.read_sql(text("SELECT * FROM event_coverage_daily"), conn)
    daily["as_of_date"] = pd.to_datetime(daily["as_of_date"]).dt.date  # text in SQLite
    shown = daily.groupby("campaign_id")["as_of_date"].agg(["nunique", "max", "size"])
    assert shown.loc[EVENT.id].tolist() == [1, AS_OF, len(latest)]
    b_rows = (first["campaign_id"] == "summit-b").sum()
    assert shown.loc["summit-b"].tolist() == [1, earlier, b_rows]
    assert (
        daily["posts"].sum()
        == latest["posts"].sum() + first.loc[first["campaign_id"] == "summit-b", "posts"].sum()
    )


# --- the report's event page ----------------------------------------------------------


def test_the_reports_event_page_draws_the_timeline_in_chromium(tmp_path):
    from tests.test_report import open_in_browser
    from virage.schemas.fields import SCORES
    from virage.schemas.warehouse import influence_scores
    from virage.tasks.report import campaign_filename, event_filename, write_report
    from virage.warehouse import bulk_insert

    world = generate_event_world(2026)
    engine = open_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    scores = score_campaigns(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    summary = event_summaries(world.posts, world.accounts, world.people, world.campaigns, AS_OF)
    with engine.begin() as conn:
        bulk_insert(conn, influence_scores, scores.assign(run_id="r")[SCORES.columns])
        replace_event_summary(conn, "r", AS_OF, summary)
    written = write_report(engine, tmp_path / "report")
    names = [p.name for p in written]
    assert event_filename(EVENT.id) in names and event_filename(TOPIC.id) not in names
    assert campaign_filename(EVENT.id) in names

    dom = open_in_browser(tmp_path, tmp_path / "report" / event_filename(EVENT.id))
    assert dom.root.get("data-charts-checked") == "yes"
    timeline = dom.charts["event-timeline"]
    assert int(timeline["data-drawn-width"]) > 0 and int(timeline["data-drawn-height"]) > 0
    # Two lines (posts, people posting), each a path plus a dot per day of the period.
    days = (AS_OF - EVENT.start).days + 1
    assert int(timeline["data-drawn-series"]) == 2
    assert int(timeline["data-drawn-marks"]) == 2 * (1 + days)
    visible = "".join(dom.text)
    staff = world.groups[world.groups.str.startswith("staff") & (world.groups != "staff_refused")]
    took_part = staff.isin(["staff_live", "staff_after"]).mean()
    assert f"{took_part:.0%} of the consenting ambassadors" in visible
    assert f"{len(covering_truth(world))}" in visible  # posts covering it
    assert "2026-06-18" in visible and "during" in visible
