"""The report people look at: static HTML pages built from the warehouse.

Three steps, each a plain function:

- `read_report_data(engine, ...)` reads frames with SQLAlchemy Core (the day's scores,
  the history of the people shown, the campaigns, the latest nightly run and its
  quarantine); the `people` and `campaigns` dimensions are LEFT JOINed, so a
  warehouse where they are empty (or absent: an older virage made it) still reports.
- `build_pages(data)` turns frames into `Page`s: a page is a title and `Section`s,
  each made by a function from frames. Campaign pages are made of the section
  builders in `CAMPAIGN_SECTIONS`; other kinds of pages come from the builders in
  `PAGE_KINDS` (a builder takes the `ReportData` and returns pages). The index page
  links every page built.
- `write_report(engine, folder, ...)` renders the pages and swaps them into `folder`
  at once (built in a temporary folder beside it, then renamed).

Charts are inline SVG drawn here (no script library, no network: the pages open
offline); every chart has a title, a description, axis labels and the same numbers in
a table. Every text that comes from the data is HTML-escaped, and a Content Security
Policy lets only the page's own small script run (it records what each chart drew,
for tests and monitoring).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import math
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, distinct, func, inspect, select

from virage.errors import ConfigError
from virage.schemas.fields import COMPONENTS, ROLES, SCORES
from virage.schemas.warehouse import (
    campaigns,
    event_summary,
    influence_scores,
    people,
    pipeline_runs,
    quarantine,
)

LEADERBOARD_ROWS = 25
"""People listed per role on a leaderboard (the rest are counted)."""
TREND_PEOPLE = 5
"""People drawn in the trend and components charts, per role: more lines are unreadable."""
QUARANTINED_FILES_SHOWN = 100
RECENT_RUNS_SEARCHED = 50
"""Completed runs looked through for the latest nightly one (rescores are skipped)."""
MARKER = ".virage-report"
"""File that marks a folder as a report, so only a report folder is ever replaced."""
INDEX = "index.html"

CHART_WIDTH = 1000
"""Drawing width of a chart (it scales down with the page)."""
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
"""Okabe and Ito's colour-blind-safe palette (jfly.uni-koeln.de/color), yellow left out:
too pale on white."""

COMPONENT_DOCS = {f.name: f.doc for f in SCORES.fields if f.name in COMPONENTS}


# --- reading ------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything the pages show, read once."""

    day: dt.date
    """The day shown: --as-of, else the latest day stored."""
    campaigns: pd.DataFrame
    """campaign_id, name, kind, first_day, last_day, days: every campaign with scores
    (name and kind NULL until the campaigns table is filled), those reported first."""
    scores: pd.DataFrame
    """The day's scores of the campaigns reported (influence_scores columns plus
    department), best first within each campaign and role."""
    history: pd.DataFrame
    """as_of_date, campaign_id, role, person_id, score, rank up to `day`, for the people
    on the day's leaderboards."""
    run: dict | None
    """The pipeline_runs row of the latest completed nightly run up to `day`."""
    quarantine_rules: pd.DataFrame
    """rule, records, files, rows: that run's quarantine records per rule."""
    quarantined_files: pd.DataFrame
    """source_file, rule, detail: the files that run quarantined whole."""
    quarantined_files_total: int = 0
    reported: list[str] = field(default_factory=list)
    """The campaign ids that get a page."""
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    """event_summary rows of the reported event campaigns, from each one's latest run
    up to `day` (empty without any)."""


def read_report_data(
    engine: Engine,
    campaign: str | None = None,
    as_of: dt.date | None = None,
    leaderboard_rows: int = LEADERBOARD_ROWS,
) -> ReportData:
    """Read what the report shows. Raises ConfigError when there is nothing to show:
    no scores, an unknown campaign, or no scores on `as_of`."""
    present = set(inspect(engine).get_table_names())
    if influence_scores.name not in present:
        raise ConfigError("the warehouse has no scores yet: run `virage run` first")
    with engine.connect() as conn:
        overview = _read(conn, _campaign_overview(campaigns.name in present))
        if overview.empty:
            raise ConfigError("the warehouse has no scores yet: run `virage run` first")
        known = sorted(overview["campaign_id"])
        if campaign is not None and campaign not in known:
            raise ConfigError(f"unknown campaign {campaign!r}; known: {', '.join(known)}")
        day = as_of or max(overview["last_day"])
        chosen = [campaign] if campaign else known
        scores = _read(conn, _day_scores(day, chosen, people.name in present))
        if scores.empty:
            stored = overview.set_index("campaign_id").loc[chosen]
            raise ConfigError(
                f"no scores on {day}"
                + (f" for campaign {campaign!r}" if campaign else "")
                + f"; days stored: {min(stored['first_day'])} to {max(stored['last_day'])}"
            )
        shown = scores[scores["rank"] <= leaderboard_rows]
        history = _read(conn, _history(day, chosen, sorted(set(shown["person_id"]))))
        run = _latest_nightly_run(conn, day)
        rules, files, total = _read_quarantine(conn, run["run_id"] if run else None)
        events = (
            _read(conn, _event_days(day, chosen))
            if event_summary.name in present
            else pd.DataFrame()
        )
    # Only the pairs on a leaderboard: the query matched people and campaigns apart.
    history = history.merge(
        shown[["campaign_id", "role", "person_id"]], on=["campaign_id", "role", "person_id"]
    )
    reported = [c for c in chosen if c in set(scores["campaign_id"])]
    overview["reported"] = overview["campaign_id"].isin(reported)
    overview = overview.sort_values(["reported", "campaign_id"], ascending=[False, True])
    return ReportData(
        day=day,
        campaigns=overview.reset_index(drop=True),
        scores=scores,
        history=history,
        run=run,
        quarantine_rules=rules,
        quarantined_files=files,
        quarantined_files_total=total,
        reported=reported,
        events=events,
    )


def _read(conn, query) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _campaign_overview(with_dimension: bool):
    s = influence_scores.c
    per_campaign = (
        select(
            s.campaign_id,
            func.min(s.as_of_date).label("first_day"),
            func.max(s.as_of_date).label("last_day"),
            func.count(distinct(s.as_of_date)).label("days"),
        )
        .group_by(s.campaign_id)
        .subquery()
    )
    if not with_dimension:
        return select(per_campaign)
    joined = per_campaign.outerjoin(
        campaigns, campaigns.c.campaign_id == per_campaign.c.campaign_id
    )
    return select(per_campaign, campaigns.c.name, campaigns.c.kind).select_from(joined)


def _day_scores(day: dt.date, chosen: list[str], with_people: bool):
    s = influence_scores.c
    where = (s.as_of_date == day, s.campaign_id.in_(chosen))
    order = (s.campaign_id, s.role, s.rank, s.person_id)
    if not with_people:
        return select(influence_scores).where(*where).order_by(*order)
    joined = influence_scores.outerjoin(people, people.c.person_id == s.person_id)
    return (
        select(influence_scores, people.c.department)
        .select_from(joined)
        .where(*where)
        .order_by(*order)
    )


def _history(day: dt.date, chosen: list[str], person_ids: list[str]):
    s = influence_scores.c
    return (
        select(s.as_of_date, s.campaign_id, s.role, s.person_id, s.score, s.rank)
        .where(s.as_of_date <= day, s.campaign_id.in_(chosen), s.person_id.in_(person_ids))
        .order_by(s.as_of_date)
    )


def _event_days(day: dt.date, chosen: list[str]):
    """Each event campaign's daily rows from its latest run up to `day`."""
    e = event_summary.c
    seen = event_summary.alias("seen")
    newest = (
        select(func.max(seen.c.as_of_date))
        .where(seen.c.campaign_id == e.campaign_id, seen.c.as_of_date <= day)
        .scalar_subquery()
    )
    return (
        select(event_summary)
        .where(e.campaign_id.in_(chosen), e.as_of_date == newest)
        .order_by(e.campaign_id, e.day)
    )


def _latest_nightly_run(conn, day: dt.date) -> dict | None:
    """The latest completed run scoring `day` or earlier that read files: a rescore
    reads none and quarantines nothing, so it would hide the night's quarantine."""
    r = pipeline_runs.c
    query = (
        select(pipeline_runs)
        .where(r.status == "completed", r.as_of_date <= day)
        .order_by(r.finished_at.desc())
        .limit(RECENT_RUNS_SEARCHED)
    )
    for row in conn.execute(query).mappings():
        if _summary_of(row).get("kind") != "rescore":
            return dict(row)
    return None


def _read_quarantine(conn, run_id: str | None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    q = quarantine.c
    whole = q.row_number.is_(None)
    if run_id is None:
        rules = pd.DataFrame(columns=["rule", "records", "files", "rows"])
        return rules, pd.DataFrame(columns=["source_file", "rule", "detail"]), 0
    files_count = func.count(q.source_file).filter(whole)
    rules = _read(
        conn,
        select(
            q.rule,
            func.count().label("records"),
            files_count.label("files"),
            (func.count() - files_count).label("rows"),
        )
        .where(q.run_id == run_id)
        .group_by(q.rule)
        .order_by(func.count().desc(), q.rule),
    )
    files = _read(
        conn,
        select(q.source_file, q.rule, q.detail)
        .where(q.run_id == run_id, whole)
        .order_by(q.source_file)
        .limit(QUARANTINED_FILES_SHOWN),
    )
    return rules, files, int(rules["files"].sum()) if not rules.empty else 0


# --- HTML building blocks -----------------------------------------------------------


def esc(value: object) -> str:
    """Any value as inert HTML text (quotes too, so it is safe in attributes);
    missing values as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return html.escape(str(value), quote=True)


def number(value: object, digits: int = 1) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):,.{digits}f}"


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug(text: str) -> str:
    """A fragment safe in ids and file names."""
    return re.sub(r"[^a-z0-9_-]+", "-", str(text).lower()).strip("-") or "x"


@dataclass(frozen=True)
class Column:
    """One column of an HTML table: header, how to show a row's value, alignment."""

    header: str
    cell: Callable[[dict], str]
    numeric: bool = False
    tip: str = ""
    """What the column means, shown on hover."""
    kind: str = ""
    """Layout class: "name" (a person or campaign), "prose" (sentences) or "short"
    (ids, rules, tiers: kept on one line); see STYLE."""

    @property
    def css(self) -> str:
        kinds = [k for k in ("num" if self.numeric else "", self.kind) if k]
        return f' class="{" ".join(kinds)}"' if kinds else ""


def table(caption: str, columns: Sequence[Column], rows: Iterable[dict]) -> str:
    """An accessible HTML table; `cell` functions return escaped HTML."""
    head = "".join(
        f'<th scope="col"{c.css}{f" title={chr(34)}{esc(c.tip)}{chr(34)}" if c.tip else ""}>'
        f"{esc(c.header)}</th>"
        for c in columns
    )
    body = "".join(
        "<tr>" + "".join(f"<td{c.css}>{c.cell(row)}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


@dataclass(frozen=True)
class Section:
    """A titled part of a page; `body` is HTML made by this module's helpers."""

    id: str
    title: str
    body: str


@dataclass(frozen=True)
class Page:
    filename: str
    title: str
    sections: list[Section]
    lead: str = ""
    """A sentence under the title (escaped HTML)."""


# --- charts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: a name (shown in the legend) and a colour."""

    name: str
    values: Sequence[float | None]
    color: str


def _svg_open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{esc(desc)}</desc>'
    )


def _figure(chart_id: str, kind: str, svg: str, caption: str, legend: Sequence[Series]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{s.color}"></span>{esc(s.name)}</li>'
        for s in legend
    )
    legend_html = f'<ul class="legend" aria-hidden="true">{items}</ul>' if legend else ""
    return (
        f'<figure class="chart" id="{chart_id}" data-chart="{kind}">{svg}{legend_html}'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _nice_step(top: float, ticks: int = 5, whole: bool = False) -> float:
    """A round tick step giving about `ticks` ticks up to `top` (whole numbers for
    counts)."""
    raw = max(top, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return max(1, math.ceil(step)) if whole else step


def line_chart(
    chart_id: str,
    title: str,
    days: Sequence[dt.date],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    y_max: float = 100.0,
) -> str:
    """Lines over days (values aligned with `days`, None where a person has no score);
    a single day draws points. Returns a <figure> with the SVG and an HTML legend."""
    width, height = CHART_WIDTH, 320
    left, right, top, bottom = 56, 44, 14, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = days[0].toordinal(), days[-1].toordinal()
    span = max(last - first, 1)

    def x(day: dt.date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (day.toordinal() - first) / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    parts = [
        _svg_open(chart_id, title, f"{len(series)} lines over {len(days)} day(s)", width, height)
    ]
    step = _nice_step(y_max, 4)
    for k in range(int(y_max / step) + 1):
        v = k * step
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
            f'<text class="tick" x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    shown = sorted({round(i * (len(days) - 1) / 5) for i in range(6)}) if len(days) > 1 else [0]
    for i in shown:
        parts.append(
            f'<line class="axis" x1="{x(days[i]):.1f}" x2="{x(days[i]):.1f}" '
            f'y1="{top + plot_h}" y2="{top + plot_h + 5}"/>'
            f'<text class="tick" x="{x(days[i]):.1f}" y="{top + plot_h + 19}" '
            f'text-anchor="middle">{days[i].isoformat()}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}"/>'
        f'<text class="label" x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
        f"{esc(x_label)}</text>"
        f'<text class="label" transform="translate(14 {top + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle">{esc(y_label)}</text>'
    )
    dots = len(days) <= 45  # beyond that the markers hide the lines
    for s in series:
        points = [(x(d), y(v)) for d, v in zip(days, s.values, strict=True) if _present(v)]
        if not points:
            continue
        body = [f"<title>{esc(s.name)}</title>"]
        if len(points) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(points)
            )
            body.append(f'<path class="mark line" d="{path}" stroke="{s.color}"/>')
        for px, py in points if dots else points[-1:]:
            body.append(
                f'<circle class="mark dot" cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{s.color}"/>'
            )
        parts.append(f'<g class="series">{"".join(body)}</g>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    value_label: str,
    value_max: float | None = None,
    counts: bool = False,
) -> str:
    """Horizontal bars: one group per category, one bar per series in each group
    (values aligned with `categories`; None draws no bar). `counts`: whole-number
    ticks, and each bar's value written beside it."""
    label_w, right, top, bottom = 190, 48, 10, 46
    width = CHART_WIDTH
    bar, gap, group_gap = (16, 2, 12) if len(series) == 1 else (9, 2, 14)
    group_h = len(series) * (bar + gap) - gap
    height = top + len(categories) * (group_h + group_gap) - group_gap + bottom
    plot_w = width - label_w - right
    biggest = max((v for s in series for v in s.values if _present(v)), default=0)
    vmax = value_max or max(biggest, 1)
    step = _nice_step(vmax, 4, whole=counts)
    vmax = math.ceil(vmax / step) * step

    def x(value: float) -> float:
        return label_w + plot_w * value / vmax

    plot_bottom = height - bottom
    parts = [
        _svg_open(
            chart_id,
            title,
            f"{len(categories)} group(s) of {len(series)} bar(s)",
            width,
            height,
        )
    ]
    for k in range(round(vmax / step) + 1):
        v = k * step
        parts.append(
            f'<line class="grid" x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{plot_bottom}"/>'
            f'<text class="tick" x="{x(v):.1f}" y="{plot_bottom + 16}" text-anchor="middle">'
            f"{v:g}</text>"
        )
    for i, category in enumerate(categories):
        y0 = top + i * (group_h + group_gap)
        parts.append(
            f'<text class="category" x="{label_w - 8}" y="{y0 + group_h / 2 + 4:.1f}" '
            f'text-anchor="end"><title>{esc(category)}</title>{esc(shorten(category, 26))}</text>'
        )
    for j, s in enumerate(series):
        body = [f"<title>{esc(s.name)}</title>"]
        for i, value in enumerate(s.values):
            if not _present(value):
                continue
            y0 = top + i * (group_h + group_gap) + j * (bar + gap)
            w = max(x(value) - label_w, 1.0)  # a zero still shows as a hairline
            tip = f"{s.name}: {categories[i]} {value:g}"
            body.append(
                f'<rect class="mark bar" x="{label_w}" y="{y0}" width="{w:.1f}" height="{bar}" '
                f'fill="{s.color}"><title>{esc(tip)}</title></rect>'
            )
            if counts:
                body.append(
                    f'<text class="value" x="{label_w + w + 4:.1f}" y="{y0 + bar / 2 + 4:.1f}">'
                    f"{value:g}</text>"
                )
        parts.append(f'<g class="series">{"".join(body)}</g>')
    parts.append(
        f'<line class="axis" x1="{label_w}" x2="{label_w}" y1="{top}" y2="{plot_bottom}"/>'
        f'<text class="label" x="{label_w + plot_w / 2}" y="{height - 8}" text-anchor="middle">'
        f"{esc(value_label)}</text></svg>"
    )
    return "".join(parts)


def _present(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and math.isnan(value))
    )


# --- campaign pages -----------------------------------------------------------------


@dataclass(frozen=True)
class CampaignView:
    """One campaign's slice of the report data: what its sections are built from."""

    campaign: dict
    """Its row of ReportData.campaigns."""
    day: dt.date
    scores: pd.DataFrame
    history: pd.DataFrame

    @property
    def title(self) -> str:
        name = self.campaign.get("name")
        return name if isinstance(name, str) and name else str(self.campaign["campaign_id"])

    def roles(self) -> list[tuple[str, pd.DataFrame]]:
        """Each role present, with its day's scores, best first."""
        return [
            (r, self.scores[self.scores["role"] == r])
            for r in ROLES
            if r in set(self.scores["role"])
        ]

    def top_people(self, board: pd.DataFrame) -> list[tuple[dict, str]]:
        """The people drawn in the charts, each with their colour (the same in every
        chart of the page)."""
        rows = board.head(TREND_PEOPLE).to_dict("records")
        return [(row, PALETTE[i % len(PALETTE)]) for i, row in enumerate(rows)]


def _plural(role: str) -> str:
    return f"{role}s".capitalize()


def leaderboard_sections(view: CampaignView) -> list[Section]:
    sections = []
    previous = _previous_ranks(view.history, view.day)
    for role, board in view.roles():
        board = board.merge(previous, on=["role", "person_id"], how="left")
        shown = board.head(LEADERBOARD_ROWS)
        columns = [
            Column("rank", lambda r: esc(r["rank"]), numeric=True),
            Column(
                "change", _rank_change, tip="places gained or lost since the previous day stored"
            ),
            Column("name", lambda r: esc(r["display_name"]), kind="name"),
        ]
        if board["department"].notna().any() if "department" in board else False:
            columns.append(Column("department", lambda r: esc(r["department"])))
        columns += [
            Column("score", _score_cell, numeric=True, tip=COMPONENT_DOCS.get("score", "0-100")),
            Column("tier", lambda r: esc(r["tier"]), kind="short"),
            Column(
                "posts",
                lambda r: esc(r["posts_considered"]),
                numeric=True,
                tip="posts in the scoring window",
            ),
            Column(
                "sponsored",
                lambda r: f"{float(r['sponsored_share']):.0%}",
                numeric=True,
                tip="share of those posts that are sponsored",
            ),
            Column("why", lambda r: esc(r["explanation"]), kind="prose"),
        ]
        more = len(board) - len(shown)
        note = (
            f'<p class="note">and {more} more {role}(s) below rank {LEADERBOARD_ROWS}.</p>'
            if more > 0
            else ""
        )
        caption = f"{_plural(role)} of {view.title}, as of {view.day}: {len(board)} scored"
        sections.append(
            Section(
                f"leaderboard-{slug(role)}",
                f"Leaderboard: {role}s",
                table(caption, columns, shown.to_dict("records")) + note,
            )
        )
    return sections


def _previous_ranks(history: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    earlier = history[history["as_of_date"] < day]
    if earlier.empty:
        return pd.DataFrame(columns=["role", "person_id", "previous_rank"])
    last = earlier[earlier["as_of_date"] == earlier["as_of_date"].max()]
    return last[["role", "person_id", "rank"]].rename(columns={"rank": "previous_rank"})


def _rank_change(row: dict) -> str:
    before = row.get("previous_rank")
    if not _present(before):
        return '<span class="muted">new</span>'
    moved = int(before) - int(row["rank"])
    if moved == 0:
        return '<span class="muted" aria-label="unchanged">=</span>'
    arrow, kind = ("▲", "up") if moved > 0 else ("▼", "down")
    return f'<span class="{kind}" aria-label="{kind} {abs(moved)}">{arrow}{abs(moved)}</span>'


def _score_cell(row: dict) -> str:
    value = float(row["score"])
    width = min(max(value, 0.0), 100.0)
    return f'<span class="scorebar" style="--w:{width:.1f}%"></span>{value:.1f}'


def trend_sections(view: CampaignView) -> list[Section]:
    sections = []
    for role, board in view.roles():
        top = view.top_people(board)
        ids = [row["person_id"] for row, _ in top]
        mine = view.history[(view.history["role"] == role) & view.history["person_id"].isin(ids)]
        days = sorted(set(mine["as_of_date"]) | {view.day})
        wide = mine.pivot_table(index="as_of_date", columns="person_id", values="score").reindex(
            days
        )
        series = [
            Series(
                row["display_name"],
                [
                    None if pd.isna(v) else float(v)
                    for v in wide.get(row["person_id"], pd.Series(index=days, dtype=float))
                ],
                color,
            )
            for row, color in top
        ]
        chart_id = f"trend-{slug(role)}"
        title = f"Score over time: top {len(series)} {role}s of {view.title}"
        svg = line_chart(
            chart_id,
            title,
            days,
            series,
            x_label="day scored (as_of_date)",
            y_label="score (0–100)",
        )
        single = len(days) == 1
        caption = esc(title) + (
            ". One day stored so far: the lines appear as the nights add days."
            if single
            else f", {len(days)} days stored."
        )
        columns = [Column("day", lambda r: esc(r["day"]))] + [
            Column(s.name, (lambda r, k=k: number(r[k])), numeric=True)
            for k, s in enumerate(series)
        ]
        rows = [
            {"day": d, **dict(enumerate(vals))}
            for d, *vals in zip(days, *(s.values for s in series), strict=True)
        ]
        data = table(f"Scores per day: top {len(series)} {role}s", columns, reversed(rows))
        body = _figure(chart_id, "line", svg, caption, series) + (
            f"<details><summary>The numbers, per day</summary>{data}</details>"
        )
        sections.append(Section(chart_id, f"Score over time: {role}s", body))
    return sections


def component_sections(view: CampaignView) -> list[Section]:
    sections = []
    for role, board in view.roles():
        top = view.top_people(board)
        # A component nobody here has (advocacy, for influencers) gets no empty group.
        shown = [c for c in COMPONENTS if any(_present(row[c]) for row, _ in top)]
        series = [
            Series(
                row["display_name"],
                [float(row[c]) if _present(row[c]) else None for c in shown],
                color,
            )
            for row, color in top
        ]
        chart_id = f"components-{slug(role)}"
        title = f"Components of the top {len(series)} {role}s of {view.title}, as of {view.day}"
        svg = bar_chart(
            chart_id,
            title,
            [c.replace("_", " ") for c in shown],
            series,
            value_label="component value (0–100)",
            value_max=100,
        )
        columns = [
            Column("name", lambda r: esc(r["display_name"]), kind="name"),
            Column("score", lambda r: number(r["score"]), numeric=True),
        ] + [
            Column(
                c.replace("_", " "),
                (lambda r, c=c: number(r[c])),
                numeric=True,
                tip=COMPONENT_DOCS[c],
            )
            for c in shown
        ]
        data = table(
            f"Components of the top {len(series)} {role}s (0–100)", columns, [row for row, _ in top]
        )
        sections.append(
            Section(
                chart_id,
                f"What makes the top {role}s",
                _figure(chart_id, "bars", svg, esc(title), series) + data,
            )
        )
    return sections


def glossary_section(view: CampaignView) -> list[Section]:
    items = "".join(
        f"<dt>{esc(c.replace('_', ' '))}</dt><dd>{esc(COMPONENT_DOCS[c])}</dd>" for c in COMPONENTS
    )
    return [
        Section(
            "components",
            "What the components mean",
            f'<dl class="glossary">{items}</dl><p class="note">How they combine into the '
            "score, with every formula and its sources: docs/scoring.md in the virage "
            "repository.</p>",
        )
    ]


CampaignSections = Callable[[CampaignView], list[Section]]
CAMPAIGN_SECTIONS: list[CampaignSections] = [
    leaderboard_sections,
    trend_sections,
    component_sections,
    glossary_section,
]
"""What a campaign page shows, in order; a builder returns no section when it has
nothing to show for a campaign (e.g. one meant for event campaigns only)."""


def campaign_filename(campaign_id: str) -> str:
    """campaign-<id>.html; ids outside the safe letters get a digest so two ids never
    share a file."""
    name = slug(campaign_id)
    if name != campaign_id:
        name += "-" + hashlib.sha256(campaign_id.encode()).hexdigest()[:8]
    return f"campaign-{name}.html"


def campaign_pages(data: ReportData) -> list[Page]:
    overview = data.campaigns.set_index("campaign_id", drop=False)
    pages = []
    for campaign_id in data.reported:
        view = CampaignView(
            overview.loc[campaign_id].to_dict(),
            data.day,
            data.scores[data.scores["campaign_id"] == campaign_id],
            data.history[data.history["campaign_id"] == campaign_id],
        )
        kind = view.campaign.get("kind")
        lead = (
            f"Campaign <code>{esc(campaign_id)}</code>"
            + (f" ({esc(kind)})" if isinstance(kind, str) else "")
            + f", as of {view.day}."
        )
        sections = [s for build in CAMPAIGN_SECTIONS for s in build(view)]
        pages.append(Page(campaign_filename(campaign_id), view.title, sections, lead))
    return pages


# --- event pages --------------------------------------------------------------------


def _percent(value: object) -> str:
    return f"{float(value):.0%}" if _present(value) else "–"


def event_filename(campaign_id: str) -> str:
    return campaign_filename(campaign_id).replace("campaign-", "event-", 1)


def event_pages(data: ReportData) -> list[Page]:
    """One page per event campaign with an event_summary: the timeline of its
    coverage (posts and people posting per day, before, during and after), the
    staff's participation and the numbers per day."""
    if data.events.empty:
        return []
    overview = data.campaigns.set_index("campaign_id", drop=False)
    pages = []
    for campaign_id, rows in data.events.groupby("campaign_id", sort=True):
        if campaign_id not in data.reported:
            continue
        campaign = overview.loc[campaign_id].to_dict()
        name = campaign.get("name")
        title = name if isinstance(name, str) and name else str(campaign_id)
        rows = rows.sort_values("day")
        days = [pd.Timestamp(d).date() for d in rows["day"]]
        posts = [float(v) for v in rows["posts"]]
        posting = [float(v) for v in rows["people_posting"]]
        top = max([*posts, 1.0])
        step = _nice_step(top, 4, whole=True)
        series = [
            Series("posts covering the event", posts, PALETTE[0]),
            Series("people posting", posting, PALETTE[1]),
        ]
        chart_id = "event-timeline"
        chart_title = f"Coverage of {title} per day"
        svg = line_chart(
            chart_id,
            chart_title,
            days,
            series,
            x_label="day (UTC)",
            y_label="posts / people",
            y_max=math.ceil(top / step) * step,
        )
        during = [d for d, phase in zip(days, rows["phase"], strict=True) if phase == "during"]
        phases = (
            f"the event: {during[0]}" + (f" to {during[-1]}" if during[-1] != during[0] else "")
            if during
            else "the event's days are outside the period shown"
        )
        caption = esc(f"{chart_title}, {days[0]} to {days[-1]}; {phases}.")
        share = rows["ambassador_share_to_date"].iloc[-1]
        facts = [
            ("posts covering it", esc(int(rows["posts"].sum()))),
            ("reach", esc(f"{int(rows['reach'].sum()):,}")),
            (
                "staff taking part",
                f"{_percent(share)} of the consenting ambassadors",
            ),
            ("as computed on", esc(pd.Timestamp(rows["as_of_date"].iloc[0]).date())),
        ]
        facts_html = (
            '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
        )
        columns = [
            Column("day", lambda r: esc(pd.Timestamp(r["day"]).date()), kind="short"),
            Column("phase", lambda r: esc(r["phase"]), kind="short"),
            Column("posts", lambda r: esc(r["posts"]), numeric=True),
            Column("people", lambda r: esc(r["people_posting"]), numeric=True),
            Column("first time", lambda r: esc(r["first_time_posters"]), numeric=True),
            Column("staff", lambda r: esc(r["ambassadors_posting"]), numeric=True),
            Column(
                "staff to date",
                lambda r: _percent(r["ambassador_share_to_date"]),
                numeric=True,
            ),
            Column("reach", lambda r: esc(f"{int(r['reach']):,}"), numeric=True),
            Column("engagement", lambda r: esc(r["engagement"]), numeric=True),
            Column(
                "sponsored",
                lambda r: _percent(r["sponsored_share"]),
                numeric=True,
            ),
        ]
        data_table = table(f"Coverage of {title} per day", columns, rows.to_dict("records"))
        sections = [
            Section(
                chart_id,
                "Timeline: before, during and after",
                _figure(chart_id, "line", svg, caption, series) + facts_html,
            ),
            Section("event-days", "The numbers, per day", data_table),
        ]
        lead = (
            f"Event campaign <code>{esc(campaign_id)}</code>: who covered it, day by day "
            f'(leaderboards on <a href="{esc(campaign_filename(campaign_id))}">its campaign '
            "page</a>)."
        )
        pages.append(Page(event_filename(campaign_id), f"{title}: coverage", sections, lead))
    return pages


PageKind = Callable[[ReportData], list[Page]]
PAGE_KINDS: list[PageKind] = [campaign_pages, event_pages]
"""Builders of the pages the index links to, in order."""


# --- index page ---------------------------------------------------------------------


def index_page(data: ReportData, pages: list[Page]) -> Page:
    by_campaign = dict(tuple(data.scores.groupby("campaign_id", sort=False)))
    rows = []
    for c in data.campaigns[data.campaigns["reported"]].to_dict("records"):
        day = by_campaign[c["campaign_id"]]
        title = c["name"] if isinstance(c.get("name"), str) and c["name"] else c["campaign_id"]
        rows.append(
            {
                **c,
                "title": title,
                "file": campaign_filename(c["campaign_id"]),
                **{
                    f"top_{r}": day[(day["role"] == r) & (day["rank"] == 1)]["display_name"]
                    .head(1)
                    .tolist()
                    for r in ROLES
                },
                **{f"n_{r}": int((day["role"] == r).sum()) for r in ROLES},
            }
        )
    columns = [
        Column(
            "campaign",
            lambda r: f'<a href="{esc(r["file"])}">{esc(r["title"])}</a>',
            kind="name",
        ),
        Column("id", lambda r: f"<code>{esc(r['campaign_id'])}</code>", kind="short"),
        *(Column(f"{r}s", (lambda row, r=r: esc(row[f"n_{r}"])), numeric=True) for r in ROLES),
        *(
            Column(
                f"top {r}",
                (lambda row, r=r: esc(", ".join(row[f"top_{r}"])) if row[f"top_{r}"] else "–"),
                kind="name",
            )
            for r in ROLES
        ),
        Column(
            "days stored",
            lambda r: esc(r["days"]),
            numeric=True,
            tip="days with scores, up to the day shown",
        ),
    ]
    sections = [
        Section("campaigns", "Campaigns", table(f"Campaigns scored on {data.day}", columns, rows))
    ]
    others = data.campaigns[~data.campaigns["reported"]]
    if not others.empty:
        listed = ", ".join(
            f"<code>{esc(c)}</code> (last scored {esc(d)})"
            for c, d in zip(others["campaign_id"], others["last_day"], strict=True)
        )
        sections[0] = Section(
            "campaigns",
            "Campaigns",
            sections[0].body + f'<p class="note">Not in this report: {listed}.</p>',
        )
    sections += quarantine_sections(data)
    lead = f"Scores as of {data.day}: leaderboards, trends and components per campaign."
    return Page(INDEX, "virage report", sections, lead)


def quarantine_sections(data: ReportData) -> list[Section]:
    run = data.run
    if run is None:
        return [
            Section(
                "quarantine",
                "Quarantine",
                '<p class="note">No completed nightly run recorded yet.</p>',
            )
        ]
    told = _summary_of(run)
    earlier = told.get("files_already_ingested")
    facts = [
        ("run", f"<code>{esc(run['run_id'])}</code>"),
        ("day scored", esc(run["as_of_date"])),
        ("finished", esc(_utc(run["finished_at"]))),
        (
            "files",
            f"{esc(run['files_seen'])} seen"
            + (f", {esc(earlier)} already ingested" if earlier is not None else "")
            + f", {esc(run['files_loaded'])} loaded, "
            f"{esc(run['files_quarantined'])} quarantined whole",
        ),
        (
            "rows",
            f"{esc(run['rows_loaded'])} posts written, {esc(run['rows_quarantined'])} rows "
            f"quarantined, {esc(run['rows_skipped'])} posts not stored (no consent or "
            "unknown account)",
        ),
    ]
    facts_html = (
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
    )
    sections = [Section("run", "Latest nightly run", facts_html)]
    rules = data.quarantine_rules
    if rules.empty:
        sections.append(
            Section(
                "quarantine",
                "Quarantine",
                '<p class="note">Nothing was quarantined in this run.</p>',
            )
        )
        return sections
    chart_id = "quarantine-rules"
    title = f"Quarantine records per rule, run of {run['as_of_date']}"
    svg = bar_chart(
        chart_id,
        title,
        [str(r) for r in rules["rule"]],
        [Series("records", [float(v) for v in rules["records"]], PALETTE[4])],
        value_label="records (whole files and rows)",
        counts=True,
    )
    table_html = table(
        "Quarantine records per rule",
        [
            Column("rule", lambda r: f"<code>{esc(r['rule'])}</code>", kind="short"),
            Column("records", lambda r: esc(r["records"]), numeric=True),
            Column("whole files", lambda r: esc(r["files"]), numeric=True),
            Column("rows", lambda r: esc(r["rows"]), numeric=True),
        ],
        rules.to_dict("records"),
    )
    body = _figure(chart_id, "bars", svg, esc(title), []) + table_html
    files = data.quarantined_files
    if not files.empty:
        more = data.quarantined_files_total - len(files)
        body += table(
            f"Files quarantined whole ({data.quarantined_files_total})",
            [
                Column("file", lambda r: f"<code>{esc(r['source_file'])}</code>"),
                Column("rule", lambda r: f"<code>{esc(r['rule'])}</code>", kind="short"),
                Column("why", lambda r: esc(r["detail"]), kind="prose"),
            ],
            files.to_dict("records"),
        ) + (f'<p class="note">and {more} more.</p>' if more > 0 else "")
    body += (
        '<p class="note">The warehouse table quarantine has every record; a quarantined '
        "file is read again each night until it loads.</p>"
    )
    sections.append(Section("quarantine", "Quarantine", body))
    return sections


def _summary_of(run) -> dict:
    """The run's JSON summary as a dict ({} when absent or unreadable)."""
    try:
        told = json.loads(run.get("summary") or "{}")
    except ValueError:
        return {}
    return told if isinstance(told, dict) else {}


def _utc(value: object) -> str:
    if not _present(value):
        return "–"
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def build_pages(data: ReportData) -> list[Page]:
    """The index page first, then every page the PAGE_KINDS build."""
    pages = [page for build in PAGE_KINDS for page in build(data)]
    return [index_page(data, pages), *pages]


# --- rendering and writing ----------------------------------------------------------

CHECK_SCRIPT = """
for (const figure of document.querySelectorAll("figure.chart")) {
  const svg = figure.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const drawn = (m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; };
  const marks = [...svg.querySelectorAll(".mark")].filter(drawn);
  const series = [...svg.querySelectorAll("g.series")]
    .filter((g) => marks.some((m) => g.contains(m)));
  figure.dataset.drawnWidth = Math.round(box.width);
  figure.dataset.drawnHeight = Math.round(box.height);
  figure.dataset.drawnMarks = marks.length;
  figure.dataset.drawnSeries = series.length;
}
document.documentElement.dataset.chartsChecked = "yes";
"""
"""Records on each chart's <figure> the size it was drawn at and the marks and series
it drew, for tests and monitoring (the only script the page may run)."""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(CHECK_SCRIPT.encode()).digest()).decode()
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src 'sha256-{_SCRIPT_HASH}'"
)

STYLE = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea;
  --card: #ffffff; --bg: #f4f6f9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header.top { background: #1d2330; color: #fff; padding: 10px 24px; }
header.top nav { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: baseline; }
header.top a { color: #cfe3ff; text-decoration: none; }
header.top a:hover, header.top a:focus { text-decoration: underline; }
header.top a[aria-current] { color: #fff; font-weight: 600; }
header.top .brand { font-weight: 700; color: #fff; margin-right: 10px; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { margin: 8px 0 2px; font-size: 28px; }
p.lead { margin: 0 0 12px; color: var(--muted); }
nav.toc ul { display: flex; flex-wrap: wrap; gap: 6px 16px; list-style: none; padding: 0;
  margin: 0 0 8px; }
nav.toc a { color: var(--accent); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 20px 18px; margin: 16px 0; }
h2 { font-size: 19px; margin: 2px 0 10px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 6px 0 4px; }
caption { text-align: left; color: var(--muted); padding: 2px 0 6px; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { font-weight: 600; background: #f7f8fb; white-space: nowrap; }
th[title] { text-decoration: underline dotted; cursor: help; }
tbody tr:nth-child(even) { background: #fafbfd; }
td { overflow-wrap: anywhere; }
td.name { min-width: 9em; } td.prose { min-width: 16em; }
td.short { white-space: nowrap; } td.short code { overflow-wrap: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scorebar { display: inline-block; width: 48px; height: 8px; margin-right: 8px; border-radius: 4px;
  background: linear-gradient(to right, var(--accent) var(--w), #e4e8ef var(--w)); }
.up { color: #0a7a3d; } .down { color: #b3261e; } .muted, .note { color: var(--muted); }
.note { font-size: 13px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px;
  background: #f0f2f6; padding: 0 4px; border-radius: 3px; overflow-wrap: anywhere; }
main a { color: var(--accent); }
figure.chart { margin: 4px 0 10px; }
figure.chart svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
svg .grid { stroke: #e6e9ef; stroke-width: 1; }
svg .axis { stroke: #8a93a3; stroke-width: 1; }
svg .tick, svg .value { fill: #5b6475; font-size: 11px; }
svg .label { fill: #1d2330; font-size: 12px; font-weight: 600; }
svg .category { fill: #1d2330; font-size: 12px; }
svg .line { fill: none; stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
svg .dot { stroke: #fff; stroke-width: 1.2; }
ul.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0;
  margin: 6px 0 0; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
  vertical-align: -1px; }
details { margin-top: 6px; } summary { cursor: pointer; color: var(--accent); font-size: 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt, dl.glossary dt { font-weight: 600; }
dl.glossary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dd, dl.glossary dd { margin: 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 24px; }
@media print { body { background: #fff; } section { border: none; padding: 0; }
  header.top, nav.toc, details { display: none; } }
"""


def render(page: Page, pages: list[Page], day: dt.date, built_at: dt.datetime) -> str:
    """The whole HTML document of `page`, with a navigation bar to every page."""
    links = "".join(
        f'<a href="{esc(p.filename)}"{" aria-current=page" if p is page else ""}>'
        f"{esc('Overview' if p.filename == INDEX else shorten(p.title, 40))}</a>"
        for p in pages
    )
    toc = "".join(f'<li><a href="#{esc(s.id)}">{esc(s.title)}</a></li>' for s in page.sections)
    sections = "".join(
        f'<section id="{esc(s.id)}" aria-labelledby="{esc(s.id)}-h">'
        f'<h2 id="{esc(s.id)}-h">{esc(s.title)}</h2>{s.body}</section>'
        for s in page.sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(page.title)}: virage report, {day}</title>"
        f"<style>{STYLE}</style></head><body>"
        '<header class="top"><nav aria-label="Report pages">'
        f'<span class="brand">virage</span>{links}</nav></header>'
        f'<main><h1>{esc(page.title)}</h1><p class="lead">{page.lead}</p>'
        f'<nav class="toc" aria-label="On this page"><ul>{toc}</ul></nav>{sections}</main>'
        f"<footer>Built {built_at:%Y-%m-%d %H:%M} UTC from the virage warehouse; "
        f"scores as of {day}.</footer>"
        f"<script>{CHECK_SCRIPT}</script></body></html>\n"
    )


def write_report(
    engine: Engine,
    folder: Path,
    campaign: str | None = None,
    as_of: dt.date | None = None,
) -> list[Path]:
    """Build the report and put it in `folder` at once (a reader never sees half a
    report); return the paths written, the index page first. Raises ConfigError when
    there is nothing to report or the folder cannot be used."""
    data = read_report_data(engine, campaign, as_of)
    pages = build_pages(data)
    built_at = dt.datetime.now(dt.UTC)
    folder = Path(folder).expanduser().absolute()
    if folder.exists() and not (
        folder.is_dir() and (not any(folder.iterdir()) or (folder / MARKER).exists())
    ):
        raise ConfigError(
            f"{folder} exists and is not a virage report folder; choose another folder"
        )
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            (staging / MARKER).write_text("built by virage report; replaced whole on every build\n")
            for page in pages:
                (staging / page.filename).write_text(
                    render(page, pages, data.day, built_at), encoding="utf-8"
                )
            staging.chmod(0o755)  # mkdtemp makes it private; the pages are meant to be read
            _swap_in(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ConfigError(f"cannot write the report to {folder}: {exc.strerror or exc}") from None
    return [folder / page.filename for page in pages]


def _swap_in(staging: Path, folder: Path) -> None:
    """Replace `folder` by `staging` with two renames: the old report stays whole until
    the new one takes its name."""
    retired = None
    if folder.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{folder.name}-old-", dir=folder.parent))
        folder.rename(retired / folder.name)
    staging.rename(folder)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def report_lines(summary: dict) -> list[str]:
    """What the run summary says about the report."""
    if summary.get("report"):
        return [f"report: {summary['report']}"]
    if summary.get("report_error"):
        return [f"report not built (the scores are published): {summary['report_error']}"]
    return []
