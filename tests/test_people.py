"""Attribution: only consenting people's rows go on, newest copies win, privacy holds."""

from __future__ import annotations

import pandas as pd

from virage.schemas.fields import POSTS
from virage.tasks.people import WITHHELD, latest_copies, prepare_posts, withhold_private

HANDLES = pd.DataFrame(
    {
        "platform": ["x", "x", "x", "x"],
        "handle": ["ana", "ben", "cy", "dup"],
        "person_id": ["p1", "p2", "p3", "p4"],
        "status": ["scored", "no_consent", "invalid_row", "shared_handle"],
    }
)


def clean_posts(*rows: dict) -> pd.DataFrame:
    base = {
        "platform": "x",
        "posted_at": pd.Timestamp("2026-11-01", tz="UTC"),
        "text": "hi",
        "url": None,
        "impressions": None,
        "likes": 1,
        "comments": 0,
        "shares": 0,
        "clicks": None,
        "source_file": "exports/a.posts.csv",
        "source_sha256": "0" * 64,
        "observed_at": pd.Timestamp(1, unit="s", tz="UTC"),
        "row_number": 1,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def test_only_scored_people_are_kept_and_the_rest_is_counted_by_reason():
    posts = clean_posts(
        {"handle": "ana", "post_id": "1"},
        {"handle": "ben", "post_id": "2"},
        {"handle": "cy", "post_id": "3"},
        {"handle": "dup", "post_id": "4"},
        {"handle": "zed", "post_id": "5"},
        {"handle": "ben", "post_id": "6"},
    )
    result = prepare_posts(posts, HANDLES)
    assert result.frame["person_id"].tolist() == ["p1"]
    assert list(result.frame.columns) == POSTS.columns
    assert result.skipped == {
        "no_consent": 2,
        "invalid_row": 1,
        "shared_handle": 1,
        "unknown_handle": 1,
    }


def test_the_copy_from_the_newest_file_wins_then_the_later_path():
    posts = clean_posts(
        {
            "handle": "ana",
            "post_id": "1",
            "likes": 5,
            "observed_at": pd.Timestamp(2, unit="s", tz="UTC"),
            "source_file": "exports/a.posts.csv",
        },
        {
            "handle": "ana",
            "post_id": "1",
            "likes": 9,
            "observed_at": pd.Timestamp(1, unit="s", tz="UTC"),
            "source_file": "exports/z.posts.csv",
        },
        {"handle": "ana", "post_id": "2", "likes": 1, "source_file": "exports/a.posts.csv"},
        {"handle": "ana", "post_id": "2", "likes": 3, "source_file": "exports/b.posts.csv"},
    )
    latest = latest_copies(posts, ["platform", "post_id"]).set_index("post_id")["likes"]
    assert latest.to_dict() == {"1": 5, "2": 3}
    assert prepare_posts(posts, HANDLES).superseded == 2


def test_sponsored_from_text_markers_or_the_exports_flag():
    posts = clean_posts(
        {"handle": "ana", "post_id": "1", "text": "Super vélo #Partenariat"},
        {"handle": "ana", "post_id": "2", "text": "rien", "declared_sponsored": "TRUE"},
        {"handle": "ana", "post_id": "3", "text": "rien", "declared_sponsored": ""},
    )
    flags = prepare_posts(posts, HANDLES).frame.set_index("post_id")["is_sponsored"]
    assert flags.to_dict() == {"1": True, "2": True, "3": False}


def test_excerpts_are_withheld_unless_the_account_is_a_scored_persons():
    rejected = pd.DataFrame(
        {
            "platform": ["x", "x", "x"],
            "handle": ["ana", "ben", "zed"],
            "excerpt": ["x,ana,..", "x,ben,..", "x,zed,.."],
        }
    )
    kept = withhold_private(rejected, HANDLES)["excerpt"].tolist()
    assert kept == ["x,ana,..", WITHHELD, WITHHELD]
