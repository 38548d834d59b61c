"""Validation: raw text columns in, typed canonical rows out, broken rows quarantined.

The row rules come from the field definitions in schemas/fields.py. Great
Expectations records the suites derived from the same definitions once per run, over
every frame (tasks/gx_record.py); the quarantine itself is decided here, in pandas,
row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from virage.memory import empty_like
from virage.schemas.fields import ACCOUNTS, PLATFORM_ALIASES, POSTS, Field, Frame

QUARANTINE_COLUMNS = ["source_file", "row_number", "rule", "detail", "excerpt"]
"""Columns of a run's quarantine records before the run id and time are stamped."""

# A time of day then a UTC offset: "2026-06-20" alone, or a time without an offset,
# is ambiguous by up to a day.
_TIME_AND_OFFSET_AT_END = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_EXCERPT_CHARS = 200


@dataclass
class Checked:
    """A validated frame: rows that passed, typed; rows that did not, explained."""

    clean: pd.DataFrame
    rejected: pd.DataFrame
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The typed rows not in `clean` (the frame's fields and source_file): those that
    broke a rule, those held back with their file. With `clean`, every row typed, the
    bad ones too: what Great Expectations records (see typed_rows). Kept apart, not as
    a second frame of every row: on a million posts that copy was 400 MB."""

    def typed_rows(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Every row typed (clean ones first), cut to `columns` (default: those of
        set_aside) before the two are joined, so that only those are copied."""
        columns = [c for c in (columns or self.set_aside.columns) if c in self.clean]
        return pd.concat([self.clean[columns], self.set_aside[columns]], ignore_index=True)

    @property
    def rows_checked(self) -> int:
        return len(self.clean) + len(self.set_aside)


def normalise_handle(handles: pd.Series) -> pd.Series:
    """Handles compare case-insensitively and without a leading @."""
    return handles.str.strip().str.lstrip("@").str.strip().str.lower()


def normalise_platform(platforms: pd.Series) -> pd.Series:
    lowered = platforms.str.strip().str.lower()
    return lowered.replace(PLATFORM_ALIASES)


_NORMALISERS = {
    "platform": normalise_platform,
    "handle": normalise_handle,
    "role": lambda roles: roles.str.lower(),
}
_FREE_TEXT = {"text"}
"""Kept exactly as written (no trimming)."""


def _convert(f: Field, text: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series, str, str]:
    """Typed values, the mask of values present but breaking the field's rule, the
    rule's name and what the rule expects (for the detail)."""
    present = text.mask(empty)
    if f.dtype == "Int64":
        number = pd.to_numeric(present, errors="coerce").astype("float64")
        too_big = number.abs() > (f.max_value or 2**53)
        malformed = ~empty & (number.isna() | (number % 1 != 0) | too_big)
        below = number < (f.min_value if f.min_value is not None else float("-inf"))
        bad = malformed | (~empty & below)
        # Negative counts stay in the typed frame so the GX record sees them.
        typed = number.where(~malformed).astype("Float64").round().astype("Int64")
        limit = f"between {f.min_value or 0} and {f.max_value}" if f.max_value else ">= 0"
        return typed, bad, "bad_count", f"counts must be whole numbers {limit}"
    if f.dtype.startswith("datetime64") and "UTC" in f.dtype:
        parsed = pd.to_datetime(present, utc=True, format="ISO8601", errors="coerce")
        has_offset = text.str.contains(_TIME_AND_OFFSET_AT_END, regex=True)
        bad = ~empty & (parsed.isna() | ~has_offset)
        expected = "expected ISO 8601 with a time and a UTC offset, e.g. 2026-06-20T09:00:00+02:00"
        return parsed.where(~bad).astype(f.dtype), bad, "bad_timestamp", expected
    if f.dtype.startswith("datetime64"):
        parsed = pd.to_datetime(present, format="%Y-%m-%d", errors="coerce")
        bad = ~empty & parsed.isna()
        return parsed.astype(f.dtype), bad, "bad_date", "expected a date like 2026-06-20"
    if f.dtype == "bool":
        lowered = text.str.lower()
        bad = ~empty & ~lowered.isin(["true", "false"])
        typed = lowered.eq("true").astype("boolean").mask(empty | bad)
        return typed, bad, "bad_boolean", "expected true or false"
    normalise = _NORMALISERS.get(f.name)
    typed = normalise(present) if normalise else present
    if f.allowed:
        bad = ~empty & ~typed.isin(f.allowed)
        return typed, bad, f"unknown_{f.name}", "expected one of " + ", ".join(f.allowed)
    return typed, pd.Series(False, index=text.index), "", ""


def _converted_per_category(f: Field, column: pd.Series) -> pd.Series | None:
    """A categorical column (a file's provenance, one value per file) typed once per
    category rather than once per row, when every category passes the field's rules;
    None otherwise (its rows are then checked one by one, rules named per row). Text
    stays categorical: a code per row, not a copy of the string."""
    if not isinstance(column.dtype, pd.CategoricalDtype) or not f.future_allowed:
        return None
    text = pd.Series(column.cat.categories, dtype="str").fillna("")
    if f.name not in _FREE_TEXT:
        text = text.str.strip()
    empty = text.eq("")
    values, bad, _, _ = _convert(f, text, empty)
    too_long = bool(f.max_chars) and bool(text.str.len().gt(f.max_chars).any())
    missing = not f.nullable and (empty.any() or column.isna().any())
    if bad.any() or too_long or missing:
        return None
    codes = column.cat.codes.to_numpy()
    if pd.api.types.is_string_dtype(values.dtype):
        if values.notna().all() and values.is_unique:
            return pd.Series(pd.Categorical.from_codes(codes, values), index=column.index)
        return None
    return pd.Series(values.array.take(codes, allow_fill=True), index=column.index)


def latest_acceptable_time(as_of: dt.date, today: dt.date | None = None) -> pd.Timestamp:
    """The end of the day after the later of `as_of` and today (UTC): a post dated
    beyond it is from the future. Measured from today too, so that re-scoring an old
    day does not quarantine the posts made since (they would never be read again)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return pd.Timestamp(max(as_of, today), tz="UTC") + pd.Timedelta(days=2)


def canonicalise(
    raw: pd.DataFrame, frame: Frame, *, not_after: pd.Timestamp | None = None
) -> Checked:
    """Type the frame's columns found in `raw` (text columns plus `source_file` and
    `row_number`) and quarantine each row that breaks a rule, naming the first rule it
    breaks in field order. Times of fields that may not be in the future must be
    before `not_after` (see latest_acceptable_time). Other columns of `raw` pass
    through untouched. (Great Expectations' record of the same rules is made once per
    run over every frame: see tasks/gx_record.py.)"""
    rule = pd.Series(pd.NA, index=raw.index, dtype="object")
    detail = pd.Series(pd.NA, index=raw.index, dtype="object")
    typed = raw.copy(deep=False)  # columns are replaced, not changed in place: no copy
    fields = [f for f in frame.fields if f.name in raw.columns]
    for f in fields:
        per_file = _converted_per_category(f, raw[f.name])
        if per_file is not None:
            typed[f.name] = per_file
            continue
        text = raw[f.name].fillna("").astype("str")
        if f.name not in _FREE_TEXT:
            text = text.str.strip()
        empty = text.eq("")
        values, bad, bad_rule, expected = _convert(f, text, empty)
        typed[f.name] = values
        checks = [(bad, bad_rule, None)]
        if f.max_chars:
            length = text.str.len()
            too_long = length > f.max_chars
            if too_long.any():
                checks.append(
                    (
                        too_long,
                        "text_too_long",
                        f"{f.name} has "
                        + length[too_long].map("{:,}".format)
                        + f" characters; at most {f.max_chars:,} are accepted",
                    )
                )
        if not f.future_allowed and not_after is not None:
            future = values.notna() & (values >= not_after)
            last_day = (not_after - pd.Timedelta(days=1)).date()
            checks.append(
                (
                    future,
                    "future_timestamp",
                    f"{f.name} is '" + text[future].str.slice(0, 40) + f"'; after {last_day}: "
                    "a date in the future (more than a day after the day scored and today)",
                )
            )
        if not f.nullable:
            checks.insert(
                0, (empty, "missing_value", f"{f.name} is empty; every {frame.name} row needs it")
            )
        for mask, name, fixed_detail in checks:
            new = mask & rule.isna()
            if new.any():  # details are written only for the rows that need one
                rule[new] = name
                if fixed_detail is None:
                    detail[new] = f"{f.name} is '" + text[new].str.slice(0, 40) + "'; " + expected
                elif isinstance(fixed_detail, pd.Series):
                    detail[new] = fixed_detail.reindex(text.index)[new]
                else:
                    detail[new] = fixed_detail

    rejected_mask = rule.notna()
    # The account a rejected row names, so that its excerpt can be withheld when the
    # account belongs to nobody who consented (see people.withhold_private).
    owner = [c for c in ("platform", "handle") if c in typed.columns]
    rejected = raw.loc[rejected_mask, ["source_file", "row_number"]].astype({"source_file": "str"})
    rejected = rejected.assign(
        rule=rule[rejected_mask].astype("str"),
        detail=detail[rejected_mask].astype("str"),
        excerpt=_excerpt(raw.loc[rejected_mask, [f.name for f in fields if f.in_exchange]]),
        **{c: typed.loc[rejected_mask, c] for c in owner},
    )
    recorded = [n for n in dict.fromkeys([*(f.name for f in fields), "source_file"]) if n in typed]
    return Checked(
        typed.loc[~rejected_mask].reset_index(drop=True),
        rejected.reset_index(drop=True),
        typed.loc[rejected_mask, recorded].reset_index(drop=True),
    )


DEFAULT_MAX_BAD_ROW_SHARE = 0.5


def hold_back_files(
    frames: list[Checked], max_bad_share: float = DEFAULT_MAX_BAD_ROW_SHARE
) -> tuple[list[Checked], pd.DataFrame]:
    """Hold back whole every file whose share of quarantined rows, over all the
    frames it feeds (a TikTok export gives posts and a follower count), exceeds
    `max_bad_share`: so many broken rows say the file itself is wrong (a shifted
    column, a wrong export), and its remaining rows cannot be trusted either. Returns
    the frames without those files' rows and one record per file held back (the row
    records stay, to say what was wrong)."""
    bad = pd.concat([c.rejected["source_file"] for c in frames]).value_counts()
    rows = [part for c in frames for part in (c.clean["source_file"], c.rejected["source_file"])]
    total = pd.concat(rows).value_counts().reindex(bad.index)
    share = bad / total
    held = share[share > max_bad_share]
    records = pd.DataFrame(
        {
            "source_file": held.index.astype("str"),
            "rule": "too_many_bad_rows",
            "detail": [
                f"{bad[f]:,} of {total[f]:,} rows ({share[f]:.0%}) break a rule, more than "
                f"the {max_bad_share:.0%} allowed: the whole file is held back (its rows' "
                "reasons are listed with their row numbers)"
                for f in held.index
            ],
        },
        columns=["source_file", "rule", "detail"],
    )

    def without_held(c: Checked) -> Checked:
        held_rows = c.clean["source_file"].isin(held.index)
        if not held_rows.any():
            return c
        return Checked(
            c.clean[~held_rows].reset_index(drop=True),
            c.rejected,
            pd.concat(
                [c.set_aside, c.clean.loc[held_rows, list(c.set_aside.columns)]], ignore_index=True
            ),
        )

    kept = [without_held(c) for c in frames]
    return kept, records


@dataclass
class CheckedExports:
    """Tonight's export rows, validated: posts, follower counts, and the files held
    back whole for too many bad rows."""

    posts: Checked
    accounts: Checked
    held_files: pd.DataFrame
    rows_held_back: int = 0
    """Rows that passed their rules but were held back with their file."""

    def without_rows(self, *parts: str) -> CheckedExports:
        """The same checks with the rows of `parts` ("clean", "set_aside") emptied,
        their columns kept: once recorded and attributed to people, a night no longer
        needs the clean rows, a copy of every post."""

        def emptied(checked: Checked) -> Checked:
            return replace(checked, **{part: empty_like(getattr(checked, part)) for part in parts})

        return replace(self, posts=emptied(self.posts), accounts=emptied(self.accounts))


def check_exports(
    frames: dict[str, pd.DataFrame],
    as_of: dt.date,
    max_bad_share: float = DEFAULT_MAX_BAD_ROW_SHARE,
) -> CheckedExports:
    """Validate the raw posts and accounts parsed tonight (see ingest.Parsed.frames)."""
    not_after = latest_acceptable_time(as_of)
    checked = [
        canonicalise(frames["posts"], POSTS, not_after=not_after),
        canonicalise(frames["accounts"], ACCOUNTS, not_after=not_after),
    ]
    (posts, accounts), held = hold_back_files(checked, max_bad_share)
    passed = sum(len(c.clean) for c in checked)
    return CheckedExports(posts, accounts, held, passed - len(posts.clean) - len(accounts.clean))


def _excerpt(rows: pd.DataFrame) -> pd.Series:
    if rows.empty:  # no rows, or no exchange columns to quote (the roster)
        return pd.Series(pd.NA, index=rows.index, dtype="object")
    return rows.fillna("").astype("str").agg(",".join, axis=1).str.slice(0, _EXCERPT_CHARS)
