"""`virage forget PERSON`: a GDPR erasure after a real night, on SQLite and PostgreSQL
(the command run in the test's process: tests/test_cli.py's virage_here).

Alice consented and has her own exports (in her folders, and one TikTok export left
outside them that names its account), rows in shared files and a bad row in the
quarantine. Nina never consented and also left a TikTok export outside her folders.
Both are erased: nothing of theirs is left in any table or in the raw zone, nobody
else's rows move, the erasure is logged, and the next night (the roster saying no)
brings nothing back.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from tests.exports import tiktok_current, tiktok_video, write
from tests.reliability.people_world import (
    EXPORT_TIME,
    add_own_exports,
    add_shared_rows,
    every_table,
    marker,
    people_world,
    raw_copies,
    sha256,
    tables_naming,
    texts_under,
)
from tests.test_cli import virage_here
from tests.worlds import AS_OF, PERSONAS, persona, write_world
from virage.flows.nightly import nightly_scores
from virage.schemas.warehouse import accounts, ingested_files, posts, quarantine
from virage.warehouse import make_engine

pytestmark = pytest.mark.flow

ALICE = next(p for p in PERSONAS if p["person_id"] == "emp-yes")
NINA = next(p for p in PERSONAS if not p["consent"])
ACCOUNTS = {
    ALICE["person_id"]: {"linkedin": "emp_yes", "x": "alice_x", "tiktok": "alice_tok"},
    NINA["person_id"]: {"linkedin": "emp_no", "x": "nina_x", "tiktok": "nina_tok"},
}
FACTS = {"posts": "posts_deleted", "accounts": "snapshots_deleted"}


def set_consent(landing, person_id: str, consent: str) -> None:
    path = landing / "roster.csv"
    roster = pd.read_csv(path, dtype="str", keep_default_na=False)
    roster.loc[roster["person_id"] == person_id, "consent"] = consent
    roster.to_csv(path, index=False)


def needles(person: dict) -> list[str]:
    person_id = person["person_id"]
    return [person["display_name"], person_id, marker(person_id), *ACCOUNTS[person_id].values()]


def rows_of_others(tables: dict[str, pd.DataFrame], gone: list[str]) -> dict[str, pd.DataFrame]:
    """Every table without the rows that name the erased people (in any column)."""
    kept = {}
    for name, frame in tables.items():
        theirs = pd.Series(False, index=frame.index)
        for column in frame.columns:
            cells = frame[column].astype(object).where(frame[column].notna(), "")
            cells = cells.astype(str).str.lower()
            for needle in gone:
                theirs |= cells.str.contains(needle.lower(), regex=False)
        # Values only: how a column reads back depends on what is left in it.
        left = frame[~theirs].reset_index(drop=True).astype(object)
        kept[name] = left.where(left.notna(), None)
    return kept


def test_forget_erases_a_person_and_the_next_night_brings_nothing_back(
    prefect_api_url, warehouse, tmp_path
):
    landing = people_world(tmp_path)
    own = {
        person_id: add_own_exports(landing, person_id, handles, loose_tiktok=True)
        for person_id, handles in ACCOUNTS.items()
    }
    word = marker(ALICE["person_id"])
    add_shared_rows(
        landing,
        [
            "instagram,@micro,z1,2026-11-19T10:00:00Z,ok,,,5,0,0,",
            "instagram,@micro,z2,2026-11-19T11:00:00Z,ok,,,6,0,0,",
            f"linkedin,@emp_yes,z3,2026-11-19T10:00:00Z,{word} good,,,3,0,0,",
            f"linkedin,@EMP_YES,z4,2026-11-19T11:00:00Z,{word} bad,,,-3,0,0,",
        ],
    )
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)
    before = every_table(warehouse)
    raw = landing / "raw"
    copies = raw_copies(raw)
    alice = ALICE["person_id"]
    stored = set(before["posts"].loc[before["posts"]["person_id"] == alice, "source_file"])
    assert stored >= {"exports/linkedin/emp_yes/Shares.csv", "exports/agency/report.posts.csv"}
    assert before["quarantine"]["excerpt"].str.contains(word).sum() == 1
    assert ALICE["display_name"].lower() in texts_under(landing / "report")
    nina_folders = [p for p in own[NINA["person_id"]] if "drop" not in p.parts]
    assert not {sha256(p) for p in nina_folders} & copies  # never read
    assert {sha256(p) for files in own.values() for p in files if p not in nina_folders} <= copies

    base = ["--warehouse", warehouse, "--landing", str(landing)]
    refused = virage_here("forget", alice, *base)  # the roster still says yes
    assert refused.returncode == 2 and "consent true" in refused.stderr
    assert every_table(warehouse)["posts"].equals(before["posts"])
    unknown = virage_here("forget", "nobody-here", *base)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    (line,) = unknown.stderr.strip().splitlines()
    assert line.startswith("virage: error: nobody with person_id 'nobody-here'")

    set_consent(landing, alice, "false")
    done = {}
    for person in (ALICE, NINA):
        result = virage_here("forget", person["person_id"], *base)
        assert result.returncode == 0, result.stderr
        done[person["person_id"]] = result
    after = every_table(warehouse)

    # Nothing of theirs is left; everyone else's rows are exactly as they were.
    gone = needles(ALICE) + needles(NINA)
    assert tables_naming({n: t for n, t in after.items() if n != "erasure_log"}, gone) == {}
    others_before, others_after = rows_of_others(before, gone), rows_of_others(after, gone)
    for name in before:
        if name != "erasure_log":
            pd.testing.assert_frame_equal(others_after[name], others_before[name], obj=name)
    theirs = {sha256(p) for files in own.values() for p in files if sha256(p) in copies}
    assert raw_copies(raw) == copies - theirs
    assert ALICE["display_name"].lower() not in texts_under(landing / "report")  # rebuilt

    # Each erasure is logged, with what it removed, and said so in one line.
    log = after["erasure_log"].set_index("person_sha256")
    alice_log = log.loc[hashlib.sha256(alice.encode()).hexdigest()]
    for table, column in FACTS.items():
        rows = before[table]
        assert alice_log[column] == (rows["person_id"] == alice).sum() > 0
    assert alice_log["scores_deleted"] == (before["influence_scores"]["person_id"] == alice).sum()
    assert alice_log["quarantine_deleted"] == 2  # her bad row and her unreadable notes.txt
    assert alice_log["people_deleted"] == 1
    assert alice_log["raw_files_deleted"] == alice_log["files_deleted"] == len(own[alice])
    nina_log = log.loc[hashlib.sha256(NINA["person_id"].encode()).hexdigest()]
    assert nina_log[["posts_deleted", "snapshots_deleted", "scores_deleted"]].sum() == 0
    assert nina_log[["files_deleted", "raw_files_deleted", "people_deleted"]].tolist() == [1, 1, 1]
    out = done[alice].stdout.strip()
    assert out.startswith(f"virage forget {alice}: deleted {alice_log['posts_deleted']} posts")
    # Their files still in the landing zone are named, for the operator to delete.
    for person_id, files in own.items():
        left = sorted(p.relative_to(landing).as_posix() for p in files)
        assert ", ".join(left) in done[person_id].stderr

    # The next night, the roster saying no: nothing of theirs comes back. (Their
    # folders stay in the landing zone and are skipped; the exports they left
    # elsewhere are deleted, as forget asked.)
    for files in own.values():
        files[2].unlink()
    summary = nightly_scores(
        landing=str(landing), warehouse_url=warehouse, as_of=AS_OF + dt.timedelta(days=1)
    )
    assert summary["files_skipped_no_consent"] == sum(len(f) - 1 for f in own.values())
    again = every_table(warehouse)
    assert tables_naming({n: t for n, t in again.items() if n != "people"}, gone) == {}
    assert set(again["people"]["person_id"]) >= {alice, NINA["person_id"]}  # roster: id, role
    assert pd.isna(again["people"].set_index("person_id").loc[alice, "display_name"])
    assert raw_copies(raw) == copies - theirs


def tiktok_export(landing, handle: str, name: str, ids: list[str], fans: int, when: str):
    videos = [tiktok_video(i, f"{AS_OF.isoformat()} 09:00:00", "12", f"vélo {i}") for i in ids]
    return write(
        landing / "exports" / "tiktok" / handle / name,
        tiktok_current(handle, videos, fans=fans),
        mtime=when,
    )


def set_handle(landing, person_id: str, platform: str, handle: str) -> None:
    path = landing / "roster.csv"
    roster = pd.read_csv(path, dtype="str", keep_default_na=False)
    roster.loc[roster["person_id"] == person_id, platform] = handle
    roster.to_csv(path, index=False)


def small(person_id: str, name: str) -> dict:
    return persona(
        person_id,
        name,
        "ambassador",
        platform="instagram",
        followers=900,
        posts=2,
        on_topic=0.5,
        er=0.03,
    )


SMALL = [small("pp", "Pat Moved"), small("qq", "Quinn Kept")]


def test_forget_leaves_a_handle_the_roster_now_gives_to_someone_else(
    prefect_api_url, warehouse, tmp_path
):
    """@brandteam was Pat's; the roster now gives it to Quinn. Forgetting Pat deletes
    the rows carrying Pat's id and Pat's old export, and leaves Quinn's rows, ledger
    rows and raw copies under @brandteam."""
    landing = write_world(tmp_path / "landing", SMALL)
    set_handle(landing, "pp", "tiktok", "brandteam")
    old = tiktok_export(landing, "brandteam", "old.json", ["7101", "7102"], 40, EXPORT_TIME)
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)
    set_handle(landing, "pp", "tiktok", "")
    set_handle(landing, "qq", "tiktok", "brandteam")
    new = tiktok_export(landing, "brandteam", "new.json", ["7201"], 55, "2026-11-21T06:00:00Z")
    nightly_scores(
        landing=str(landing), warehouse_url=warehouse, as_of=AS_OF + dt.timedelta(days=1)
    )
    # The second night read the old export again for Quinn; rows kept from when the
    # handle was Pat's (a night before that re-read) still carry Pat's id.
    with make_engine(warehouse).begin() as conn:
        for table in (posts, accounts):
            conn.execute(
                update(table).where(table.c.source_sha256 == sha256(old)).values(person_id="pp")
            )
    before = every_table(warehouse)
    copies = raw_copies(landing / "raw")
    assert {sha256(old), sha256(new)} <= copies
    quinn = {
        t: before[t][before[t]["source_file"] == new.relative_to(landing).as_posix()] for t in FACTS
    }
    assert all(len(rows) for rows in quinn.values())

    set_consent(landing, "pp", "false")
    result = virage_here("forget", "pp", "--warehouse", warehouse, "--landing", str(landing))
    assert result.returncode == 0, result.stderr
    after = every_table(warehouse)
    for table in FACTS:
        assert set(after[table]["person_id"]) == {"qq"}
        kept = after[table][after[table]["person_id"] == "qq"].reset_index(drop=True)
        expected = before[table][before[table]["person_id"] == "qq"].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, expected, obj=table)
        assert len(quinn[table]) and set(quinn[table]["source_file"]) <= set(kept["source_file"])
    ledger = set(after["ingested_files"]["sha256"])
    assert sha256(new) in ledger and sha256(old) not in ledger
    assert raw_copies(landing / "raw") == copies - {sha256(old)}
    (logged,) = after["erasure_log"].itertuples()
    assert logged.files_deleted == logged.raw_files_deleted == 1
    assert "new.json" not in result.stderr  # Quinn's file is not named for deletion


def test_forget_erases_more_than_a_thousand_files_on_one_statement(
    prefect_api_url, warehouse, tmp_path
):
    """1,200 ledgered files of one person, each with a quarantined entry: no expression
    grows with the number of files (SQLite's limit is a depth of 1,000)."""
    landing = write_world(tmp_path / "landing", SMALL)
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=AS_OF)
    set_handle(landing, "pp", "x", "pat_x")
    set_consent(landing, "pp", "false")
    now = dt.datetime.now(dt.UTC)
    paths = [f"exports/drop/pat_{k}.zip" for k in range(1200)]
    with make_engine(warehouse).begin() as conn:
        (template,) = conn.execute(select(ingested_files).limit(1)).mappings().all()
        conn.execute(
            insert(ingested_files),
            [
                {**template, "format": "zip", "sha256": f"{k:064x}", "source_path": p}
                for k, p in enumerate(paths)
            ],
        )
        conn.execute(
            insert(quarantine),
            [
                {
                    "run_id": "r",
                    "source_file": f"{p}!data/tweets.js",
                    "rule": "bad_count",
                    "detail": "bad",
                    "quarantined_at": now,
                }
                for p in paths
            ],
        )
        # Their rows make each file all theirs: one follower count per file.
        conn.execute(
            insert(accounts),
            [
                {
                    "platform": "x",
                    "handle": "pat_x",
                    "snapshot_date": AS_OF - dt.timedelta(days=k),
                    "followers": 10,
                    "person_id": "pp",
                    "source_file": p,
                    "source_sha256": f"{k:064x}",
                    "observed_at": now,
                }
                for k, p in enumerate(paths)
            ],
        )
    before = every_table(warehouse)
    result = virage_here("forget", "pp", "--warehouse", warehouse, "--landing", str(landing))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    after = every_table(warehouse)
    assert not set(paths) & set(after["ingested_files"]["source_path"])
    assert after["quarantine"]["source_file"].str.startswith("exports/drop/").sum() == 0
    (logged,) = after["erasure_log"].itertuples()
    assert logged.files_deleted == 1200
    assert logged.quarantine_deleted == 1200
    assert logged.snapshots_deleted == (before["accounts"]["person_id"] == "pp").sum() > 1200
    assert set(after["ingested_files"]["sha256"]) == set(before["ingested_files"]["sha256"]) - {
        f"{k:064x}" for k in range(1200)
    }
