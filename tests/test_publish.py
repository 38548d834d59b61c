"""Publishing into a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import text

from tests.test_scoring import score_world
from tests.worlds import AS_OF, PERSONAS
from virage.leaderboard import read_leaderboard
from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks.ingest import LEDGER_COLUMNS
from virage.tasks.publish import AuditFailed, Night, fail_run, publish_night, start_run
from virage.tasks.summary import quarantine_records
from virage.warehouse import open_warehouse

COUNTS = {
    "files_seen": 1,
    "files_loaded": 1,
    "files_quarantined": 0,
    "rows_quarantined": 0,
    "rows_skipped": 0,
}


def some_posts(n: int = 3, likes: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": ["x"] * n,
            "handle": ["ana"] * n,
            "post_id": [str(i) for i in range(n)],
            "person_id": ["micro"] * n,
            "posted_at": pd.date_range("2026-11-01", periods=n, freq="h", tz="UTC"),
            "text": ["l'été ; DROP TABLE posts; --"] * n,
            "url": [None] * n,
            "impressions": [None] * n,
            "likes": [likes] * n,
            "comments": [0] * n,
            "shares": [0] * n,
            "clicks": [None] * n,
            "is_sponsored": [False] * n,
            "source_file": ["exports/a.posts.csv"] * n,
            "source_sha256": ["0" * 64] * n,
            "observed_at": [pd.Timestamp("2026-11-02", tz="UTC")] * n,
            "first_seen_at": [pd.Timestamp("2026-11-02", tz="UTC")] * n,
            "last_seen_at": [pd.Timestamp("2026-11-02", tz="UTC")] * n,
        }
    ).astype(POSTS.dtypes)


def no_accounts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ACCOUNTS.dtypes.items()})


def no_files() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in LEDGER_COLUMNS})


def no_quarantine() -> pd.DataFrame:
    return quarantine_records(pd.DataFrame(columns=["source_file", "rule", "detail"]))


def table(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(text(sql)).mappings().all())


def publish(engine, run_id, scores, posts, quarantined=None, as_of=AS_OF, kept=None):
    """Publish with every scored person kept unless `kept` (person ids) says otherwise."""
    kept_ids = sorted(scores["person_id"].unique()) if kept is None else kept
    start_run(engine, run_id, as_of)
    quarantined = no_quarantine() if quarantined is None else quarantined
    night = Night(posts, no_accounts(), scores, quarantined, no_files())
    return publish_night(engine, run_id, as_of, night, kept_ids, COUNTS)


def publish_world(world, url: str) -> None:
    """Score the world and publish it into the warehouse at `url`."""
    publish(open_warehouse(url), "world", score_world(world), some_posts())


def test_publish_round_trips_and_reruns_replace_the_day(warehouse, world):
    engine = open_warehouse(warehouse)
    scores = score_world(world)
    first = publish(engine, "run-1", scores, some_posts())
    assert first["scores_published"] == len(scores)
    board = read_leaderboard(engine)
    assert len(board) == len(scores)
    assert set(board["run_id"]) == {"run-1"}
    assert board["as_of_date"].iloc[0] == AS_OF
    stored = table(engine, "SELECT text, posted_at FROM posts ORDER BY post_id")
    assert stored["text"].iloc[0] == "l'été ; DROP TABLE posts; --"

    publish(engine, "run-2", scores, some_posts(likes=9))
    again = read_leaderboard(engine)
    assert len(again) == len(scores)
    assert set(again["run_id"]) == {"run-2"}
    pd.testing.assert_frame_equal(board.drop(columns="run_id"), again.drop(columns="run_id"))
    posts = table(engine, "SELECT likes FROM posts")
    assert posts["likes"].tolist() == [9, 9, 9]  # newer metrics replaced the old copies
    runs = table(engine, "SELECT run_id, status, rows_loaded FROM pipeline_runs ORDER BY run_id")
    assert runs.to_dict("list") == {
        "run_id": ["run-1", "run-2"],
        "status": ["completed", "completed"],
        "rows_loaded": [3, 3],
    }


def test_another_day_adds_history_and_the_view_shows_the_latest(warehouse, world):
    engine = open_warehouse(warehouse)
    publish(engine, "day-1", score_world(world), some_posts())
    later = AS_OF.replace(day=AS_OF.day + 1)
    publish(engine, "day-2", score_world(world, later), some_posts(), as_of=later)
    days = table(
        engine,
        "SELECT as_of_date, COUNT(*) AS n FROM influence_scores "
        "GROUP BY as_of_date ORDER BY as_of_date",
    )
    assert len(days) == 2 and days["n"].nunique() == 1
    assert set(read_leaderboard(engine)["as_of_date"]) == {later}
    current = table(engine, "SELECT COUNT(*) AS n FROM current_influence_scores")
    assert current["n"].iloc[0] == days["n"].iloc[0]


def publish_a_night_without_micro(warehouse, world, kept=None):
    """Publish the world, then a next day whose scores no longer include micro; the
    engine, the second night's counts and its scores."""
    engine = open_warehouse(warehouse)
    scores = score_world(world)
    publish(engine, "before", scores, some_posts())
    later = AS_OF.replace(day=AS_OF.day + 1)
    without_micro = scores[scores["person_id"] != "micro"].assign(as_of_date=pd.Timestamp(later))
    return (
        engine,
        publish(engine, "after", without_micro, some_posts(0), as_of=later, kept=kept),
        without_micro,
    )


def test_people_no_longer_kept_are_purged_from_every_day(warehouse, world):
    engine, counts, _ = publish_a_night_without_micro(warehouse, world)
    assert counts["posts_purged"] == 3
    assert counts["scores_purged"] == 2  # micro's rows of the earlier day, both campaigns
    left = table(engine, "SELECT DISTINCT person_id FROM influence_scores")
    assert "micro" not in set(left["person_id"])
    assert table(engine, "SELECT COUNT(*) AS n FROM posts")["n"].iloc[0] == 0


def test_people_kept_but_not_scored_keep_their_history(warehouse, world):
    everyone = sorted(p["person_id"] for p in PERSONAS if p["consent"])
    engine, counts, without_micro = publish_a_night_without_micro(warehouse, world, everyone)
    assert counts.pop("load_seconds") >= 0
    assert counts == {
        "posts_written": 0,
        "snapshots_written": 0,
        "files_recorded": 0,
        "scores_published": len(without_micro),
        "scores_staged": len(without_micro),
        "previous_day_scores": 10,  # both campaigns' five people the day before
        "posts_purged": 0,
        "snapshots_purged": 0,
        "scores_purged": 0,
        "people_removed": 0,
    }
    assert table(engine, "SELECT COUNT(*) AS n FROM posts")["n"].iloc[0] == 3


def test_a_failed_publish_leaves_the_published_night_untouched(warehouse, world):
    engine = open_warehouse(warehouse)
    scores = score_world(world)
    publish(engine, "good", scores, some_posts())
    before = read_leaderboard(engine)
    posts_before = table(engine, "SELECT * FROM posts ORDER BY post_id")
    duplicated = pd.concat([scores, scores.head(1)])  # two rows for one key
    with pytest.raises(AuditFailed, match=r"1 .* key"):
        publish(engine, "bad", duplicated, some_posts(likes=99))
    staged = table(engine, "SELECT run_id FROM staged_influence_scores")
    assert staged["run_id"].tolist() == ["bad"] * len(duplicated)  # kept to inspect
    pd.testing.assert_frame_equal(read_leaderboard(engine), before)
    pd.testing.assert_frame_equal(
        table(engine, "SELECT * FROM posts ORDER BY post_id"), posts_before
    )
    status = table(engine, "SELECT status FROM pipeline_runs WHERE run_id = 'bad'")
    assert status["status"].tolist() == ["running"]  # the flow then marks it failed
    # Nothing of the failed attempt lingers on the pooled connection: the next works.
    assert publish(engine, "next", scores, some_posts(likes=7))["posts_written"] == 3


def test_a_failed_run_is_recorded_as_failed_with_its_error(warehouse):
    engine = open_warehouse(warehouse)
    start_run(engine, "doomed", AS_OF)
    fail_run(engine, "doomed", "ValueError: boom")
    run = table(engine, "SELECT status, finished_at, summary FROM pipeline_runs")
    assert run["status"].tolist() == ["failed"]
    assert run["finished_at"].notna().all()
    assert json.loads(run["summary"].iloc[0]) == {"error": "ValueError: boom"}


def test_quarantine_records_are_stamped_and_stored(warehouse, world):
    engine = open_warehouse(warehouse)
    files = pd.DataFrame(
        {
            "source_file": ["exports/x.bin"],
            "rule": ["unrecognised_file"],
            "detail": ["not a recognised export"],
        }
    )
    rows = pd.DataFrame(
        {
            "source_file": ["exports/a.posts.csv"],
            "row_number": [7],
            "rule": ["bad_count"],
            "detail": ["likes is '-5'"],
            "excerpt": ["x,a,1"],
        }
    )
    publish(engine, "q", score_world(world), some_posts(), quarantine_records(files, rows))
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT run_id, source_file, row_number, rule, detail "
                "FROM quarantine ORDER BY source_file"
            )
        ).all()
    assert [tuple(r) for r in stored] == [
        ("q", "exports/a.posts.csv", 7, "bad_count", "likes is '-5'"),
        ("q", "exports/x.bin", None, "unrecognised_file", "not a recognised export"),
    ]


def test_only_posts_whose_values_change_are_rewritten(warehouse, world):
    engine = open_warehouse(warehouse)
    scores = score_world(world)
    assert publish(engine, "first", scores, some_posts())["posts_written"] == 3
    assert publish(engine, "same", scores, some_posts())["posts_written"] == 0
    seen_again = some_posts().assign(
        observed_at=pd.Timestamp("2026-11-05", tz="UTC"),
        first_seen_at=pd.Timestamp("2026-11-05", tz="UTC"),
        last_seen_at=pd.Timestamp("2026-11-05", tz="UTC"),
    )
    seen_again.loc[0, "likes"] = 42
    assert publish(engine, "later", scores, seen_again)["posts_written"] == 3
    stored = table(engine, "SELECT likes, first_seen_at, last_seen_at FROM posts ORDER BY post_id")
    assert stored["likes"].tolist() == [42, 5, 5]
    # First seen in the export of the 2nd, last seen in the one of the 5th.
    first = pd.to_datetime(stored["first_seen_at"], utc=True, format="ISO8601")
    last = pd.to_datetime(stored["last_seen_at"], utc=True, format="ISO8601")
    assert set(first) == {pd.Timestamp("2026-11-02", tz="UTC")}
    assert set(last) == {pd.Timestamp("2026-11-05", tz="UTC")}

    # An older export arriving late moves first_seen_at back, and only that.
    older = some_posts(likes=1).assign(
        observed_at=pd.Timestamp("2026-11-01", tz="UTC"),
        first_seen_at=pd.Timestamp("2026-11-01", tz="UTC"),
        last_seen_at=pd.Timestamp("2026-11-01", tz="UTC"),
    )
    assert publish(engine, "late", scores, older)["posts_written"] == 3
    stored = table(engine, "SELECT likes, first_seen_at, last_seen_at FROM posts ORDER BY post_id")
    assert stored["likes"].tolist() == [42, 5, 5]
    first = pd.to_datetime(stored["first_seen_at"], utc=True, format="ISO8601")
    last = pd.to_datetime(stored["last_seen_at"], utc=True, format="ISO8601")
    assert set(first) == {pd.Timestamp("2026-11-01", tz="UTC")}
    assert set(last) == {pd.Timestamp("2026-11-05", tz="UTC")}


def test_a_run_that_died_is_marked_failed_by_the_next_one(warehouse):
    engine = open_warehouse(warehouse)
    start_run(engine, "died", AS_OF)  # killed before it could record anything else
    start_run(engine, "next", AS_OF)
    runs = table(engine, "SELECT run_id, status, summary FROM pipeline_runs ORDER BY run_id")
    assert runs["status"].tolist() == ["failed", "running"]
    assert "interrupted" in json.loads(runs["summary"].iloc[0])["error"]


def test_the_audit_refuses_a_day_that_loses_most_of_its_scores(warehouse, world):
    engine = open_warehouse(warehouse)
    scores = score_world(world)
    publish(engine, "full", scores, some_posts())
    later = AS_OF.replace(day=AS_OF.day + 1)
    few = scores.groupby("campaign_id").head(1).assign(as_of_date=pd.Timestamp(later))
    everyone = sorted(scores["person_id"].unique())
    with pytest.raises(
        AuditFailed, match=f"{len(few)} scores staged for {later} against {len(scores)}"
    ):
        publish(engine, "truncated", few, some_posts(), as_of=later, kept=everyone)
    published = table(engine, "SELECT DISTINCT as_of_date FROM influence_scores")
    assert len(published) == 1  # the day before only
