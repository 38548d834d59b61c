"""Row rules: typed canonical rows out, each broken row quarantined with a reason."""

from __future__ import annotations

import pandas as pd

from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks.validate import canonicalise

GOOD = {
    "platform": "X",
    "handle": " @Ana ",
    "post_id": "1",
    "posted_at": "2026-11-01T10:00:00+01:00",
    "text": "bonjour",
    "url": "",
    "impressions": "",
    "likes": "5",
    "comments": "0",
    "shares": "1",
    "clicks": "",
}


def raw_posts(*changes: dict) -> pd.DataFrame:
    rows = [{**GOOD, "post_id": str(i), **change} for i, change in enumerate(changes, start=1)]
    frame = pd.DataFrame(rows, dtype="str")
    return frame.assign(row_number=range(1, len(rows) + 1), source_file="exports/p.posts.csv")


def test_good_rows_come_out_typed_and_normalised():
    checked = canonicalise(raw_posts({}, {"platform": "twitter", "impressions": "120"}), POSTS)
    assert checked.rejected.empty
    clean = checked.clean
    assert clean["platform"].tolist() == ["x", "x"]
    assert clean["handle"].tolist() == ["ana", "ana"]
    assert str(clean["likes"].dtype) == "Int64"
    assert clean.loc[0, "posted_at"] == pd.Timestamp("2026-11-01T09:00:00Z")
    assert clean["impressions"].isna().tolist() == [True, False]


def test_each_broken_row_is_quarantined_with_the_first_rule_it_breaks():
    checked = canonicalise(
        raw_posts(
            {},
            {"likes": "-5"},
            {"likes": "12.5"},
            {"comments": "many"},
            {"platform": "myspace"},
            {"handle": ""},
            {"posted_at": "2026-11-01 10:00"},
            {"posted_at": "31/10/2026"},
            {"post_id": ""},
            {"platform": "", "likes": "-1"},
            {"likes": "1e30"},
            {"posted_at": "2026-06-20"},
        ),
        POSTS,
    )
    assert len(checked.clean) == 1
    rejected = checked.rejected.set_index("row_number")
    assert rejected["rule"].to_dict() == {
        2: "bad_count",
        3: "bad_count",
        4: "bad_count",
        5: "unknown_platform",
        6: "missing_value",
        7: "bad_timestamp",
        8: "bad_timestamp",
        9: "missing_value",
        10: "missing_value",
        11: "bad_count",
        12: "bad_timestamp",
    }
    assert rejected.loc[2, "detail"] == (
        "likes is '-5'; counts must be whole numbers between 0 and 1000000000000000"
    )
    assert "expected one of x, linkedin, instagram, tiktok" in rejected.loc[5, "detail"]
    assert "UTC offset" in rejected.loc[7, "detail"]
    assert rejected.loc[6, "detail"].startswith("handle is empty")
    assert rejected.loc[2, "excerpt"].startswith("X, @Ana ,2,")
    assert (rejected["source_file"] == "exports/p.posts.csv").all()


def test_accounts_rules():
    raw = pd.DataFrame(
        {
            "platform": ["x", "x", "x"],
            "handle": ["a", "a", "a"],
            "snapshot_date": ["2026-11-01", "2026-13-01", "2026-11-02"],
            "followers": ["100", "100", "lots"],
        },
        dtype="str",
    )
    raw = raw.assign(row_number=[1, 2, 3], source_file="f.accounts.csv")
    checked = canonicalise(raw, ACCOUNTS)
    assert checked.clean["snapshot_date"].tolist() == [pd.Timestamp("2026-11-01")]
    assert checked.rejected["rule"].tolist() == ["bad_date", "bad_count"]


def test_checks_without_their_clean_or_typed_rows_keep_the_rest(tmp_path):
    from tests.test_ingest import HEADER, write
    from virage.tasks.ingest import discover_exports, parse_exports
    from virage.tasks.validate import check_exports

    rows = "x,a,1,2026-11-01T10:00:00Z,hi,,,1,0,0,\nx,a,2,not a time,hi,,,1,0,0,\n"
    write(tmp_path / "exports" / "p.posts.csv", HEADER + "\n" + rows)
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    checked = check_exports(parsed.frames, pd.Timestamp("2026-11-02").date(), 1.0)
    lean = checked.without_rows("clean")
    assert len(checked.posts.clean) == 1 and lean.posts.clean.empty
    assert list(lean.posts.clean.columns) == list(checked.posts.clean.columns)
    assert lean.posts.rejected.equals(checked.posts.rejected) and len(lean.posts.rejected) == 1
    assert lean.posts.typed.equals(checked.posts.typed) and len(lean.posts.typed) == 2
    assert lean.held_files.equals(checked.held_files)
    leaner = lean.without_rows("typed")
    assert leaner.posts.typed.empty and leaner.accounts.typed.empty
    assert list(leaner.posts.typed.columns) == list(checked.posts.typed.columns)
    assert leaner.posts.rejected.equals(checked.posts.rejected)
