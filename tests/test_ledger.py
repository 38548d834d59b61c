"""Which files a night reads, given the ledger of earlier nights."""

from __future__ import annotations

import pandas as pd

from virage.schemas.fields import READERS_VERSION
from virage.tasks.ledger import replay_from_raw, select_unread


def files(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sha256", "source_file", "format"])


def ledger(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sha256", "source_path", "status", "readers_version"])


def test_only_settled_files_read_by_the_current_readers_are_skipped():
    tonight = files(
        ("a", "exports/a.posts.csv", "exchange_posts"),
        ("b", "exports/b.posts.csv", "exchange_posts"),
        ("c", "exports/c.posts.csv", "exchange_posts"),
        ("d", "exports/d.posts.csv", "exchange_posts"),
        ("e", "exports/moved/a.posts.csv", "exchange_posts"),
        ("", "exports/broken-link.posts.csv", "exchange_posts"),
    )
    before = ledger(
        ("a", "exports/a.posts.csv", "loaded", READERS_VERSION),
        ("b", "exports/b.posts.csv", "quarantined", READERS_VERSION),
        ("c", "exports/c.posts.csv", "loaded", READERS_VERSION - 1),
        ("d", "exports/d.posts.csv", "ignored", READERS_VERSION),
        ("a", "exports/elsewhere.posts.csv", "loaded", READERS_VERSION),
    )
    chosen = select_unread(tonight, before, read_all=False)["source_file"].tolist()
    assert chosen == [
        "exports/b.posts.csv",
        "exports/c.posts.csv",
        "exports/moved/a.posts.csv",
        "exports/broken-link.posts.csv",
    ]
    assert len(select_unread(tonight, before, read_all=True)) == len(tonight)


def test_a_new_follower_list_part_brings_its_siblings_along():
    tonight = files(
        ("p1", "exports/instagram/carol/followers_1.json", "instagram_followers"),
        ("p2new", "exports/instagram/carol/followers_2.json", "instagram_followers"),
        ("q1", "exports/instagram/dan/followers_1.json", "instagram_followers"),
        ("x", "exports/instagram/carol/posts_1.json", "instagram_posts"),
    )
    before = ledger(
        ("p1", "exports/instagram/carol/followers_1.json", "loaded", READERS_VERSION),
        ("p2", "exports/instagram/carol/followers_2.json", "loaded", READERS_VERSION),
        ("q1", "exports/instagram/dan/followers_1.json", "loaded", READERS_VERSION),
        ("x", "exports/instagram/carol/posts_1.json", "loaded", READERS_VERSION),
    )
    chosen = select_unread(tonight, before, read_all=False)["source_file"].tolist()
    assert chosen == [
        "exports/instagram/carol/followers_1.json",
        "exports/instagram/carol/followers_2.json",
    ]


def test_files_gone_from_the_landing_are_replayed_from_their_raw_copies(tmp_path):
    for sha in ("kept", "gone"):
        copy = tmp_path / sha[:2] / sha
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text("raw")
    when = pd.Timestamp("2026-11-01 06:00", tz="UTC")
    before = pd.DataFrame(
        [
            ("kept", "exports/a.posts.csv", 3, "exchange_posts", "loaded", READERS_VERSION, when),
            ("gone", "exports/b.posts.csv", 3, "exchange_posts", "loaded", READERS_VERSION, when),
            ("bad", "exports/c.posts.csv", 3, "exchange_posts", "quarantined", 2, when),
            ("lost", "exports/d.posts.csv", 3, "exchange_posts", "loaded", READERS_VERSION, when),
        ],
        columns=[
            "sha256",
            "source_path",
            "size",
            "format",
            "status",
            "readers_version",
            "observed_at",
        ],
    )
    tonight = files(("kept", "exports/a.posts.csv", "exchange_posts")).assign(
        path="exports/a.posts.csv", size=3, mtime=0.0
    )
    replayed = replay_from_raw(tonight, before, tmp_path)
    assert replayed["source_file"].tolist() == ["exports/a.posts.csv", "exports/b.posts.csv"]
    gone = replayed.iloc[1]
    assert gone["path"] == str(tmp_path / "go" / "gone")
    assert gone["mtime"] == when.timestamp()
