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
    assert lean.posts.set_aside.equals(checked.posts.set_aside)
    assert len(checked.posts.typed_rows()) == 2 and checked.posts.rows_checked == 2
    assert lean.held_files.equals(checked.held_files)
    leaner = lean.without_rows("set_aside")
    assert leaner.posts.set_aside.empty and leaner.accounts.set_aside.empty
    assert list(leaner.posts.set_aside.columns) == list(checked.posts.set_aside.columns)
    assert leaner.posts.rejected.equals(checked.posts.rejected)


def test_every_row_is_typed_once_held_back_and_broken_ones_too(tmp_path):
    """What Great Expectations records: clean rows, broken rows and the good rows of a
    file held back whole, each once, typed."""
    from tests.test_ingest import HEADER, write
    from virage.tasks.ingest import discover_exports, parse_exports
    from virage.tasks.validate import check_exports

    good = "x,a,1,2026-11-01T10:00:00Z,hi,,,1,0,0,\nx,a,2,2026-11-01T11:00:00Z,yo,,,2,0,0,\n"
    mostly_bad = (
        "x,b,3,not a time,hi,,,1,0,0,\n"
        "x,b,4,never,hi,,,1,0,0,\n"
        "x,b,5,2026-11-01T09:00:00Z,ok,,,3,0,0,\n"
    )
    write(tmp_path / "exports" / "good.posts.csv", HEADER + "\n" + good)
    write(tmp_path / "exports" / "bad.posts.csv", HEADER + "\n" + mostly_bad)
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    checked = check_exports(parsed.frames, pd.Timestamp("2026-11-02").date(), 0.5)

    assert sorted(checked.posts.clean["post_id"]) == ["1", "2"]
    assert checked.held_files["source_file"].str.endswith("bad.posts.csv").all()
    typed = checked.posts.typed_rows()
    assert sorted(typed["post_id"]) == ["1", "2", "3", "4", "5"]
    assert checked.posts.rows_checked == len(parsed.frames["posts"]) == 5
    # Typed: the held-back file's good row keeps its time, the broken ones have none.
    times = typed.set_index("post_id")["posted_at"]
    assert times["5"] == pd.Timestamp("2026-11-01T09:00:00Z") and times[["3", "4"]].isna().all()
    assert list(checked.posts.typed_rows(["post_id", "likes"]).columns) == ["post_id", "likes"]


def test_per_file_columns_are_typed_per_category_and_bad_ones_row_by_row():
    """A categorical column is typed once per category; a category that breaks the
    field's rule sends the column through the row-by-row checks, rules named per row."""
    from virage.tasks.validate import canonicalise

    def posts(observed: list[str]) -> pd.DataFrame:
        n = len(observed)
        return pd.DataFrame(
            {
                "platform": ["x"] * n,
                "handle": ["a"] * n,
                "post_id": [str(i) for i in range(n)],
                "posted_at": ["2026-11-01T10:00:00Z"] * n,
                "source_file": pd.Categorical(["f1"] * (n - 1) + ["f2"]),
                "observed_at": pd.Categorical(observed),
                "row_number": range(1, n + 1),
            }
        )

    times = ["2026-11-02T08:00:00+00:00"] * 2 + ["2026-11-03T08:00:00+00:00"]
    good = canonicalise(posts(times), POSTS)
    assert good.rejected.empty
    assert isinstance(good.clean["source_file"].dtype, pd.CategoricalDtype)
    assert good.clean["source_file"].tolist() == ["f1", "f1", "f2"]
    assert good.clean["observed_at"].tolist() == [pd.Timestamp(t) for t in times]
    assert str(good.clean["observed_at"].dtype) == "datetime64[us, UTC]"

    bad = canonicalise(posts([*times[:2], "yesterday"]), POSTS)
    assert bad.rejected["rule"].tolist() == ["bad_timestamp"]
    assert bad.rejected["source_file"].tolist() == ["f2"]
    assert bad.rejected["source_file"].dtype == "str"
    assert len(bad.clean) == 2 and len(bad.set_aside) == 1
