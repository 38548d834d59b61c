"""bench/generate.py: what it writes is what virage's own readers find, with the
distributions it claims, the same bytes for the same seed, and later nights that
only add files."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from bench import generate
from virage.schemas.fields import READERS_VERSION
from virage.schemas.warehouse import posts as posts_table
from virage.schemas.warehouse import quarantine
from virage.tasks.ingest import Parsed, discover_exports, parse_exports
from virage.tasks.ledger import select_unread
from virage.tasks.scoring import TIER_EDGES
from virage.tasks.text import fold_series, is_sponsored_text
from virage.warehouse import make_engine

POSTS = 3_000
SEED = 11


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bench") / "landing"
    return root, generate.generate_landing(root, POSTS, SEED)


@pytest.fixture(scope="module")
def parsed(landing: tuple[Path, dict]) -> tuple[pd.DataFrame, Parsed]:
    root, _ = landing
    files = discover_exports(root / "exports", root)
    return files, parse_exports(files)


def fingerprints(root: Path) -> dict[str, tuple[str, float]]:
    """Every file of a landing (the generator's manifest aside): content and mtime."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != generate.MANIFEST
    }


def post_formats(files: pd.DataFrame, posts: pd.DataFrame) -> pd.Series:
    """The format of the file each post came from (an X archive's posts: tweets)."""
    by_file = files.set_index("source_file")["format"]
    found = posts["source_file"].str.split("!").str[0].map(by_file)
    return found.where(found != "zip", "x_tweets")


def sponsored(posts: pd.DataFrame) -> pd.Series:
    """Disclosed as paid: a marker in the text or the export's own flag."""
    declared = posts["declared_sponsored"].fillna("").astype("str").str.lower().eq("true")
    return is_sponsored_text(fold_series(posts["text"])) | declared


def test_readers_find_every_post_the_generator_reports(landing, parsed) -> None:
    _, counts = landing
    files, result = parsed
    assert result.rejected_files.empty
    assert set(result.ledger["status"]) == {"loaded"}
    assert len(files) == counts["files"]
    assert int(files["size"].sum()) == counts["bytes"]
    posts = result.frames["posts"]
    assert len(posts) == counts["rows"] == POSTS
    assert all(counts["posts_by_format"].values()), "every format is in the landing"
    assert post_formats(files, posts).value_counts().to_dict() == counts["posts_by_format"]
    accounts = result.frames["accounts"]
    assert accounts["source_file"].str.endswith(".accounts.csv").sum() == counts["snapshots"]


def test_distributions(landing, parsed) -> None:
    _, counts = landing
    _, result = parsed
    posts, accounts = result.frames["posts"], result.frames["accounts"]
    followers = accounts["followers"].astype("int64")
    assert followers.between(generate.MIN_FOLLOWERS, generate.MAX_FOLLOWERS).all()
    assert followers.max() > 1000 * followers.min()  # log-uniform: orders of magnitude

    # Every text opens with a sentence of its language; a fair share of each.
    openings = generate.openings(generate.campaigns_for(generate.DEFAULT_AS_OF))
    texts = posts["text"].astype("str")
    french = texts.str.startswith(tuple(openings["fr"]))
    english = texts.str.startswith(tuple(openings["en"]))
    assert (french ^ english).all()
    assert french.sum() == counts["posts_french"]
    assert 0.2 < french.mean() < 0.9

    assert sponsored(posts).sum() == counts["posts_sponsored"]
    assert 0.01 < counts["posts_sponsored"] / POSTS < 0.3
    assert counts["posts_event"] > 0 and 0 < counts["posts_bad"] < POSTS * 0.01

    # Engagement falls with audience: likes per follower of small accounts beat big ones'.
    latest = accounts.assign(followers=followers).drop_duplicates(
        ["platform", "handle"], keep="last"
    )
    latest = latest.assign(handle=latest["handle"].str.lstrip("@").str.lower())
    rows = posts.assign(handle=posts["handle"].str.lstrip("@").str.lower())
    rows = rows[rows["likes"].str.fullmatch(r"\d+")].merge(latest, on=["platform", "handle"])
    rate = rows["likes"].astype("int64") / rows["followers"]
    small, big = rows["followers"] < TIER_EDGES[0], rows["followers"] >= TIER_EDGES[2]
    assert small.sum() > 50 and big.sum() > 50
    assert rate[small].median() > 1.3 * rate[big].median()


def test_same_seed_same_bytes(landing, tmp_path: Path) -> None:
    root, counts = landing
    again = generate.generate_landing(tmp_path / "again", POSTS, SEED)
    assert fingerprints(tmp_path / "again") == fingerprints(root)
    assert {k: v for k, v in again.items() if k != "seconds"} == {
        k: v for k, v in counts.items() if k != "seconds"
    }
    other = generate.generate_landing(tmp_path / "other", POSTS, SEED + 1)
    assert other["posts_by_format"] != counts["posts_by_format"]


def test_a_later_night_only_adds_files(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    generate.generate_landing(root, POSTS, SEED)
    before = fingerprints(root)
    files = discover_exports(root / "exports", root)
    ledger = parse_exports(files).ledger.assign(readers_version=READERS_VERSION)

    night = generate.add_night(root, 2, add_share=0.01)
    after = fingerprints(root)
    assert {k: after[k] for k in before} == before  # night 1's files untouched
    added = sorted(set(after) - set(before))
    assert added == sorted(night["paths"])
    assert night["posts_new"] == round(POSTS * 0.01)
    assert night["as_of"] == (generate.DEFAULT_AS_OF + dt.timedelta(days=1)).isoformat()

    # The ledger of night 1 leaves exactly the new files to read...
    files = discover_exports(root / "exports", root)
    unread = select_unread(files, ledger, read_all=False)
    assert sorted(unread["source_file"]) == added
    # ...which hold what the generator says, new posts dated on the new day.
    result = parse_exports(unread)
    posts = result.frames["posts"]
    assert post_formats(unread, posts).value_counts().to_dict() == {
        k: v for k, v in night["posts_by_format"].items() if v
    }
    day = pd.to_datetime(posts["posted_at"], utc=True, format="ISO8601").dt.strftime("%Y-%m-%d")
    assert (day == night["as_of"]).sum() >= night["posts_new"] * 0.9

    assert generate.remove_nights(root, keep=1) == len(added)
    assert fingerprints(root) == before


@pytest.mark.flow
def test_the_nightly_flow_stores_what_the_generator_says(
    landing, prefect_api_url: str, tmp_path: Path
) -> None:
    from virage.flows.nightly import nightly_scores

    root, counts = landing
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    summary = nightly_scores(
        landing=str(root),
        warehouse_url=url,
        as_of=generate.DEFAULT_AS_OF,
        raw_dir=str(tmp_path / "raw"),
        docs_dir=str(tmp_path / "docs"),
        report_dir=str(tmp_path / "report"),
    )
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(posts_table)).scalar()
        paid = conn.execute(
            select(func.count()).where(posts_table.c.is_sponsored).select_from(posts_table)
        ).scalar()
        bad_rows = conn.execute(
            select(func.count()).where(quarantine.c.row_number.is_not(None))
        ).scalar()
    engine.dispose()
    assert stored == counts["posts_to_store"] == summary["posts_written"]
    assert paid == counts["posts_sponsored_to_store"]
    assert bad_rows == counts["posts_bad"] == summary["rows_quarantined"]
    assert summary["files_loaded"] == counts["files"]
    # Posts of people without consent and of handles in no roster: counted, not stored.
    assert summary["rows_skipped"] == counts["posts_without_consent"] + counts["posts_of_strangers"]
    assert summary["people_scored"] == counts["consenting"]
