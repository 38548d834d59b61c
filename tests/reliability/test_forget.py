"""`virage forget PERSON`: a GDPR erasure after a real night, on SQLite and PostgreSQL.

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

from tests.reliability.people_world import (
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
from tests.test_cli import virage
from tests.worlds import AS_OF, PERSONAS
from virage.flows.nightly import nightly_scores

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
    refused = virage("forget", alice, *base)  # the roster still says yes
    assert refused.returncode == 2 and "consent true" in refused.stderr
    assert every_table(warehouse)["posts"].equals(before["posts"])
    unknown = virage("forget", "nobody-here", *base)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    (line,) = unknown.stderr.strip().splitlines()
    assert line.startswith("virage: error: nobody with person_id 'nobody-here'")

    set_consent(landing, alice, "false")
    done = {}
    for person in (ALICE, NINA):
        result = virage("forget", person["person_id"], *base)
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
