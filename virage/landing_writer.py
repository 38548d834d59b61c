"""Writing a landing zone in the exchange format, for samples, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from virage.schemas.fields import ACCOUNTS, POSTS, ROSTER
from virage.tasks.landing import CAMPAIGNS_FILE, EXPORTS_DIR, ROSTER_FILE


def write_landing(
    root: Path,
    roster: pd.DataFrame,
    campaigns: list[dict],
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
) -> Path:
    """Write roster.csv, campaigns.yaml and exports/<platform>/<month>.posts.csv plus
    exports/<platform>/followers.accounts.csv. `posts.posted_at` may be text or
    timestamps; timestamps are written in ISO 8601 with their offset."""
    root.mkdir(parents=True, exist_ok=True)
    roster_columns = ROSTER.columns + [c for c in roster.columns if c not in ROSTER.columns]
    roster.reindex(columns=roster_columns).to_csv(root / ROSTER_FILE, index=False)
    (root / CAMPAIGNS_FILE).write_text(
        yaml.safe_dump({"campaigns": campaigns}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    exports = root / EXPORTS_DIR
    posts = posts.copy()
    if pd.api.types.is_datetime64_any_dtype(posts["posted_at"]):
        month = posts["posted_at"].dt.strftime("%Y-%m")
        posts["posted_at"] = posts["posted_at"].map(lambda t: t.isoformat())
    else:
        month = posts["posted_at"].str.slice(0, 7)
    columns = POSTS.exchange_header + [c for c in ("is_sponsored",) if c in posts.columns]
    for (platform, period), part in posts.groupby([posts["platform"], month]):
        folder = exports / str(platform)
        folder.mkdir(parents=True, exist_ok=True)
        part[columns].to_csv(folder / f"{period}.posts.csv", index=False)
    for platform, part in accounts.groupby("platform"):
        folder = exports / str(platform)
        folder.mkdir(parents=True, exist_ok=True)
        snapshot = part[ACCOUNTS.exchange_header].copy()
        snapshot["snapshot_date"] = pd.to_datetime(snapshot["snapshot_date"]).dt.strftime(
            "%Y-%m-%d"
        )
        snapshot.to_csv(folder / "followers.accounts.csv", index=False)
    return root
