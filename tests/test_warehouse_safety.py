"""Publishing is atomic and single-writer, shown on real `virage run` processes: one
killed (SIGKILL) inside its publishing transaction, one started while another holds
the warehouse. (The processes that run a night are forked from one that has done
`virage run`'s imports: tests/forked.py.)"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from tests.test_cli import virage
from virage.errors import WarehouseBusy
from virage.flows.nightly import nightly_scores
from virage.schemas.fields import POSTS
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine, writer_lock

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "landing"
PUBLISHED = [
    t.name
    for t in metadata.sorted_tables
    if t.name not in ("pipeline_runs", "staged_influence_scores")
]


def landing_with_bulk_posts(tmp_path: Path, posts: int) -> Path:
    """The demo landing plus `posts` extra posts by one of its influencers, so that
    publishing takes long enough to be caught in the act."""
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLES, landing)
    numbers = pd.RangeIndex(posts)
    bulk = pd.DataFrame(
        {
            "platform": "tiktok",
            "handle": "@clararichard",
            "post_id": "bulk-" + numbers.astype(str),
            "posted_at": (
                pd.Timestamp("2026-11-01T08:00Z") + pd.to_timedelta(numbers % 400_000, "s")
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "text": "Petit-déjeuner à vélo cargo #VeloUrbain " + numbers.astype(str),
            "url": "https://tiktok.example/clararichard/bulk",
            "impressions": "",
            "likes": numbers % 97,
            "comments": numbers % 7,
            "shares": numbers % 3,
            "clicks": "",
        }
    )
    bulk[POSTS.exchange_header].to_csv(landing / "exports" / "bulk.posts.csv", index=False)
    return landing


def published_tables(url: str) -> dict[str, pd.DataFrame]:
    """Every published table, rows in a stable order."""
    with make_engine(url).connect() as conn:
        frames = {name: pd.read_sql(text(f"SELECT * FROM {name}"), conn) for name in PUBLISHED}
    return {
        name: frame.sort_values(by=list(frame.columns)).reset_index(drop=True)
        for name, frame in frames.items()
    }


def publishing(url: str) -> bool:
    """True while a run is inside its publishing transaction: its scores are staged
    (committed before publishing starts) and it holds the database's write lock."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path, timeout=0, isolation_level=None) as conn:
            try:
                staged = conn.execute("SELECT COUNT(*) FROM staged_influence_scores").fetchone()[0]
            except sqlite3.OperationalError:  # the schema is being written: not there yet
                return False
            if not staged:
                return False
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # "database is locked": a writer is in
                return True
            conn.execute("ROLLBACK")
            return False
    with make_engine(url).connect() as conn:
        staged = conn.execute(text("SELECT COUNT(*) FROM staged_influence_scores")).scalar()
        writing = conn.execute(
            text(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        ).scalar()
        return bool(staged and writing)


def rows_in(engine, table: str) -> int:
    """Rows of `table`; 0 when the run that would have created it never started."""
    if table not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()


def run_env(prefect_api_url: str) -> dict:
    return {**os.environ, "PREFECT_API_URL": prefect_api_url}


def test_a_run_killed_while_publishing_leaves_the_published_day_untouched(
    warehouse, tmp_path, prefect_api_url, forked_virage
):
    # Posts enough for publishing to last long enough to be caught at it (10,000 were
    # written too fast once the night's collections skipped the start-up objects).
    landing = landing_with_bulk_posts(tmp_path, 30_000)
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=dt.date(2026, 11, 19))
    before = published_tables(warehouse)
    assert len(before["influence_scores"]) and len(before["posts"]) > 30_000

    # The next night reads every file again and rewrites posts whose metrics changed.
    bulk = landing / "exports" / "bulk.posts.csv"
    bulk.write_text(bulk.read_text().replace(",7,", ",8,"))
    args = ["run", "--landing", str(landing), "--warehouse", warehouse, "--as-of", "2026-11-20"]
    killed = forked_virage(
        [*args, "--reingest"],
        run_env(prefect_api_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while killed.poll() is None and not publishing(warehouse):
        assert time.monotonic() < deadline, "the run never reached publishing"
        time.sleep(0.002)
    assert killed.poll() is None, "the run finished before it could be killed: make it longer"
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL

    after = published_tables(warehouse)
    for name in PUBLISHED:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    with make_engine(warehouse).connect() as conn:
        runs = conn.execute(text("SELECT status FROM pipeline_runs ORDER BY started_at"))
        assert list(runs.scalars()) == ["completed", "running"]  # the dead one, as it died
    with writer_lock(make_engine(warehouse)):  # the dead run left the warehouse unlocked
        pass


def test_a_second_writer_stops_with_a_clear_message(warehouse, tmp_path, prefect_api_url):
    args = ["run", "--landing", str(EXAMPLES), "--warehouse", warehouse, "--as-of", "2026-11-20"]
    engine = make_engine(warehouse)
    with writer_lock(engine):  # another run is writing
        result = virage(*args, env={"PREFECT_API_URL": prefect_api_url})
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("virage: error: warehouse") and "another virage run" in line
    assert rows_in(engine, "pipeline_runs") == 0  # it did not start: nothing recorded


def test_a_second_writer_told_to_wait_runs_when_the_first_is_done(
    tmp_path, prefect_api_url, forked_virage
):
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLES, landing)
    warehouse = f"sqlite:///{tmp_path / 'warehouse.db'}"
    args = ["run", "--landing", str(landing), "--warehouse", warehouse, "--as-of", "2026-11-20"]
    engine = make_engine(warehouse)
    told = tmp_path / "stderr.txt"
    with writer_lock(engine), told.open("w") as stderr:  # another run is writing
        waiting = forked_virage(
            [*args, "--wait", "240"],
            run_env(prefect_api_url),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        deadline = time.monotonic() + 120
        while "waiting up to 240 s" not in told.read_text():
            assert waiting.poll() is None, told.read_text()
            assert time.monotonic() < deadline, "the run never said it waits"
            time.sleep(0.1)
        assert rows_in(engine, "influence_scores") == 0
    assert waiting.wait(timeout=240) == 0, told.read_text()
    assert rows_in(engine, "influence_scores") > 0


def test_the_lock_is_one_per_database_whatever_the_url_says(warehouse, tmp_path):
    aliases = [warehouse]
    if warehouse.startswith("sqlite"):
        path = warehouse.removeprefix("sqlite:///")
        aliases += [
            f"sqlite:///file:{path}?uri=true",
            f"sqlite:///{tmp_path}/../{tmp_path.name}/warehouse.db",
        ]
    with writer_lock(make_engine(warehouse)):
        for alias in aliases:
            with pytest.raises(WarehouseBusy), writer_lock(make_engine(alias)):
                pass
    with writer_lock(make_engine(aliases[-1])):  # released: the next writer gets it
        pass
