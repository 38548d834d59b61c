"""Reading the published leaderboard (no Prefect needed)."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Engine, inspect, select

from virage.schemas.views import view_tables

LEADERBOARD_VIEW = "current_influence_scores"


def read_leaderboard(
    engine: Engine, campaign: str | None = None, role: str | None = None, top: int | None = None
) -> pd.DataFrame:
    """The latest day's scores, best first within each campaign and role; the `top`
    ranks of each when given."""
    if not inspect(engine).has_table(LEADERBOARD_VIEW):
        return pd.DataFrame(columns=[c.name for c in view_tables[LEADERBOARD_VIEW].columns])
    view = view_tables[LEADERBOARD_VIEW]
    query = select(view).order_by(view.c.campaign_id, view.c.role, view.c.rank)
    if campaign:
        query = query.where(view.c.campaign_id == campaign)
    if role:
        query = query.where(view.c.role == role)
    if top:
        query = query.where(view.c.rank <= top)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.name for c in view.columns])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell that a spreadsheet would run as a formula
    (`=HYPERLINK(...)`, `+cmd`, `-2+3`, `@SUM(...)`) prefixed with a single quote, as
    OWASP advises for CSV meant to be opened by people. Numbers stay numbers: only
    text columns are touched, so a negative score change is still a number."""
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        text = column.astype("object")
        try:
            risky = text.str.startswith(FORMULA_STARTS, na=False).astype(bool)
        except AttributeError:  # dates, or anything else that is not text
            continue
        safe[name] = text.mask(risky, "'" + text[risky])
    return safe


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """A value from the data as a terminal may show it: control characters (the
    escape sequences that recolour, retitle or plant links in a terminal) become
    U+FFFD. Give it to rich as Text, never as a string, so that `[link=...]` stays
    text rather than markup."""
    return _CONTROL.sub("\ufffd", str(value))
