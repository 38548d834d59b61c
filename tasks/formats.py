"""The platforms' own export formats, recognised by name and content.

Each parser turns one export into raw text columns named as the canonical frames
(posts: the exchange columns plus `declared_sponsored`; accounts: the follower
count at export time), with `row_number` the 1-based record in the export. Typing
and row rules then happen once, in tasks/validate.py, for every format alike. Times
leave here as ISO 8601 in UTC; ids stay text.

Quirks handled are those documented in ../shared/samples/README.md: X archives are
JavaScript assignments with every number a string and `created_at` in a local
offset; LinkedIn wraps each inner line of a multi-line share in its own quotes;
Meta writes UTF-8 bytes as \\u00XX escapes; TikTok's keys change between versions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import numpy as np
import pandas as pd

from virage.errors import FileRejected
from virage.schemas.fields import ACCOUNTS, PLATFORM_ALIASES, PLATFORMS, POSTS

POST_COLUMNS = [*POSTS.exchange_header, "declared_sponsored"]
ACCOUNT_COLUMNS = ACCOUNTS.exchange_header

MEDIA_SUFFIXES = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".mp4", ".mov", ".m4a", ".mp3",
    ".srt", ".html", ".css",
}  # fmt: skip
"""Files that come with platform archives and carry nothing virage reads."""


@dataclass
class Export:
    """What one export yields: raw posts and follower counts, either may be empty."""

    posts: pd.DataFrame
    accounts: pd.DataFrame
    handle: str | None = None
    """The account the export names itself (X account.js, TikTok profile)."""


@dataclass(frozen=True)
class Origin:
    """Where a file sits: its name, the account its folder names, and when it was taken."""

    name: str
    folder_platform: str | None
    folder_handle: str | None
    observed_date: str
    """Day of the export (YYYY-MM-DD, UTC), the date of its follower counts."""


def owner_from_path(relative: PurePosixPath) -> tuple[str | None, str | None]:
    """(platform, handle) from `exports/<platform>/<handle>/...`, else (None, None)."""
    parts = relative.parts
    if len(parts) < 4 or parts[0] != "exports":
        return None, None
    platform = PLATFORM_ALIASES.get(parts[1].lower(), parts[1].lower())
    if platform not in PLATFORMS:
        return None, None
    return platform, parts[2].strip().lstrip("@").lower()


# --- recognition -------------------------------------------------------------------

_YTD = re.compile(rb"^\s*window\.YTD\.(\w+)\.part\d+\s*=")
_X_MANIFEST = re.compile(rb"^\s*window\.__THAR_CONFIG\s*=")
_YTD_FORMATS = {
    "tweets": "x_tweets",
    "tweet": "x_tweets",
    "follower": "x_followers",
    "account": "x_account",
}


def recognise(name: str, head: bytes) -> str:
    """The format of a file from its name and first bytes: a key of PARSERS, "zip",
    "exchange_posts", "exchange_accounts", "ignored" (part of a platform archive that
    carries nothing virage reads) or "" (not recognised)."""
    lowered = PurePosixPath(name).name.lower()
    suffix = PurePosixPath(lowered).suffix
    if lowered.endswith(".posts.csv"):
        return "exchange_posts"
    if lowered.endswith(".accounts.csv"):
        return "exchange_accounts"
    if suffix == ".zip" or head.startswith(b"PK\x03\x04"):
        return "zip"
    if suffix == ".js":
        found = _YTD.match(head)
        if found:
            return _YTD_FORMATS.get(found[1].decode(), "ignored")
        # data/manifest.js, in every X archive: the archive's index, nothing to read.
        return "ignored" if _X_MANIFEST.match(head) else ""
    if suffix == ".csv":
        return _recognise_csv(head)
    if suffix == ".json":
        return _recognise_json(lowered, head)
    if suffix in MEDIA_SUFFIXES:
        return "ignored"
    return ""


def _recognise_csv(head: bytes) -> str:
    text = head.decode("utf-8-sig", errors="replace").lower()
    first = text.lstrip().split("\n", 1)[0]
    if '"tweet id"' in first or first.startswith("tweet id,"):
        return "x_analytics"
    if "sharecommentary" in first or "sharelink" in first:
        return "linkedin_shares"
    if first.startswith("notes:") or ("first name" in first and "connected on" in first):
        return "linkedin_connections"
    return ""


_TIKTOK_MARKERS = (
    b'"VideoList"',
    b'"ProfileMap"',
    b'"FansList"',
    # Section names that open a renamed export, whose first kilobytes may be
    # browsing history rather than the keys above.
    b'"Ads and data"',
    b'"App Settings"',
    b'"Profile And Settings"',
)


def _recognise_json(name: str, head: bytes) -> str:
    if re.fullmatch(r"posts_\d+\.json", name):
        return "instagram_posts"
    if re.fullmatch(r"followers_\d+\.json", name):
        return "instagram_followers"
    if name.startswith("user_data") or any(k in head for k in _TIKTOK_MARKERS):
        return "tiktok"
    if b'"creation_timestamp"' in head and b'"media"' in head:
        return "instagram_posts"
    return ""


# --- shared helpers ----------------------------------------------------------------


def _posts_frame(columns: dict[str, object], n: int) -> pd.DataFrame:
    """A raw posts frame of `n` rows: the given columns as text, the others empty."""
    # Built as one frame from plain arrays: column by column, pandas' bookkeeping
    # cost 4 ms per export, the better part of reading a small one.
    data = {}
    for name in POST_COLUMNS:
        value = columns.get(name, "")
        if not isinstance(value, pd.Series):
            data[name] = np.full(n, value, dtype=object)
        elif value.dtype == object:  # missing values (None, NaN) become ""
            data[name] = value.to_numpy(dtype=object, na_value="")
        else:
            data[name] = value.astype("str").fillna("").to_numpy(dtype=object)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), dtype="str")
    frame["row_number"] = np.arange(1, n + 1)
    return frame


def _utc_text(original: pd.Series, parsed: pd.Series) -> pd.Series:
    """ISO 8601 UTC text where the time parsed; the original text where it did not,
    so that validation quarantines the row showing what the export said."""
    iso = parsed.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return iso.where(parsed.notna(), original.astype("str").fillna(""))


def _follower_count(origin: Origin, platform: str, count: int, handle: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": [platform],
            "handle": [handle or ""],
            "snapshot_date": [origin.observed_date],
            "followers": [str(count)],
            "row_number": [1],
        }
    )


def _no_accounts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in [*ACCOUNT_COLUMNS, "row_number"]})


def _no_posts() -> pd.DataFrame:
    return _posts_frame({}, 0)


def empty_export(handle: str | None = None) -> Export:
    """An export with no rows (X account.js: only names the account)."""
    return Export(_no_posts(), _no_accounts(), handle)


def _owner_handle(origin: Origin, platform: str, own: str | None = None) -> str:
    """The export's own handle, else the one its folder names; FileRejected if neither."""
    if own:
        return own.strip().lstrip("@").lower()
    if origin.folder_handle and origin.folder_platform == platform:
        return origin.folder_handle
    raise FileRejected(
        "unknown_owner",
        f"a {platform} export that does not name its account: put it under "
        f"exports/{platform}/<handle>/ so virage knows whose it is",
    )


# A \uD800-\uDFFF escape outside a high-low pair: text cut between the two halves of an
# emoji. Escaped backslashes are matched too, so that `\\ud800` (a backslash, then the
# letters) is left alone.
_LONE_SURROGATE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _replace_lone_surrogate(found: re.Match[str]) -> str:
    escape = found[0]
    return escape if escape == "\\\\" or len(escape) == 12 else "\\ufffd"


def _load_json(text: str, parse_int: Callable[[str], object] | None = None) -> object:
    """The JSON document; a lone surrogate escape becomes U+FFFD, as a decoder replaces
    bad bytes: Python would keep it, and Arrow-backed text cannot hold it."""
    try:
        return json.loads(_LONE_SURROGATE.sub(_replace_lone_surrogate, text), parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise FileRejected(
            "unreadable_json", f"not valid JSON ({exc.msg} at line {exc.lineno}); cut off?"
        ) from None


def _as_record(value: object) -> dict:
    """A record as json_normalize takes it: anything but an object becomes an empty
    one, so that it still yields a row, which validation quarantines."""
    return value if isinstance(value, dict) else {}


def _dig(document: object, paths: list[tuple[str, ...]]) -> object | None:
    """The value at the first of `paths` present in nested dicts."""
    for path in paths:
        node = document
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            return node
    return None


# --- X -----------------------------------------------------------------------------


def _ytd_payload(text: str) -> object:
    """The JSON after `window.YTD.<name>.partN =` in an X archive file. Whole numbers
    stay text: X writes them as strings, but a tool that rewrote an archive may not,
    and a 20-digit id would lose digits as a float or overflow an int64."""
    found = _YTD.match(text.encode("utf-8")[:200])
    if not found:
        raise FileRejected("unreadable_js", "not an X archive file: no window.YTD assignment")
    return _load_json(text.split("=", 1)[1], parse_int=str)


def x_account_handle(text: str) -> str | None:
    """The username in an X archive's data/account.js."""
    records = _ytd_payload(text)
    for record in records if isinstance(records, list) else []:
        username = _dig(record, [("account", "username")])
        # Only text names an account: a rewritten archive may hold a list or an object.
        if isinstance(username, str) and username.strip():
            return username
    return None


def parse_x_account(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """An X archive's data/account.js: no rows, only the account it names."""
    return empty_export(x_account_handle(text))


def parse_x_tweets(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """Posts from an X archive's tweets.js (or a part, or the older tweet.js)."""
    records = _ytd_payload(text)
    if not isinstance(records, list):
        raise FileRejected("unreadable_js", "an X tweets file must hold a list of tweets")
    handle = _owner_handle(origin, "x", own_handle)
    tweets = pd.json_normalize(
        [_as_record(r.get("tweet", r) if isinstance(r, dict) else r) for r in records]
    )
    links = _short_links(tweets.get("entities.urls"))
    tweets = tweets.reindex(
        columns=[
            "id_str",
            "id",
            "full_text",
            "text",
            "created_at",
            "favorite_count",
            "retweet_count",
            "reply_count",
        ]
    )
    post_id = tweets["id_str"].astype("str").fillna(tweets["id"].astype("str")).fillna("")
    created = tweets["created_at"].astype("str")
    parsed = pd.to_datetime(created, format="%a %b %d %H:%M:%S %z %Y", errors="coerce", utc=True)
    return Export(
        _posts_frame(
            {
                "platform": "x",
                "handle": handle,
                "post_id": post_id,
                "posted_at": _utc_text(tweets["created_at"], parsed),
                "text": _expand_links(
                    tweets["full_text"].astype("str").fillna(tweets["text"].astype("str")), links
                ),
                "url": f"https://x.com/{handle}/status/" + post_id,
                "likes": tweets["favorite_count"],
                "shares": tweets["retweet_count"],
                "comments": tweets["reply_count"],
            },
            len(tweets),
        ),
        _no_accounts(),
        own_handle,
    )


_SHORT_LINK = r"https?://t\.co/[A-Za-z0-9]+"


def _short_links(entities: pd.Series | None) -> dict[str, str]:
    """t.co link -> the link the author wrote, from the tweets' entities.urls: the
    archive's text carries only the short form, and campaigns match brand domains."""
    if entities is None:
        return {}
    pairs = entities.explode().dropna()
    pairs = pairs[pairs.map(lambda p: isinstance(p, dict))]
    if pairs.empty:
        return {}
    found = pd.json_normalize(pairs.tolist()).reindex(columns=["url", "expanded_url"])
    found = found[found["url"].map(lambda u: isinstance(u, str))]
    found = found[found["expanded_url"].map(lambda u: isinstance(u, str) and u != "")]
    return dict(zip(found["url"], found["expanded_url"], strict=True))


def _expand_links(texts: pd.Series, links: dict[str, str]) -> pd.Series:
    if not links:
        return texts
    return texts.str.replace(_SHORT_LINK, lambda m: links.get(m.group(0), m.group(0)), regex=True)


def parse_x_followers(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """The follower count at export time: the length of data/follower.js."""
    records = _ytd_payload(text)
    if not isinstance(records, list):
        raise FileRejected("unreadable_js", "an X follower file must hold a list")
    handle = _owner_handle(origin, "x", own_handle)
    return Export(_no_posts(), _follower_count(origin, "x", len(records), handle), own_handle)


_PERMALINK_HANDLE = r"(?:twitter|x)\.com/([^/]+)/status"


def parse_x_analytics(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """Posts from an X analytics "tweet activity" CSV (older files say favorites)."""
    raw = _read_csv(text)
    likes = "likes" if "likes" in raw else "favorites"
    needed = ["tweet id", "tweet permalink", "tweet text", "time", likes]
    missing = [c for c in needed if c not in raw]
    if missing:
        raise FileRejected(
            "missing_columns", f"an X analytics export without column(s) {', '.join(missing)}"
        )
    from_link = raw["tweet permalink"].str.extract(_PERMALINK_HANDLE, expand=False)
    fallback = origin.folder_handle if origin.folder_platform == "x" else ""
    parsed = pd.to_datetime(raw["time"], format="%Y-%m-%d %H:%M %z", errors="coerce", utc=True)
    return Export(
        _posts_frame(
            {
                "platform": "x",
                "handle": from_link.fillna(fallback or ""),
                "post_id": raw["tweet id"],
                "posted_at": _utc_text(raw["time"], parsed),
                "text": raw["tweet text"],
                "url": raw["tweet permalink"],
                "impressions": raw.get("impressions", ""),
                "likes": raw[likes],
                "comments": raw.get("replies", ""),
                "shares": raw.get("retweets", ""),
                "clicks": raw.get("url clicks", ""),
            },
            len(raw),
        ),
        _no_accounts(),
    )


# --- LinkedIn ----------------------------------------------------------------------


def strict_read_csv(source: Path | io.StringIO) -> pd.DataFrame:
    """Every column of a CSV (a UTF-8 file, or text) as text, header names as
    written. Raises FileRejected when it cannot be read as a whole, including a first
    row longer than the header, whose extra fields pandas would drop with only a
    warning; a file's decoding errors pass through to the caller."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                source,
                encoding="utf-8-sig" if isinstance(source, Path) else None,
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        raise FileRejected("empty_file", "the file is empty; expected a header and rows") from None
    except pd.errors.ParserWarning:
        raise FileRejected(
            "unreadable_csv",
            "the first row has more fields than the header; quote values that contain commas",
        ) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        reason = (
            f"line {found[2]} has {found[3]} fields but the header has {found[1]}; quote "
            "values that contain commas"
            if found
            else (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        )
        raise FileRejected("unreadable_csv", f"cannot be read as CSV: {reason}") from None


def _read_csv(text: str) -> pd.DataFrame:
    """Every column as text, header names lower-cased and trimmed."""
    raw = strict_read_csv(io.StringIO(text))
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    return raw


def unwrap_linkedin_lines(commentary: pd.Series) -> pd.Series:
    """The text a member wrote: LinkedIn's export wraps every inner line of a
    multi-line share in its own quotes, so each line break reads `"\\n"` once the
    CSV quoting is undone."""
    return commentary.str.replace(r'"\r?\n"', "\n", regex=True)


# The whole id: a group post's is `<group id>-<post id>`, and stopping at the dash
# would give every post of a group the same id.
_LINKEDIN_URN = re.compile(r"(urn:li:[a-zA-Z]+:\d[\w-]*)")


def parse_linkedin_shares(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """Posts from a LinkedIn member archive's Shares.csv (no engagement counts)."""
    raw = _read_csv(text)
    missing = [c for c in ("date", "sharelink", "sharecommentary") if c not in raw]
    if missing:
        raise FileRejected(
            "missing_columns", f"a LinkedIn Shares.csv without column(s) {', '.join(missing)}"
        )
    handle = _owner_handle(origin, "linkedin", own_handle)
    urn = raw["sharelink"].map(unquote).str.extract(_LINKEDIN_URN, expand=False)
    # LinkedIn writes member times in UTC without saying so.
    parsed = pd.to_datetime(raw["date"], format="%Y-%m-%d %H:%M:%S", errors="coerce", utc=True)
    return Export(
        _posts_frame(
            {
                "platform": "linkedin",
                "handle": handle,
                "post_id": urn.fillna(""),
                "posted_at": _utc_text(raw["date"], parsed),
                "text": unwrap_linkedin_lines(raw["sharecommentary"]),
                "url": raw["sharelink"],
            },
            len(raw),
        ),
        _no_accounts(),
    )


_CONNECTIONS_HEADER = re.compile(r"^first name,", re.IGNORECASE | re.MULTILINE)


def parse_linkedin_connections(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """The follower count at export time: the rows of Connections.csv, after any
    "Notes:" preamble (a line, a quoted paragraph and a blank line)."""
    header = _CONNECTIONS_HEADER.search(text)
    if header is None:
        raise FileRejected(
            "missing_columns", "a LinkedIn Connections.csv without its 'First Name,...' header"
        )
    # Read as CSV from the header on, not line by line: a quoted Position may hold a
    # line break, and str.splitlines also breaks at U+2028 and other separators.
    raw = _read_csv(text[header.start() :])
    filled = raw.apply(lambda column: column.str.strip().ne("")).any(axis=1)
    handle = _owner_handle(origin, "linkedin", own_handle)
    return Export(_no_posts(), _follower_count(origin, "linkedin", int(filled.sum()), handle))


# --- Instagram / Meta --------------------------------------------------------------


def repair_mojibake(texts: pd.Series) -> pd.Series:
    """Undo Meta's export encoding, which writes each UTF-8 byte as a \\u00XX escape.
    Text that does not round-trip (already correct) is kept as it is."""

    def repair(value: str) -> str:
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value

    # Only captions with characters in U+0080..U+00FF can be mojibake.
    suspect = texts.str.contains("[\u0080-\u00ff]", regex=True, na=False)
    return texts.where(~suspect, texts[suspect].map(repair))


# Meta names each media file <...>_<media id>[.<ext>] (videos may have no extension):
# the id outlives re-exports.
_META_MEDIA_ID = r"_(\d+)(?:\.\w+)?$"


def _first_media(media: object) -> dict | None:
    """The first entry of a post's media list, if it is one."""
    if isinstance(media, list) and media and isinstance(media[0], dict):
        return media[0]
    return None


def parse_instagram_posts(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """Posts from Meta's "Download your information" posts_N.json (no counts)."""
    records = _load_json(text)
    if isinstance(records, dict):  # some versions wrap the list in one key
        records = next((v for v in records.values() if isinstance(v, list)), [])
    if not isinstance(records, list):
        raise FileRejected("unreadable_json", "an Instagram posts file must hold a list of posts")
    handle = _owner_handle(origin, "instagram", own_handle)
    posts = pd.json_normalize([_as_record(r) for r in records], max_level=0).reindex(
        index=pd.RangeIndex(len(records)), columns=["title", "creation_timestamp", "media"]
    )
    # The post's first media carries the id, and the caption and time when the post
    # level has none (a single-photo post keeps them only there).
    first = posts["media"].map(_first_media).dropna()
    first_media = (
        pd.json_normalize(first.tolist())
        .reindex(columns=["uri", "title", "creation_timestamp"])
        .set_axis(first.index)
        .reindex(posts.index)
    )
    title = posts["title"].astype("str")
    caption = title.where(title.fillna("") != "", first_media["title"].astype("str"))
    # As objects: either column may hold text or numbers, and pandas will not fill a
    # text column with numbers.
    created = (
        posts["creation_timestamp"]
        .astype("object")
        .fillna(first_media["creation_timestamp"].astype("object"))
    )
    seconds = pd.to_numeric(created, errors="coerce")
    # errors="coerce": a time past the year 2262 would otherwise raise, not quarantine.
    parsed = pd.to_datetime(seconds, unit="s", utc=True, errors="coerce")
    uri = first_media["uri"].astype("str")
    # str.extract, not str.rsplit: with no media at all the column holds no text, and
    # the .str accessor would refuse it rather than yield empty ids.
    post_id = uri.str.extract(_META_MEDIA_ID, expand=False).fillna(
        uri.str.extract(r"([^/]+)$", expand=False)
    )
    return Export(
        _posts_frame(
            {
                "platform": "instagram",
                "handle": handle,
                "post_id": post_id,
                "posted_at": _utc_text(created.astype("str"), parsed),
                "text": repair_mojibake(caption.fillna("")),
            },
            len(posts),
        ),
        _no_accounts(),
    )


def parse_instagram_followers(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """The follower count at export time: the length of followers_N.json."""
    records = _load_json(text)
    if isinstance(records, dict):
        records = next((v for v in records.values() if isinstance(v, list)), None)
    if not isinstance(records, list):
        raise FileRejected("unreadable_json", "an Instagram followers file must hold a list")
    handle = _owner_handle(origin, "instagram", own_handle)
    return Export(_no_posts(), _follower_count(origin, "instagram", len(records), handle))


# --- TikTok ------------------------------------------------------------------------

_TIKTOK_VIDEOS = [("Post", "Posts", "VideoList"), ("Video", "Videos", "VideoList")]
# Newest first. "Profile And Settings" / "Profile Info" is the layout other readers of
# TikTok exports describe for 2024 and later; it is not in the samples.
_TIKTOK_FANS = [
    ("Your Activity", "Follower", "FansList"),
    ("Your Activity", "Follower List", "FansList"),
    ("Profile And Settings", "Follower", "FansList"),
    ("Activity", "Follower List", "FansList"),
    ("Activity", "Follower", "FansList"),
]
_TIKTOK_PROFILE = [
    ("Profile", "Profile Information", "ProfileMap"),
    ("Profile And Settings", "Profile Info", "ProfileMap"),
    ("Profile", "Profile Info", "ProfileMap"),
    ("Profile", "ProfileMap"),
]


def parse_tiktok(text: str, origin: Origin, own_handle: str | None = None) -> Export:
    """Posts and the follower count from TikTok's user_data_tiktok.json (or the older
    user_data.json). A non-empty ContentDisclosure marks a paid partnership."""
    document = _load_json(text)
    if not isinstance(document, dict):
        raise FileRejected("unreadable_json", "a TikTok export must be a JSON object")
    profile = _dig(document, _TIKTOK_PROFILE) or {}
    names = [profile.get(k) for k in ("userName", "username")] if isinstance(profile, dict) else []
    # Only text names an account: a rewritten export may hold true, a number or a list.
    named = next((n for n in names if isinstance(n, str) and n.strip()), None)
    handle = _owner_handle(origin, "tiktok", named)
    videos = _dig(document, _TIKTOK_VIDEOS) or []
    frame = pd.json_normalize(
        [_as_record(v) for v in videos] if isinstance(videos, list) else []
    ).reindex(columns=["Date", "Link", "Likes", "Title", "Desc", "ContentDisclosure"])
    link = frame["Link"].astype("str").fillna("")
    video_id = link.str.extract(r"/video/(\d+)", expand=False)
    parsed = pd.to_datetime(frame["Date"], format="%Y-%m-%d %H:%M:%S", errors="coerce", utc=True)
    title = frame["Title"].astype("str")
    disclosure = frame["ContentDisclosure"].astype("str").fillna("").str.strip()
    posts = _posts_frame(
        {
            "platform": "tiktok",
            "handle": handle,
            "post_id": video_id.fillna(link),
            "posted_at": _utc_text(frame["Date"], parsed),
            "text": title.where(title.fillna("") != "", frame["Desc"].astype("str")),
            "url": link,
            "likes": frame["Likes"],
            "declared_sponsored": disclosure.ne("").map({True: "true", False: ""}),
        },
        len(frame),
    )
    fans = _dig(document, _TIKTOK_FANS)
    accounts = (
        _follower_count(origin, "tiktok", len(fans), handle)
        if isinstance(fans, list)
        else _no_accounts()
    )
    return Export(posts, accounts, named)


Parser = Callable[[str, Origin, "str | None"], Export]

PARSERS: dict[str, tuple[str, Parser]] = {
    "x_account": ("x", parse_x_account),
    "x_tweets": ("x", parse_x_tweets),
    "x_followers": ("x", parse_x_followers),
    "x_analytics": ("x", parse_x_analytics),
    "linkedin_shares": ("linkedin", parse_linkedin_shares),
    "linkedin_connections": ("linkedin", parse_linkedin_connections),
    "instagram_posts": ("instagram", parse_instagram_posts),
    "instagram_followers": ("instagram", parse_instagram_followers),
    "tiktok": ("tiktok", parse_tiktok),
}
"""Native formats: the platform each belongs to and its parser."""
