"""Discovery and parsing of exchange files: path in, raw frame or a rejection out."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from virage.errors import FileRejected
from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks import ingest
from virage.tasks.ingest import archive_raw, discover_exports, parse_exports, read_exchange_csv

HEADER = ",".join(POSTS.exchange_header)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_reads_exchange_posts_with_bom_quotes_and_extra_columns(tmp_path):
    path = write(
        tmp_path / "a.posts.csv",
        "\ufeff" + HEADER + ",is_sponsored,campaign_note\n"
        'x,@Ana,1,2026-11-01T10:00:00+01:00,"multi\nline, ""quoted""",,,5,1,0,,true,hi\n',
    )
    raw = read_exchange_csv(path, POSTS)
    assert list(raw.columns) == [*POSTS.exchange_header, "declared_sponsored", "row_number"]
    assert raw.loc[0, "text"] == 'multi\nline, "quoted"'
    assert raw.loc[0, "handle"] == "@Ana"
    assert raw.loc[0, "row_number"] == 1


@pytest.mark.parametrize(
    ("content", "rule", "words"),
    [
        (b"", "empty_file", "empty"),
        (HEADER + "\n", "empty_file", "no rows"),
        ("platform,handle,post_id\nx,a,1\n", "missing_columns", "posted_at"),
        (b"platform,handle\n\xff\xfe\x00bad", "not_utf8", "UTF-8"),
        (HEADER + '\nx,a,1,2026-11-01T10:00:00Z,"never closed,,,1,1,1,\n', "unreadable_csv", "CSV"),
        (
            HEADER + "\nx,a,1,2026-11-01T10:00:00Z,ok,,,1,1,1,\nx,a,2,2026-11-01T10:00:00Z,"
            "Top 3, best,,900,7,1,1,\n",
            "unreadable_csv",
            "line 3 has 12 fields but the header has 11",
        ),
        (
            HEADER + "\nx,a,2,2026-11-01T10:00:00Z,Top 3, best,,900,7,1,1,\n",
            "unreadable_csv",
            "first row has more fields than the header",
        ),
        (
            HEADER + ",likes\nx,a,1,2026-11-01T10:00:00Z,ok,,,1,1,1,,2\n",
            "duplicate_columns",
            "likes appear twice",
        ),
    ],
)
def test_unusable_files_are_rejected_with_a_reason(tmp_path, content, rule, words):
    path = write(tmp_path / "bad.posts.csv", content)
    with pytest.raises(FileRejected) as caught:
        read_exchange_csv(path, POSTS)
    assert caught.value.rule == rule
    assert words in caught.value.detail


def test_nul_characters_are_removed_and_blank_lines_before_the_header_skipped(tmp_path):
    path = write(
        tmp_path / "nul.posts.csv",
        "\n" + HEADER + "\nx,a\x00,1,2026-11-01T10:00:00Z,nul\x00byte,,,1,1,1,\n",
    )
    raw = read_exchange_csv(path, POSTS)
    assert raw.loc[0, ["handle", "text"]].tolist() == ["a", "nulbyte"]


def test_blank_trailing_header_columns_are_ignored(tmp_path):
    path = write(
        tmp_path / "excel.posts.csv", HEADER + ",,\nx,a,1,2026-11-01T10:00:00Z,ok,,,1,1,1,,,\n"
    )
    assert read_exchange_csv(path, POSTS)["likes"].tolist() == ["1"]


def test_a_file_that_cannot_be_opened_is_rejected(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "gone.posts.csv").symlink_to(tmp_path / "nowhere.csv")
    secret = tmp_path / "secret.posts.csv"
    secret.write_text(HEADER + "\n")
    (exports / "secret.posts.csv").symlink_to(secret)
    files = discover_exports(exports, tmp_path)
    parsed = parse_exports(files)
    assert parsed.rejected_files["rule"].tolist() == ["link", "link"]
    # Links are not followed into the raw zone either.
    kept = archive_raw(files, tmp_path / "raw")
    assert len(kept) == 2
    assert not (tmp_path / "raw").exists()


def test_a_file_rewritten_while_being_read_waits_for_the_next_night(tmp_path):
    exports = tmp_path / "exports"
    path = write(exports / "a.posts.csv", HEADER + "\n")
    write(exports / "b.posts.csv", HEADER + "\nx,a,1,2026-11-01T10:00:00Z,hi,,,1,0,0,\n")
    files = discover_exports(exports, tmp_path)
    path.write_text(HEADER + "\nx,a,2,2026-11-01T10:00:00Z,changed,,,1,0,0,\n")
    kept = archive_raw(files, tmp_path / "raw")
    assert kept["source_file"].tolist() == ["exports/b.posts.csv"]
    [copy] = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == copy.name


def test_exports_over_the_size_cap_are_rejected_loose_or_zipped(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1_000)
    exports = tmp_path / "exports" / "tiktok" / "ana"
    big = json.dumps({"Post": {"Posts": {"VideoList": []}}, "pad": "x" * 2_000})
    write(exports / "user_data_tiktok.json", big)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("user_data_tiktok.json", big)
    write(exports / "export.zip", buffer.getvalue())
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    rejected = parsed.rejected_files
    rules = dict(zip(rejected["source_file"], rejected["rule"], strict=True))
    assert rules == {
        "exports/tiktok/ana/user_data_tiktok.json": "file_too_large",
        "exports/tiktok/ana/export.zip!user_data_tiktok.json": "file_too_large",
    }


def test_discovery_orders_by_modification_time_and_flags_unknown_files(tmp_path):
    exports = tmp_path / "exports"
    newer = write(exports / "z" / "old-name.posts.csv", HEADER + "\n")
    older = write(exports / "a" / "new-name.POSTS.csv", HEADER + "\n")
    write(exports / "b" / "followers.accounts.csv", ",".join(ACCOUNTS.exchange_header) + "\n")
    write(exports / "b" / "notes.txt", "hello")
    write(exports / ".hidden" / "x.posts.csv", HEADER + "\n")
    write(exports / ".DS_Store", "x")
    os.utime(older, (1_000_000, 1_000_000))
    os.utime(newer, (2_000_000_000, 2_000_000_000))
    files = discover_exports(exports, tmp_path)
    assert files["source_file"].tolist()[0] == "exports/a/new-name.POSTS.csv"
    assert files["source_file"].tolist()[-1] == "exports/z/old-name.posts.csv"
    kinds = dict(zip(files["source_file"], files["format"], strict=True))
    assert kinds == {
        "exports/a/new-name.POSTS.csv": "exchange_posts",
        "exports/b/followers.accounts.csv": "exchange_accounts",
        "exports/b/notes.txt": "",
        "exports/z/old-name.posts.csv": "exchange_posts",
    }


def test_parse_goes_on_past_bad_files(tmp_path):
    exports = tmp_path / "exports"
    write(exports / "good.posts.csv", HEADER + "\nx,a,1,2026-11-01T10:00:00Z,hi,,,1,0,0,\n")
    write(exports / "broken.posts.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(exports / "readme.md", "# not an export")
    parsed = parse_exports(discover_exports(exports, tmp_path))
    assert parsed.files_loaded == 1
    assert len(parsed.frames["posts"]) == 1
    assert parsed.frames["posts"].loc[0, "source_file"] == "exports/good.posts.csv"
    rejected = dict(
        zip(parsed.rejected_files["source_file"], parsed.rejected_files["rule"], strict=True)
    )
    assert rejected == {
        "exports/broken.posts.csv": "not_utf8",
        "exports/readme.md": "unrecognised_file",
    }


def test_a_parse_without_its_rows_still_counts_them(tmp_path):
    exports = tmp_path / "exports"
    rows = "".join(f"x,a,{i},2026-11-01T10:00:00Z,hi,,,1,0,0,\n" for i in range(3))
    write(exports / "good.posts.csv", HEADER + "\n" + rows)
    parsed = parse_exports(discover_exports(exports, tmp_path))
    released = parsed.without_rows()
    assert parsed.rows_read == released.rows_read == 3
    assert all(frame.empty for frame in released.frames.values())
    assert {k: list(f.columns) for k, f in released.frames.items()} == {
        k: list(f.columns) for k, f in parsed.frames.items()
    }
    assert len(parsed.frames["posts"]) == 3  # the original is left as it was
    assert released.files_loaded == parsed.files_loaded == 1


def test_provenance_is_one_category_per_file_in_sorted_order(tmp_path):
    """source_file, source_sha256 and observed_at are the same for every row of a
    file: each row carries a code, each file's value is kept once."""
    exports = tmp_path / "exports"
    write(exports / "b.posts.csv", HEADER + "\nx,a,1,2026-11-01T10:00:00Z,hi,,,1,0,0,\n")
    rows = "".join(f"x,a,{i},2026-11-01T10:00:00Z,hi,,,1,0,0,\n" for i in range(2, 5))
    write(exports / "a.posts.csv", HEADER + "\n" + rows)
    os.utime(exports / "a.posts.csv", (1_790_000_000, 1_790_000_000))
    files = discover_exports(exports, tmp_path)
    posts = parse_exports(files).frames["posts"]

    by_file = files.set_index("source_file")
    for column in ("source_file", "source_sha256", "observed_at"):
        assert isinstance(posts[column].dtype, pd.CategoricalDtype)
        categories = list(posts[column].cat.categories)
        assert categories == sorted(categories)  # sorting codes sorts the strings
    assert posts.groupby("source_file", observed=True).size().to_dict() == {
        "exports/a.posts.csv": 3,
        "exports/b.posts.csv": 1,
    }
    for row in posts.itertuples():
        assert row.source_sha256 == by_file.loc[row.source_file, "sha256"]
    a_rows = posts[posts["source_file"] == "exports/a.posts.csv"]
    assert {pd.Timestamp(t) for t in a_rows["observed_at"]} == {
        pd.Timestamp(1_790_000_000, unit="s", tz="UTC")
    }
