"""Conformance of the native export parsers, through the path a user takes: files under
<landing>/exports/<platform>/<handle>/, discovered, parsed, then typed by validation.

The real samples come from ../shared/samples/real (see its README); the other files
are written here from the documented formats (tests/exports.py)."""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED_SAMPLES, skip_or_fail
from tests.exports import (
    copy,
    instagram_followers,
    linkedin_connections,
    linkedin_shares,
    meta_escape,
    tiktok_current,
    tiktok_older,
    tiktok_video,
    tweet,
    write,
    x_account,
    x_analytics,
    x_followers,
    ytd,
    zip_bytes,
)
from virage.errors import FileRejected
from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks.ingest import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_ENTRIES,
    Parsed,
    check_archive,
    discover_exports,
    parse_exports,
)
from virage.tasks.people import prepare_posts
from virage.tasks.validate import Checked, canonicalise

DOCS = Path(__file__).resolve().parents[1] / "docs" / "formats.md"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@dataclass
class Night:
    """What one night makes of a landing zone's exports."""

    parsed: Parsed
    posts: Checked
    accounts: Checked

    @property
    def rejected_files(self) -> dict[str, str]:
        files = self.parsed.rejected_files
        return dict(zip(files["source_file"], files["rule"], strict=True))

    @property
    def statuses(self) -> dict[str, str]:
        ledger = self.parsed.ledger
        return dict(zip(ledger["source_path"], ledger["status"], strict=True))

    def rejected_rows(self) -> list[tuple[str, int, str]]:
        rows = self.posts.rejected
        return list(zip(rows["source_file"], rows["row_number"], rows["rule"], strict=True))


def ingest(root: Path) -> Night:
    """discover -> parse -> canonicalise, as the nightly flow does (without the Great
    Expectations record, which types and quarantines nothing more)."""
    parsed = parse_exports(discover_exports(root / "exports", root))
    return Night(
        parsed,
        canonicalise(parsed.frames["posts"], POSTS),
        canonicalise(parsed.frames["accounts"], ACCOUNTS),
    )


@pytest.fixture
def samples() -> Path:
    if not SHARED_SAMPLES.is_dir():
        skip_or_fail(f"real export samples not found at {SHARED_SAMPLES}")
    return SHARED_SAMPLES


REAL_TWEETS = [
    (
        "1997370581860180189",
        utc("2025-12-06 18:20:30"),
        "@E  file were amazing. The American know how to make them.",
    ),
    (
        "1994091455124787464",
        utc("2025-11-22 07:10:25"),
        "RT @AlexHormozi: Pro tip: If you're afraid to take the risk, write down in "
        "excruciating detail what you're actually afraid of having happen…",
    ),
]


# --- X archive ----------------------------------------------------------------------


def test_x_tweets_js_real_sample(tmp_path, samples):
    copy(samples / "x" / "tweets.js", tmp_path / "exports" / "x" / "SomeOne" / "tweets.js")
    night = ingest(tmp_path)
    posts = night.posts.clean
    assert night.rejected_files == {} and night.posts.rejected.empty
    assert list(zip(posts["post_id"], posts["posted_at"], posts["text"], strict=True)) == (
        REAL_TWEETS
    )
    # "Thu Nov 22 17:10:25 +1000 2025" is ten hours ahead of UTC.
    assert posts.loc[1, "posted_at"] == utc("2025-11-22 07:10:25")
    assert posts.loc[1, "text"].startswith("RT @AlexHormozi")
    assert posts["handle"].tolist() == ["someone", "someone"]  # from the folder, lower case
    assert posts["url"].tolist() == [
        "https://x.com/someone/status/1997370581860180189",
        "https://x.com/someone/status/1994091455124787464",
    ]
    assert posts["likes"].tolist() == [0, 0]
    assert posts["shares"].tolist() == [0, 0]
    assert posts[["impressions", "comments", "clicks"]].isna().all().all()  # not in archives
    assert posts["source_file"].tolist() == ["exports/x/SomeOne/tweets.js"] * 2
    assert posts["row_number"].tolist() == [1, 2]
    assert night.statuses == {"exports/x/SomeOne/tweets.js": "loaded"}


def test_x_account_js_names_the_handle_over_the_folder(tmp_path, samples):
    folder = tmp_path / "exports" / "x" / "folder-name"
    copy(samples / "x" / "tweets.js", folder / "tweets.js")
    write(folder / "account.js", x_account("RealName"))
    night = ingest(tmp_path)
    posts = night.posts.clean
    assert posts["handle"].tolist() == ["realname", "realname"]
    assert posts.loc[0, "url"] == "https://x.com/realname/status/1997370581860180189"
    # account.js is read (for the handle), not quarantined as unknown.
    assert night.statuses == {
        "exports/x/folder-name/tweets.js": "loaded",
        "exports/x/folder-name/account.js": "loaded",
    }
    assert night.rejected_files == {}


def test_x_archive_parts_and_the_older_tweet_js_are_read(tmp_path, samples):
    folder = tmp_path / "exports" / "x" / "someone"
    copy(samples / "x" / "tweets.js", folder / "tweets.js", mtime="2026-01-01T00:00:00Z")
    write(
        folder / "tweets-part1.js",
        ytd("tweets", [tweet("1990000000000000001", "Mon Nov 10 08:00:00 +0000 2025", "part")], 1),
        mtime="2026-01-01T00:00:01Z",
    )
    older = tmp_path / "exports" / "x" / "veteran" / "tweet.js"
    write(
        older,
        ytd("tweet", [tweet("1100000000000000001", "Tue Mar 05 23:30:00 -0500 2019", "old", "7")]),
        mtime="2026-01-01T00:00:02Z",
    )
    posts = ingest(tmp_path).posts.clean
    assert posts[["source_file", "handle", "post_id", "posted_at", "likes"]].values.tolist() == [
        ["exports/x/someone/tweets.js", "someone", "1997370581860180189", REAL_TWEETS[0][1], 0],
        ["exports/x/someone/tweets.js", "someone", "1994091455124787464", REAL_TWEETS[1][1], 0],
        [
            "exports/x/someone/tweets-part1.js",
            "someone",
            "1990000000000000001",
            utc("2025-11-10 08:00:00"),
            0,
        ],
        [
            "exports/x/veteran/tweet.js",
            "veteran",
            "1100000000000000001",
            utc("2019-03-06 04:30"),
            7,
        ],
    ]


def test_x_follower_js_counts_followers_on_the_files_utc_day(tmp_path):
    folder = tmp_path / "exports" / "x" / "folder-name"
    write(folder / "account.js", x_account("RealName"))
    # 23:30 in New York is the next day in UTC.
    write(folder / "follower.js", x_followers(3), mtime="2026-03-01T23:30:00-05:00")
    night = ingest(tmp_path)
    accounts = night.accounts.clean
    assert accounts[["platform", "handle", "snapshot_date", "followers"]].values.tolist() == [
        ["x", "realname", pd.Timestamp("2026-03-02"), 3]
    ]
    assert accounts.loc[0, "source_file"] == "exports/x/folder-name/follower.js"
    assert night.parsed.frames["accounts"].loc[0, "followers"] == "3"


def test_x_twenty_digit_ids_are_kept_exactly(tmp_path):
    folder = tmp_path / "exports" / "x" / "someone"
    write(
        folder / "tweets.js",
        ytd("tweets", [tweet("12345678901234567890", "Sat Dec 06 18:20:30 +0000 2025", "as X")]),
        mtime="2026-01-01T00:00:00Z",
    )
    # A part rewritten by some tool, numbers bare and no id_str at all: the id is above
    # int64 and would come out of a float as 1.2345678901234567e+19.
    bare = {
        "tweet": {
            "id": "ID",
            "created_at": "Sat Dec 06 18:20:31 +0000 2025",
            "full_text": "bare numbers",
            "favorite_count": "LIKES",
            "retweet_count": "SHARES",
        }
    }
    text = ytd("tweets", [bare], part=1)
    for name, value in (("ID", "12345678901234567891"), ("LIKES", "5"), ("SHARES", "1")):
        text = text.replace(f'"{name}"', value)
    write(folder / "tweets-part1.js", text, mtime="2026-01-01T00:00:01Z")
    posts = ingest(tmp_path).posts.clean
    assert posts["post_id"].tolist() == ["12345678901234567890", "12345678901234567891"]
    assert posts["url"].tolist() == [
        "https://x.com/someone/status/12345678901234567890",
        "https://x.com/someone/status/12345678901234567891",
    ]
    assert posts["likes"].tolist() == [0, 5]
    assert posts["shares"].tolist() == [0, 1]


# --- X analytics CSV ----------------------------------------------------------------

TRICKY_TEXT = 'Launch day, finally!\nShe said "ship it", twice'


def test_x_analytics_csv_columns_are_mapped_exactly(tmp_path):
    folder = tmp_path / "exports" / "x" / "analyst"
    write(
        folder / "tweet_activity_metrics_Analyst_20260601_20260630_en.csv",
        x_analytics(
            [
                {
                    "Tweet id": "2003000000000000001",
                    "Tweet permalink": "https://twitter.com/Analyst/status/2003000000000000001",
                    "Tweet text": TRICKY_TEXT,
                    "time": "2026-06-20 09:00 +0200",
                    "impressions": "1520",
                    "engagements": "87",
                    "engagement rate": "0.05723684210526316",
                    "retweets": "4",
                    "replies": "3",
                    "likes": "41",
                    "url clicks": "12",
                },
                {
                    "Tweet id": "2003000000000000002",
                    "Tweet permalink": "https://twitter.com/Analyst/status/2003000000000000002",
                    "Tweet text": "plain",
                    "time": "2026-06-21 18:30 +0000",
                    "impressions": "200",
                    "likes": "2",
                },
            ]
        ),
        mtime="2026-07-01T00:00:00Z",
    )
    write(
        folder / "tweet_activity_metrics_Analyst_20180601_20180630_en.csv",
        x_analytics(
            [
                {
                    "Tweet id": "1003000000000000001",
                    "Tweet permalink": "https://twitter.com/Analyst/status/1003000000000000001",
                    "Tweet text": "older export",
                    "time": "2018-06-05 19:33 +0000",
                    "impressions": "300",
                    "retweets": "2",
                    "replies": "1",
                    "likes": "7",
                    "url clicks": "0",
                }
            ],
            likes="favorites",
        ),
        mtime="2026-07-01T00:00:01Z",
    )
    write(
        folder / "tweet_activity_metrics_OtherName_20260701_20260731_en.csv",
        x_analytics(
            [
                {
                    "Tweet id": "2004000000000000001",
                    "Tweet permalink": "https://x.com/OtherName/status/2004000000000000001",
                    "Tweet text": "with bookmarks",
                    "time": "2026-07-02 00:15 -0700",
                    "impressions": "90",
                    "retweets": "1",
                    "replies": "0",
                    "likes": "9",
                    "url clicks": "3",
                    "bookmarks": "6",
                }
            ],
            extra=("bookmarks",),
        ),
        mtime="2026-07-01T00:00:02Z",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {} and night.posts.rejected.empty
    columns = ["handle", "post_id", "posted_at", "impressions", "likes", "comments", "shares"]
    posts = night.posts.clean
    assert posts[[*columns, "clicks"]].values.tolist() == [
        ["analyst", "2003000000000000001", utc("2026-06-20 07:00"), 1520, 41, 3, 4, 12],
        ["analyst", "2003000000000000002", utc("2026-06-21 18:30"), 200, 2, 0, 0, 0],
        ["analyst", "1003000000000000001", utc("2018-06-05 19:33"), 300, 7, 1, 2, 0],
        # The permalink names the account, whatever the folder says.
        ["othername", "2004000000000000001", utc("2026-07-02 07:15"), 90, 9, 0, 1, 3],
    ]
    assert posts.loc[0, "text"] == TRICKY_TEXT
    assert posts.loc[0, "url"] == "https://twitter.com/Analyst/status/2003000000000000001"
    formats = set(night.parsed.ledger["format"])
    assert formats == {"x_analytics"}


# --- LinkedIn -----------------------------------------------------------------------

FIRST_SHARE = (
    "I'm off for a 10-day Vipassana meditation program.\n"
    "\n"
    "𝗪𝗛𝗔𝗧? A 10-day residential meditation. No phone, laptop, or speaking. "
    "https://www.dhamma.org/\n"
    "𝗪𝗛𝗘𝗡? From today until next Sunday (13 July)\n"
    "𝗪𝗛𝗘𝗥𝗘? Near Chennai. https://lnkd.in/geGVFynY\n"
    "𝗪𝗛𝗬? I've heard good things and am curious.\n"
    "𝗦𝗨𝗥𝗘? I've never been away from tech for this long. Let's see!\n"
    "\n"
    "I've scheduled LinkedIn posts, so you'll still see stuff. But I won't be replying."
)


def test_linkedin_shares_csv_real_sample(tmp_path, samples):
    copy(
        samples / "linkedin" / "Shares.csv",
        tmp_path / "exports" / "linkedin" / "sanand" / "Shares.csv",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {} and night.posts.rejected.empty
    posts = night.posts.clean
    assert len(posts) == 202
    assert (posts["platform"] == "linkedin").all() and (posts["handle"] == "sanand").all()
    first = posts.loc[0]
    assert first["text"] == FIRST_SHARE
    assert first["text"].split("\n")[:3] == [
        "I'm off for a 10-day Vipassana meditation program.",
        "",
        "𝗪𝗛𝗔𝗧? A 10-day residential meditation. No phone, laptop, or speaking. "
        "https://www.dhamma.org/",
    ]
    assert first["post_id"] == "urn:li:share:7345821826846990338"
    assert first["posted_at"] == utc("2025-07-01 14:33:22")  # LinkedIn's times are UTC
    assert first["url"] == (
        "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7345821826846990338"
    )
    assert posts.loc[201, ["post_id", "posted_at"]].tolist() == [
        "urn:li:share:6068010061538557952",
        utc("2015-11-05 12:25:36"),
    ]
    # LinkedIn exports no engagement: unknown, not zero.
    assert posts[["impressions", "likes", "comments", "shares", "clicks"]].isna().all().all()
    # No wrapping quote is left at a line's edge: the only line with an unpaired
    # straight quote is one where the member opened with a curly quote.
    lines = posts["text"].str.split("\n").explode()
    assert lines[lines.str.count('"') % 2 == 1].tolist() == [
        "ChatGPT was listening and had transcribed the auto’s 5 honks to “Hee hee hee hee "
        'hee!”. And responded with “It sounds like you’re in a good mood!"'
    ]
    assert not posts["text"].str.contains('"\n"').any()
    assert not posts["text"].str.endswith('"').any()
    # A group post keeps its whole id; one share exported once per thumbnail stays
    # five rows here (the newest copy per post id wins later).
    assert "urn:li:groupPost:9186332-6985503444988043264" in set(posts["post_id"])
    assert posts["post_id"].nunique() == 198
    assert posts["post_id"].value_counts().max() == 5


def test_linkedin_share_quotes_inside_lines_survive(tmp_path):
    text = 'A quote ends this line: "yes"\n"Quoted" starts this one\n\nlast, with a comma'
    write(
        tmp_path / "exports" / "linkedin" / "member" / "Shares.csv",
        linkedin_shares(
            [
                {
                    "date": "2026-01-02 03:04:05",
                    "link": "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7400000000000000001",
                    "text": text,
                },
                {
                    "date": "2026-01-03 00:00:00",
                    "link": "https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-7400000000000000002",
                    "text": "single line",
                },
            ]
        ),
    )
    posts = ingest(tmp_path).posts.clean
    assert posts["text"].tolist() == [text, "single line"]
    assert posts["post_id"].tolist() == [
        "urn:li:share:7400000000000000001",
        "urn:li:groupPost:123-7400000000000000002",
    ]
    assert posts["posted_at"].tolist() == [utc("2026-01-02 03:04:05"), utc("2026-01-03")]


CONNECTIONS = [
    # A quoted Position with a line break; an unquoted one with U+2028 (LINE SEPARATOR).
    ["Ada", "Lovelace", "https://www.linkedin.com/in/ada", "", "Engines, Ltd", "Founder\nCEO", ""],
    ["Grace", "Hopper", "https://www.linkedin.com/in/gh", "", "Navy", "Admiral\u2028(ret.)", ""],
    # Members who hide their name still count.
    ["", "", "https://www.linkedin.com/in/private", "", "Ghost Ltd", "Founder", "03 Mar 2022"],
    ["", "", "", "", "", "", ""],  # the blank row some exports end with
]


@pytest.mark.parametrize("preamble", [True, False], ids=["notes-preamble", "header-first"])
def test_linkedin_connections_count_as_followers(tmp_path, preamble):
    path = write(
        tmp_path / "exports" / "linkedin" / "Member" / "Connections.csv",
        linkedin_connections(CONNECTIONS, preamble=preamble),
        mtime="2026-05-10T12:00:00Z",
    )
    assert path.read_text().startswith('Notes:\n"When exporting') is preamble
    night = ingest(tmp_path)
    assert night.parsed.ledger["format"].tolist() == ["linkedin_connections"]
    accounts = night.accounts.clean
    assert accounts[["platform", "handle", "snapshot_date", "followers"]].values.tolist() == [
        ["linkedin", "member", pd.Timestamp("2026-05-10"), 3]
    ]


# --- Instagram ----------------------------------------------------------------------

REAL_INSTAGRAM = [
    ("18032017582961826", utc("2024-05-13 02:21:16"), "Great sem"),
    ("17881210856973858", utc("2024-03-11 13:57:51"), "Un Taxi 🇨🇴"),
    (
        "18013745996304514",
        utc("2024-01-02 21:48:08"),
        "Happy llama, sad llama, totally rad llama 🇵🇪",
    ),
    (
        "18034864069664523",
        utc("2023-12-26 22:46:17"),
        "Great friends, a bit o booze, and some damn good cheese.",
    ),
]


def test_instagram_posts_json_real_sample(tmp_path, samples):
    copy(
        samples / "instagram" / "posts_1.json",
        tmp_path / "exports" / "instagram" / "me" / "posts_1.json",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {} and night.posts.rejected.empty
    posts = night.posts.clean
    assert list(zip(posts["post_id"], posts["posted_at"], posts["text"], strict=True)) == (
        REAL_INSTAGRAM
    )
    # creation_timestamp 1715566876 (epoch seconds) is this UTC time.
    assert posts.loc[0, "posted_at"] == pd.Timestamp(1715566876, unit="s", tz="UTC")
    assert posts.loc[1, "text"] == "Un Taxi 🇨🇴"  # repaired from \u00f0\u009f... escapes
    assert posts.loc[2, "text"].endswith("🇵🇪")
    assert (posts["handle"] == "me").all()
    assert posts[["impressions", "likes", "comments", "shares", "clicks"]].isna().all().all()


def instagram_posts_json(posts: list[tuple[str, int, str]]) -> str:
    """posts_1.json: (media uri, epoch seconds, caption), caption Meta-escaped at post level."""
    return json.dumps(
        [
            {
                "media": [{"uri": uri, "creation_timestamp": ts, "title": ""}],
                "title": meta_escape(caption),
                "creation_timestamp": ts,
            }
            for uri, ts, caption in posts
        ]
    )


def test_instagram_video_ids_without_extension_and_unescaped_text(tmp_path):
    write(
        tmp_path / "exports" / "instagram" / "me" / "posts_1.json",
        instagram_posts_json(
            [
                ("media/posts/202403/FQIoAkMzLBdAExBiTd_18074751904427294", 1710165470, "Café ☕"),
                (
                    "media/posts/202403/431755399_3821975_n_17901065021954156.mp4",
                    1710165471,
                    "plain",
                ),
            ]
        ),
    )
    posts = ingest(tmp_path).posts.clean
    assert posts["post_id"].tolist() == ["18074751904427294", "17901065021954156"]
    assert posts["text"].tolist() == ["Café ☕", "plain"]
    assert posts["posted_at"].tolist() == [utc("2024-03-11 13:57:50"), utc("2024-03-11 13:57:51")]


def test_instagram_followers_both_shapes(tmp_path):
    write(
        tmp_path / "exports" / "instagram" / "alice" / "followers_1.json",
        instagram_followers(3, wrapped=False),
        mtime="2026-02-01T08:00:00Z",
    )
    write(
        tmp_path / "exports" / "instagram" / "bob" / "followers_1.json",
        instagram_followers(2, wrapped=True),
        mtime="2026-02-02T08:00:00Z",
    )
    accounts = ingest(tmp_path).accounts.clean
    assert accounts[["handle", "snapshot_date", "followers"]].values.tolist() == [
        ["alice", pd.Timestamp("2026-02-01"), 3],
        ["bob", pd.Timestamp("2026-02-02"), 2],
    ]


# --- TikTok -------------------------------------------------------------------------

CURRENT_VIDEOS = [
    tiktok_video("7300000000000000001", "2025-03-01 12:00:00", "1200", "Morning ride"),
    tiktok_video(
        "7300000000000000002",
        "2025-03-02 18:45:10",
        "87",
        "Trying the new bike",
        "Paid partnership",
    ),
    tiktok_video("7300000000000000003", "2025-03-03 08:00:00", "0", ""),
]


def test_tiktok_current_layout(tmp_path):
    write(
        tmp_path / "exports" / "tiktok" / "folder-name" / "user_data_tiktok.json",
        tiktok_current("CreatorOne", CURRENT_VIDEOS, fans=4),
        mtime="2026-03-15T10:00:00Z",
    )
    night = ingest(tmp_path)
    posts = night.posts.clean
    assert posts[["handle", "post_id", "posted_at", "likes"]].values.tolist() == [
        ["creatorone", "7300000000000000001", utc("2025-03-01 12:00"), 1200],
        ["creatorone", "7300000000000000002", utc("2025-03-02 18:45:10"), 87],
        ["creatorone", "7300000000000000003", utc("2025-03-03 08:00"), 0],
    ]
    assert posts["text"].tolist()[:2] == ["Morning ride", "Trying the new bike"]
    assert pd.isna(posts.loc[2, "text"])  # an empty title is no text
    assert posts.loc[0, "url"] == "https://www.tiktokv.com/share/video/7300000000000000001/"
    assert posts["declared_sponsored"].tolist() == ["", "true", ""]
    assert posts[["comments", "shares", "impressions"]].isna().all().all()
    accounts = night.accounts.clean
    assert accounts[["platform", "handle", "snapshot_date", "followers"]].values.tolist() == [
        ["tiktok", "creatorone", pd.Timestamp("2026-03-15"), 4]
    ]
    # The declared partnership becomes is_sponsored once attributed to a person.
    handles = pd.DataFrame(
        {
            "platform": ["tiktok"],
            "handle": ["creatorone"],
            "status": ["scored"],
            "person_id": ["p1"],
        }
    )
    attributed = prepare_posts(posts, handles).frame
    assert attributed["is_sponsored"].tolist() == [False, True, False]
    assert attributed["person_id"].tolist() == ["p1"] * 3


def test_tiktok_older_layout_takes_the_handle_from_the_folder(tmp_path):
    write(
        tmp_path / "exports" / "tiktok" / "OldTimer" / "user_data.json",
        tiktok_older(
            [
                tiktok_video("6900000000000000001", "2021-01-05 10:20:30", "15", "first"),
                # Older videos may describe themselves in Desc rather than Title.
                {
                    **tiktok_video("6900000000000000002", "2021-02-06 11:21:31", "3", ""),
                    "Desc": "d",
                },
            ],
            fans=2,
        ),
        mtime="2026-03-15T10:00:00Z",
    )
    night = ingest(tmp_path)
    posts = night.posts.clean
    assert posts[["handle", "post_id", "posted_at", "likes"]].values.tolist() == [
        ["oldtimer", "6900000000000000001", utc("2021-01-05 10:20:30"), 15],
        ["oldtimer", "6900000000000000002", utc("2021-02-06 11:21:31"), 3],
    ]
    assert posts["text"].tolist() == ["first", "d"]
    assert night.accounts.clean[["handle", "followers"]].values.tolist() == [["oldtimer", 2]]


# --- zip archives -------------------------------------------------------------------


def test_x_archive_zip_reads_in_place(tmp_path, samples):
    archive = write(
        tmp_path / "exports" / "x" / "someone" / "archive.zip",
        zip_bytes(
            {
                "Your archive.html": "<html></html>",
                "data/manifest.js": "window.__THAR_CONFIG = {}",
                "data/account.js": x_account("ZipOwner"),
                "data/tweets.js": (samples / "x" / "tweets.js").read_bytes(),
                "data/follower.js": x_followers(5),
                "data/tweets_media/1994091455124787464-abc.jpg": b"\xff\xd8\xff\xe0 not a photo",
            }
        ),
        mtime="2026-04-01T12:00:00Z",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {} and night.posts.rejected.empty
    assert night.statuses == {"exports/x/someone/archive.zip": "loaded"}
    assert night.parsed.ledger["format"].tolist() == ["zip"]
    posts = night.posts.clean
    assert list(zip(posts["post_id"], posts["posted_at"], posts["text"], strict=True)) == (
        REAL_TWEETS
    )
    assert posts["handle"].tolist() == ["zipowner", "zipowner"]
    assert posts["source_file"].tolist() == ["exports/x/someone/archive.zip!data/tweets.js"] * 2
    accounts = night.accounts.clean
    assert accounts[["handle", "snapshot_date", "followers", "source_file"]].values.tolist() == [
        [
            "zipowner",
            pd.Timestamp("2026-04-01"),
            5,
            "exports/x/someone/archive.zip!data/follower.js",
        ]
    ]
    assert archive.exists()  # read in place, nothing extracted beside it
    assert sorted(p.name for p in archive.parent.iterdir()) == ["archive.zip"]


def test_instagram_zip_reads_posts_and_followers(tmp_path, samples):
    write(
        tmp_path / "exports" / "instagram" / "me" / "instagram-me-2026-04-01.zip",
        zip_bytes(
            {
                "your_instagram_activity/content/posts_1.json": (
                    samples / "instagram" / "posts_1.json"
                ).read_bytes(),
                "connections/followers_and_following/followers_1.json": instagram_followers(
                    6, wrapped=False
                ),
                "media/posts/202405/x_18032017582961826.jpg": b"\xff\xd8",
            }
        ),
        mtime="2026-04-01T12:00:00Z",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {}
    posts = night.posts.clean
    assert list(zip(posts["post_id"], posts["posted_at"], posts["text"], strict=True)) == (
        REAL_INSTAGRAM
    )
    assert set(posts["source_file"]) == {
        "exports/instagram/me/instagram-me-2026-04-01.zip!"
        "your_instagram_activity/content/posts_1.json"
    }
    assert night.accounts.clean[["handle", "followers"]].values.tolist() == [["me", 6]]


OWN_POSTS = instagram_posts_json([("media/posts/202401/a_17000000000000001.jpg", 1704067200, "hi")])


def symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("data/link.json")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("../evil.json", "'../evil.json' points outside the archive"),
        ("..\\evil.json", "points outside the archive"),
        (zipfile.ZipInfo("/etc/passwd"), "'/etc/passwd' points outside the archive"),
        (zipfile.ZipInfo("C:/Windows/evil.json"), "points outside the archive"),
        (symlink_entry(), "'data/link.json' is a link"),
    ],
    ids=["dot-dot", "backslash-dot-dot", "absolute", "drive-letter", "symlink"],
)
def test_unsafe_archives_are_quarantined_whole(tmp_path, entry, words):
    write(
        tmp_path / "exports" / "instagram" / "me" / "bad.zip",
        zip_bytes({"your_instagram_activity/content/posts_1.json": OWN_POSTS, entry: "[]"}),
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {"exports/instagram/me/bad.zip": "unsafe_archive"}
    assert words in night.parsed.rejected_files.loc[0, "detail"]
    assert night.statuses == {"exports/instagram/me/bad.zip": "quarantined"}
    assert night.parsed.frames["posts"].empty  # not even the safe entry is read


def test_archive_caps_on_entries_and_total_size():
    def member(name: str, size: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name)
        info.file_size = size
        return info

    three = [member(f"data/{i}.js", 10) for i in range(3)]
    check_archive(three, max_entries=3, max_bytes=30)  # at the caps: fine
    with pytest.raises(FileRejected) as caught:
        check_archive(three, max_entries=2, max_bytes=10**6)
    assert (caught.value.rule, caught.value.detail) == (
        "archive_too_large",
        "3 entries; virage reads at most 2",
    )
    with pytest.raises(FileRejected) as caught:
        check_archive([member("a.mp4", 600), member("b.mp4", 600)], max_entries=10, max_bytes=1000)
    assert (caught.value.rule, caught.value.detail) == (
        "archive_too_large",
        "1,200 bytes uncompressed; virage reads at most 1,000",
    )
    # The caps docs/formats.md promises.
    assert (MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_BYTES) == (100_000, 8 * 1024**3)
    docs = DOCS.read_text(encoding="utf-8")
    assert "100,000 entries" in docs and "8 GiB" in docs


def test_corrupt_and_cut_off_zips_are_unreadable(tmp_path):
    whole = zip_bytes({"your_instagram_activity/content/posts_1.json": OWN_POSTS})
    write(tmp_path / "exports" / "instagram" / "me" / "garbage.zip", b"PK\x03\x04" + b"\x00" * 64)
    write(tmp_path / "exports" / "instagram" / "me" / "cut.zip", whole[: len(whole) // 2])
    night = ingest(tmp_path)
    assert night.rejected_files == {
        "exports/instagram/me/garbage.zip": "unreadable_zip",
        "exports/instagram/me/cut.zip": "unreadable_zip",
    }
    assert set(night.parsed.rejected_files["detail"].str[:27]) == {"not a readable zip archive:"}


def test_a_cut_off_json_entry_is_rejected_alone(tmp_path):
    write(
        tmp_path / "exports" / "instagram" / "me" / "export.zip",
        zip_bytes(
            {
                "your_instagram_activity/content/posts_1.json": OWN_POSTS,
                "connections/followers_and_following/followers_1.json": '[{"title": "", "string_',
            }
        ),
    )
    night = ingest(tmp_path)
    entry = "exports/instagram/me/export.zip!connections/followers_and_following/followers_1.json"
    assert night.rejected_files == {entry: "unreadable_json"}
    assert "cut off?" in night.parsed.rejected_files.loc[0, "detail"]
    assert night.statuses == {"exports/instagram/me/export.zip": "loaded"}
    assert night.posts.clean[["post_id", "text"]].values.tolist() == [["17000000000000001", "hi"]]
    assert night.parsed.frames["accounts"].empty


def test_a_corrupt_entry_is_rejected_alone(tmp_path):
    followers = x_followers(40)
    raw = bytearray(zip_bytes({"data/tweets.js": ytd("tweets", []), "data/follower.js": followers}))
    entry = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("data/follower.js")
    # Overwrite the start of the entry's deflated data (after its 30-byte local header).
    start = entry.header_offset + 30 + len(entry.filename) + 8
    raw[start : start + 24] = b"\xff" * 24
    write(tmp_path / "exports" / "x" / "someone" / "archive.zip", bytes(raw))
    night = ingest(tmp_path)
    assert night.rejected_files == {
        "exports/x/someone/archive.zip!data/follower.js": "unreadable_zip"
    }


# --- recognition and ownership ------------------------------------------------------


def test_recognition_by_content_by_name_and_ignored_media(tmp_path):
    me = tmp_path / "exports" / "instagram" / "me"
    write(
        tmp_path / "exports" / "tiktok" / "creator" / "export.json",
        tiktok_current("Creator", CURRENT_VIDEOS[:1], fans=1),
        mtime="2026-01-01T00:00:00Z",
    )
    # Its first kilobytes are all one section: only the section names tell it apart.
    padded = json.loads(tiktok_current("Creator", CURRENT_VIDEOS[1:2], fans=0))
    padded["Ads and data"]["Ad Interests"]["AdInterestCategories"] = "cycling | " * 600
    write(
        tmp_path / "exports" / "tiktok" / "creator" / "export (1).json",
        json.dumps(padded),
        mtime="2026-01-01T00:00:01Z",
    )
    # media + creation_timestamp
    write(me / "my_posts_backup.json", OWN_POSTS, mtime="2026-01-01T00:00:02Z")
    write(me / "followers_1.json", instagram_followers(2, wrapped=False))
    write(me / "fans.json", instagram_followers(3, wrapped=False))  # shared shape: needs its name
    write(me / "media" / "posts" / "202401" / "a_17000000000000001.jpg", b"\xff\xd8")
    write(me / "notes.txt", "remember to export TikTok too")
    write(tmp_path / "exports" / "x" / "someone" / "like.js", ytd("like", [{"like": {}}]))
    write(tmp_path / "exports" / "x" / "someone" / "manifest.js", "window.__THAR_CONFIG = {}")
    night = ingest(tmp_path)
    files = night.parsed
    formats = dict(zip(files.ledger["source_path"], files.ledger["format"], strict=True))
    assert formats == {
        "exports/tiktok/creator/export.json": "tiktok",
        "exports/tiktok/creator/export (1).json": "tiktok",
        "exports/instagram/me/my_posts_backup.json": "instagram_posts",
        "exports/instagram/me/followers_1.json": "instagram_followers",
        "exports/instagram/me/fans.json": "unknown",
        "exports/instagram/me/media/posts/202401/a_17000000000000001.jpg": "ignored",
        "exports/instagram/me/notes.txt": "unknown",
        "exports/x/someone/like.js": "ignored",
        "exports/x/someone/manifest.js": "ignored",
    }
    assert night.statuses == {
        "exports/tiktok/creator/export.json": "loaded",
        "exports/tiktok/creator/export (1).json": "loaded",
        "exports/instagram/me/my_posts_backup.json": "loaded",
        "exports/instagram/me/followers_1.json": "loaded",
        "exports/instagram/me/fans.json": "quarantined",
        "exports/instagram/me/media/posts/202401/a_17000000000000001.jpg": "ignored",
        "exports/instagram/me/notes.txt": "quarantined",
        "exports/x/someone/like.js": "ignored",
        "exports/x/someone/manifest.js": "ignored",
    }
    assert night.rejected_files == {
        "exports/instagram/me/fans.json": "unrecognised_file",
        "exports/instagram/me/notes.txt": "unrecognised_file",
    }
    assert night.posts.clean[["platform", "handle", "post_id"]].values.tolist() == [
        ["tiktok", "creator", "7300000000000000001"],
        ["tiktok", "creator", "7300000000000000002"],
        ["instagram", "me", "17000000000000001"],
    ]
    assert night.accounts.clean[["platform", "handle", "followers"]].values.tolist() == [
        ["tiktok", "creator", 1],
        ["tiktok", "creator", 0],
        ["instagram", "me", 2],
    ]


OWN_SHARES = linkedin_shares(
    [{"date": "2026-01-02 03:04:05", "link": "urn:li:share:1", "text": "hello"}]
)
OWN_TWEETS = ytd("tweets", [tweet("1", "Sat Dec 06 18:20:30 +0000 2025", "a")])


@pytest.mark.parametrize(
    ("path", "content", "platform"),
    [
        ("exports/Shares.csv", OWN_SHARES, "linkedin"),
        ("exports/posts_1.json", OWN_POSTS, "instagram"),
        ("exports/x/someone/Shares.csv", OWN_SHARES, "linkedin"),  # another platform's folder
        ("exports/tweets.js", OWN_TWEETS, "x"),  # no account.js beside it either
    ],
)
def test_an_export_that_names_no_owner_is_rejected_with_where_to_put_it(
    tmp_path, path, content, platform
):
    write(tmp_path / path, content)
    night = ingest(tmp_path)
    assert night.rejected_files == {path: "unknown_owner"}
    detail = night.parsed.rejected_files.loc[0, "detail"]
    assert f"put it under exports/{platform}/<handle>/" in detail
    assert night.parsed.frames["posts"].empty


# --- bad values inside an export -----------------------------------------------------


def test_bad_values_quarantine_their_rows_and_the_others_load(tmp_path):
    write(
        tmp_path / "exports" / "x" / "someone" / "tweets.js",
        ytd(
            "tweets",
            [
                tweet("1", "Sat Dec 06 18:20:30 +0000 2025", "fine"),
                tweet("2", "yesterday at noon", "bad time"),
                tweet("3", "Sat Dec 06 18:20:32 +0000 2025", "bad likes", likes="many"),
            ],
        ),
        mtime="2026-01-01T00:00:00Z",
    )
    write(
        tmp_path / "exports" / "tiktok" / "creator" / "user_data_tiktok.json",
        tiktok_current(
            "Creator",
            [
                tiktok_video("7300000000000000001", "2025-03-01 12:00:00", "lots", "bad likes"),
                tiktok_video("7300000000000000002", "2025-13-45 99:00:00", "3", "bad date"),
                tiktok_video("7300000000000000003", "2025-03-03 08:00:00", "4", "fine"),
            ],
            fans=0,
        ),
        mtime="2026-01-01T00:00:01Z",
    )
    write(
        tmp_path / "exports" / "instagram" / "me" / "posts_1.json",
        instagram_posts_json(
            [
                ("m/a_17000000000000001.jpg", 10**20, "far future"),
                ("m/b_17000000000000002.jpg", 1704067200, "fine"),
            ]
        ),
        mtime="2026-01-01T00:00:02Z",
    )
    # No post names a media file, so none has an id.
    write(
        tmp_path / "exports" / "instagram" / "textonly" / "posts_1.json",
        json.dumps([{"title": "no media", "creation_timestamp": 1704067200, "media": []}]),
        mtime="2026-01-01T00:00:03Z",
    )
    night = ingest(tmp_path)
    assert night.rejected_files == {}
    assert night.rejected_rows() == [
        ("exports/x/someone/tweets.js", 2, "bad_timestamp"),
        ("exports/x/someone/tweets.js", 3, "bad_count"),
        ("exports/tiktok/creator/user_data_tiktok.json", 1, "bad_count"),
        ("exports/tiktok/creator/user_data_tiktok.json", 2, "bad_timestamp"),
        ("exports/instagram/me/posts_1.json", 1, "bad_timestamp"),
        ("exports/instagram/textonly/posts_1.json", 1, "missing_value"),
    ]
    details = night.posts.rejected["detail"].tolist()
    assert details[0].startswith("posted_at is 'yesterday at noon'")
    assert details[1].startswith("likes is 'many'")
    assert night.posts.clean["text"].tolist() == ["fine", "fine", "fine"]
    assert night.accounts.clean[["handle", "followers"]].values.tolist() == [["creator", 0]]


def test_recognised_formats_are_documented():
    docs = DOCS.read_text(encoding="utf-8")
    names = ["tweets.js", "tweet.js", "follower.js", "account.js", "Shares.csv"]
    names += ["Connections.csv", "posts_1.json", "followers_1.json"]
    for name in [*names, "user_data_tiktok.json", "user_data.json"]:
        assert name in docs, name
    assert re.search(r"unsafe_archive", docs) and "unreadable_zip" in docs


# --- ownership by path, follower-list parts ------------------------------------------


def test_identical_exports_of_two_accounts_count_for_both(tmp_path):
    for handle in ("alice", "bob"):
        write(tmp_path / "exports" / "x" / handle / "follower.js", x_followers(0))
    night = ingest(tmp_path)
    accounts = night.accounts.clean
    assert sorted(accounts["handle"]) == ["alice", "bob"]
    assert accounts["followers"].tolist() == [0, 0]
    assert len(night.parsed.ledger) == 2


def test_an_x_account_js_names_only_the_x_files_of_a_mixed_archive(tmp_path):
    post = {"title": "hello", "creation_timestamp": 1710165471, "media": [{"uri": "a_1.jpg"}]}
    archive = zip_bytes(
        {"data/account.js": x_account("SomeXName"), "posts_1.json": json.dumps([post])}
    )
    write(tmp_path / "exports" / "instagram" / "carol" / "mixed.zip", archive)
    night = ingest(tmp_path)
    assert night.posts.clean["handle"].tolist() == ["carol"]


def test_follower_list_parts_of_one_export_add_up(tmp_path):
    folder = tmp_path / "exports" / "instagram" / "carol"
    day = "2026-03-01T12:00:00Z"
    write(folder / "followers_1.json", instagram_followers(3, wrapped=False), mtime=day)
    write(folder / "followers_2.json", instagram_followers(2, wrapped=True), mtime=day)
    other = tmp_path / "exports" / "instagram" / "dan"
    write(other / "followers_1.json", instagram_followers(4, wrapped=False), mtime=day)
    accounts = ingest(tmp_path).accounts.clean.set_index("handle")
    assert accounts["followers"].to_dict() == {"carol": 5, "dan": 4}


def test_x_short_links_are_expanded_to_what_the_author_wrote(tmp_path):
    linked = tweet("1", "Sat Dec 06 18:20:30 +0000 2025", "Try it https://t.co/AbC123 now")
    linked["tweet"]["entities"] = {
        "urls": [
            {
                "url": "https://t.co/AbC123",
                "expanded_url": "https://lumen-mobilite.fr/velo",
                "display_url": "lumen-mobilite.fr/velo",
            }
        ]
    }
    unknown = tweet("2", "Sat Dec 06 18:20:30 +0000 2025", "see https://t.co/Zz9 too")
    write(tmp_path / "exports" / "x" / "ana" / "tweets.js", ytd("tweets", [linked, unknown]))
    texts = ingest(tmp_path).posts.clean.set_index("post_id")["text"]
    assert texts["1"] == "Try it https://lumen-mobilite.fr/velo now"
    assert texts["2"] == "see https://t.co/Zz9 too"
