"""Which files tonight's run reads: the ledger of files already ingested decides."""

from __future__ import annotations

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
    settled = ledger[
        ledger["status"].isin(SETTLED) & (ledger["readers_version"] == READERS_VERSION)
    ]
    done = pd.MultiIndex.from_frame(files[["sha256", "source_file"]]).isin(
        pd.MultiIndex.from_frame(settled[["sha256", "source_path"]].astype("str"))
    )
    todo = ~done | (files["sha256"] == "")
    folder = files["source_file"].str.rsplit("/", n=1).str[0]
    is_list = files["format"].isin(FOLLOWER_LISTS)
    touched = set(folder[todo & is_list])
    todo |= is_list & folder.isin(touched)
    return files[todo].reset_index(drop=True)
