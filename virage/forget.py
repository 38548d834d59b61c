"""Erasing a person (`virage forget`): a GDPR erasure request, carried out.

Everything the warehouse keeps of one person goes in one transaction, under the
warehouse's writer lock: their posts and follower counts (by person id and by every
account of theirs), their scores (staged ones too), their row of the people
dimension, the quarantine records and validation results of their rows and files,
and the ledger rows of the files that are theirs alone; the raw-zone copies of those
files are deleted inside the transaction, just before it commits. A row in
`erasure_log` records when, whom (a SHA-256 of the id, not the id) and how much.

Files that are theirs alone: everything under exports/<platform>/<handle>/ for an
account of theirs, and any platform export (not an exchange file) whose rows are all
theirs, found from the rows stored or, for files none of whose rows were stored, by
reading the raw copy again. An exchange file shared with other people is kept: their
rows in it are skipped at every read while the roster says they have not consented.

The event summary holds day totals that name nobody; they are left as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Column, Text, case, delete, exists, func, insert, or_, select, tuple_
from sqlalchemy.engine import Connection

from virage.errors import ConfigError
from virage.schemas.fields import ERASURE_LOG, PLATFORM_ALIASES
from virage.schemas.warehouse import (
    accounts,
    erasure_log,
    influence_scores,
    ingested_files,
    people,
    posts,
    quarantine,
    staged_influence_scores,
    validation_results,
)
from virage.tasks import formats, ingest
from virage.tasks import people as attribution
from virage.tasks.landing import Roster
from virage.tasks.publish import _temporary as temporary
from virage.tasks.report import write_report
from virage.tasks.validate import normalise_handle, normalise_platform
from virage.warehouse import connect_existing, open_warehouse, redact, resolve_url, writer_lock

log = logging.getLogger(__name__)

COUNTS = [f.name for f in ERASURE_LOG.fields if f.name.endswith("_deleted")]


class UnknownPerson(ConfigError):
    """Nobody by that id in the warehouse or the roster: nothing to erase."""


@dataclass
class Erasure:
    """What `forget` did."""

    counts: dict[str, int]
    """erasure_log's counts: posts_deleted, snapshots_deleted, ..."""
    accounts: list[tuple[str, str]]
    """The person's accounts (platform, handle) that were looked for."""
    landing_files: list[str] = field(default_factory=list)
    """Files of theirs still in the landing zone, relative to it: only an operator
    can delete those (the next run skips them while the roster says no consent)."""
    report: str | None = None
    """The HTML report rebuilt without them, or why it was not."""


def person_digest(person_id: str) -> str:
    return hashlib.sha256(person_id.encode("utf-8")).hexdigest()


def refuse_if_consenting(roster: Roster, person_id: str) -> None:
    """An erasure while the roster still says yes would be undone by the next run."""
    if person_id in set(roster.people["person_id"]):
        raise ConfigError(
            f"roster.csv still gives {person_id!r} consent true: set it to false (or remove "
            "the row) first, or the next run stores their data again; nothing was erased"
        )


def forget(
    person_id: str,
    url: str | None = None,
    *,
    roster: Roster | None = None,
    raw_dir: Path | None = None,
    landing: Path | None = None,
    report_dir: Path | None = None,
    wait_seconds: float = 0,
) -> Erasure:
    """Erase `person_id` from the warehouse at `url` and their files from the raw zone
    `raw_dir` (see the module's docstring). `roster` adds the accounts it gives them
    (and must not still give them consent); `landing` is searched for files of theirs
    left there; the HTML report in `report_dir`, if there is one, is rebuilt. Raises
    UnknownPerson when neither the warehouse nor the roster knows them, ConfigError
    when the roster still gives them consent, WarehouseBusy when another run holds the
    warehouse longer than `wait_seconds`."""
    resolved = resolve_url(url)
    engine = connect_existing(resolved)
    owned = pd.DataFrame(columns=["platform", "handle"], dtype="str")
    others = owned
    if roster is not None:
        refuse_if_consenting(roster, person_id)
        claims = roster.handles
        mine = (claims["person_id"] == person_id) & (claims["status"] != "shared_handle")
        owned = claims.loc[mine, ["platform", "handle"]]
        # A handle now someone else's (or claimed by several people) is not theirs,
        # whatever rows of theirs it once held.
        others = claims.loc[~mine, ["platform", "handle"]]
    with writer_lock(engine, wait_seconds):
        open_warehouse(resolved)  # an older warehouse gets erasure_log
        with engine.begin() as conn:
            known = _known(conn, person_id) or not owned.empty
            if not known and (roster is None or person_id not in set(roster.typed["person_id"])):
                raise UnknownPerson(
                    f"nobody with person_id {person_id!r} in warehouse {redact(resolved)}"
                    + (" or in roster.csv" if roster is not None else "")
                    + ": nothing was erased"
                )
            stored = _stored_accounts(conn, person_id)
            mine = pd.concat([owned, stored], ignore_index=True).drop_duplicates()
            mine = mine[~_among(mine, others)]
            mine = mine.sort_values(["platform", "handle"]).reset_index(drop=True)
            # Everything under an account the roster gives them goes; under an account
            # known only from stored rows, only the rows carrying their id.
            owned = mine[_among(mine, owned)].reset_index(drop=True)
            files = _files_of(conn, person_id, mine, owned, raw_dir)
            counts = _delete(conn, person_id, mine, owned, files)
            copies = _raw_copies(files["sha256"], raw_dir)
            counts["raw_files_deleted"] = len(copies)
            conn.execute(
                insert(erasure_log).values(
                    erased_at=dt.datetime.now(dt.UTC),
                    person_sha256=person_digest(person_id),
                    **counts,
                )
            )
            # Last before the commit: if anything above fails, the rollback keeps the
            # rows and the copies, and a second forget starts again. After a commit the
            # ledger no longer names these files, so nothing could find them again.
            for copy in copies:
                copy.unlink(missing_ok=True)
    left = _left_in_landing(landing, mine, files["source_path"]) if landing else []
    log.info("erased person %s: %s", person_digest(person_id)[:12], counts)
    done = Erasure(counts, list(mine.itertuples(index=False, name=None)), left)
    if report_dir is not None and (report_dir / "index.html").is_file():
        try:  # the pages named them: built again from what is left
            done.report = str(write_report(engine, report_dir)[0])
        except ConfigError as exc:
            done.report = f"not rebuilt: {exc}"
    return done


def _known(conn: Connection, person_id: str) -> bool:
    return any(
        conn.execute(select(exists().where(table.c.person_id == person_id))).scalar()
        for table in (people, posts, accounts, influence_scores, staged_influence_scores)
    )


def _stored_accounts(conn: Connection, person_id: str) -> pd.DataFrame:
    """The accounts their stored posts and follower counts came from."""
    query = (
        select(posts.c.platform, posts.c.handle)
        .where(posts.c.person_id == person_id)
        .union(
            select(accounts.c.platform, accounts.c.handle).where(accounts.c.person_id == person_id)
        )
    )
    return pd.DataFrame(conn.execute(query).all(), columns=["platform", "handle"], dtype="str")


def _among(accounts: pd.DataFrame, of: pd.DataFrame) -> pd.Series:
    """True for the (platform, handle) rows of `accounts` that are in `of`."""
    if accounts.empty or of.empty:
        return pd.Series(False, index=accounts.index, dtype="bool")
    key = ["platform", "handle"]
    found = pd.MultiIndex.from_frame(accounts[key]).isin(pd.MultiIndex.from_frame(of[key]))
    return pd.Series(found, index=accounts.index, dtype="bool")


def _of_accounts(table, mine: pd.DataFrame):
    pairs = list(mine.itertuples(index=False, name=None))
    return tuple_(table.c.platform, table.c.handle).in_(pairs)


def _theirs(table, person_id: str, owned: pd.DataFrame):
    """Rows of `table` (posts or accounts) that are the person's: by id, or under an
    account the roster gives them."""
    if owned.empty:
        return table.c.person_id == person_id
    return or_(table.c.person_id == person_id, _of_accounts(table, owned))


def _files_of(
    conn: Connection,
    person_id: str,
    mine: pd.DataFrame,
    owned: pd.DataFrame,
    raw_dir: Path | None,
) -> pd.DataFrame:
    """Ledger rows (sha256, source_path) of the files that are theirs alone."""
    ledger = pd.read_sql(
        select(
            ingested_files.c.sha256,
            ingested_files.c.source_path,
            ingested_files.c.format,
            ingested_files.c.size,
            ingested_files.c.observed_at,
        ),
        conn,
    )
    claims = mine.assign(person_id=person_id, status="no_consent")
    in_folders = attribution.private_files(
        ledger.rename(columns={"source_path": "source_file"}), claims
    )
    native = ~ledger["format"].isin(list(ingest.EXCHANGE_FORMATS))

    # A platform export whose stored rows are all theirs.
    referenced = {}
    for table in (posts, accounts):
        rows = conn.execute(
            select(
                table.c.source_sha256,
                func.count(),
                func.sum(case((_theirs(table, person_id, owned), 1), else_=0)),
            )
            .where(table.c.source_sha256.is_not(None))
            .group_by(table.c.source_sha256)
        )
        for sha, total, theirs in rows:
            seen = referenced.setdefault(sha, [0, 0])
            seen[0] += total
            seen[1] += theirs
    all_theirs = {sha for sha, (total, theirs) in referenced.items() if total == theirs}
    by_rows = native & ledger["sha256"].isin(all_theirs)

    # A platform export none of whose rows is stored: read its raw copy again.
    unread = native & ~ledger["sha256"].isin(list(referenced)) & ~in_folders & ~by_rows
    by_reading = ledger["sha256"].isin(_read_owned(ledger[unread], mine, raw_dir))
    chosen = ledger["sha256"].isin(ledger.loc[in_folders | by_rows | by_reading, "sha256"])
    return ledger.loc[chosen, ["sha256", "source_path"]].reset_index(drop=True)


def _read_owned(candidates: pd.DataFrame, mine: pd.DataFrame, raw_dir: Path | None) -> set[str]:
    """Digests of the candidate files whose rows, read from their raw copies, all
    belong to the person's accounts."""
    readable = candidates[candidates["format"].isin([*formats.PARSERS, "zip"])]
    if raw_dir is None or readable.empty or mine.empty:
        return set()
    copies = readable["sha256"].map(lambda sha: str(ingest.raw_copy_path(raw_dir, sha)))
    present = copies.map(lambda path: Path(path).is_file()).astype("bool")
    readable, copies = readable[present], copies[present]
    files = pd.DataFrame(
        {
            "path": copies,
            "source_file": readable["source_path"],
            "format": readable["format"],
            "size": readable["size"].astype("int64"),
            "mtime": pd.to_datetime(readable["observed_at"], utc=True, format="ISO8601").map(
                pd.Timestamp.timestamp
            ),
            "sha256": readable["sha256"],
        }
    )
    parsed = ingest.parse_exports(files)
    rows = pd.concat(
        [frame[["platform", "handle", "source_sha256"]] for frame in parsed.frames.values()],
        ignore_index=True,
    )
    rows = rows.assign(
        platform=normalise_platform(rows["platform"]), handle=normalise_handle(rows["handle"])
    )
    theirs = pd.MultiIndex.from_frame(rows[["platform", "handle"]]).isin(
        pd.MultiIndex.from_frame(mine)
    )
    owned = pd.Series(theirs, index=rows.index).groupby(rows["source_sha256"]).all()
    return set(owned[owned].index)


def _like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _names(platform: str) -> list[str]:
    """A platform's folder names: its own and its aliases (twitter for x)."""
    return [platform, *(alias for alias, name in PLATFORM_ALIASES.items() if name == platform)]


def _folder_match(column, mine: pd.DataFrame):
    """`column` (a path) lies under exports/<platform>/<handle>/ of one of the accounts."""
    patterns = [
        f"exports/{_like(name)}/{_like(h)}/%"
        for platform, handle in mine.itertuples(index=False)
        for name in _names(platform)
        for h in (handle, f"@{handle}")
    ]
    return or_(False, *(func.lower(column).like(p, escape="\\") for p in patterns))


def _naming(values: pd.Series, paths: pd.Series) -> pd.Series:
    """True for the values (landing paths) that are one of `paths` or an entry of one
    (archive.zip!entry, at any depth)."""
    known = set(paths)
    found = values.isin(known)
    pieces = values.str.split("!", regex=False)
    lengths = pieces.str.len()
    for k in range(1, int(lengths.max()) if len(values) else 1):
        found |= (lengths > k) & pieces.str[:k].str.join("!").isin(known)
    return found


def _of_files(conn: Connection, table, mine: pd.DataFrame, files: pd.DataFrame, stack):
    """Rows of `table` whose source_file is in one of the person's folders, or names
    one of their files or an entry of it. The names go through a temporary table:
    one condition per file would outgrow SQLite's expression depth (1,000)."""
    column = table.c.source_file
    values = pd.Series(
        conn.execute(select(column).distinct().where(column.is_not(None))).scalars().all(),
        dtype="str",
    )
    named = pd.DataFrame({"source_file": values[_naming(values, files["source_path"])]})
    names = stack.enter_context(
        temporary(
            conn, f"forget_{table.name}", [Column("source_file", Text(), primary_key=True)], named
        )
    )
    return or_(_folder_match(column, mine), column.in_(select(names.c.source_file)))


def _delete(
    conn: Connection,
    person_id: str,
    mine: pd.DataFrame,
    owned: pd.DataFrame,
    files: pd.DataFrame,
) -> dict[str, int]:
    def gone(statement) -> int:
        return max(conn.execute(statement).rowcount, 0)

    excerpts = [
        f"{_like(name)},{_like(h)},%"
        for platform, handle in mine.itertuples(index=False)
        for name in _names(platform)
        for h in (handle, f"@{handle}")
    ]
    named = [f"%@{_like(handle)} %" for handle in mine["handle"]]
    named.append(f"%person\\_id {_like(person_id.lower())} %")
    q = quarantine.c
    digests = files[["sha256"]].drop_duplicates()
    with ExitStack() as stack:
        their_files = stack.enter_context(
            temporary(conn, "forget_files", [Column("sha256", Text(), primary_key=True)], digests)
        )
        counts = {
            "posts_deleted": gone(delete(posts).where(_theirs(posts, person_id, owned))),
            "snapshots_deleted": gone(delete(accounts).where(_theirs(accounts, person_id, owned))),
            "scores_deleted": gone(
                delete(influence_scores).where(influence_scores.c.person_id == person_id)
            )
            + gone(
                delete(staged_influence_scores).where(
                    staged_influence_scores.c.person_id == person_id
                )
            ),
            "quarantine_deleted": gone(
                delete(quarantine).where(
                    or_(
                        _of_files(conn, quarantine, mine, files, stack),
                        *(func.lower(q.excerpt).like(p, escape="\\") for p in excerpts),
                        *(func.lower(q.detail).like(p, escape="\\") for p in named),
                    )
                )
            ),
            "validation_results_deleted": gone(
                delete(validation_results).where(
                    _of_files(conn, validation_results, mine, files, stack)
                )
            ),
            "files_deleted": gone(
                delete(ingested_files).where(
                    ingested_files.c.sha256.in_(select(their_files.c.sha256))
                )
            ),
            "people_deleted": gone(delete(people).where(people.c.person_id == person_id)),
        }
    return {name: counts.get(name, 0) for name in COUNTS}


def _raw_copies(digests: pd.Series, raw_dir: Path | None) -> list[Path]:
    """The raw copies these files have in the raw zone."""
    if raw_dir is None:
        return []
    copies = (ingest.raw_copy_path(raw_dir, sha) for sha in sorted(set(digests)))
    return [copy for copy in copies if copy.is_file()]


def _left_in_landing(landing: Path, mine: pd.DataFrame, paths: pd.Series) -> list[str]:
    """Files of theirs still in the landing zone: in their folders, or at a path the
    ledger had for one of their files."""
    found = [p for p in (landing / "exports").rglob("*") if p.is_file()]
    files = pd.DataFrame(
        {"source_file": pd.Series([p.relative_to(landing).as_posix() for p in found], dtype="str")}
    )
    claims = mine.assign(person_id="", status="no_consent")
    in_folders = attribution.private_files(files, claims)
    known = files["source_file"].isin(paths.tolist())
    return sorted(files.loc[in_folders | known, "source_file"])
