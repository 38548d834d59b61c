"""Canonical frames: every column's name, pandas dtype, SQL type and rules, once.

Parsers produce these frames, validation derives its row rules and Great
Expectations suites from them, and the warehouse DDL is built from them, so a
column is declared in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.types import TypeEngine

PLATFORMS: tuple[str, ...] = ("x", "linkedin", "instagram", "tiktok")
"""Platforms virage reads; also the roster's handle columns."""

PLATFORM_ALIASES: dict[str, str] = {"twitter": "x"}
"""Other names exporters use for a platform, mapped to the canonical one."""

ROLES: tuple[str, ...] = ("ambassador", "influencer")


@dataclass(frozen=True)
class Field:
    """One column of a canonical frame and of its warehouse table."""

    name: str
    dtype: str
    sql: TypeEngine
    nullable: bool = True
    doc: str = ""
    allowed: tuple[str, ...] | None = None
    min_value: int | None = None
    max_value: int | None = None
    in_exchange: bool = False
    """Part of the platform-neutral exchange CSV that any tool can write."""
    max_chars: int | None = None
    """Longest text accepted; a longer value quarantines the row."""
    future_allowed: bool = True
    """False: a time more than a day after the day scored quarantines the row."""


@dataclass(frozen=True)
class Frame:
    """A canonical frame: ordered fields, the key, and what one row is."""

    name: str
    grain: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def dtypes(self) -> dict[str, str]:
        return {f.name: f.dtype for f in self.fields}

    @property
    def exchange_header(self) -> list[str]:
        return [f.name for f in self.fields if f.in_exchange]


def _text(name: str, doc: str, *, nullable: bool = True, size: int | None = None, **kw) -> Field:
    return Field(name, "str", String(size) if size else Text(), nullable, doc, **kw)


MAX_TEXT_CHARS = 100_000
"""Longest post text accepted: platforms cap posts far lower (X long posts at 25,000
characters, LinkedIn at 3,000); anything longer is a broken export."""

MAX_COUNT = 10**15
"""Largest count accepted: far above any real metric, and exact in a float64."""


def _count(name: str, doc: str, *, nullable: bool, exchange: bool = True) -> Field:
    return Field(
        name,
        "Int64",
        BigInteger(),
        nullable,
        doc,
        min_value=0,
        max_value=MAX_COUNT,
        in_exchange=exchange,
    )


def _score(name: str, doc: str, *, nullable: bool = False) -> Field:
    return Field(name, "float64", Float(), nullable, doc)


# Shared by every frame that is keyed by an account.
PLATFORM = _text(
    "platform",
    "x, linkedin, instagram or tiktok",
    nullable=False,
    size=16,
    allowed=PLATFORMS,
    in_exchange=True,
)
HANDLE = _text(
    "handle", "account handle, lower case, no leading @", nullable=False, in_exchange=True
)

_PROVENANCE = (
    _text(
        "source_file",
        "landing file the row came from, relative to the landing folder (an entry of a "
        "zip archive as archive.zip!entry)",
    ),
    _text("source_sha256", "SHA-256 of that file: its ingested_files row and raw-zone copy"),
    Field(
        "observed_at",
        "datetime64[us, UTC]",
        DateTime(timezone=True),
        True,
        "when the export was taken (the file's modification time), UTC; the latest wins",
    ),
)
"""Where a stored row came from, so a person can trace it to its raw file."""

POSTS = Frame(
    name="posts",
    grain="one row per (platform, post_id): the latest metrics seen for that post",
    key=("platform", "post_id"),
    fields=(
        PLATFORM,
        HANDLE,
        _text(
            "post_id",
            "the platform's id of the post, kept as text",
            nullable=False,
            in_exchange=True,
        ),
        _text("person_id", "roster person who wrote it"),
        Field(
            "posted_at",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            False,
            "when it was posted, UTC",
            in_exchange=True,
            future_allowed=False,
        ),
        _text("text", "the post's text", in_exchange=True, max_chars=MAX_TEXT_CHARS),
        _text("url", "link to the post", in_exchange=True),
        _count("impressions", "times shown, where the export gives it", nullable=True),
        _count(
            "likes", "likes, reactions or favourites; NULL where the export has none", nullable=True
        ),
        _count("comments", "comments or replies; NULL where the export has none", nullable=True),
        _count(
            "shares", "shares, reposts or retweets; NULL where the export has none", nullable=True
        ),
        _count("clicks", "link clicks, where the export gives it", nullable=True),
        Field(
            "is_sponsored",
            "bool",
            Boolean(),
            False,
            "carries a paid-partnership disclosure (text markers or export flag)",
        ),
        *_PROVENANCE,
        Field(
            "first_seen_at",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "when the earliest export holding the post was taken, UTC",
        ),
        Field(
            "last_seen_at",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "when the latest export holding the post was taken, UTC",
        ),
    ),
)

ACCOUNTS = Frame(
    name="accounts",
    grain="one row per (platform, handle, snapshot_date): follower count on that day",
    key=("platform", "handle", "snapshot_date"),
    fields=(
        PLATFORM,
        HANDLE,
        Field(
            "snapshot_date", "datetime64[us]", Date(), False, "day of the count", in_exchange=True
        ),
        _count("followers", "followers on that day", nullable=False),
        _text("person_id", "roster person who owns the account"),
        *_PROVENANCE,
    ),
)

FILE_STATUSES: tuple[str, ...] = ("loaded", "quarantined", "ignored")

READERS_VERSION = 2
"""Bump when a parser changes what it makes of a format: files read by an older
version are read again, so a fix reaches the files already ingested."""

INGESTED_FILES = Frame(
    name="ingested_files",
    grain="one row per file read, by content and path: the ledger of the raw zone",
    key=("sha256", "source_path"),
    fields=(
        _text(
            "sha256",
            "SHA-256 of the content; the raw-zone copy is named after it",
            nullable=False,
            size=64,
        ),
        _text("source_path", "the file's path, relative to the landing folder", nullable=False),
        Field("size", "Int64", BigInteger(), False, "bytes"),
        _text(
            "format",
            "format recognised, e.g. x_tweets, linkedin_shares, zip, exchange_posts",
            nullable=False,
            size=32,
        ),
        _text("first_seen_run_id", "pipeline run that first read it", nullable=False),
        Field("first_seen_at", "datetime64[us, UTC]", DateTime(timezone=True), False, "UTC"),
        _text(
            "status",
            "loaded (its rows went on), quarantined (rejected whole) or ignored (nothing "
            "virage reads)",
            nullable=False,
            size=16,
            allowed=FILE_STATUSES,
        ),
        _text("detail", "why it was quarantined or ignored"),
        Field(
            "readers_version",
            "Int64",
            Integer(),
            True,
            "version of virage's readers that last read it; a newer one reads it again",
        ),
        Field(
            "observed_at",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "the file's modification time when read, UTC: the export's date, kept so the "
            "raw copy can be read again as it was",
        ),
    ),
)

ROSTER = Frame(
    name="roster",
    grain="one row per person",
    key=("person_id",),
    fields=(
        _text("person_id", "stable id chosen by the company", nullable=False),
        _text("display_name", "name shown on the leaderboard", nullable=False),
        _text("role", "ambassador or influencer", nullable=False, allowed=ROLES),
        Field("consent", "bool", Boolean(), False, "opted in to being scored"),
        _text("department", "team, for ambassadors"),
        *(_text(p, f"{p} handle") for p in PLATFORMS),
    ),
)

PEOPLE = Frame(
    name="people",
    grain="one row per person of the roster (the people dimension)",
    key=("person_id",),
    fields=(
        _text("person_id", "stable id chosen by the company", nullable=False),
        _text(
            "display_name",
            "name shown on the leaderboard; NULL for someone who has not consented",
        ),
        _text("role", "ambassador or influencer", nullable=False, size=16, allowed=ROLES),
        Field("consent", "bool", Boolean(), False, "opted in to being scored"),
        _text("department", "team, for ambassadors; NULL for someone who has not consented"),
    ),
)
"""The roster as BI joins it. Someone without consent keeps only id, role and the
flag (participation shares need them): no name, no team, no handle."""

CAMPAIGN_KINDS: tuple[str, ...] = ("topic", "event")

CAMPAIGN_TABLE = Frame(
    name="campaigns",
    grain="one row per campaign ever scored (the campaigns dimension)",
    key=("campaign_id",),
    fields=(
        _text("campaign_id", "campaign id from campaigns.yaml", nullable=False),
        _text("name", "the campaign's name", nullable=False),
        _text(
            "kind",
            "topic (a subject over a rolling window) or event (a dated event)",
            nullable=False,
            size=16,
            allowed=CAMPAIGN_KINDS,
        ),
        Field("start_date", "datetime64[us]", Date(), True, "first day scored, if bounded"),
        Field("end_date", "datetime64[us]", Date(), True, "last day scored, if bounded"),
        Field(
            "event_start",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "an event's start, UTC (NULL for a topic campaign)",
        ),
        Field(
            "event_end",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "an event's end, UTC, excluded: a day given as a date ends at the next midnight",
        ),
        _text("keywords", "keywords, as a JSON list"),
        _text("hashtags", "hashtags, as a JSON list"),
        Field(
            "in_campaigns_file",
            "bool",
            Boolean(),
            False,
            "listed in campaigns.yaml at the latest run (false: kept for its history)",
        ),
    ),
)

COMPONENTS: tuple[str, ...] = (
    "reach",
    "resonance",
    "relevance",
    "credibility",
    "activity",
    "audience_quality",
    "advocacy",
    "event_coverage",
)
"""Score components, each on 0-100 (see docs/scoring.md)."""

SCORES = Frame(
    name="influence_scores",
    grain="one row per (as_of_date, campaign_id, person_id): a daily snapshot",
    key=("as_of_date", "campaign_id", "person_id"),
    fields=(
        Field("as_of_date", "datetime64[us]", Date(), False, "day the scores describe"),
        _text("campaign_id", "campaign id from campaigns.yaml", nullable=False),
        _text("person_id", "roster person", nullable=False),
        _text("display_name", "roster display name", nullable=False),
        _text("role", "ambassador or influencer", nullable=False, size=16, allowed=ROLES),
        _score("score", "final score, 0-100"),
        Field("rank", "Int64", Integer(), False, "1 = best within day, campaign and role"),
        _text(
            "tier",
            "audience tier: nano, micro, mid, macro, mega or unknown",
            nullable=False,
            size=16,
        ),
        _score("reach", "audience size, log-scaled, 0-100"),
        _score("resonance", "engagement against the tier benchmark, 0-100"),
        _score("relevance", "topical fit to the campaign, 0-100"),
        _score("credibility", "impartiality: falls as sponsored posts rise, 0-100"),
        _score("activity", "posting regularity and platforms used, 0-100"),
        _score("audience_quality", "absence of fake-audience signals, 0-100"),
        _score(
            "advocacy",
            "brand-carrying posts, ambassadors only (NULL for influencers)",
            nullable=True,
        ),
        _score(
            "event_coverage",
            "coverage of the event before, during and after it (NULL outside event campaigns)",
            nullable=True,
        ),
        Field("posts_considered", "Int64", Integer(), False, "posts in the scoring window"),
        _score("sponsored_share", "share of those posts that are sponsored, 0-1"),
        _text(
            "explanation",
            "the strongest and weakest factors in plain words, e.g. 'high engagement for a "
            "micro account; 70% of posts sponsored'",
        ),
        _text("run_id", "pipeline run that wrote the row", nullable=False),
    ),
)

EVENT_PHASES: tuple[str, ...] = ("before", "during", "after")

EVENT_SUMMARY = Frame(
    name="event_summary",
    grain="one row per (as_of_date, campaign_id, day): an event campaign's coverage on one "
    "UTC day, as the run for as_of_date saw it",
    key=("as_of_date", "campaign_id", "day"),
    fields=(
        Field("as_of_date", "datetime64[us]", Date(), False, "day the run scored"),
        _text("campaign_id", "event campaign id from campaigns.yaml", nullable=False),
        Field("day", "datetime64[us]", Date(), False, "UTC day described"),
        _text(
            "phase",
            "before, during or after the event (a day the event touches is during)",
            nullable=False,
            size=16,
            allowed=EVENT_PHASES,
        ),
        Field(
            "posts",
            "Int64",
            Integer(),
            False,
            "posts of scored people carrying the event's hashtags, brand handles or domains",
        ),
        Field("people_posting", "Int64", Integer(), False, "scored people with such a post"),
        Field(
            "first_time_posters",
            "Int64",
            Integer(),
            False,
            "people whose first such post in the period is on this day",
        ),
        Field("ambassadors_posting", "Int64", Integer(), False, "consenting ambassadors posting"),
        _score(
            "ambassador_share",
            "share of the roster's consenting ambassadors posting that day, 0-1 (NULL without any)",
            nullable=True,
        ),
        _score(
            "ambassador_share_to_date",
            "share of them who have posted from the period's first day up to this day, 0-1",
            nullable=True,
        ),
        Field(
            "reach",
            "Int64",
            BigInteger(),
            False,
            "impressions of those posts, or the posting account's followers where the "
            "export gives none",
        ),
        Field(
            "engagement",
            "Int64",
            BigInteger(),
            True,
            "likes + comments + shares of those posts (NULL when no post of the day gives counts)",
        ),
        _score(
            "sponsored_share",
            "share of those posts that are sponsored, 0-1 (NULL without posts)",
            nullable=True,
        ),
        _text("run_id", "pipeline run that wrote the row", nullable=False),
    ),
)

QUARANTINE = Frame(
    name="quarantine",
    grain="one row per quarantined file (row_number NULL) or row, per run",
    fields=(
        _text("run_id", "pipeline run", nullable=False),
        _text("source_file", "landing file, relative to the landing folder", nullable=False),
        Field(
            "row_number",
            "Int64",
            Integer(),
            True,
            "1-based data record in the file (header excluded); NULL for a whole file",
        ),
        _text("rule", "the rule broken, e.g. bad_count", nullable=False),
        _text("detail", "what was wrong, for a person", nullable=False),
        _text(
            "excerpt",
            "the record's fields joined by commas (200 characters at most); a fixed "
            "sentence when withheld",
        ),
        Field("quarantined_at", "datetime64[us, UTC]", DateTime(timezone=True), False, "when, UTC"),
    ),
)

VALIDATION_RESULTS = Frame(
    name="validation_results",
    grain="one row per expectation suite, run and file: what Great Expectations checked",
    fields=(
        _text("run_id", "pipeline run", nullable=False),
        _text(
            "suite",
            "expectation suite, e.g. posts, accounts, roster, campaigns, scores",
            nullable=False,
        ),
        _text(
            "source_file",
            "landing file the rows came from (an export, roster.csv, campaigns.yaml); "
            "influence_scores for the scores checked before publishing",
            nullable=False,
        ),
        Field("success", "bool", Boolean(), False, "every expectation met by this file's rows"),
        Field("evaluated_rows", "Int64", BigInteger(), False, "rows of this file checked"),
        Field(
            "unexpected_rows",
            "Int64",
            BigInteger(),
            False,
            "rows breaking at least one expectation",
        ),
        Field("expectations", "Int64", Integer(), False, "expectations in the suite"),
        Field(
            "failed_expectations", "Int64", Integer(), False, "expectations this file's rows broke"
        ),
        _text("statistics", "per expectation: type, column and unexpected count, as JSON"),
        Field("validated_at", "datetime64[us, UTC]", DateTime(timezone=True), False, "UTC"),
    ),
)

PIPELINE_RUNS = Frame(
    name="pipeline_runs",
    grain="one row per pipeline run",
    key=("run_id",),
    fields=(
        _text("run_id", "Prefect flow-run id", nullable=False),
        Field("as_of_date", "datetime64[us]", Date(), False, "day scored"),
        Field("started_at", "datetime64[us, UTC]", DateTime(timezone=True), False, "UTC"),
        Field("finished_at", "datetime64[us, UTC]", DateTime(timezone=True), True, "UTC"),
        _text("status", "running, completed or failed", nullable=False, size=16),
        Field("files_seen", "Int64", Integer(), True, "files under exports/"),
        Field("files_loaded", "Int64", Integer(), True, "files read, maybe minus some rows"),
        Field("files_quarantined", "Int64", Integer(), True, "files quarantined whole"),
        Field("rows_loaded", "Int64", Integer(), True, "posts written to posts"),
        Field("rows_quarantined", "Int64", Integer(), True, "rows quarantined"),
        Field(
            "rows_skipped",
            "Int64",
            Integer(),
            True,
            "posts not stored: no consent, invalid roster row, shared or unknown handle",
        ),
        _text("quarantined_by_rule", "quarantine records of the run per rule, as JSON"),
        _text("summary", "the run summary as JSON"),
    ),
)

ERASURE_LOG = Frame(
    name="erasure_log",
    grain="one row per erasure of a person (`virage forget`): when, whom by a digest of "
    "their id, and how much of their data went",
    key=("erased_at", "person_sha256"),
    fields=(
        Field("erased_at", "datetime64[us, UTC]", DateTime(timezone=True), False, "when, UTC"),
        _text(
            "person_sha256",
            "SHA-256 of the person_id erased: enough to answer 'was X erased?', without "
            "keeping the id",
            nullable=False,
            size=64,
        ),
        *(
            Field(f"{what}_deleted", "Int64", BigInteger(), False, doc)
            for what, doc in (
                ("posts", "posts deleted"),
                ("snapshots", "follower counts deleted"),
                ("scores", "scores deleted, staged ones included"),
                ("quarantine", "quarantine records deleted"),
                ("validation_results", "validation results of their files deleted"),
                ("files", "ledger rows (ingested_files) of their files deleted"),
                ("raw_files", "raw-zone copies of their files deleted"),
                ("people", "people rows deleted (0 or 1)"),
            )
        ),
    ),
)
