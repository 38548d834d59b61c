"""The persona world (tests/worlds.py) with people's own platform exports beside the
shared exchange files: what the privacy and erasure tests run nights on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from tests.exports import (
    linkedin_shares,
    tiktok_current,
    tiktok_video,
    tweet,
    write,
    x_account,
    zip_bytes,
)
from tests.exports import ytd as x_data
from tests.worlds import AS_OF, write_world
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine

EXPORT_TIME = "2026-11-20T06:00:00+00:00"


def marker(person_id: str) -> str:
    """A word only this person's own exports and bad rows contain."""
    return "secretword" + person_id.replace("-", "")


def add_own_exports(
    landing: Path, person_id: str, handles: dict[str, str], *, loose_tiktok: bool = False
) -> list[Path]:
    """Give a roster person more handles and their own exports under
    exports/<platform>/<handle>/: LinkedIn Shares.csv, an X archive, a TikTok export (or,
    with `loose_tiktok`, the TikTok export outside any handle folder: it names its
    account itself) and a file virage does not read. Returns the files written."""
    roster_path = landing / "roster.csv"
    roster = pd.read_csv(roster_path, dtype="str", keep_default_na=False)
    row = roster["person_id"] == person_id
    for platform, handle in handles.items():
        roster.loc[row, platform] = handle
    roster.to_csv(roster_path, index=False)
    word = marker(person_id)
    day = AS_OF.isoformat()
    exports = landing / "exports"
    linkedin, x, tiktok = handles["linkedin"], handles["x"], handles["tiktok"]
    tiktok_folder = exports / "drop" if loose_tiktok else exports / "tiktok" / tiktok
    return [
        write(
            exports / "linkedin" / linkedin / "Shares.csv",
            linkedin_shares(
                [
                    {
                        "date": f"{day} 08:00:00",
                        "link": f"https://www.linkedin.com/feed/update/urn:li:share:{k}{word}",
                        "text": f"Mon vélo électrique {word} {k}",
                    }
                    for k in range(3)
                ]
            ),
            mtime=EXPORT_TIME,
        ),
        write(
            exports / "x" / f"@{x.upper()}" / "archive.zip",
            zip_bytes(
                {
                    "data/account.js": x_account(x),
                    "data/tweets.js": x_data(
                        "tweets",
                        [
                            tweet(f"9{k}77", "Thu Nov 19 17:10:25 +0000 2026", f"#Velo {word}")
                            for k in range(2)
                        ],
                    ),
                }
            ),
            mtime=EXPORT_TIME,
        ),
        write(
            tiktok_folder / f"user_data_tiktok_{tiktok}.json",
            tiktok_current(
                tiktok,
                [tiktok_video(f"7{k}55", f"{day} 09:00:00", "12", f"vélo {word}") for k in (1, 2)],
                fans=40,
            ),
            mtime=EXPORT_TIME,
        ),
        write(exports / "linkedin" / linkedin / "notes.txt", f"notes about {word}"),
    ]


def add_shared_rows(landing: Path, rows: list[str]) -> Path:
    """An exchange file that several people's rows share (an agency's report)."""
    header = "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,shares,clicks"
    return write(
        landing / "exports" / "agency" / "report.posts.csv",
        "\n".join([header, *rows]) + "\n",
        mtime=EXPORT_TIME,
    )


def people_world(root: Path) -> Path:
    return write_world(root / "landing")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_copies(raw: Path) -> set[str]:
    """The digests the raw zone holds a copy of."""
    return {p.name for p in raw.glob("??/*") if p.is_file()}


def every_table(url: str) -> dict[str, pd.DataFrame]:
    """Every warehouse table, rows in a stable order."""
    with make_engine(url).connect() as conn:
        frames = {
            t.name: pd.read_sql(text(f"SELECT * FROM {t.name}"), conn)
            for t in metadata.sorted_tables
        }
    return {
        name: frame.sort_values(by=list(frame.columns)).reset_index(drop=True)
        for name, frame in frames.items()
    }


def tables_naming(tables: dict[str, pd.DataFrame], needles: list[str]) -> dict[str, list[str]]:
    """Which tables hold any of the needles (case-insensitive), in any column."""
    found = {}
    for name, frame in tables.items():
        dumped = frame.to_csv(index=False).lower()
        hits = [n for n in needles if n.lower() in dumped]
        if hits:
            found[name] = hits
    return found


def texts_under(folder: Path) -> str:
    """Every file under `folder` as lower-case text."""
    return "\n".join(
        p.read_text(errors="replace").lower() for p in folder.rglob("*") if p.is_file()
    )
