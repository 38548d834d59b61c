"""`virage validate`: what a run would quarantine, without loading anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from virage.errors import ConfigError
from virage.tasks.ingest import describe_files, discover_exports, parse_exports
from virage.tasks.landing import (
    CAMPAIGNS_FILE,
    EXPORTS_DIR,
    ROSTER_FILE,
    read_campaigns,
    read_roster,
)
from virage.tasks.summary import quarantine_records
from virage.tasks.validate import DEFAULT_MAX_BAD_ROW_SHARE, QUARANTINE_COLUMNS, check_exports


def validate_paths(
    paths: list[Path],
    as_of: dt.date,
    max_bad_share: float = DEFAULT_MAX_BAD_ROW_SHARE,
) -> tuple[int, pd.DataFrame]:
    """Check export files, folders of exports, or landing folders (with roster.csv)
    against the contracts, as a run on `as_of` would. Returns the number of files
    checked and what would be quarantined (QUARANTINE_COLUMNS, excerpts left out:
    the terminal is no place for people's posts). Raises ConfigError for a path that
    does not exist."""
    records, files_checked = [], 0
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise ConfigError(f"{missing[0]} does not exist")
    for path in dict.fromkeys(p.resolve() for p in paths):  # each path once
        if path.is_dir() and (path / ROSTER_FILE).exists():
            records.append(_landing_records(path))
            files = discover_exports(path / EXPORTS_DIR, path)
        elif path.is_dir():
            files = discover_exports(path, _landing_of(path))
        else:
            files = describe_files([path], _landing_of(path))
        files_checked += len(files)
        parsed = parse_exports(files)
        checked = check_exports(parsed.frames, as_of, max_bad_share)
        records.append(
            quarantine_records(
                pd.concat([parsed.rejected_files, checked.held_files], ignore_index=True),
                checked.posts.rejected,
                checked.accounts.rejected,
            )
        )
    found = pd.concat([r for r in records if not r.empty] or [records[0]], ignore_index=True)
    return files_checked, found[QUARANTINE_COLUMNS].assign(excerpt=pd.NA)


def _landing_of(path: Path) -> Path:
    """The folder holding the `exports/` that `path` is in, so that file names and the
    owners folder names give read as in a run; else the path's own folder."""
    for folder in [path, *path.parents]:
        if folder.name == EXPORTS_DIR:
            return folder.parent
    return path if path.is_dir() else path.parent


def _landing_records(root: Path) -> pd.DataFrame:
    """The roster rows a run would quarantine, and a campaigns file it would refuse."""
    problems = []
    try:
        roster = read_roster(root / ROSTER_FILE)
        problems.append(roster.rejected.assign(excerpt=pd.NA))
    except ConfigError as exc:
        problems.append(_whole(ROSTER_FILE, "unusable_roster", str(exc)))
    try:
        read_campaigns(root / CAMPAIGNS_FILE)
    except ConfigError as exc:
        problems.append(_whole(CAMPAIGNS_FILE, "unusable_campaigns", str(exc)))
    return quarantine_records(pd.DataFrame(columns=["source_file", "rule", "detail"]), *problems)


def _whole(source_file: str, rule: str, detail: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source_file": source_file, "row_number": pd.NA, "rule": rule, "detail": detail}]
    ).assign(excerpt=pd.NA)
