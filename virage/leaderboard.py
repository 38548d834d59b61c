"""Reading the published leaderboard (no Prefect needed)."""

from __future__ import annotations

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
