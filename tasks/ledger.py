"""Which files tonight's run reads: the ledger of files already ingested decides."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from virage.schemas.fields import READERS_VERSION

SETTLED = ("loaded", "ignored")
"""Statuses that need no second reading. A quarantined file is read again every
night: what held it back may have been fixed beside it (a missing account.js, a
roster row), and a file that never loads must keep saying so."""

FOLLOWER_LISTS = ("x_followers", "instagram_followers")
"""Formats whose follower count is a list's length, split by the platforms over
numbered parts: the parts in one folder add up, so they are read together."""


def select_unread(files: pd.DataFrame, ledger: pd.DataFrame, read_all: bool) -> pd.DataFrame:
    """The files to parse tonight (see ingest.discover_exports): all of them with
    `read_all`, else those not settled in the ledger (same content at the same path,
    loaded or ignored by the current readers), plus every follower-list part sharing
    a folder with a selected one."""
    if read_all:
        return files.reset_index(drop=True)
    current = (ledger["readers_version"] == READERS_VERSION).fillna(False).astype("bool")
    settled = ledger[ledger["status"].isin(SETTLED) & current]
    done = pd.MultiIndex.from_frame(files[["sha256", "source_file"]]).isin(
        pd.MultiIndex.from_frame(settled[["sha256", "source_path"]].astype("str"))
    )
    todo = ~done | (files["sha256"] == "")
    folder = files["source_file"].str.rsplit("/", n=1).str[0]
    is_list = files["format"].isin(FOLLOWER_LISTS)
    touched = set(folder[todo & is_list])
    todo |= is_list & folder.isin(touched)
    return files[todo].reset_index(drop=True)


def replay_from_raw(files: pd.DataFrame, ledger: pd.DataFrame, raw_dir: Path) -> pd.DataFrame:
    """Files read on earlier nights that are no longer in the landing zone, as
    discover_exports would list them, read from their raw copies: when everything is
    read again (a newcomer in the roster), exports already rotated out still count.
    Only settled files with a known export time and a raw copy are replayed."""
    present = pd.MultiIndex.from_frame(files[["sha256", "source_file"]])
    gone = ~pd.MultiIndex.from_frame(ledger[["sha256", "source_path"]].astype("str")).isin(present)
    old = ledger[gone & ledger["status"].isin(SETTLED) & ledger["observed_at"].notna()]
    copies = old["sha256"].map(lambda sha: str(raw_dir / sha[:2] / sha))
    kept = copies.map(os.path.isfile).astype("bool")  # a filesystem check per file
    old, copies = old.loc[kept], copies.loc[kept]
    replayed = pd.DataFrame(
        {
            "path": copies,
            "source_file": old["source_path"],
            "format": old["format"],
            "size": old["size"].astype("int64"),
            "mtime": old["observed_at"].map(pd.Timestamp.timestamp),
            "sha256": old["sha256"],
        }
    )
    return pd.concat([files, replayed], ignore_index=True)
