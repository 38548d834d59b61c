"""Property tests of every reader: random bytes and random CSV / JSON shapes go in; out
comes either an export whose rows then type or quarantine cleanly in validation, or
the reader's own FileRejected. Never another exception, never a hang.

Each example must finish within DEADLINE. Under CI=true the search is derandomized (and
keeps no example database), so CI sees the same examples every run and turns red only
when a change breaks something; on a developer's machine every run explores new inputs,
and a failure found is replayed first next time from `.hypothesis/` (which gitignores
itself). Each failure hypothesis found so far is pinned at the end as an explicit
regression test, so it stays covered whatever the search does.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import IN_CI
from tests.exports import CONNECTIONS_PREAMBLE, X_ANALYTICS_HEADER
from virage.errors import FileRejected
from virage.schemas.fields import ACCOUNTS, POSTS, Frame
from virage.tasks.formats import (
    ACCOUNT_COLUMNS,
    PARSERS,
    POST_COLUMNS,
    Export,
    Origin,
    recognise,
)
from virage.tasks.ingest import (
    _parse_native,
    discover_exports,
    parse_exports,
    read_exchange_csv,
)
from virage.tasks.validate import canonicalise

# A pandas deprecation is a crash of the next pandas: the property counts it as one.
pytestmark = pytest.mark.filterwarnings("error::pandas.errors.PandasChangeWarning")

DEADLINE = timedelta(seconds=2)
PROPERTY = settings(deadline=DEADLINE, derandomize=IN_CI)
"""Each test sets its own max_examples: validation costs some 20-40 ms a frame, and the
budgets below keep the whole file near half a minute."""

# --- what the inputs are made of -----------------------------------------------------

REAL_KEYS = [
    "tweet", "id_str", "id", "created_at", "full_text", "text", "favorite_count",
    "retweet_count", "reply_count", "media", "title", "creation_timestamp", "uri", "Post",
    "Posts", "Video", "Videos", "VideoList", "Date", "Link", "Likes", "Title", "Desc",
    "ContentDisclosure", "Profile", "Profile Information", "ProfileMap", "userName",
    "username", "Your Activity", "Activity", "Follower", "Follower List", "FansList",
    "string_list_data", "relationships_followers", "account",
]  # fmt: skip

TRICKY_TEXT = [
    "", " ", "nan", "NaN", "None", "null", "inf", "-inf", "Infinity", "1e400", "-1", "1.5",
    "0x10", "9" * 25, "１２３", "true", "x", "Twitter", "tiktok",
    "Wed Oct 10 20:19:24 +0000 2018", "Mon Feb 30 25:61:61 +9999 2018",
    "2026-11-01 10:00:00", "2026-11-01 10:00 +0000", "9999-12-31 23:59:59",
    "0001-01-01 00:00:00", "2026-11-01T10:00:00+01:00", "2026-11-01", "2026-11-01T10:00:00",
    "https://x.com/ana/status/1", "https://twitter.com//status/",
    "https://www.tiktokv.com/share/video/12345678901234567890/",
    "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A123-4/", "urn:li:activity:",
    "%", "%zz", "%ff%fe", "photos/1_2.jpg", "_99999999999999999999999", "\x00", "\ufeff",
    "\u2028", "\r\n", '"', 'a"\n"b', "Ã©", "\ud800", "=cmd|' /C calc'!A0",
]  # fmt: skip
"""Values that have tripped parsers elsewhere: numbers as text, NaN spelled out, times
just outside what pandas can hold, escapes, separators and a lone surrogate."""

texts = st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=20))

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # unbounded: far past int64
    st.sampled_from([2**63, -(2**63) - 1, 10**30, 0, -1]),
    st.floats(),  # NaN and infinities too: json writes NaN / Infinity and reads them back
    texts,
)
json_keys = st.one_of(st.sampled_from(REAL_KEYS), st.text(max_size=10))
json_docs = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(json_keys, children, max_size=4)
    ),
    max_leaves=20,
)


def records(keys: list[str], values: st.SearchStrategy = json_docs) -> st.SearchStrategy:
    """Dicts holding any of a format's own keys, with values of any shape."""
    return st.fixed_dictionaries({}, optional={k: values for k in keys})


def lists_of(record: st.SearchStrategy) -> st.SearchStrategy:
    """A list of records, stray non-records mixed in now and then."""
    return st.lists(st.one_of(record, record, json_docs), max_size=5)


TWEET_KEYS = ["id_str", "id", "created_at", "full_text", "text", "favorite_count",
              "retweet_count", "reply_count"]  # fmt: skip
tweet = records(TWEET_KEYS)
x_records = {
    "x_tweets": lists_of(st.one_of(st.builds(lambda t: {"tweet": t}, tweet), tweet)),
    "x_followers": lists_of(records(["follower"])),
    "x_account": lists_of(st.builds(lambda a: {"account": a}, records(["username"]))),
}

media = records(["uri", "title", "creation_timestamp"])
ig_post = records(["title", "creation_timestamp"]) | st.builds(
    lambda post, items: {**post, "media": items},
    records(["title", "creation_timestamp"]),
    st.one_of(lists_of(media), json_docs),
)
ig_followers = lists_of(records(["title", "string_list_data", "media_list_data"]))


def wrapped(lists: st.SearchStrategy, key: str) -> st.SearchStrategy:
    """The list bare or under one key, as Meta's versions differ."""
    return st.one_of(lists, st.builds(lambda items: {key: items}, lists))


TIKTOK_PATHS = [
    ("Post", "Posts", "VideoList"),
    ("Video", "Videos", "VideoList"),
    ("Your Activity", "Follower", "FansList"),
    ("Activity", "Follower List", "FansList"),
    ("Profile", "Profile Information", "ProfileMap"),
    ("Profile", "ProfileMap"),
]
tiktok_values = {
    "VideoList": lists_of(records(["Date", "Link", "Likes", "Title", "Desc", "ContentDisclosure"])),
    "FansList": lists_of(records(["Date", "UserName"])),
    "ProfileMap": records(["userName", "username"]),
}


def nest(branches: list[tuple[tuple[str, ...], object]]) -> dict:
    """One document holding each value at its path (a later path loses a clash)."""
    document: dict = {}
    for path, value in branches:
        node = document
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            node.setdefault(path[-1], value)
    return document


tiktok_document = st.builds(
    nest,
    st.lists(
        st.sampled_from(TIKTOK_PATHS).flatmap(
            lambda path: st.tuples(st.just(path), st.one_of(tiktok_values[path[-1]], json_docs))
        ),
        max_size=4,
    ),
)

JSON_SHAPES: dict[str, st.SearchStrategy] = {
    **x_records,
    "instagram_posts": wrapped(lists_of(ig_post), "ig_posts"),
    "instagram_followers": wrapped(ig_followers, "relationships_followers"),
    "tiktok": tiktok_document,
}
YTD_NAMES = {"x_tweets": ["tweets", "tweet"], "x_followers": ["follower"], "x_account": ["account"]}


def serialise_json(
    document: object, ascii_only: bool, indent: int | None, cut: float | None
) -> str:
    """JSON text as an exporter (or a cut-off download) might leave it."""
    text = json.dumps(document, ensure_ascii=ascii_only, indent=indent)
    return text if cut is None else text[: int(len(text) * cut)]


def json_text(fmt: str) -> st.SearchStrategy[str]:
    """The format's documents (and any JSON) as text; X's behind its YTD assignment."""
    text = st.builds(
        serialise_json,
        st.one_of(JSON_SHAPES[fmt], json_docs),
        st.booleans(),
        st.sampled_from([None, 2]),
        st.one_of(st.none(), st.none(), st.floats(0, 1)),
    )
    if fmt not in YTD_NAMES:
        return text
    prefix = st.builds(
        "window.YTD.{}.part{} {}".format,
        st.sampled_from([*YTD_NAMES[fmt], "like"]),
        st.sampled_from([0, 1, 12]),
        st.sampled_from(["= ", "=", "=\n"]),
    )
    return st.builds(str.__add__, prefix, text)


def encode(text: str) -> bytes:
    """UTF-8 bytes; a lone surrogate is written as-is (CESU-style), as a broken tool would."""
    return text.encode("utf-8", "surrogatepass")


# CSV: real header names mixed with random ones, cells with quotes, separators and NULs.
LINKEDIN_SHARES_HEADER = ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl",
                          "Visibility"]  # fmt: skip
CONNECTIONS_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                      "Connected On"]  # fmt: skip
EXCHANGE_HEADER = [*POSTS.exchange_header, "is_sponsored"]
CSV_HEADERS = {
    "x_analytics": [*X_ANALYTICS_HEADER, "favorites"],
    "linkedin_shares": LINKEDIN_SHARES_HEADER,
    "linkedin_connections": CONNECTIONS_HEADER,
    "exchange_posts": EXCHANGE_HEADER,
    "exchange_accounts": ACCOUNTS.exchange_header,
}
cells = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.text(
        st.one_of(st.characters(), st.sampled_from([",", '"', "\n", "\r", "\x00", "\ufeff"])),
        max_size=20,
    ),
)


def header_for(real: list[str]) -> st.SearchStrategy[list[str]]:
    """The real header, or some of its names (repeats allowed) among random ones."""
    names = st.one_of(st.sampled_from(real), st.sampled_from(real), st.text(max_size=8))
    return st.one_of(st.just(real), st.lists(names, max_size=len(real) + 2))


def serialise_csv(
    header: list[str], rows: list[list[str]], quoting: str, newline: str, bom: bool, notes: str
) -> str:
    """CSV text: quoted properly, or fields joined by commas as a careless tool would."""
    if quoting == "raw":
        body = newline.join(",".join(row) for row in [header, *rows])
    else:
        out = io.StringIO()
        style = csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
        csv.writer(out, quoting=style, lineterminator=newline).writerows([header, *rows])
        body = out.getvalue()
    return ("\ufeff" if bom else "") + notes + body


def csv_text(real: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        serialise_csv,
        header_for(real),
        st.lists(st.lists(cells, max_size=len(real) + 2), max_size=5),
        st.sampled_from(["minimal", "all", "raw"]),
        st.sampled_from(["\n", "\r\n"]),
        st.booleans(),
        st.sampled_from(["", CONNECTIONS_PREAMBLE, "Notes:\n", 'Notes:\n"unclosed\n\n']),
    )


def native_text(fmt: str) -> st.SearchStrategy[str]:
    return csv_text(CSV_HEADERS[fmt]) if fmt in CSV_HEADERS else json_text(fmt)


def random_bytes(fmt: str) -> st.SearchStrategy[bytes]:
    """Bytes of any kind, or text, behind the opening a recogniser would accept."""
    opening = {"x_tweets": b"window.YTD.tweets.part0 = ", "x_followers": b"window.YTD.follower."
               b"part0 = ", "x_account": b"window.YTD.account.part0 = "}.get(fmt, b"")  # fmt: skip
    return st.builds(
        bytes.__add__,
        st.sampled_from([b"", opening, b"\xef\xbb\xbf" + opening]),
        st.one_of(st.binary(max_size=500), st.text(max_size=200).map(encode)),
    )


# Handles reach a parser from a folder name or from the export's JSON (which _load_json
# rids of lone surrogates), so no lone surrogate here: a folder name with one (bytes not
# UTF-8 on disk) fails in discovery, before any parser, and is reported separately.
handles = st.one_of(
    st.none(), st.just("ana"), st.sampled_from([t for t in TRICKY_TEXT if t != "\ud800"]), st.text()
)
origins = st.builds(
    Origin,
    name=st.sampled_from(["tweets.js", "Shares.csv", "posts_1.json", "user_data_tiktok.json"]),
    folder_platform=st.sampled_from([None, "x", "linkedin", "instagram", "tiktok"]),
    folder_handle=handles,
    observed_date=st.just("2026-11-20"),
)

# --- the property ----------------------------------------------------------------------


def assert_readable(exc: FileRejected) -> None:
    """A rejection names its rule and says why in words."""
    assert exc.rule and isinstance(exc.rule, str)
    assert isinstance(exc.detail, str) and exc.detail.strip()


def assert_canonicalises(raw: pd.DataFrame, frame: Frame) -> None:
    """Validation types every row or quarantines it; it never raises."""
    if raw.empty:  # every parser's empty frames are the same two; skipping them halves the time
        return
    if "source_file" not in raw.columns:  # provenance as ingest adds it
        raw = raw.assign(
            source_file="exports/x/ana/file",
            source_sha256="0" * 64,
            observed_at="2026-11-20T00:00:00.000000+00:00",
        )
    checked = canonicalise(raw, frame)
    assert len(checked.clean) + len(checked.rejected) == len(raw)


def assert_native_property(fmt: str, data: bytes, origin: Origin, own: str | None) -> None:
    """The parser returns an export of the documented shape, or raises FileRejected.
    Called through _parse_native, as ingest calls every parser: bytes decoded as UTF-8
    (FileRejected if they are not) and NULs dropped first."""
    try:
        export = _parse_native(fmt, data, origin, own)
    except FileRejected as exc:
        assert_readable(exc)
        return
    assert isinstance(export, Export)
    assert list(export.posts.columns) == [*POST_COLUMNS, "row_number"]
    assert list(export.accounts.columns) == [*ACCOUNT_COLUMNS, "row_number"]
    assert_canonicalises(export.posts, POSTS)
    assert_canonicalises(export.accounts, ACCOUNTS)


def assert_parsed(exports: Path, root: Path) -> None:
    """Discovery and parsing never raise; each rejection is explained; the frames
    canonicalise."""
    parsed = parse_exports(discover_exports(exports, root))
    assert parsed.rejected_files["detail"].map(lambda d: isinstance(d, str) and d != "").all()
    assert_canonicalises(parsed.frames["posts"], POSTS)
    assert_canonicalises(parsed.frames["accounts"], ACCOUNTS)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the module: hypothesis runs many examples per test, and a
    function-scoped tmp_path would be shared between them."""
    return tmp_path_factory.mktemp("property")


@contextmanager
def landing(scratch: Path) -> Iterator[Path]:
    """A fresh landing folder for one example, removed after."""
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        yield Path(folder)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@settings(PROPERTY, max_examples=60)
@given(data=st.data(), origin=origins, own=handles)
def test_native_parser_on_random_bytes(fmt: str, data: st.DataObject, origin, own) -> None:
    assert_native_property(fmt, data.draw(random_bytes(fmt), label="bytes"), origin, own)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@settings(PROPERTY, max_examples=60)
@given(data=st.data(), origin=origins, own=handles)
def test_native_parser_on_random_shapes(fmt: str, data: st.DataObject, origin, own) -> None:
    text = data.draw(native_text(fmt), label="text")
    assert_native_property(fmt, encode(text), origin, own)


@pytest.mark.parametrize("frame", [POSTS, ACCOUNTS], ids=lambda f: f.name)
@settings(PROPERTY, max_examples=80)
@given(data=st.data())
def test_exchange_reader_on_random_files(scratch: Path, frame: Frame, data) -> None:
    content = data.draw(
        st.one_of(csv_text(CSV_HEADERS[f"exchange_{frame.name}"]).map(encode), st.binary()),
        label="content",
    )
    with landing(scratch) as folder:
        path = folder / f"a.{frame.name}.csv"
        path.write_bytes(content)
        try:
            raw = read_exchange_csv(path, frame)
        except FileRejected as exc:
            assert_readable(exc)
            return
    assert list(raw.columns[: len(frame.exchange_header)]) == frame.exchange_header
    assert_canonicalises(raw, frame)


@settings(PROPERTY, max_examples=200)
@given(
    name=st.one_of(
        st.sampled_from(["a.js", "a.csv", "a.json", "posts_1.json", "a.zip", "a.posts.csv"]),
        st.text(max_size=30),
    ),
    head=st.one_of(
        st.binary(max_size=300), random_bytes("x_tweets"), csv_text(CONNECTIONS_HEADER).map(encode)
    ),
)
def test_recognise_names_a_known_format_or_none(name: str, head: bytes) -> None:
    known = {*PARSERS, "zip", "exchange_posts", "exchange_accounts", "ignored", ""}
    assert recognise(name, head) in known


# --- zip archives ------------------------------------------------------------------------

ENTRY_NAMES = {
    "data/tweets.js": "x_tweets",
    "data/tweet.js": "x_tweets",
    "data/account.js": "x_account",
    "data/follower.js": "x_followers",
    "tweet_activity_metrics_ana.csv": "x_analytics",
    "Shares.csv": "linkedin_shares",
    "Connections.csv": "linkedin_connections",
    "your_instagram_activity/content/posts_1.json": "instagram_posts",
    "connections/followers_and_following/followers_1.json": "instagram_followers",
    "user_data_tiktok.json": "tiktok",
}
PREFIXES = ["", "", "../", "/", "C:\\", "..\\", "a/../../", "dir\\sub\\", "./", "a" * 300 + "/"]


@st.composite
def zip_entries(draw: st.DrawFn) -> tuple[str, bytes]:
    """(name, content): an export's own name or a random one, odd paths included, with
    content shaped for the format, or random bytes."""
    name = draw(st.sampled_from(sorted(ENTRY_NAMES)))
    content = draw(
        st.one_of(native_text(ENTRY_NAMES[name]).map(encode), random_bytes(ENTRY_NAMES[name]))
    )
    name = draw(
        st.one_of(
            st.builds(str.__add__, st.sampled_from(PREFIXES), st.just(name)),
            st.sampled_from(["media/a.jpg", "dir/", "notes.txt", "inner.zip", "a.posts.csv"]),
            st.text(max_size=30),
        )
    )
    return name, content


def zip_of(entries: list[tuple[str, bytes]], method: int) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of duplicate names
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in entries:
                # Through open(), not writestr(): writestr refuses an empty name.
                info = zipfile.ZipInfo(name)
                info.compress_type = method
                with archive.open(info, "w") as entry:
                    entry.write(content)
    return buffer.getvalue()


def damage(data: bytes, edits: list[tuple[int, int]], cut: float | None) -> bytes:
    """A zip with bytes overwritten and perhaps cut short, as a broken download leaves it."""
    damaged = bytearray(data)
    for position, value in edits:
        damaged[position % len(damaged)] = value
    return bytes(damaged[: int(len(damaged) * cut)] if cut is not None else damaged)


zip_archives = st.builds(
    zip_of,
    st.lists(zip_entries(), min_size=1, max_size=4),
    st.sampled_from(
        [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
    ),
)
zip_files = st.one_of(
    zip_archives,
    st.builds(
        damage,
        zip_archives,
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=4),
        st.one_of(st.none(), st.floats(0, 1)),
    ),
    st.binary(max_size=300),
    st.builds(bytes.__add__, st.just(b"PK\x03\x04"), st.binary(max_size=300)),
)


@settings(PROPERTY, max_examples=80)
@given(content=zip_files, folder=st.sampled_from(["exports/x/ana", "exports/misc", "exports"]))
def test_zip_archives_never_raise(scratch: Path, content: bytes, folder: str) -> None:
    with landing(scratch) as root:
        (root / folder).mkdir(parents=True)
        (root / folder / "archive.zip").write_bytes(content)
        assert_parsed(root / "exports", root)


@settings(PROPERTY, max_examples=40)
@given(
    files=st.lists(
        st.tuples(st.sampled_from(["x/ana", "instagram/ana", "tiktok/ana", "misc"]), zip_entries()),
        min_size=1,
        max_size=4,
    )
)
def test_landing_of_random_files_never_raises(scratch: Path, files) -> None:
    """Loose files as a user drops them: recognition, sibling account.js, follower sums."""
    with landing(scratch) as root:
        for folder, (name, content) in files:
            # Only the base name: a loose file cannot sit outside its folder.
            base = PurePosixPath(name.replace("\\", "/").replace("\x00", "")).name
            if base in {"", ".", ".."}:
                continue
            path = root / "exports" / folder / base
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        assert_parsed(root / "exports", root)


# --- regressions: the failures hypothesis found, pinned ----------------------------------

TIKTOK_VIDEO = {"Date": "2026-11-01 10:00:00", "Link": "https://www.tiktokv.com/share/video/7/"}


def tiktok_zip(method: int = zipfile.ZIP_DEFLATED, name: str = "user_data_tiktok.json") -> bytes:
    return zip_of(
        [(name, json.dumps({"Post": {"Posts": {"VideoList": [TIKTOK_VIDEO]}}}).encode())], method
    )


def parse_zip_bytes(root: Path, content: bytes) -> pd.DataFrame:
    """The rejections of one archive at exports/tiktok/ana/archive.zip; the frames
    must canonicalise."""
    (root / "exports/tiktok/ana").mkdir(parents=True)
    (root / "exports/tiktok/ana/archive.zip").write_bytes(content)
    parsed = parse_exports(discover_exports(root / "exports", root))
    assert_canonicalises(parsed.frames["posts"], POSTS)
    return parsed.rejected_files


def patched(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def test_zip_entry_name_flagged_utf8_but_not_is_rejected(tmp_path: Path) -> None:
    """Was UnicodeDecodeError from zipfile.ZipFile(): the central directory's name."""
    data = tiktok_zip(name="user_data_tiktok_é.json")
    broken = data.replace("é".encode(), b"\xaa\xaa")  # local header and central directory
    rejected = parse_zip_bytes(tmp_path, broken)
    assert rejected["rule"].tolist() == ["unreadable_zip"]
    assert rejected["detail"].str.startswith("not a readable zip archive:").all()


def test_zip_local_name_flagged_utf8_but_not_rejects_the_entry(tmp_path: Path) -> None:
    """Was UnicodeDecodeError from archive.open(): the local header's name only."""
    data = tiktok_zip(name="user_data_tiktok_é.json")
    local = data.index("é".encode())  # the first copy: the local header's
    rejected = parse_zip_bytes(tmp_path, patched(data, local, b"\xaa\xaa"))
    assert rejected["rule"].tolist() == ["unreadable_zip"]
    assert rejected["detail"].str.contains("damaged").all()


def test_zip_of_an_unknown_version_is_rejected(tmp_path: Path) -> None:
    """Was NotImplementedError("zip file version 6.4") from zipfile.ZipFile()."""
    data = tiktok_zip()
    central = data.index(b"PK\x01\x02")
    rejected = parse_zip_bytes(tmp_path, patched(data, central + 6, bytes([64])))
    assert rejected["rule"].tolist() == ["unreadable_zip"]


def test_zip_entry_of_an_unknown_compression_method_is_rejected(tmp_path: Path) -> None:
    """Was NotImplementedError("That compression method is not supported")."""
    data = tiktok_zip()
    central = data.index(b"PK\x01\x02")
    rejected = parse_zip_bytes(tmp_path, patched(data, central + 10, (99).to_bytes(2, "little")))
    assert rejected["rule"].tolist() == ["unreadable_zip"]


def test_zip_entry_of_corrupt_lzma_data_is_rejected(tmp_path: Path) -> None:
    """Was lzma.LZMAError("Corrupt input data"): an LZMA1 stream must open with a 0 byte."""
    data = tiktok_zip(zipfile.ZIP_LZMA)
    # Local header (30 bytes) + name, then zipfile's LZMA header: version (2), size of
    # the properties (2) and the properties (5); the stream follows.
    stream = 30 + len("user_data_tiktok.json") + 4 + 5
    rejected = parse_zip_bytes(tmp_path, patched(data, stream, b"\xff"))
    assert rejected["rule"].tolist() == ["unreadable_zip"]
    assert rejected["detail"].str.contains("damaged").all()


def test_zip_entry_with_an_empty_name_is_skipped(tmp_path: Path) -> None:
    """Was IndexError from ZipInfo.is_dir() on an entry named ""."""
    export = json.dumps({"Post": {"Posts": {"VideoList": [TIKTOK_VIDEO]}}}).encode()
    content = zip_of([("", b"hello"), ("user_data_tiktok.json", export)], zipfile.ZIP_STORED)
    assert parse_zip_bytes(tmp_path, content).empty


def test_tiktok_username_that_is_not_text_names_nobody() -> None:
    """Was AttributeError: 'bool' object has no attribute 'strip'."""
    text = '{"Profile": {"Profile Information": {"ProfileMap": {"userName": true}}}}'
    with pytest.raises(FileRejected) as rejected:
        _parse_native("tiktok", text.encode(), Origin("u.json", None, None, "2026-11-20"))
    assert rejected.value.rule == "unknown_owner"
    export = _parse_native("tiktok", text.encode(), Origin("u.json", "tiktok", "ana", "2026-11-20"))
    assert export.handle is None


def test_x_account_username_that_is_not_text_names_nobody() -> None:
    text = 'window.YTD.account.part0 = [{"account": {"username": ["ana"]}}]'
    assert _parse_native("x_account", text.encode(), Origin("a.js", None, None, "x")).handle is None


def test_native_csv_first_row_longer_than_header_is_rejected() -> None:
    """Was a ParserWarning, and the row's extra fields silently dropped."""
    text = "Tweet id,Tweet permalink,Tweet text,time,likes\n1,https://x.com/a/status/1,hi,t,5,6\n"
    with pytest.raises(FileRejected) as rejected:
        _parse_native("x_analytics", text.encode(), Origin("t.csv", "x", "ana", "2026-11-20"))
    assert rejected.value.rule == "unreadable_csv"
    assert "more fields than the header" in rejected.value.detail


def test_json_lone_surrogate_escape_becomes_a_replacement_character() -> None:
    """Was UnicodeEncodeError from pyarrow: json.loads keeps a lone "\\ud800" escape."""
    text = r'[{"title": "\ud800 cut emoji"}, {"title": "\ud83d\ude00 whole, \\ud800 text"}]'
    export = _parse_native(
        "instagram_posts", text.encode(), Origin("p.json", None, None, "x"), "ana"
    )
    assert export.posts["text"].tolist() == ["\ufffd cut emoji", "\U0001f600 whole, \\ud800 text"]
    assert_canonicalises(export.posts, POSTS)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("x_tweets", 'window.YTD.tweets.part0 = [{"tweet": false}]'),
        ("tiktok", '{"Post": {"Posts": {"VideoList": [false]}}}'),
        ("instagram_posts", "[false]"),
    ],
)
def test_record_that_is_not_an_object_becomes_a_quarantined_row(fmt: str, text: str) -> None:
    """X and TikTok raised TypeError from json_normalize ("All items in data must be of
    type dict"); Instagram already made such a record an empty row, as all now do."""
    platform = PARSERS[fmt][0]
    export = _parse_native(fmt, text.encode(), Origin("f", platform, "ana", "2026-11-20"))
    assert len(export.posts) == 1
    raw = export.posts.assign(source_file="f", source_sha256="0", observed_at="")
    assert canonicalise(raw, POSTS).rejected["rule"].tolist() == ["missing_value"]


def test_instagram_time_as_text_on_the_post_and_a_number_on_its_media() -> None:
    """Was a Pandas4Warning (an error from pandas 4): a text column filled with numbers."""
    text = json.dumps(
        [
            {"creation_timestamp": "nan"},
            {"media": [{"uri": "media/posts/1_17.jpg", "creation_timestamp": 1_700_000_000}]},
        ]
    )
    export = _parse_native("instagram_posts", text.encode(), Origin("p.json", None, None, "x"), "a")
    assert export.posts["posted_at"].tolist() == ["nan", "2023-11-14T22:13:20+00:00"]
