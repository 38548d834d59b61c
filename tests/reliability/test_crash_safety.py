"""Crash safety: real `virage run` processes killed with SIGKILL during parse, validate,
score and publish, on SQLite and PostgreSQL.

One night is published first and the warehouse copied. The next night, which finds
the big export changed (every post's metrics move), is run to the end on the copy:
that is what an uninterrupted night gives, and how long each step takes. Then the
same night is started on the warehouse again and again as a `virage run` process
(forked from one that has done its imports, tests/forked.py), and killed each time
one of KILLS is under way (Prefect's task-run log lines say
which step runs; a kill falls a third of the way into the step, at most 0.03 s and
half as far at each new attempt, a publish once inside its transaction).
After each kill the published tables are exactly those of the night before (every
table, row and value), no row of the killed night is visible and the writer lock is
free. A kill that the log shows fell after its step had finished (the step ran faster
than in the uninterrupted night, or the machine was slow to deliver the kill) is
checked the same way and then tried again, up to ATTEMPTS runs per step: every step
of KILLS gets a kill that its log shows fell inside it. Finally the night runs to the
end, and its tables equal the uninterrupted night's. (The nights that are not killed
run in the test's own process: a process of their own, about 4 s of imports each,
would show nothing more.)

The landing is the demo plus VIRAGE_CRASH_POSTS posts in one exchange file (default
40,000: each step of KILLS then still takes about a tenth of a second or more on a
2-core machine); `make soak` runs it with VIRAGE_SOAK_CRASH_POSTS (default 1,000,000). With
-s the test prints where each kill fell and how long each part took.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from sqlalchemy import text

from tests.forked import Forked
from tests.reliability.common import assert_same, state
from tests.test_warehouse_safety import (
    PUBLISHED,
    landing_with_bulk_posts,
    published_tables,
    publishing,
    run_env,
)
from virage.flows.nightly import nightly_scores
from virage.warehouse import make_engine, writer_lock

pytestmark = pytest.mark.flow

SIZES = [
    pytest.param(int(os.environ.get("VIRAGE_CRASH_POSTS", "40000")), id="posts"),
    pytest.param(
        int(os.environ.get("VIRAGE_SOAK_CRASH_POSTS", "1000000")),
        id="soak",
        marks=pytest.mark.soak,
    ),
]
DAY_ONE, DAY_TWO = dt.date(2026, 11, 19), dt.date(2026, 11, 20)
KILLS = ("parse-files", "validate-rows", "score", "publish")
"""The nightly flow's tasks during which a run is killed, in the order they run."""
ATTEMPTS = 3
"""Runs started at most per step of KILLS until one is killed inside that step."""
KILL_AT_MOST = 0.03
"""Seconds into a step (after its task run is created) a kill falls at most."""

FIRST_SEEN = {"ingested_files": ["first_seen_run_id", "first_seen_at"]}
"""Besides the run stamps: when a file was first read, which differs between two
warehouses that read it on different runs."""

_CREATED = re.compile(r"Created task run '[^']+' for task '(?P<task>[^']+)'")
_FINISHED = re.compile(r"Task run '(?P<run>[^']+)' - Finished in state")


@dataclass
class Run:
    """A `virage run` process whose log is read line by line as it is written (task
    runs log their creation at DEBUG: the environment turns that level on)."""

    process: Forked
    started: dict[str, float] = field(default_factory=dict)
    """Task name -> when its task run was created (monotonic time)."""
    finished: dict[str, float] = field(default_factory=dict)
    """Task name -> when its task run finished."""
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, forked_virage, args: list[str], env: dict) -> Run:
        return cls(forked_virage(args, env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))

    def _read(self) -> None:
        for line in self.process.stderr:
            now = time.monotonic()
            self.lines.append(line)
            if created := _CREATED.search(line):
                self.started.setdefault(created["task"], now)
            elif done := _FINISHED.search(line):
                self.finished.setdefault(done["run"].rsplit("-", 1)[0], now)

    def tail(self) -> str:
        return "".join(self.lines[-30:])

    def wait_for(self, task: str, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while task not in self.started:
            assert self.process.poll() is None, self.tail()
            assert time.monotonic() < deadline, f"{task} never started"
            time.sleep(0.005)

    def kill_during(self, task: str, url: str, delay: float) -> dict:
        """SIGKILL the run `delay` seconds into `task` (a publish: once inside its
        transaction) and return where it fell: `inside` says whether the log shows
        that `task` had not finished when the run died."""
        self.wait_for(task)
        if task == "publish":
            deadline = time.monotonic() + 300
            while not publishing(url):
                assert self.process.poll() is None, self.tail()
                assert time.monotonic() < deadline, "the run never began publishing"
                time.sleep(0.002)
        else:
            time.sleep(max(0.0, self.started[task] + delay - time.monotonic()))
        killed_at = time.monotonic()
        assert self.process.poll() is None, f"the run ended before it was killed in {task}"
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait() == -signal.SIGKILL
        self._reader.join()  # every line it wrote before it died
        return {
            "task": task,
            "seconds_into_task": round(killed_at - self.started[task], 2),
            "inside": task not in self.finished,
        }


def seconds_per_task(flow_run_id: str) -> dict[str, float]:
    """Task name -> seconds from its task run's creation to its end, as Prefect's
    server recorded them for the flow run (what Run.complete reads from the log)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {
        t.name.rsplit("-", 1)[0]: (t.end_time - t.created).total_seconds()
        for t in sorted(task_runs, key=lambda t: t.created)
        if t.end_time is not None
    }


def copy_warehouse(url: str, tmp_path: Path, admin_url: str | None) -> str:
    """A copy of the warehouse as it is now, in a new file or database."""
    if url.startswith("sqlite"):
        copy = tmp_path / "uninterrupted.db"
        with (
            sqlite3.connect(url.removeprefix("sqlite:///")) as source,
            sqlite3.connect(copy) as target,
        ):
            source.backup(target)
        return f"sqlite:///{copy}"
    make_engine(url).dispose()  # CREATE DATABASE .. TEMPLATE needs it unused
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}_copy" TEMPLATE "{name}"')
    return f"{url}_copy"


def drop_copy(url: str, admin_url: str | None) -> None:
    if url.startswith("sqlite"):
        return
    make_engine(url).dispose()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.mark.parametrize("posts", SIZES)
def test_runs_killed_at_every_step_leave_the_published_day_whole(
    request, warehouse, tmp_path, prefect_api_url, forked_virage, posts
):
    admin = request.getfixturevalue("postgres_server") if "postgresql" in warehouse else None
    landing = landing_with_bulk_posts(tmp_path, posts)
    env = {**run_env(prefect_api_url), "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "DEBUG"}

    def night(url: str, day: dt.date) -> list[str]:
        return ["run", "--landing", str(landing), "--warehouse", url, "--as-of", day.isoformat()]

    seconds = {}
    clock = time.monotonic()
    nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=DAY_ONE)
    seconds["first night"] = time.monotonic() - clock
    before = published_tables(warehouse)
    assert len(before["posts"]) > posts and len(before["influence_scores"])
    uninterrupted = copy_warehouse(warehouse, tmp_path, admin)
    try:
        bulk = landing / "exports" / "bulk.posts.csv"
        bulk.write_text(bulk.read_text().replace(",7,", ",8,"))
        tonight = hashlib.sha256(bulk.read_bytes()).hexdigest()
        clock = time.monotonic()
        reference = nightly_scores(landing=str(landing), warehouse_url=uninterrupted, as_of=DAY_TWO)
        seconds["uninterrupted night"] = time.monotonic() - clock
        steps = seconds_per_task(reference["run_id"])
        assert set(KILLS) <= set(steps), steps

        kills = []
        for task in KILLS:
            for attempt in range(ATTEMPTS):
                clock = time.monotonic()
                run = Run.start(forked_virage, night(warehouse, DAY_TWO), env)
                # A third into the step, at most KILL_AT_MOST seconds, half as far at each
                # new attempt: a step that runs faster than in the reference night (a
                # parse of 40,000 posts can take 0.05 s) is still caught in it.
                delay = min(steps[task] / 3, KILL_AT_MOST) / 2**attempt
                kills.append(run.kill_during(task, warehouse, delay))
                seconds[f"killed in {task}"] = time.monotonic() - clock
                # Wherever the kill fell, the published day is whole.
                after = published_tables(warehouse)
                for name in PUBLISHED:
                    pd.testing.assert_frame_equal(after[name], before[name], obj=name)
                assert not after["posts"]["source_sha256"].eq(tonight).any()
                with make_engine(warehouse).connect() as conn:
                    days = conn.execute(text("SELECT DISTINCT as_of_date FROM influence_scores"))
                    assert [str(d)[:10] for d in days.scalars()] == [DAY_ONE.isoformat()]
                with writer_lock(make_engine(warehouse), wait_seconds=10):
                    pass  # the dead run left the warehouse unlocked
                if kills[-1]["inside"]:
                    break
            assert kills[-1]["inside"], f"{task} had finished each time the run was killed: {kills}"

        clock = time.monotonic()
        nightly_scores(landing=str(landing), warehouse_url=warehouse, as_of=DAY_TWO)
        seconds["night after the kills"] = time.monotonic() - clock
        finished = state(warehouse, FIRST_SEEN)
        assert_same(state(uninterrupted, FIRST_SEEN), finished, "after the kills")
        assert finished["posts"]["source_sha256"].eq(tonight).sum() == posts
        with make_engine(warehouse).connect() as conn:
            runs = conn.execute(text("SELECT status FROM pipeline_runs ORDER BY started_at"))
            assert list(runs.scalars()) == ["completed", *["failed"] * len(kills), "completed"]
    finally:
        drop_copy(uninterrupted, admin)
    print(f"\n{warehouse.split(':')[0]}, {posts} posts: kills {kills}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print("uninterrupted night's steps: " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()))
