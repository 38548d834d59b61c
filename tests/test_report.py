"""The HTML report: built from a real warehouse, opened in headless Chromium."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from tests.conftest import skip_or_fail
from tests.test_cli import assert_one_clear_line, virage
from tests.test_publish import no_accounts, no_files, some_posts
from tests.test_scoring import score_world
from tests.worlds import AS_OF, write_world
from virage.errors import ConfigError
from virage.schemas.fields import COMPONENTS, ROLES
from virage.tasks.dimensions import campaign_rows, people_rows
from virage.tasks.landing import load_landing
from virage.tasks.publish import Night, publish_night, start_run
from virage.tasks.report import (
    INDEX,
    TREND_PEOPLE,
    campaign_filename,
    read_report_data,
    report_lines,
    write_report,
)
from virage.tasks.summary import quarantine_records
from virage.warehouse import make_engine, open_warehouse

DAYS = [AS_OF - dt.timedelta(days=2), AS_OF - dt.timedelta(days=1), AS_OF]
SCRIPT_NAME = '<script>document.title="pwned"</script><img src=x onerror="alert(1)">'
FORMULA_NAME = '=HYPERLINK("http://x","click")'
HOSTILE_CAMPAIGN = "Vélo </title><script>alert(1)</script>"


def quarantined() -> pd.DataFrame:
    """Two files held back whole and three bad rows, with hostile texts."""
    files = pd.DataFrame(
        {
            "source_file": ["exports/<b>evil</b>.csv", "exports/broken.zip"],
            "rule": ["unrecognised_file", "bad_archive"],
            "detail": ["<script>alert('file')</script>", "an unsafe archive"],
        }
    )
    rows = pd.DataFrame(
        {
            "source_file": ["exports/a.posts.csv"] * 3,
            "row_number": [1, 2, 3],
            "rule": ["bad_count", "bad_count", "missing_value"],
            "detail": ["likes is '-5'", "likes is 'x'", "post_id is empty"],
            "excerpt": ["withheld"] * 3,
        }
    )
    return quarantine_records(files, rows)


def publish_days(url: str, world: Path) -> pd.DataFrame:
    """Publish three days of the world's scores, with hostile names and campaign
    names, through the plain publish functions; return every score published."""
    engine = open_warehouse(url)
    found = load_landing(world)
    campaigns = [c.model_copy(update={"name": HOSTILE_CAMPAIGN}) for c in found.campaigns]
    published = []
    for day in DAYS:
        scores = score_world(world, day)
        hostile = {"micro": SCRIPT_NAME, "emp-yes": FORMULA_NAME}
        scores["display_name"] = scores["person_id"].map(hostile).fillna(scores["display_name"])
        run_id = f"run-{day}"
        start_run(engine, run_id, day)
        night = Night(
            some_posts(),
            no_accounts(),
            scores,
            quarantined(),
            no_files(),
            people=people_rows(found.roster),
            campaigns=campaign_rows(campaigns),
        )
        counts = {
            "files_seen": 4,
            "files_loaded": 2,
            "files_quarantined": 2,
            "rows_quarantined": 3,
            "rows_skipped": 0,
        }
        publish_night(engine, run_id, day, night, sorted(scores["person_id"].unique()), counts)
        published.append(scores)
    return pd.concat(published, ignore_index=True)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[str, pd.DataFrame]:
    """An SQLite warehouse with three published days, shared by the tests that only
    read it: the URL and the scores published."""
    root = tmp_path_factory.mktemp("published")
    url = f"sqlite:///{root / 'warehouse.db'}"
    return url, publish_days(url, write_world(root / "landing"))


# --- reading ------------------------------------------------------------------------


def test_reads_the_day_the_history_and_the_latest_runs_quarantine(published):
    check_reading(*published)


@pytest.mark.postgres
def test_reads_the_same_from_postgresql(postgres_url, world):
    check_reading(postgres_url, publish_days(postgres_url, world))


def check_reading(warehouse: str, scores: pd.DataFrame) -> None:
    data = read_report_data(make_engine(warehouse))
    assert data.day == AS_OF
    latest = scores[scores["as_of_date"] == pd.Timestamp(AS_OF)]
    assert len(data.scores) == len(latest)
    assert data.reported == sorted(latest["campaign_id"].unique())
    # the campaigns dimension joined in: names as published
    assert set(data.campaigns["name"]) == {HOSTILE_CAMPAIGN}
    assert set(data.campaigns["days"]) == {len(DAYS)}
    # every day stored for everyone on a leaderboard
    assert set(data.history["as_of_date"]) == set(DAYS)
    assert len(data.history) == len(scores)
    assert data.run is not None and data.run["run_id"] == f"run-{AS_OF}"
    expected = quarantined().groupby("rule").size()
    rules = data.quarantine_rules.set_index("rule")
    assert rules["records"].to_dict() == expected.to_dict()
    whole = quarantined()["row_number"].isna()
    assert int(rules["files"].sum()) == int(whole.sum())
    assert int(rules["rows"].sum()) == int((~whole).sum())
    assert sorted(data.quarantined_files["source_file"]) == sorted(
        quarantined()[whole]["source_file"]
    )

    earlier = read_report_data(make_engine(warehouse), campaign="velo", as_of=DAYS[0])
    assert earlier.day == DAYS[0] and earlier.reported == ["velo"]
    assert set(earlier.history["as_of_date"]) == {DAYS[0]}
    assert earlier.run["run_id"] == f"run-{DAYS[0]}"


def test_a_warehouse_without_dimensions_or_runs_still_reports(tmp_path, world):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = open_warehouse(url)
    scores = score_world(world)
    start_run(engine, "only", AS_OF)
    night = Night(some_posts(), no_accounts(), scores, quarantined(), no_files())
    publish_night(engine, "only", AS_OF, night, sorted(scores["person_id"].unique()), {})
    with engine.begin() as conn:  # as an older virage left it: no dimension tables
        conn.execute(text("DROP VIEW IF EXISTS current_influence_scores"))
        conn.execute(text("DROP TABLE people"))
        conn.execute(text("DROP TABLE campaigns"))
        conn.execute(text("DELETE FROM pipeline_runs"))
    written = write_report(engine, tmp_path / "report")
    index = written[0].read_text(encoding="utf-8")
    assert "No completed nightly run recorded yet" in index
    for campaign_id in sorted(scores["campaign_id"].unique()):
        assert f'href="{campaign_filename(campaign_id)}"' in index


def test_nothing_to_report_is_a_clear_error(tmp_path, published):
    url, _ = published
    engine = make_engine(url)
    with pytest.raises(ConfigError, match="unknown campaign 'nope'; known: cuisine, velo"):
        read_report_data(engine, campaign="nope")
    with pytest.raises(ConfigError, match=f"no scores on 2020-01-01; days stored: {DAYS[0]}"):
        read_report_data(engine, as_of=dt.date(2020, 1, 1))
    with pytest.raises(ConfigError, match="no scores yet"):
        read_report_data(open_warehouse(f"sqlite:///{tmp_path / 'empty.db'}"))


# --- writing ------------------------------------------------------------------------


def test_the_folder_is_replaced_whole_and_only_if_it_is_a_report(tmp_path, published):
    url, _ = published
    engine = make_engine(url)
    folder = tmp_path / "report"
    first = write_report(engine, folder)
    assert first[0] == folder / INDEX and all(p.exists() for p in first)
    (folder / "stale.html").write_text("from an older build")
    again = write_report(engine, folder, campaign="velo")
    assert sorted(p.name for p in folder.glob("*.html")) == sorted(p.name for p in again)
    assert not (folder / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(ConfigError):  # a failed build leaves the old report as it was
        write_report(engine, folder, as_of=dt.date(2020, 1, 1))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(ConfigError, match="not a virage report folder"):
        write_report(engine, precious)
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_campaign_files_never_collide():
    ids = ["velo", "Velo", "velo.2", "velo-2", "vélo"]
    names = [campaign_filename(i) for i in ids]
    assert len(set(n.lower() for n in names)) == len(ids)
    assert all(n.startswith("campaign-") and "/" not in n for n in names)


# --- in a browser -------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        skip_or_fail("Chromium is not installed (Debian: apt-get install chromium)")
    return found


def run_chromium(tmp_path: Path, *args: str) -> str:
    browser = chromium()
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class DomSummary(HTMLParser):
    """What the browser's DOM holds: charts and their drawn-* attributes, elements
    counted by tag, links, the title, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.charts: dict[str, dict[str, str]] = {}
        self.tags: dict[str, int] = {}
        self.links: list[str] = []
        self.root: dict[str, str] = {}
        self.title = ""
        self.text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.root = found
        if tag == "figure" and "chart" in found.get("class", ""):
            self.charts[found["id"]] = found
        if tag == "a":
            self.links.append(found.get("href", ""))
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)


def open_in_browser(tmp_path: Path, page: Path) -> DomSummary:
    dom = DomSummary()
    dom.feed(run_chromium(tmp_path, "--dump-dom", page.as_uri()))
    return dom


def test_pages_render_in_chromium_with_every_chart_drawn(tmp_path, published):
    url, scores = published
    folder = tmp_path / "report"
    written = write_report(make_engine(url), folder)
    day = scores[scores["as_of_date"] == pd.Timestamp(AS_OF)]
    campaign_ids = sorted(day["campaign_id"].unique())
    assert [p.name for p in written] == [INDEX, *(campaign_filename(c) for c in campaign_ids)]

    index = open_in_browser(tmp_path, written[0])
    assert index.root.get("data-charts-checked") == "yes"  # our own script ran
    chart = index.charts["quarantine-rules"]
    assert int(chart["data-drawn-width"]) > 0 and int(chart["data-drawn-height"]) > 0
    assert int(chart["data-drawn-marks"]) == quarantined()["rule"].nunique()
    assert {link for link in index.links if link.endswith(".html")} == {p.name for p in written}

    for campaign_id, page in zip(campaign_ids, written[1:], strict=True):
        dom = open_in_browser(tmp_path, page)
        assert dom.root.get("data-charts-checked") == "yes"
        mine = day[day["campaign_id"] == campaign_id].sort_values("rank")
        expected_charts = set()
        for role in ROLES:
            top = mine[mine["role"] == role].head(TREND_PEOPLE)
            if top.empty:
                continue
            trend, components = dom.charts[f"trend-{role}"], dom.charts[f"components-{role}"]
            expected_charts |= {f"trend-{role}", f"components-{role}"}
            for drawn in (trend, components):
                assert int(drawn["data-drawn-width"]) > 0, (campaign_id, role)
                assert int(drawn["data-drawn-height"]) > 0, (campaign_id, role)
                assert int(drawn["data-drawn-series"]) == len(top), (campaign_id, role)
            # one line and a dot per stored day for each person drawn
            assert int(trend["data-drawn-marks"]) == len(top) * (1 + len(DAYS))
            # one bar per component value present (advocacy: ambassadors only)
            assert int(components["data-drawn-marks"]) == int(
                top[list(COMPONENTS)].notna().sum().sum()
            )
        assert set(dom.charts) == expected_charts

        # hostile texts arrive as text: no element, no link, no script of theirs
        assert dom.tags.get("script") == 1 and "img" not in dom.tags
        assert dom.title.startswith(HOSTILE_CAMPAIGN) and "pwned" not in dom.title
        visible = "".join(dom.text)
        assert SCRIPT_NAME in visible and FORMULA_NAME in visible
        assert not [link for link in dom.links if "://" in link]

    shot = tmp_path / "velo.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", written[-1].as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


# --- the command --------------------------------------------------------------------


def test_the_report_command(tmp_path, published):
    url, _ = published
    out = tmp_path / "env"
    done = virage(
        "report",
        "--warehouse",
        url,
        "--campaign",
        "velo",
        "--as-of",
        str(DAYS[0]),
        env={"VIRAGE_REPORT_DIR": str(out)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(out / INDEX)
    assert sorted(p.name for p in out.glob("*.html")) == ["campaign-velo.html", INDEX]
    assert str(DAYS[0]) in (out / "campaign-velo.html").read_text(encoding="utf-8")

    assert_one_clear_line(
        virage("report", "--warehouse", url, "--campaign", "nope", "--out", str(out)),
        "unknown campaign 'nope'; known: cuisine, velo",
    )
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    open_warehouse(empty)
    assert_one_clear_line(
        virage("report", "--warehouse", empty, "--out", str(out)), "no scores yet"
    )


# --- in the nightly flow ------------------------------------------------------------


def read_artifacts(key: str) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )


@pytest.mark.flow
def test_the_nightly_run_writes_the_report_beside_the_data_docs(prefect_api_url, world, tmp_path):
    from virage.flows.nightly import nightly_scores

    url = f"sqlite:///{tmp_path / 'w.db'}"
    summary = nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)

    index = world / "report" / INDEX
    assert summary["report"] == str(index) and "report_error" not in summary
    assert Path(summary["data_docs"]).is_relative_to(world / "data-docs")
    campaigns = read_report_data(make_engine(url)).reported
    assert sorted(p.name for p in index.parent.glob("*.html")) == sorted(
        [INDEX, *(campaign_filename(c) for c in campaigns)]
    )
    # Prefect stores a link artifact as the markdown link [text](url)
    assert any(index.as_uri() in str(a.data) for a in read_artifacts("virage-report"))


@pytest.mark.flow
def test_a_report_that_cannot_be_built_does_not_fail_the_night(
    prefect_api_url, published, tmp_path
):
    from prefect import flow

    from virage.tasks import steps

    @flow
    def after_publishing(url: str, folder: str) -> dict:
        return steps.write_report(url, folder)

    url, _ = published
    taken = tmp_path / "documents"
    taken.mkdir()
    (taken / "thesis.txt").write_text("not a report")
    told = after_publishing(url, str(taken))
    assert set(told) == {"report_error"} and "not a virage report folder" in told["report_error"]
    assert (taken / "thesis.txt").exists()
    assert report_lines(told) == [
        f"report not built (the scores are published): {told['report_error']}"
    ]
