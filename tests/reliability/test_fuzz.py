"""Fuzzing what tests/test_parsers_property.py does not: the landing zone's own files
(roster.csv, campaigns.yaml, sources.yaml) and the guards on what goes out (CSV for
spreadsheets, text for terminals, URLs in messages). Every reader of export files,
zip archives and whole landing zones is fuzzed there (1,560 examples a run).

A fixed budget per test, derandomized: the same examples on every machine and run,
so the suite's cost and verdict do not drift."""

from __future__ import annotations

import atexit
import csv
import io
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.test_parsers_property import TRICKY_TEXT
from virage.errors import ConfigError
from virage.leaderboard import FORMULA_STARTS, printable, spreadsheet_safe
from virage.schemas.fields import ROSTER
from virage.tasks.fetch import read_sources
from virage.tasks.landing import Campaign, Roster, read_campaigns, read_roster
from virage.warehouse import redact

FUZZ = settings(derandomize=True, deadline=timedelta(seconds=2), database=None)

BUDGET = {"roster": 120, "campaigns": 150, "sources": 150, "csv": 300, "terminal": 300,
          "redact": 300}  # fmt: skip
"""Examples per test; docs/reliability.md adds them up."""

HOSTILE = [
    "=HYPERLINK(\"http://evil\",\"x\")", "+cmd", "-2+3", "@SUM(1,2)", "'; DROP TABLE posts;--",
    "\\", "\x1b[31m", "[link=http://evil]x[/link]", "\t=1", "\r=1", "ü😀", "",
]  # fmt: skip
cells = st.one_of(st.sampled_from(TRICKY_TEXT + HOSTILE), st.text(max_size=12))
yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), cells),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(cells, st.sampled_from(list(Campaign.model_fields))), children,
                        max_size=4),
    ),
    max_leaves=15,
)  # fmt: skip


SCRATCH = Path(tempfile.mkdtemp(prefix="virage-fuzz-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def scratch(name: str, content: str | bytes) -> Path:
    """`content` as the file `name` in a folder of its own (reused: one at a time)."""
    path = SCRATCH / name
    for old in SCRATCH.iterdir():
        old.unlink()
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "replace"))
    return path


@settings(FUZZ, max_examples=BUDGET["roster"])
@given(
    header=st.lists(st.sampled_from([*ROSTER.columns, "x", "linkedin", "extra", ""]), max_size=12),
    rows=st.lists(st.lists(cells, max_size=12), max_size=6),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_roster_reader_returns_a_roster_or_one_config_error(header, rows, raw, use_raw):
    written = io.StringIO()
    csv.writer(written).writerows([header, *rows])
    content = raw if use_raw else written.getvalue()
    try:
        roster = read_roster(scratch("roster.csv", content))
    except ConfigError as exc:
        assert "\n" not in str(exc), "a configuration error is one line"
        return
    assert isinstance(roster, Roster) and not roster.people.empty
    assert roster.people["role"].isin(["ambassador", "influencer"]).all()


@settings(FUZZ, max_examples=BUDGET["campaigns"])
@given(
    campaigns=st.lists(yaml_values, max_size=3),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_campaigns_reader_returns_campaigns_or_one_config_error(campaigns, raw, use_raw):
    content = raw if use_raw else yaml.safe_dump({"campaigns": campaigns}, allow_unicode=True)
    try:
        found = read_campaigns(scratch("campaigns.yaml", content))
    except ConfigError as exc:
        assert "\n" not in str(exc), "a configuration error is one line"
        return
    assert found and all(isinstance(c, Campaign) for c in found)


@settings(FUZZ, max_examples=BUDGET["sources"])
@given(
    sources=st.lists(yaml_values, max_size=3), raw=st.binary(max_size=200), use_raw=st.booleans()
)
def test_sources_reader_returns_sources_or_one_config_error(sources, raw, use_raw):
    content = raw if use_raw else yaml.safe_dump({"sources": sources}, allow_unicode=True)
    try:
        read_sources(scratch("sources.yaml", content).parent)
    except ConfigError as exc:
        assert "\n" not in str(exc), "a configuration error is one line"


@settings(FUZZ, max_examples=BUDGET["csv"])
@given(values=st.lists(st.one_of(cells, st.none()), min_size=1, max_size=8),
       numbers=st.lists(st.floats(allow_nan=False), min_size=1, max_size=8))  # fmt: skip
def test_csv_for_spreadsheets_never_starts_a_formula_and_loses_nothing(values, numbers):
    frame = pd.DataFrame({"text": pd.Series(values, dtype="object")})
    safe = spreadsheet_safe(frame)["text"]
    for before, after in zip(values, safe, strict=True):
        if before is None:
            assert after is None or after != after
        elif before.startswith(FORMULA_STARTS):
            assert after == "'" + before
        else:
            assert after == before
    negative = pd.DataFrame({"change": numbers})
    pd.testing.assert_frame_equal(spreadsheet_safe(negative), negative)


@settings(FUZZ, max_examples=BUDGET["terminal"])
@given(text=st.one_of(cells, st.text()))
def test_text_for_terminals_holds_no_control_character(text):
    shown = printable(text)
    assert len(shown) == len(text)
    assert not [c for c in shown if (ord(c) < 32 and c not in "\t\n") or 127 <= ord(c) < 160]


@settings(FUZZ, max_examples=BUDGET["redact"])
@given(
    password=st.text(min_size=6, max_size=30).map(lambda s: "Pw" + s),
    in_query=st.booleans(),
    port=st.sampled_from(["5432", "", "54x2"]),
)
def test_messages_never_show_a_password_however_the_url_is_written(password, in_query, port):
    hostport = "db.example" + (f":{port}" if port else "")
    if in_query:
        url = f"postgresql://virage@{hostport}/warehouse?password={quote(password, safe='')}"
    else:
        url = f"postgresql://virage:{quote(password, safe='')}@{hostport}/warehouse"
    assume(password not in url.replace(quote(password, safe=""), ""))
    shown = redact(url)
    assert password not in shown and quote(password, safe="") not in shown
    assert "db.example" in shown  # still says which warehouse
