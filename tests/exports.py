"""Fixture writers for platform exports in their native formats.

Each helper returns the text (or bytes) a platform writes, shaped as the formats
described in ../shared/samples/README.md, so tests can build landing zones that
mix real samples with files of their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd


def write(path: Path, content: str | bytes, *, mtime: str | None = None) -> Path:
    """Write `content` (text as UTF-8) at `path`, folders included; with `mtime` (an
    ISO time with offset) set the file's modification time to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    if mtime:
        touch(path, mtime)
    return path


def copy(source: Path, target: Path, *, mtime: str | None = None) -> Path:
    """Copy a sample file (content only: the samples are read-only)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if mtime:
        touch(target, mtime)
    return target


def touch(path: Path, when: str) -> None:
    """Set a file's modification time to an ISO time with offset."""
    stamp = pd.Timestamp(when).timestamp()
    os.utime(path, (stamp, stamp))


# --- X ------------------------------------------------------------------------------


def ytd(name: str, records: list[dict], part: int = 0) -> str:
    """An X archive data file: `window.YTD.<name>.part<N> = [...]`, numbers as text."""
    return f"window.YTD.{name}.part{part} = {json.dumps(records, indent=2, ensure_ascii=False)}"


def tweet(tweet_id: str, created_at: str, text: str, likes: str = "0", retweets: str = "0") -> dict:
    """One record of tweets.js, every number a string as X writes it."""
    return {
        "tweet": {
            "id_str": tweet_id,
            "id": tweet_id,
            "created_at": created_at,
            "full_text": text,
            "favorite_count": likes,
            "retweet_count": retweets,
            "retweeted": False,
            "lang": "en",
        }
    }


def x_account(username: str) -> str:
    """data/account.js naming the archive's owner."""
    return ytd(
        "account",
        [
            {
                "account": {
                    "email": "owner@example.invalid",
                    "createdVia": "web",
                    "username": username,
                    "accountId": "4242",
                    "createdAt": "2015-03-01T10:00:00.000Z",
                    "accountDisplayName": username,
                }
            }
        ],
    )


def x_followers(count: int) -> str:
    """data/follower.js with `count` followers."""
    return ytd(
        "follower",
        [
            {
                "follower": {
                    "accountId": str(1000 + i),
                    "userLink": f"https://twitter.com/intent/user?user_id={1000 + i}",
                }
            }
            for i in range(count)
        ],
    )


X_ANALYTICS_HEADER = [
    "Tweet id",
    "Tweet permalink",
    "Tweet text",
    "time",
    "impressions",
    "engagements",
    "engagement rate",
    "retweets",
    "replies",
    "likes",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
]


def x_analytics(rows: list[dict[str, str]], likes: str = "likes", extra: tuple = ()) -> bytes:
    """An X analytics "tweet activity" CSV: UTF-8 with a BOM, every field quoted. `likes`
    names the likes column (older files say favorites); `extra` adds columns."""
    header = [likes if c == "likes" else c for c in X_ANALYTICS_HEADER] + list(extra)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = {**row, likes: row.get("likes", "0")}
        writer.writerow([values.get(c, "0") for c in header])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- LinkedIn -----------------------------------------------------------------------


def linkedin_shares(rows: list[dict[str, str]]) -> str:
    """Shares.csv as LinkedIn writes it: each line break of a share is `"\\n"` (every
    inner line wrapped in its own quotes), then the field is CSV-quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
    for row in rows:
        commentary = row["text"].replace("\n", '"\n"')
        writer.writerow(
            [row["date"], row["link"], commentary, "", "", row.get("visibility", "MEMBER_NETWORK")]
        )
    return out.getvalue()


CONNECTIONS_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\n'
    "\n"
)


def linkedin_connections(rows: list[list[str]], *, preamble: bool = True) -> str:
    """Connections.csv, with the "Notes:" paragraph newer exports put above the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    writer.writerows(rows)
    return (CONNECTIONS_PREAMBLE if preamble else "") + out.getvalue()


# --- Instagram ----------------------------------------------------------------------


def meta_escape(text: str) -> str:
    """Text as Meta writes it: every UTF-8 byte as its own \\u00XX character."""
    return text.encode("utf-8").decode("latin-1")


def instagram_followers(count: int, *, wrapped: bool) -> str:
    """followers_1.json: a plain list (older) or under relationships_followers."""
    records = [
        {
            "title": "",
            "media_list_data": [],
            "string_list_data": [
                {
                    "href": f"https://www.instagram.com/fan{i}",
                    "value": f"fan{i}",
                    "timestamp": 1_700_000_000 + i,
                }
            ],
        }
        for i in range(count)
    ]
    return json.dumps({"relationships_followers": records} if wrapped else records, indent=2)


# --- TikTok -------------------------------------------------------------------------


def tiktok_video(video_id: str, date: str, likes: str, title: str, disclosure: str = "") -> dict:
    return {
        "Date": date,
        "Link": f"https://www.tiktokv.com/share/video/{video_id}/",
        "Likes": likes,
        "Title": title,
        "Sound": "original sound",
        "Location": "",
        "WhoCanView": "Everyone",
        "ContentDisclosure": disclosure,
        "AIGeneratedContent": "No",
    }


def tiktok_current(username: str | None, videos: list[dict], fans: int) -> str:
    """user_data_tiktok.json (current layout)."""
    document: dict = {
        "Ads and data": {"Ad Interests": {"AdInterestCategories": ""}},
        "Post": {"Posts": {"VideoList": videos}},
        "Your Activity": {
            "Follower": {
                "FansList": [
                    {"Date": "2025-01-01 10:00:00", "UserName": f"fan{i}"} for i in range(fans)
                ]
            },
            "Watch History": {
                "VideoList": [
                    {
                        "Date": "2025-02-01 08:00:00",
                        "Link": "https://www.tiktokv.com/share/video/1/",
                    }
                ]
            },
        },
    }
    if username is not None:
        document["Profile"] = {
            "Profile Information": {"ProfileMap": {"userName": username, "likesReceived": "12"}}
        }
    return json.dumps(document, indent=2)


def tiktok_older(videos: list[dict], fans: int) -> str:
    """user_data.json (older layout), without a profile section."""
    return json.dumps(
        {
            "Activity": {
                "Follower List": {
                    "FansList": [
                        {"Date": "2021-11-11 01:22:22", "UserName": f"fan{i}"} for i in range(fans)
                    ]
                },
                "Video Browsing History": {"VideoList": []},
            },
            "Video": {"Videos": {"VideoList": videos}},
        },
        indent=2,
    )


# --- archives -----------------------------------------------------------------------


def zip_bytes(entries: dict[str | zipfile.ZipInfo, str | bytes]) -> bytes:
    """A zip archive of `entries` (name, or a ZipInfo for odd entries -> content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
