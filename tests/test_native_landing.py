"""The nightly flow on the platforms' own exports: the real samples, an X analytics CSV
and a TikTok export, read once into the ledger, and fetched over HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import text

from tests.conftest import SHARED_SAMPLES, skip_or_fail
from tests.test_fetch import send_file, serve
from virage.flows.nightly import nightly_scores
from virage.schemas.fields import ROSTER
from virage.tasks.ingest import raw_copy_path
from virage.warehouse import make_engine

pytestmark = pytest.mark.flow

AS_OF = dt.date(2026, 7, 1)
EXPORTED = pd.Timestamp("2026-06-30 12:00", tz="UTC").timestamp()

PEOPLE = [
    # person_id, role, platform, handle
    ("alice", "ambassador", "x", "alice"),
    ("bob", "influencer", "linkedin", "bob"),
    ("carol", "influencer", "instagram", "carol"),
    ("dave", "ambassador", "x", "dave"),
    ("erin", "influencer", "tiktok", "erin"),
]


def write_roster(root: Path, people: list[tuple[str, str, str, str]]) -> None:
    rows = [
        {"person_id": pid, "display_name": pid.title(), "role": role, "consent": "true", net: name}
        for pid, role, net, name in people
    ]
    pd.DataFrame(rows).reindex(columns=ROSTER.columns).to_csv(root / "roster.csv", index=False)


X_ANALYTICS = (
    '\ufeff"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements",'
    '"engagement rate","retweets","replies","likes","user profile clicks","url clicks"\n'
    '"2000000000000000001","https://twitter.com/Dave/status/2000000000000000001",'
    '"Our new LLM, ""fast"", ships today\nread more","2026-06-20 09:00 +0200","1200","40",'
    '"0.033","3","2","30","1","4"\n'
    '"2000000000000000002","https://twitter.com/Dave/status/2000000000000000002",'
    '"second","2026-06-21 10:30 +0000","800","10","0.0125","1","0","9","0","0"\n'
    '"2000000000000000003","https://twitter.com/Dave/status/2000000000000000003",'
    '"third","2026-06-22 23:59 -0500","50","1","0.02","0","0","1","0","0"\n'
)


def tiktok_export(videos: int = 3, first_id: int = 7300000000000000000) -> dict:
    return {
        "Profile": {"Profile Information": {"ProfileMap": {"userName": "Erin"}}},
        "Post": {
            "Posts": {
                "VideoList": [
                    {
                        "Date": f"2026-06-{10 + i:02d} 18:00:00",
                        "Link": f"https://www.tiktokv.com/share/video/{first_id + i}/",
                        "Likes": str(100 * (i + 1)),
                        "Title": f"video {i} about llm",
                        "ContentDisclosure": "Paid partnership" if i == 0 else "",
                    }
                    for i in range(videos)
                ]
            }
        },
        "Your Activity": {"Follower": {"FansList": [{"UserName": f"fan{i}"} for i in range(7)]}},
    }


def write_native_landing(root: Path) -> Path:
    """The real samples under exports/<platform>/<handle>/, an X analytics CSV and a
    TikTok export, all exported on 2026-06-30."""
    if not SHARED_SAMPLES.is_dir():
        skip_or_fail(f"the real export samples are not at {SHARED_SAMPLES}")
    exports = root / "exports"
    files = {
        exports / "x" / "alice" / "tweets.js": SHARED_SAMPLES / "x" / "tweets.js",
        exports / "linkedin" / "bob" / "Shares.csv": SHARED_SAMPLES / "linkedin" / "Shares.csv",
        exports / "instagram" / "carol" / "posts_1.json": (
            SHARED_SAMPLES / "instagram" / "posts_1.json"
        ),
    }
    for target, sample in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sample, target)
    analytics = exports / "x" / "dave" / "tweet_activity_metrics.csv"
    analytics.parent.mkdir(parents=True)
    analytics.write_text(X_ANALYTICS, encoding="utf-8")
    tiktok = exports / "tiktok" / "erin" / "user_data_tiktok.json"
    tiktok.parent.mkdir(parents=True)
    tiktok.write_text(json.dumps(tiktok_export()), encoding="utf-8")
    for path in exports.rglob("*"):
        os.utime(path, (EXPORTED, EXPORTED))
    write_roster(root, PEOPLE)
    (root / "campaigns.yaml").write_text(
        yaml.safe_dump({"campaigns": [{"id": "llm", "name": "LLM", "keywords": ["llm"]}]})
    )
    return root


def query(url: str, sql: str) -> pd.DataFrame:
    with make_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(text(sql)).mappings().all())


def table(url: str, name: str, order: str) -> pd.DataFrame:
    return query(url, f"SELECT * FROM {name} ORDER BY {order}").reset_index(drop=True)


def test_native_exports_give_exact_posts_and_are_read_once(prefect_api_url, warehouse, tmp_path):
    landing = write_native_landing(tmp_path / "landing")
    first = nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)
    assert first["files_loaded"] == 5
    assert first["files_quarantined"] == 0

    per_platform = query(
        warehouse, "SELECT platform, COUNT(*) AS n FROM posts GROUP BY platform"
    ).set_index("platform")["n"]
    # Shares.csv has 202 rows but 198 shares: LinkedIn repeats a share once per image.
    assert per_platform.to_dict() == {"x": 2 + 3, "linkedin": 198, "instagram": 4, "tiktok": 3}

    posts = table(warehouse, "posts", "platform, post_id").set_index("post_id")
    posted = pd.to_datetime(posts["posted_at"], utc=True)
    shared = posts.loc["urn:li:share:7345821826846990338"]
    assert shared["text"].startswith(
        "I'm off for a 10-day Vipassana meditation program.\n\n𝗪𝗛𝗔𝗧? A 10-day residential"
    )
    assert shared["text"].endswith("But I won't be replying.")
    assert posted["urn:li:share:7345821826846990338"] == pd.Timestamp("2025-07-01 14:33:22Z")
    assert pd.isna(shared["likes"])
    assert (posts.loc[posts["platform"] == "instagram", "text"] == "Un Taxi 🇨🇴").sum() == 1
    # "Thu Nov 22 17:10:25 +1000 2025" is 07:10:25 UTC; ids are text, digit for digit.
    assert posted["1994091455124787464"] == pd.Timestamp("2025-11-22 07:10:25Z")
    assert posts.loc["1994091455124787464", "text"].startswith("RT @AlexHormozi:")
    assert posts.loc["2000000000000000001", "text"] == 'Our new LLM, "fast", ships today\nread more'
    assert posted["2000000000000000001"] == pd.Timestamp("2026-06-20 07:00Z")
    assert posted["2000000000000000003"] == pd.Timestamp("2026-06-23 04:59Z")
    counts = posts.loc["2000000000000000001", ["handle", "likes", "comments", "shares"]]
    assert counts.tolist() == ["dave", 30, 2, 3]
    tiktok = posts[posts["platform"] == "tiktok"].sort_index()
    assert tiktok["likes"].tolist() == [100, 200, 300]
    assert tiktok["is_sponsored"].astype(bool).tolist() == [True, False, False]
    followers = query(warehouse, "SELECT platform, handle, snapshot_date, followers FROM accounts")
    assert followers[["platform", "handle", "followers"]].values.tolist() == [["tiktok", "erin", 7]]
    assert str(followers["snapshot_date"].iloc[0])[:10] == "2026-06-30"

    # Every post traces back to its file in the ledger and its copy in the raw zone.
    ledger = table(warehouse, "ingested_files", "sha256")
    assert len(ledger) == 5
    assert set(ledger["status"]) == {"loaded"}
    assert set(ledger["first_seen_run_id"]) == {first["run_id"]}
    assert set(posts["source_sha256"]) <= set(ledger["sha256"])
    raw = Path(first["raw_zone"])
    for sha, source in ledger[["sha256", "source_path"]].itertuples(index=False):
        assert raw_copy_path(raw, sha).read_bytes() == (landing / source).read_bytes()

    before = {name: table(warehouse, name, "1, 2") for name in ("posts", "accounts")}
    scores_before = table(warehouse, "influence_scores", "campaign_id, person_id")
    second = nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)
    assert second["files_already_ingested"] == 5
    assert second["files_loaded"] == 0
    assert second["posts_written"] == 0
    pd.testing.assert_frame_equal(table(warehouse, "ingested_files", "sha256"), ledger)
    for name, rows in before.items():
        pd.testing.assert_frame_equal(table(warehouse, name, "1, 2"), rows)
    # Scoring the second night from the warehouse gives the same scores.
    scores = table(warehouse, "influence_scores", "campaign_id, person_id")
    assert set(scores["run_id"]) == {second["run_id"]}
    pd.testing.assert_frame_equal(
        scores.drop(columns="run_id"), scores_before.drop(columns="run_id")
    )
    assert len(scores) == len(PEOPLE)
    assert (scores.set_index("person_id").loc["erin", "relevance"]) > 0


def test_a_newcomer_gets_the_posts_of_files_read_before_they_joined(prefect_api_url, tmp_path):
    landing = write_native_landing(tmp_path / "landing")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    frank = landing / "exports" / "tiktok" / "frank" / "user_data.json"
    frank.parent.mkdir(parents=True)
    older_layout = {
        "Video": {
            "Videos": {
                "VideoList": tiktok_export(2, 7400000000000000000)["Post"]["Posts"]["VideoList"]
            }
        },
        "Activity": {"Follower List": {"FansList": [{"UserName": "a"}]}},
    }
    frank.write_text(json.dumps(older_layout), encoding="utf-8")
    first = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert first["skipped_by_reason"] == {"unknown_handle": 2}
    assert query(url, "SELECT COUNT(*) AS n FROM posts WHERE handle = 'frank'")["n"][0] == 0

    write_roster(landing, [*PEOPLE, ("frank", "influencer", "tiktok", "frank")])
    second = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert second["reingest_reason"] == "the roster's scored accounts changed"
    assert second["files_already_ingested"] == 0
    frank_posts = query(url, "SELECT person_id, post_id FROM posts WHERE handle = 'frank'")
    assert sorted(frank_posts["post_id"]) == ["7400000000000000000", "7400000000000000001"]
    assert set(frank_posts["person_id"]) == {"frank"}

    third = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert third["reingest_reason"] is None
    assert third["files_already_ingested"] == 6


def test_sources_are_fetched_and_a_failing_one_does_not_stop_the_run(prefect_api_url, tmp_path):
    landing = write_native_landing(tmp_path / "landing")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    write_roster(landing, [*PEOPLE, ("gus", "influencer", "tiktok", "gus")])
    body = json.dumps({**tiktok_export(2, 7500000000000000000), "Profile": {}}).encode()
    with serve() as server:
        server.routes["/gus.json"] = send_file(body)
        (landing / "sources.yaml").write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "name": "gus-tiktok",
                            "url": server.url("/gus.json"),
                            "path": "tiktok/gus/user_data_tiktok.json",
                        },
                        {
                            "name": "gone",
                            "url": server.url("/gone.json"),
                            "path": "tiktok/gone/user_data_tiktok.json",
                        },
                    ]
                }
            )
        )
        summary = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
        again = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    statuses = {s["name"]: s["status"] for s in summary["sources"]}
    assert statuses == {"gus-tiktok": "downloaded", "gone": "failed"}
    assert summary["sources_failed"] == 1
    assert "404" in next(s["detail"] for s in summary["sources"] if s["name"] == "gone")
    gus = query(url, "SELECT post_id FROM posts WHERE handle = 'gus'")
    assert len(gus) == 2
    # The second night asks conditionally and reads nothing new.
    assert {s["name"]: s["status"] for s in again["sources"]}["gus-tiktok"] == "not_modified"
    assert server.hits["/gus.json"] == 2
    assert again["files_loaded"] == 0


def test_a_handle_given_to_someone_without_consent_takes_its_stored_posts_along(
    prefect_api_url, tmp_path
):
    landing = write_native_landing(tmp_path / "landing")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert query(url, "SELECT COUNT(*) AS n FROM posts WHERE person_id = 'dave'")["n"][0] == 3

    # The roster is corrected: @dave was never Dave's but Eve's, who did not consent.
    moved = [(p, r, n, "dave_real" if p == "dave" else h) for p, r, n, h in PEOPLE]
    write_roster(landing, moved)
    with (landing / "roster.csv").open("a", encoding="utf-8") as roster:
        roster.write("eve,Eve,influencer,false,,dave,,,\n")
    summary = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert summary["posts_purged"] == 3
    assert query(url, "SELECT COUNT(*) AS n FROM posts WHERE handle = 'dave'")["n"][0] == 0
    dave = query(url, "SELECT posts_considered FROM influence_scores WHERE person_id = 'dave'")
    assert dave["posts_considered"].tolist() == [0]


def test_a_newcomer_gets_posts_from_exports_only_the_raw_zone_still_holds(
    prefect_api_url, tmp_path
):
    landing = write_native_landing(tmp_path / "landing")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    frank = landing / "exports" / "tiktok" / "frank" / "user_data_tiktok.json"
    frank.parent.mkdir(parents=True)
    export = {**tiktok_export(2, 7600000000000000000), "Profile": {}}
    frank.write_text(json.dumps(export), encoding="utf-8")
    os.utime(frank, (EXPORTED, EXPORTED))
    nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    frank.unlink()  # the landing zone was cleaned after the night

    write_roster(landing, [*PEOPLE, ("frank", "influencer", "tiktok", "frank")])
    second = nightly_scores(landing=str(landing), warehouse_url=url, as_of=AS_OF)
    assert second["reingest_reason"] == "the roster's scored accounts changed"
    found = query(url, "SELECT post_id, source_file, observed_at FROM posts WHERE handle = 'frank'")
    assert sorted(found["post_id"]) == ["7600000000000000000", "7600000000000000001"]
    assert set(found["source_file"]) == {"exports/tiktok/frank/user_data_tiktok.json"}
    assert pd.to_datetime(found["observed_at"], utc=True).iloc[0] == pd.Timestamp(
        EXPORTED, unit="s", tz="UTC"
    )
