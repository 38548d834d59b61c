"""Attribution: only consenting people's rows go on, newest copies win, privacy holds."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from virage.schemas.fields import POSTS
from virage.tasks.people import (
    WITHHELD,
    latest_copies,
    prepare_posts,
    with_stored,
    withhold_private,
)

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


def _overlaid_by_sorting(tonight, stored, key, handles):
    """with_stored's rule written the slow, obvious way: stored rows of claimed
    accounts, then tonight's, sorted by observation (unknown first), the last copy of
    each key kept."""
    claims = handles.loc[handles["status"] == "scored", ["platform", "handle", "person_id"]]
    stored = stored.merge(claims.drop_duplicates(), on=["platform", "handle", "person_id"])
    both = pd.concat([stored[tonight.columns], tonight], ignore_index=True)
    ordered = both.sort_values("observed_at", kind="stable", na_position="first")
    return ordered.drop_duplicates(key, keep="last")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_tonights_rows_overlay_the_stored_ones_as_sorting_by_observation_would(data):
    posts = st.integers(0, 7)
    times = st.one_of(st.none(), st.integers(0, 3))
    draw_rows = lambda unique: st.lists(  # noqa: E731
        st.tuples(posts, st.sampled_from(["a", "b", "c"]), times),
        max_size=12,
        unique_by=(lambda row: row[0]) if unique else None,
    )

    def frame(rows):
        return pd.DataFrame(
            {
                "platform": "x",
                "post_id": [f"p{post}" for post, _, _ in rows],
                "handle": [handle for _, handle, _ in rows],
                "person_id": [f"person-{handle}" for _, handle, _ in rows],
                "observed_at": pd.to_datetime(
                    [None if t is None else f"2026-11-2{t}" for _, _, t in rows], utc=True
                ),
                "posted_at": pd.to_datetime(
                    [f"2026-10-0{1 + post % 5}" for post, _, _ in rows], utc=True
                ),
                "likes": pd.array(range(len(rows)), dtype="Int64"),
            }
        )

    stored = frame(data.draw(draw_rows(unique=True)))
    tonight = frame(data.draw(draw_rows(unique=data.draw(st.booleans()))))
    tonight["likes"] += 100  # which copy won shows
    handles = pd.DataFrame(
        {
            "platform": "x",
            "handle": ["a", "b", "c"],
            "person_id": ["person-a", "person-b", "person-other"],  # c moved on
            "status": ["scored", "scored", "scored"],
        }
    )
    key = ["platform", "post_id"]
    within = data.draw(st.sampled_from([None, ("2026-10-02", "2026-10-04")]))
    if within:
        within = tuple(pd.Timestamp(day, tz="UTC") for day in within)

    got = with_stored(tonight, stored, key, handles, within)
    expected = _overlaid_by_sorting(tonight, stored, key, handles)
    if within:  # the rows that win, then those posted within
        expected = expected[
            (expected["posted_at"] >= within[0]) & (expected["posted_at"] < within[1])
        ]

    def by_key(f):
        return f.sort_values(key).reset_index(drop=True)

    assert not got.duplicated(key).any()
    pd.testing.assert_frame_equal(by_key(got), by_key(expected))
