"""Expectation suites as data, derived from the canonical frames.

The same field rules drive the pandas quarantine mask (tasks/validate.py) and the
Great Expectations suite that records what was checked, so the two cannot drift.

A suite is a plain list of expectation configurations, each a dict with `type` and
`kwargs` (and, where GX's own wording would mislead, a `description` that Data Docs
shows instead). `SUITES` names the five suites a pipeline run records; tasks/gx_record.py
runs them. Columns come from the frames in schemas/fields.py, never from a list
written here by hand, except the two things no frame declares: the campaigns frame
(campaigns.yaml is a model, not a table) and the group a rank is counted within.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Date, DateTime, Integer, Text

from virage.schemas.fields import (
    ACCOUNTS,
    CAMPAIGN_KINDS,
    COMPONENTS,
    POSTS,
    ROSTER,
    SCORES,
    Field,
    Frame,
)


def expectations_for(frame: Frame, columns: list[str] | None = None) -> list[dict]:
    """GX expectation configurations (type and kwargs) for a frame's field rules,
    restricted to `columns` when given."""
    present = set(columns) if columns is not None else set(frame.columns)
    suite: list[dict] = []
    for f in frame.fields:
        if f.name not in present:
            continue
        if not f.nullable:
            suite.append(
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": f.name}}
            )
        if f.allowed:
            suite.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": f.name, "value_set": list(f.allowed)},
                }
            )
        if f.max_chars:
            suite.append(
                {
                    "type": "expect_column_value_lengths_to_be_between",
                    "kwargs": {"column": f.name, "max_value": f.max_chars},
                }
            )
        if f.min_value is not None or f.max_value is not None:
            bounds = {"min_value": f.min_value, "max_value": f.max_value}
            suite.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {
                        "column": f.name,
                        **{k: v for k, v in bounds.items() if v is not None},
                    },
                }
            )
    return suite


def key_is_unique(frame: Frame) -> list[dict]:
    """One row per key: a single-column key is unique, a compound key is unique as a
    combination of its columns."""
    if not frame.key:
        return []
    if len(frame.key) == 1:
        return [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": frame.key[0]}}]
    return [
        {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": list(frame.key)},
        }
    ]


def _between(column: str, low: float | None = None, high: float | None = None) -> dict:
    bounds = {"min_value": low, "max_value": high}
    return {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": column, **{k: v for k, v in bounds.items() if v is not None}},
    }


# --- campaigns ---------------------------------------------------------------------

CAMPAIGNS = Frame(
    name="campaigns",
    grain="one row per campaign of campaigns.yaml, as Great Expectations checks it",
    key=("campaign_id",),
    fields=(
        Field("campaign_id", "str", Text(), False, "the campaign's id"),
        Field("name", "str", Text(), False, "the campaign's name"),
        Field("keywords", "Int64", Integer(), False, "keywords that are not blank", min_value=0),
        Field(
            "hashtags",
            "Int64",
            Integer(),
            False,
            "hashtags that are not blank or a bare #",
            min_value=0,
        ),
        Field("start", "datetime64[us]", Date(), True, "first day, if given"),
        Field("end", "datetime64[us]", Date(), True, "last day, if given"),
        Field("kind", "str", Text(), False, "topic or event", allowed=CAMPAIGN_KINDS),
        Field(
            "event_markers",
            "Int64",
            Integer(),
            False,
            "hashtags, brand handles and brand domains that are not blank",
            min_value=0,
        ),
        Field(
            "event_start",
            "datetime64[us, UTC]",
            DateTime(timezone=True),
            True,
            "an event's start, UTC",
        ),
        Field(
            "event_end", "datetime64[us, UTC]", DateTime(timezone=True), True, "an event's end, UTC"
        ),
    ),
)
"""campaigns.yaml as a frame for Great Expectations (pydantic already refuses a bad
file before the run; this suite records what was checked, next to the others)."""


_is_event = {
    "type": "comparison",
    "column": {"name": "kind"},
    "operator": "==",
    "parameter": "event",
}


def campaigns_expectations() -> list[dict]:
    """Id present and unique, a name, at least one keyword or hashtag (relevance is
    topical), start on or before end where both are given; an event has its start and
    end, in order, and at least one marker."""
    return [
        *expectations_for(CAMPAIGNS),
        *key_is_unique(CAMPAIGNS),
        {
            # No keyword, so at least one hashtag: a row condition keeps this one
            # expectation on the frame's own columns.
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "hashtags",
                "min_value": 1,
                "row_condition": {
                    "type": "comparison",
                    "column": {"name": "keywords"},
                    "operator": "==",
                    "parameter": 0,
                },
            },
            "description": "at least one keyword or hashtag: hashtags >= 1 where keywords is 0",
        },
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {
                "column_A": "end",
                "column_B": "start",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "description": "end on or after start, where both are given",
        },
        *(
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": bound, "row_condition": _is_event},
                "description": f"an event has its {bound}",
            }
            for bound in ("event_start", "event_end")
        ),
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "event_markers", "min_value": 1, "row_condition": _is_event},
            "description": "an event has a hashtag, brand handle or brand domain to mark its "
            "coverage: event_markers >= 1 where kind is event",
        },
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {
                "column_A": "event_end",
                "column_B": "event_start",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "description": "event_end on or after event_start",
        },
    ]


# --- scores ------------------------------------------------------------------------

RANK_WITHIN: tuple[str, ...] = ("as_of_date", "campaign_id", "role")
"""A rank counts within one day, campaign and role (see SCORES' rank field)."""

RANK_CONSISTENT = "rank_consistent"
"""Derived column: GX has no expectation for ranks within groups, so pandas computes
this flag before validation (see `rank_consistent`) and the suite expects it true."""


def rank_consistent(scores: pd.DataFrame) -> pd.Series:
    """True where a row's rank fits its group (RANK_WITHIN): a whole number from 1 to
    the group's size held by no other row of the group (so ranks run 1..n without
    gaps), and a score no higher than that of the row ranked just above it.

    One broken rank flags the rows that break the rule, not the whole group: a
    repeated rank flags each row holding it, a rank past the group's size flags that
    row, and a row outscoring the one ranked above it flags that row."""
    group = list(RANK_WITHIN)
    rows = scores.reset_index(drop=True)  # positions, whatever the caller's index
    rank = rows["rank"].astype("Float64")
    size = rows.groupby(group, dropna=False, sort=False)["rank"].transform("size")
    in_range = (rank.ge(1) & rank.le(size) & (rank % 1).eq(0)).fillna(False)
    repeated = rows.duplicated([*group, "rank"], keep=False)
    ordered = rows.assign(_rank=rank).sort_values([*group, "_rank"], kind="stable")
    above = ordered.groupby(group, dropna=False, sort=False)["score"].shift()
    outscores = (ordered["score"] > above).fillna(False).sort_index()
    consistent = in_range.to_numpy(bool) & ~repeated.to_numpy() & ~outscores.to_numpy(bool)
    return pd.Series(consistent, index=scores.index, dtype="bool")


DERIVED_COLUMNS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    RANK_CONSISTENT: rank_consistent,
}
"""Columns a suite names that no frame carries: computed in pandas from the frame
just before Great Expectations runs (tasks/gx_record.py adds any that is missing)."""


def scores_expectations(columns: list[str] | None = None) -> list[dict]:
    """The influence_scores rows before publishing: the field rules, one row per key,
    score and components on 0-100 (advocacy may be null), rank >= 1 and ranks
    consistent within each day, campaign and role."""
    present = set(columns) if columns is not None else set(SCORES.columns)
    bounded = [c for c in ("score", *COMPONENTS) if c in present]
    suite = [*expectations_for(SCORES, columns)]
    if present.issuperset(SCORES.key):
        suite += key_is_unique(SCORES)
    suite += [_between(c, 0, 100) for c in bounded]
    if "sponsored_share" in present:
        suite.append(_between("sponsored_share", 0, 1))
    if "posts_considered" in present:
        suite.append(_between("posts_considered", 0))
    if "rank" in present:
        suite.append(_between("rank", 1))
    if present.issuperset([*RANK_WITHIN, "rank", "score"]):
        suite.append(
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": RANK_CONSISTENT, "value_set": [True]},
                "description": (
                    "ranks consistent: within each " + ", ".join(RANK_WITHIN) + ", ranks "
                    "run 1..n without gaps or repeats in descending score order "
                    f"({RANK_CONSISTENT}, derived in pandas before validation)"
                ),
            }
        )
    return suite


# --- the five suites ---------------------------------------------------------------


def posts_expectations(columns: list[str] | None = None) -> list[dict]:
    """Posts as parsed, every file's rows: field rules only. A post seen in several
    exports is on several rows (the latest wins later), so the key is not checked."""
    return expectations_for(POSTS, columns)


def accounts_expectations(columns: list[str] | None = None) -> list[dict]:
    """Follower counts as parsed: field rules only (a count may repeat across exports)."""
    return expectations_for(ACCOUNTS, columns)


def roster_expectations(columns: list[str] | None = None) -> list[dict]:
    """roster.csv: field rules and one row per person."""
    present = set(columns) if columns is not None else set(ROSTER.columns)
    unique = [e for e in key_is_unique(ROSTER) if e["kwargs"]["column"] in present]
    return [*expectations_for(ROSTER, columns), *unique]


SUITES: dict[str, Callable[[], list[dict]]] = {
    "posts": posts_expectations,
    "accounts": accounts_expectations,
    "roster": roster_expectations,
    "campaigns": campaigns_expectations,
    "scores": scores_expectations,
}
"""The suites a pipeline run records, by name (the `suite` of validation_results)."""

SUITE_ROWS: dict[str, str] = {
    "posts": f"every {POSTS.name} row parsed this run, quarantined ones included; "
    "results per export file",
    "accounts": f"every {ACCOUNTS.name} row (follower count) parsed this run, quarantined "
    "ones included; results per export file",
    "roster": f"every row of roster.csv as the {ROSTER.name} frame, rejected ones included",
    "campaigns": f"{CAMPAIGNS.grain}; one result for campaigns.yaml",
    "scores": f"the {SCORES.name} rows about to be published ({SCORES.grain}); one "
    f"result, named {SCORES.name}",
}
"""What each suite's batch is, for a person reading docs/validation.md."""


def columns_of(expectation: dict) -> list[str]:
    """The column(s) an expectation reads, in its own order."""
    kwargs = expectation["kwargs"]
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list", []))


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def describe(expectation: dict) -> str:
    """One line for a person: what the expectation asks of which column(s)."""
    if expectation.get("description"):
        return expectation["description"]
    kwargs = expectation["kwargs"]
    column = ", ".join(f"`{c}`" for c in columns_of(expectation))
    kind = expectation["type"]
    if kind == "expect_column_values_to_not_be_null":
        return f"{column} is never null"
    if kind == "expect_column_values_to_be_in_set":
        return f"{column} is one of " + ", ".join(str(v) for v in kwargs["value_set"])
    if kind == "expect_column_values_to_be_between":
        low, high = (
            _number(v) if v is not None else None
            for v in (kwargs.get("min_value"), kwargs.get("max_value"))
        )
        if low is not None and high is not None:
            return f"{column} is between {low} and {high}"
        return f"{column} is >= {low}" if low is not None else f"{column} is <= {high}"
    if kind == "expect_column_value_lengths_to_be_between":
        return f"{column} has at most {kwargs['max_value']:,} characters"
    if kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        return f"{column} are unique together" if "column_list" in kwargs else f"{column} is unique"
    return f"{kind} on {column}"


def render_suites() -> str:
    """The suites as Markdown: one section per suite, one line per expectation."""
    lines: list[str] = []
    for name, build in SUITES.items():
        suite = build()
        lines += [f"### {name} ({len(suite)} expectations)", "", f"Rows: {SUITE_ROWS[name]}.", ""]
        lines += [f"- {describe(e)} (`{e['type']}`)" for e in suite]
        lines.append("")
    return "\n".join(lines).strip() + "\n"


DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
START, END = "<!-- suites:start -->", "<!-- suites:end -->"


def with_suites(text: str) -> str:
    """`text` with the part between START and END replaced by render_suites()."""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{render_suites()}{END}", text)


def main(doc: Path = DOC) -> None:
    """Rewrite the suite listing of docs/validation.md."""
    doc.write_text(with_suites(doc.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{doc}: suites listed")


if __name__ == "__main__":
    main()
