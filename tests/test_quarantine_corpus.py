"""A corpus of broken inputs, each kind on its own: the exact quarantine record, and the
good rows around it load."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from virage.schemas.fields import MAX_TEXT_CHARS, POSTS
from virage.tasks.ingest import discover_exports, hold_back, parse_exports
from virage.tasks.summary import quarantine_records
from virage.tasks.validate import check_exports

AS_OF = dt.date(2026, 11, 20)
HEADER = ",".join(POSTS.exchange_header)
GOOD = "x,ana,{id},2026-11-19T10:00:00Z,bonjour,,,3,1,0,"


def night(root: Path, max_bad_share: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clean posts and the quarantine records of one night over root/exports."""
    parsed = parse_exports(discover_exports(root / "exports", root))
    checked = check_exports(parsed.frames, AS_OF, max_bad_share)
    records = quarantine_records(
        pd.concat([parsed.rejected_files, checked.held_files], ignore_index=True),
        checked.posts.rejected,
        checked.accounts.rejected,
    )
    return checked.posts.clean, records


def write(root: Path, name: str, content: str | bytes) -> None:
    path = root / "exports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)


def with_good_rows(bad_row: str) -> str:
    """A file whose second of three rows is `bad_row`."""
    return "\n".join([HEADER, GOOD.format(id="g1"), bad_row, GOOD.format(id="g3")]) + "\n"


def records(found: pd.DataFrame) -> list[tuple]:
    rows = found[["source_file", "row_number", "rule", "detail"]].astype("object")
    return [tuple(None if pd.isna(v) else v for v in row) for row in rows.itertuples(index=False)]


LATIN1 = (HEADER + "\nx,ana,1,2026-11-19T10:00:00Z,été,,,1,0,0,\n").encode("latin-1")

FILE_KINDS = {
    "not_utf8": (
        "latin1.posts.csv",
        LATIN1,
        f"not UTF-8 text (invalid continuation byte at byte {LATIN1.index(0xE9)}); "
        "re-export the file as UTF-8",
    ),
    "binary": (
        "image.posts.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
        "not UTF-8 text (invalid start byte at byte 0); re-export the file as UTF-8",
    ),
    "truncated_json": (
        "tiktok/ana/user_data_tiktok.json",
        '{"Post": {"Posts": {"VideoList": [{"Date": "2026-11-19 10:00:00", "Li',
        None,
    ),
    "wrong_structure": (
        "tiktok/ana/user_data_tiktok.json",
        '[{"VideoList": []}]',
        "a TikTok export must be a JSON object",
    ),
    "missing_columns": (
        "no-likes.posts.csv",
        "platform,handle,post_id,posted_at,text\nx,ana,1,2026-11-19T10:00:00Z,hi\n",
        None,
    ),
    "empty": ("empty.posts.csv", b"", "the file is empty; expected a header and rows"),
}


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_a_broken_file_is_quarantined_whole_and_the_others_load(tmp_path, kind):
    name, content, detail = FILE_KINDS[kind]
    write(tmp_path, name, content)
    write(tmp_path, "good.posts.csv", with_good_rows(GOOD.format(id="g2")))
    clean, found = night(tmp_path)
    assert sorted(clean["post_id"]) == ["g1", "g2", "g3"]
    [(source_file, row_number, rule, found_detail)] = records(found)
    assert (source_file, row_number) == (f"exports/{name}", None)
    expected_rule = {
        "binary": "not_utf8",
        "truncated_json": "unreadable_json",
        "wrong_structure": "unreadable_json",
        "missing_columns": "missing_columns",
        "empty": "empty_file",
    }.get(kind, kind)
    assert rule == expected_rule
    if detail:
        assert found_detail == detail
    else:
        assert found_detail  # a sentence, checked loosely where it quotes a parser
        assert {"truncated_json": "cut off", "missing_columns": "likes"}[kind] in found_detail


def test_an_unsafe_archive_is_quarantined_whole_with_nothing_read(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("posts_1.json", json.dumps([{"title": "ok", "creation_timestamp": 1}]))
        archive.writestr("../../escape.json", "{}")
    write(tmp_path, "instagram/ana/export.zip", buffer.getvalue())
    write(tmp_path, "good.posts.csv", with_good_rows(GOOD.format(id="g2")))
    clean, found = night(tmp_path)
    assert sorted(clean["post_id"]) == ["g1", "g2", "g3"]
    assert records(found) == [
        (
            "exports/instagram/ana/export.zip",
            None,
            "unsafe_archive",
            "entry '../../escape.json' points outside the archive",
        )
    ]


ROW_KINDS = {
    "missing_value": (
        "x,ana,,2026-11-19T10:00:00Z,hi,,,1,0,0,",
        "post_id is empty; every posts row needs it",
    ),
    "negative_count": (
        "x,ana,b,2026-11-19T10:00:00Z,hi,,,-5,0,0,",
        "likes is '-5'; counts must be whole numbers between 0 and 1000000000000000",
    ),
    "non_integer_count": (
        "x,ana,b,2026-11-19T10:00:00Z,hi,,,many,0,0,",
        "likes is 'many'; counts must be whole numbers between 0 and 1000000000000000",
    ),
    "future_timestamp": (
        "x,ana,b,2099-01-01T10:00:00Z,hi,,,1,0,0,",
        None,
    ),
    "unknown_platform": (
        "myspace,ana,b,2026-11-19T10:00:00Z,hi,,,1,0,0,",
        "platform is 'myspace'; expected one of x, linkedin, instagram, tiktok",
    ),
}
ROW_RULES = {
    "negative_count": "bad_count",
    "non_integer_count": "bad_count",
    "future_timestamp": "future_timestamp",
    "unknown_platform": "unknown_platform",
    "missing_value": "missing_value",
}


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_broken_row_is_quarantined_and_the_rows_around_it_load(tmp_path, kind):
    bad, detail = ROW_KINDS[kind]
    write(tmp_path, "mixed.posts.csv", with_good_rows(bad))
    clean, found = night(tmp_path)
    assert sorted(clean["post_id"]) == ["g1", "g3"]
    [(source_file, row_number, rule, found_detail)] = records(found)
    assert (source_file, row_number, rule) == ("exports/mixed.posts.csv", 2, ROW_RULES[kind])
    if detail:
        assert found_detail == detail
    else:
        latest = max(AS_OF, dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)
        assert found_detail == (
            f"posted_at is '2099-01-01T10:00:00Z'; after {latest}: a date in the future "
            "(more than a day after the day scored and today)"
        )


def test_a_twenty_megabyte_line_is_quarantined_and_the_rest_loads(tmp_path):
    huge = "x" * (20 * 1024 * 1024)
    write(
        tmp_path, "huge.posts.csv", with_good_rows(f"x,ana,b,2026-11-19T10:00:00Z,{huge},,,1,0,0,")
    )
    clean, found = night(tmp_path)
    assert sorted(clean["post_id"]) == ["g1", "g3"]
    assert records(found) == [
        (
            "exports/huge.posts.csv",
            2,
            "text_too_long",
            f"text has {len(huge):,} characters; at most {MAX_TEXT_CHARS:,} are accepted",
        )
    ]
    assert len(found["excerpt"].iloc[0]) == 200


def test_a_file_with_too_many_bad_rows_is_held_back_whole(tmp_path):
    bad = "x,ana,b{n},2026-11-19T10:00:00Z,hi,,,-1,0,0,"
    rows = [HEADER, GOOD.format(id="g1"), *(bad.format(n=n) for n in range(3))]
    write(tmp_path, "shifted.posts.csv", "\n".join(rows) + "\n")
    write(tmp_path, "fine.posts.csv", with_good_rows(GOOD.format(id="g2")))
    clean, found = night(tmp_path)
    # fine.posts.csv holds g1..g3 too: only its rows load.
    assert clean["source_file"].unique().tolist() == ["exports/fine.posts.csv"]
    whole = found[found["row_number"].isna()]
    assert records(whole) == [
        (
            "exports/shifted.posts.csv",
            None,
            "too_many_bad_rows",
            "3 of 4 rows (75%) break a rule, more than the 50% allowed: the whole file is "
            "held back (its rows' reasons are listed with their row numbers)",
        )
    ]
    assert found.loc[found["row_number"].notna(), "row_number"].tolist() == [2, 3, 4]
    # A higher threshold lets the good row through.
    clean, _ = night(tmp_path, max_bad_share=0.8)
    assert "exports/shifted.posts.csv" in set(clean["source_file"])


def test_a_file_feeding_posts_and_follower_counts_is_held_back_once_and_whole(tmp_path):
    # A TikTok export whose profile names no usable account: every post and the
    # follower count miss their handle.
    export = {
        "Profile": {"Profile Information": {"ProfileMap": {"userName": "@"}}},
        "Post": {
            "Posts": {
                "VideoList": [
                    {
                        "Date": "2026-11-1{n} 10:00:00",
                        "Link": f"https://t.k/video/{n}",
                        "Likes": "1",
                    }
                    for n in range(3)
                ]
            }
        },
        "Your Activity": {"Follower": {"FansList": [{"UserName": "a"}]}},
    }
    write(tmp_path, "export.json", json.dumps(export).replace("{n}", "1"))
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    checked = check_exports(parsed.frames, AS_OF)
    assert checked.held_files["source_file"].tolist() == ["exports/export.json"]
    assert checked.posts.clean.empty and checked.accounts.clean.empty
    ledger = hold_back(parsed.ledger, checked.held_files)
    assert ledger["status"].tolist() == ["quarantined"]


def test_a_held_back_archive_entry_holds_its_archive_back_for_another_reading(tmp_path):
    tweets = [
        {"tweet": {"id_str": str(n), "created_at": when, "full_text": "hi"}}
        for n, when in enumerate(
            [
                "Sat Dec 06 18:20:30 +0000 2099",
                "Sun Dec 07 18:20:30 +0000 2099",
                "Wed Nov 18 18:20:30 +0000 2026",
            ]
        )
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(tweets))
    write(tmp_path, "x/ana/archive.zip", buffer.getvalue())
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    checked = check_exports(parsed.frames, AS_OF)
    assert checked.held_files["source_file"].tolist() == [
        "exports/x/ana/archive.zip!data/tweets.js"
    ]
    assert checked.rows_held_back == 1
    ledger = hold_back(parsed.ledger, checked.held_files)
    assert ledger[["source_path", "status"]].values.tolist() == [
        ["exports/x/ana/archive.zip", "quarantined"]
    ]
    assert ledger["detail"].iloc[0].startswith("exports/x/ana/archive.zip!data/tweets.js: 2 of 3")
