"""From validated rows to the posts and follower snapshots of consenting people."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from virage.schemas.fields import ACCOUNTS, POSTS
from virage.tasks.text import fold_series, is_sponsored_text
from virage.tasks.validate import normalise_handle, normalise_platform

SKIP_REASONS = {
    "no_consent": "person has not consented",
    "invalid_row": "person's roster row was quarantined",
    "shared_handle": "handle is claimed by several people",
    "unknown_handle": "handle is in no roster column",
}


@dataclass
class Attributed:
    """Rows that belong to consenting people, and how many were set aside and why."""

    frame: pd.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)
    superseded: int = 0


WITHHELD = "(withheld: the account belongs to nobody who consented)"


def withhold_private(rejected: pd.DataFrame, handles: pd.DataFrame) -> pd.DataFrame:
    """Quarantine records keep an excerpt of the raw row only when its account belongs
    to a consenting person: people who did not consent are never stored, not even in
    the quarantine."""
    if rejected.empty or "handle" not in rejected.columns:
        return rejected
    scored = handles.loc[handles["status"] == "scored", ["platform", "handle"]]
    owned = pd.MultiIndex.from_frame(rejected[["platform", "handle"]]).isin(
        pd.MultiIndex.from_frame(scored)
    )
    return rejected.assign(excerpt=rejected["excerpt"].where(owned, WITHHELD))


def of_private_accounts(rows: pd.DataFrame, handles: pd.DataFrame) -> pd.Series:
    """True for the rows (normalised platform and handle columns) of accounts the
    roster gives to someone who has not consented."""
    if rows.empty:
        return pd.Series(False, index=rows.index, dtype="bool")
    private = pd.MultiIndex.from_frame(private_accounts(handles))
    found = pd.MultiIndex.from_frame(rows[["platform", "handle"]]).isin(private)
    return pd.Series(found, index=rows.index, dtype="bool")


def without_private(rows: pd.DataFrame, handles: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows minus those of people who have not consented, and how many went: their
    rows are counted, never stored, not even as quarantine records or in Great
    Expectations' record."""
    if rows.empty or "handle" not in rows.columns:
        return rows, 0
    private = of_private_accounts(rows, handles)
    return rows[~private].reset_index(drop=True), int(private.sum())


def private_files(files: pd.DataFrame, handles: pd.DataFrame) -> pd.Series:
    """True for the files under exports/<platform>/<handle>/ of an account the roster
    gives to someone who has not consented: that folder holds that person's own
    exports, which are skipped unread (not archived, parsed or recorded). Their rows
    in files elsewhere (exchange files) are dropped one by one."""
    folder = files["source_file"].str.extract(r"^exports/([^/]+)/([^/]+)/.", expand=True)
    owner = pd.DataFrame(
        {"platform": normalise_platform(folder[0]), "handle": normalise_handle(folder[1])}
    )
    return of_private_accounts(owner, handles)


def latest_positions(rows: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Positions of the latest copy of each key in `rows`, in the order of
    latest_copies; ordered and deduplicated on the few columns that decide."""
    order = ["observed_at", "source_file", "row_number"]
    deciding = rows[list(dict.fromkeys([*order, *key]))].reset_index(drop=True)
    ordered = deciding.sort_values(order, kind="stable")
    latest = ~ordered.duplicated(key, keep="last")
    return ordered.index.to_numpy()[latest.to_numpy()]


def latest_copies(rows: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per key: the copy from the file modified last (ties: the later path,
    then the later row), so a newer export updates metrics."""
    return rows.iloc[latest_positions(rows, key)]


def attribute(rows: pd.DataFrame, handles: pd.DataFrame, key: list[str]) -> Attributed:
    """Deduplicate on `key`, then keep the rows whose handle belongs to a consenting
    person, counting the others by reason."""
    latest = latest_positions(rows, key)
    account = ["platform", "handle"]
    # The owner of each latest copy's account (the roster has one row per account),
    # looked up on the account columns alone: the night's rows are copied once, when
    # those of scored people are taken.
    accounts = rows[account].iloc[latest]
    owner = accounts.merge(handles, on=account, how="left", validate="many_to_one")
    status = owner["status"].fillna("unknown_handle")
    skipped = {reason: int(n) for reason, n in status[status != "scored"].value_counts().items()}
    scored = (status == "scored").to_numpy()
    extra = {c: owner[c].to_numpy()[scored] for c in owner.columns if c not in (*account, "status")}
    kept = rows.iloc[latest[scored]].reset_index(drop=True).assign(**extra)
    return Attributed(kept, skipped, len(rows) - len(latest))


def prepare_posts(rows: pd.DataFrame, handles: pd.DataFrame) -> Attributed:
    """Canonical posts of consenting people, with the sponsored flag from disclosure
    markers in the text or the export's own `is_sponsored` column."""
    result = attribute(rows, handles, list(POSTS.key))
    posts = result.frame
    flagged = is_sponsored_text(fold_series(posts["text"]))
    if "declared_sponsored" in posts.columns:
        declared = posts["declared_sponsored"].fillna("").astype("str").str.strip().str.lower()
        flagged |= declared.isin(["true", "1", "yes"])
    posts["is_sponsored"] = flagged.astype("bool")
    # One export seen so far: it is both the first and the latest to hold the post.
    posts["first_seen_at"] = posts["last_seen_at"] = posts["observed_at"]
    result.frame = posts[POSTS.columns].astype(POSTS.dtypes)
    return result


def prepare_accounts(rows: pd.DataFrame, handles: pd.DataFrame) -> Attributed:
    """Follower snapshots of consenting people's accounts, with person_id."""
    result = attribute(rows, handles, list(ACCOUNTS.key))
    result.frame = result.frame[ACCOUNTS.columns].astype(ACCOUNTS.dtypes)
    return result


def with_stored(
    tonight: pd.DataFrame,
    stored: pd.DataFrame,
    key: list[str],
    handles: pd.DataFrame,
    posted_within: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """What scoring sees: the stored rows whose account is still claimed by the same
    scored person, overlaid with tonight's rows (per key, the later observation wins;
    on a tie, tonight's; a row observed at no known time loses to one that was). A
    handle the roster moved to someone else no longer counts for its former owner.

    `stored` holds each key once (they are a table's rows, `key` its primary key).
    Stored rows first, in their order, then tonight's. A night's stored rows are
    about a hundred times tonight's: they are filtered in one pass, never sorted.
    `posted_within` [start, end): only the rows that win and were posted then (the
    stored rows, read for that window, are not copied to check it)."""
    claim = ["platform", "handle", "person_id"]
    claims = handles.loc[handles["status"] == "scored", claim].drop_duplicates()
    claimed = stored[claim].merge(claims.assign(claimed=True), on=claim, how="left")
    unclaimed = np.flatnonzero(claimed["claimed"].isna().to_numpy())
    stored = _without(stored[list(tonight.columns)], unclaimed).reset_index(drop=True)
    tonight = tonight.reset_index(drop=True)
    if tonight.duplicated(key).any():  # several copies of a post tonight: the latest
        both = pd.concat([stored, tonight], ignore_index=True)
        ordered = both.sort_values("observed_at", kind="stable", na_position="first")
        latest = ordered.drop_duplicates(key, keep="last").reset_index(drop=True)
        if posted_within is None:
            return latest
        return _without(latest, _posted_outside(latest, posted_within)).reset_index(drop=True)
    stored_gone = tonight_gone = np.zeros(0, dtype=np.int64)
    if len(stored) and len(tonight):  # the rows tonight observes again, by key
        seen = ["observed_at"]
        mine = tonight[key + seen].reset_index()
        again = stored[key + seen].reset_index().merge(mine, on=key, suffixes=("_s", "_t"))
        stored_at, tonight_at = again["observed_at_s"], again["observed_at_t"]
        wins = (stored_at.notna() & (tonight_at.isna() | (stored_at > tonight_at))).to_numpy()
        stored_gone = again["index_s"].to_numpy()[~wins]
        tonight_gone = again["index_t"].to_numpy()[wins]
    if posted_within is not None:
        stored_gone = np.union1d(stored_gone, _posted_outside(stored, posted_within))
        tonight_gone = np.union1d(tonight_gone, _posted_outside(tonight, posted_within))
    return pd.concat(
        [_without(stored, stored_gone), _without(tonight, tonight_gone)], ignore_index=True
    )


def _posted_outside(rows: pd.DataFrame, within: tuple[pd.Timestamp, pd.Timestamp]) -> np.ndarray:
    start, end = within
    posted = rows["posted_at"]
    return np.flatnonzero(~((posted >= start) & (posted < end)).to_numpy())


def _without(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """`frame` without the rows at `positions`; `frame` itself when there are none
    (a filter would copy every column of a million rows)."""
    if not len(positions):
        return frame
    keep = np.ones(len(frame), dtype=bool)
    keep[positions] = False
    return frame[keep]


def private_accounts(handles: pd.DataFrame) -> pd.DataFrame:
    """Accounts the roster gives to someone who has not consented: whatever is stored
    under them goes, whoever it was attributed to."""
    private = handles.loc[handles["status"] == "no_consent", ["platform", "handle"]]
    return private.drop_duplicates().reset_index(drop=True)


def scored_accounts_digest(handles: pd.DataFrame) -> str:
    """A fingerprint of which accounts are scored and for whom: when it changes,
    files read on earlier nights may hold posts that now count."""
    scored = handles.loc[handles["status"] == "scored", ["platform", "handle", "person_id"]]
    lines = sorted(
        (scored["platform"] + ":" + scored["handle"] + ":" + scored["person_id"]).tolist()
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
