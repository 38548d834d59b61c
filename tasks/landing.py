"""The landing zone's configuration: the roster of people and the campaigns.

Problems that make a run meaningless (no landing folder, no roster, unreadable
campaigns) raise ConfigError; a bad roster row is quarantined and that person is
not scored.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from virage.errors import ConfigError, FileRejected
from virage.schemas.fields import PLATFORMS, ROSTER
from virage.tasks.fetch import Source, read_sources
from virage.tasks.ingest import read_csv_text
from virage.tasks.validate import canonicalise, normalise_handle

ROSTER_FILE = "roster.csv"
CAMPAIGNS_FILE = "campaigns.yaml"
EXPORTS_DIR = "exports"
RAW_DIR = "raw"
DOCS_DIR = "data-docs"
REPORT_DIR = "report"

MIX_WEIGHTS = (
    "reach",
    "resonance",
    "activity",
    "audience_quality",
    "advocacy",
    "event_coverage",
)
FACTOR_WEIGHTS = ("relevance", "credibility")
_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class Campaign(BaseModel):
    """One campaign of campaigns.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_IDENTIFIER, description="stable id: letters, digits, _ . -")
    name: str
    keywords: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    brand_handles: tuple[str, ...] = ()
    brand_domains: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    weights: dict[str, float] = Field(default_factory=dict)
    half_life_days: float | None = Field(
        default=None, gt=0, description="recency half-life of relevance, in days"
    )
    kind: Literal["topic", "event"] = "topic"
    event_start: dt.date | dt.datetime | None = None
    event_end: dt.date | dt.datetime | None = None
    event_timezone: str = Field(
        default="UTC",
        description="IANA zone of event_start/event_end given as dates or without offset",
    )

    @field_validator("event_start", "event_end", mode="before")
    @classmethod
    def _date_or_time(cls, value: object) -> object:
        # A date is a whole day, a time an instant: "2026-05-15T00:00" must stay a
        # time (pydantic alone would read it as the date).
        if isinstance(value, str):
            text = value.strip()
            if any(sep in text for sep in ("T", "t", " ", ":")):
                return dt.datetime.fromisoformat(text)
            return dt.date.fromisoformat(text)
        return value

    @field_validator("event_timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {zone!r} (an IANA name, e.g. Europe/Paris)"
            ) from None
        return zone

    @field_validator("keywords", "hashtags", "brand_handles", "brand_domains", mode="before")
    @classmethod
    def _list_of_text(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(weights) - set(MIX_WEIGHTS) - set(FACTOR_WEIGHTS))
        if unknown:
            raise ValueError(
                f"unknown weight(s) {', '.join(unknown)}; known: "
                f"{', '.join(MIX_WEIGHTS + FACTOR_WEIGHTS)}"
            )
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights must be >= 0")
        if any(weights.get(k, 0) > 1 for k in FACTOR_WEIGHTS):
            raise ValueError("relevance and credibility weights are strengths between 0 and 1")
        return weights

    @model_validator(mode="after")
    def _scorable(self) -> Campaign:
        if not any(k.strip() for k in self.keywords) and not any(
            h.strip("# ") for h in self.hashtags
        ):
            raise ValueError("needs at least one keyword or hashtag: relevance is topical")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        self._check_event()
        return self

    def _check_event(self) -> None:
        given = [n for n in ("event_start", "event_end") if getattr(self, n) is not None]
        if self.event_timezone != "UTC":
            given.append("event_timezone")
        if self.kind != "event":
            if given:
                verb = "needs" if len(given) == 1 else "need"
                raise ValueError(f"{', '.join(given)} {verb} kind: event")
            return
        if self.event_start is None or self.event_end is None:
            raise ValueError("an event needs event_start and event_end")
        if not any(h.strip("# ") for h in self.hashtags) and not any(
            m.strip("@ ") for m in (*self.brand_handles, *self.brand_domains)
        ):
            raise ValueError(
                "an event needs hashtags or brand handles/domains: they mark its coverage"
            )
        start, end = self.event_period()
        # Compared as written: an end day equal to the start day is a one-day event.
        if _instant(self.event_end, self.event_timezone, end=False) < start:
            raise ValueError(f"event_end {self.event_end} is before event_start {self.event_start}")
        if (self.end and start.date() > self.end) or (
            self.start and end <= pd.Timestamp(self.start, tz="UTC")
        ):
            raise ValueError("the event lies outside the campaign's start and end")

    @property
    def is_event(self) -> bool:
        return self.kind == "event"

    def event_period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """[start, end) of the event in UTC. A date is the whole day in
        event_timezone (the end date included); a time without an offset is read in
        event_timezone; a time with an offset is taken as written."""
        if self.event_start is None or self.event_end is None:
            raise ValueError(f"campaign {self.id} is not an event")
        return (
            _instant(self.event_start, self.event_timezone, end=False),
            _instant(self.event_end, self.event_timezone, end=True),
        )


def _instant(value: dt.date | dt.datetime, zone: str, *, end: bool) -> pd.Timestamp:
    """A campaigns.yaml event bound as a UTC instant (see Campaign.event_period)."""
    if not isinstance(value, dt.datetime):  # a whole day: its end is the next midnight
        value = dt.datetime.combine(value + dt.timedelta(days=int(end)), dt.time())
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        moment = moment.tz_localize(zone)
    return moment.tz_convert("UTC")


@dataclass
class Roster:
    """People from roster.csv: who is scored, every handle's owner, rejected rows."""

    people: pd.DataFrame
    """Consenting people with a valid row: person_id, display_name, role, department."""
    handles: pd.DataFrame
    """platform, handle, person_id, status: scored, no_consent, invalid_row (the row
    was rejected) or shared_handle (claimed by several people)."""
    rejected: pd.DataFrame
    extra_columns: list[str]
    kept_ids: pd.Index
    """People whose stored posts and scores stay, in order: everyone the roster names,
    except anyone with consent false on any row. A row rejected for a typo keeps its
    person's history; the quarantine says what to fix. (An Index, not a list: Prefect
    walks a task's arguments element by element, thousands of ids at every task
    that reads the roster.)"""
    typed: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    """Every roster row typed, rejected ones too: what Great Expectations records."""


@dataclass
class Landing:
    """A checked landing zone."""

    root: Path
    roster: Roster
    campaigns: list[Campaign]
    sources: list[Source] = dataclass_field(default_factory=list)
    """Files to fetch over HTTP before reading (sources.yaml)."""

    @property
    def exports(self) -> Path:
        return self.root / EXPORTS_DIR


def landing_dir(landing: str | None = None) -> str:
    """The folder given, else VIRAGE_LANDING, else ./landing."""
    return landing or os.environ.get("VIRAGE_LANDING") or "landing"


def raw_zone(root: Path, raw_dir: str | None = None) -> str:
    """Where files are archived before they are read: the folder given, else
    VIRAGE_RAW_DIR, else <landing>/raw."""
    return _output_folder(root, raw_dir, "VIRAGE_RAW_DIR", RAW_DIR, "raw zone")


def docs_folder(root: Path, docs_dir: str | None = None) -> str:
    """Where Great Expectations Data Docs are built: the folder given, else
    VIRAGE_DOCS_DIR, else <landing>/data-docs."""
    return _output_folder(root, docs_dir, "VIRAGE_DOCS_DIR", DOCS_DIR, "Data Docs folder")


def report_folder(root: Path, report_dir: str | None = None) -> str:
    """Where the nightly run writes the HTML report (tasks/report.py): the folder
    given, else VIRAGE_REPORT_DIR, else <landing>/report."""
    return _output_folder(root, report_dir, "VIRAGE_REPORT_DIR", REPORT_DIR, "report folder")


def _output_folder(root: Path, given: str | None, variable: str, default: str, what: str) -> str:
    folder = Path(given or os.environ.get(variable) or root / default).expanduser()
    if folder.resolve().is_relative_to((root / EXPORTS_DIR).resolve()):
        raise ConfigError(f"{what} {folder} is inside {root / EXPORTS_DIR}: it would be read")
    return str(folder)


def load_landing(root: str | Path) -> Landing:
    """Check the landing folder and read its roster and campaigns."""
    path = Path(root).expanduser()
    if not path.is_dir():
        raise ConfigError(f"landing folder {path} does not exist")
    return Landing(
        path.resolve(),
        read_roster(path / ROSTER_FILE),
        read_campaigns(path / CAMPAIGNS_FILE),
        read_sources(path),
    )


def read_campaigns(path: Path) -> list[Campaign]:
    """Parse campaigns.yaml (`campaigns:` list). Raises ConfigError on any problem."""
    if not path.is_file():
        raise ConfigError(f"{path.name} not found in {path.parent}")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {_one_line(exc)}") from None
    items = document.get("campaigns") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(
            f"{path.name} must have a top-level 'campaigns:' list with at least one campaign"
        )
    campaigns = []
    for number, item in enumerate(items, start=1):
        label = f"campaign #{number}" + (f" ({item.get('id')})" if isinstance(item, dict) else "")
        try:
            campaigns.append(Campaign.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'campaign'}: {e['msg']}"
                for e in exc.errors()
            )
            # One line even when a YAML key or value holds a line break.
            raise ConfigError(" ".join(f"{path.name}: {label}: {problems}".split())) from None
    ids = [c.id for c in campaigns]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ConfigError(f"{path.name}: campaign id(s) used twice: {', '.join(duplicated)}")
    return campaigns


def read_roster(path: Path) -> Roster:
    """Parse roster.csv. A missing or unreadable file, a missing column or a roster
    with no usable row raises ConfigError; a bad row is rejected with a reason and
    its person is not scored (and their stored data is left as it was)."""
    if not path.is_file():
        raise ConfigError(f"{path.name} not found in {path.parent}")
    try:
        raw = read_csv_text(path)
    except FileRejected as exc:
        raise ConfigError(f"{path.name}: {exc.detail}") from None
    missing = [c for c in ROSTER.columns if c not in raw.columns]
    if missing:
        raise ConfigError(
            f"{path.name} lacks column(s) {', '.join(missing)}; the header "
            f"must include {','.join(ROSTER.columns)}"
        )
    if raw.empty:
        raise ConfigError(f"{path.name} lists nobody: add one row per person")
    raw = raw.assign(source_file=path.name, row_number=range(1, len(raw) + 1))
    raw["display_name"] = raw["display_name"].where(
        raw["display_name"].str.strip() != "", raw["person_id"]
    )
    checked = canonicalise(raw, ROSTER)
    rows = checked.clean

    # A person_id on several rows is ambiguous (which consent holds?): none is used.
    person_ids = raw["person_id"].str.strip()
    repeated = person_ids.ne("") & person_ids.duplicated(keep=False)
    repeated_ids = set(person_ids[repeated])
    twice = rows["person_id"].isin(repeated_ids)
    rejected = [
        checked.rejected,
        rows.loc[twice, ["source_file", "row_number"]].assign(
            rule="duplicate_person",
            detail="person_id "
            + rows.loc[twice, "person_id"]
            + " is on several rows; none of them is used until only one is left",
        ),
    ]
    rows = rows.loc[~twice]
    if rows.empty:
        first = pd.concat(rejected).sort_values("row_number").iloc[0]
        raise ConfigError(
            f"{path.name} has no usable row (row {first['row_number']}: {first['detail']})"
        )

    consent = raw["row_number"].map(rows.set_index("row_number")["consent"]).astype("boolean")
    status = pd.Series("invalid_row", index=raw.index, dtype="str")
    status = status.mask(consent.eq(True).fillna(False), "scored")
    # An explicit "false" is a refusal even on a row rejected for another reason.
    refused = consent.eq(False).fillna(False) | raw["consent"].str.strip().str.lower().eq("false")
    status = status.mask(refused, "no_consent")
    handles = pd.concat(
        [
            pd.DataFrame(
                {
                    "platform": p,
                    "handle": normalise_handle(raw[p]),
                    "person_id": person_ids,
                    "status": status,
                    "row_number": raw["row_number"],
                }
            )
            for p in PLATFORMS
        ],
        ignore_index=True,
    )
    handles = handles[handles["handle"] != ""]
    # A handle claimed by two people belongs to neither: its posts are skipped.
    shared = handles.duplicated(["platform", "handle"], keep=False)
    claims = handles[shared]
    rejected.append(
        pd.DataFrame(
            {
                "source_file": path.name,
                "row_number": claims["row_number"],
                "rule": "duplicate_handle",
                "detail": claims["platform"]
                + " handle @"
                + claims["handle"]
                + " is claimed by several people; its posts are skipped until one person owns it",
            }
        )
    )
    handles = handles.assign(status=handles["status"].mask(shared, "shared_handle"))
    handles = handles.drop_duplicates(["platform", "handle"])

    extra = [
        c for c in raw.columns if c not in ROSTER.columns and c not in ("source_file", "row_number")
    ]
    people = rows.loc[
        rows["consent"].eq(True), ["person_id", "display_name", "role", "department", *extra]
    ]
    # Roster rows are the company's own records about people: no excerpt is stored.
    rejected_rows = pd.concat(
        [r for r in rejected if not r.empty] or [rejected[0]], ignore_index=True
    ).assign(excerpt=pd.NA)
    return Roster(
        people.reset_index(drop=True),
        handles.drop(columns="row_number").reset_index(drop=True),
        rejected_rows.sort_values("row_number", kind="stable").reset_index(drop=True),
        extra,
        _kept_ids(person_ids, raw["consent"]),
        checked.typed_rows(),
    )


def _kept_ids(person_ids: pd.Series, consent: pd.Series) -> pd.Index:
    # An explicit "false" withdraws consent even on a row that is otherwise invalid.
    withdrawn = set(person_ids[consent.str.strip().str.lower().eq("false")])
    return pd.Index(sorted(set(person_ids[person_ids != ""]) - withdrawn), dtype="str")


def _one_line(exc: Exception) -> str:
    return re.sub(r"\s+", " ", str(exc)).strip()
