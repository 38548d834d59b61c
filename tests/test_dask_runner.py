"""Parsing and validation on a Dask cluster: the same warehouse as the default runner.

The demo landing (every export format, a zipped archive, broken rows, an event) plus
an Instagram follower list in two parts, scored once with Prefect's default task
runner and once with the Dask runner `virage run --task-runner dask=ADDRESS` picks, on a
LocalCluster of two worker processes.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from tests.exports import instagram_followers, write
from tests.test_cli import assert_one_clear_line, virage
from virage.errors import ConfigError
from virage.flows.nightly import nightly_scores
from virage.runners import check_cluster, parse_choice, task_runner
from virage.tasks import batches, ingest, people
from virage.tasks.landing import load_landing
from virage.warehouse import make_engine

DEMO = Path(__file__).resolve().parents[1] / "examples" / "landing"
DEMO_AS_OF = dt.date(2026, 11, 20)
PARTS = (200, 146)
"""Followers in each part of chloerobert's Instagram follower list."""


def demo_landing(root: Path) -> Path:
    """A copy of the demo landing (modification times kept) with a follower list in
    two parts in one folder: they add up only if they are read in one batch."""
    landing = root / "landing"
    shutil.copytree(DEMO, landing, ignore=shutil.ignore_patterns("raw", "data-docs", "report"))
    folder = landing / "exports" / "instagram" / "chloerobert"
    for part, count in enumerate(PARTS, start=1):
        write(
            folder / f"followers_{part}.json",
            instagram_followers(count, wrapped=True),
            mtime="2026-11-19T08:00:00Z",
        )
    return landing


def table(url: str, name: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """A warehouse table without its run-specific columns, in a canonical row order."""
    with make_engine(url).connect() as conn:
        frame = pd.DataFrame(conn.execute(text(f"SELECT * FROM {name}")).mappings().all())
    frame = frame.drop(columns=[c for c in frame.columns if c in drop or c.endswith("run_id")])
    return frame.astype("str").sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def cluster():
    """Two small worker processes, one thread each."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit="1GiB",
        dashboard_address=None,
    ) as local:
        yield local


# --- plain functions ----------------------------------------------------------------


def test_batches_keep_follower_parts_together_and_give_the_same_rows(tmp_path):
    landing = demo_landing(tmp_path)
    files = ingest.discover_exports(landing / "exports", landing)
    parts = batches.split_files(files, 4)

    assert len(parts) == 4
    assert batches.split_files(files, 4)[0].equals(parts[0])  # deterministic
    together = pd.concat(parts)["source_file"]
    assert sorted(together) == sorted(files["source_file"])  # each file exactly once
    order = {name: i for i, name in enumerate(files["source_file"])}
    for part in parts:  # each batch in the night's order (oldest first)
        assert part["source_file"].map(order).is_monotonic_increasing
    lists = {i for i, p in enumerate(parts) if p["format"].eq("instagram_followers").any()}
    assert len(lists) == 1
    assert batches.split_files(files, 1)[0] is files

    whole = batches.read_batch(files, DEMO_AS_OF, 0.5)
    joined = batches.combine([batches.read_batch(p, DEMO_AS_OF, 0.5) for p in parts])
    handles = load_landing(str(landing)).roster.handles
    for kind, prepare in (("posts", people.prepare_posts), ("accounts", people.prepare_accounts)):
        expected = prepare(getattr(whole.checked, kind).clean, handles).frame
        pd.testing.assert_frame_equal(
            prepare(getattr(joined.checked, kind).clean, handles).frame, expected
        )
    assert joined.parsed.files_loaded == whole.parsed.files_loaded
    assert sorted(joined.parsed.ledger["source_path"]) == sorted(whole.parsed.ledger["source_path"])
    assert joined.parsed.rejected_files.equals(whole.parsed.rejected_files)
    assert len(joined.checked.posts.rejected) == len(whole.checked.posts.rejected) > 0


def test_batch_count():
    assert batches.batch_count(30, 0) == 1  # default runner: one batch, no overhead
    assert batches.batch_count(30, 2) == 4
    assert batches.batch_count(3, 2) == 3
    assert batches.batch_count(0, 2) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("default", ("default", None)),
        ("dask", ("dask", None)),
        (" Dask ", ("dask", None)),
        ("dask=tcp://10.0.0.5:8786", ("dask", "tcp://10.0.0.5:8786")),
    ],
)
def test_task_runner_choices(value, expected):
    assert parse_choice(value) == expected


@pytest.mark.parametrize("value", ["spark", "dask=", "default=tcp://h:1", ""])
def test_bad_task_runner_choices(value):
    with pytest.raises(ConfigError, match="expected default, dask"):
        parse_choice(value)


# --- the CLI and the flow -----------------------------------------------------------


@pytest.mark.parametrize("address", ["myhost", "nope://myhost:8786", ":::"])
def test_bad_scheduler_addresses(address):
    with pytest.raises(ConfigError, match="not a Dask address"):
        check_cluster(address)


def test_an_unreachable_scheduler_is_one_clear_line(world, tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    result = virage(
        "run",
        "--landing",
        str(world),
        "--warehouse",
        f"sqlite:///{tmp_path / 'w.db'}",
        "--task-runner",
        f"dask={closed}",
        env={"VIRAGE_DASK_CONNECT_SECONDS": "1"},
    )
    assert_one_clear_line(result, f"cannot reach the Dask scheduler at {closed}")
    assert not (tmp_path / "w.db").exists()  # checked before the warehouse is touched


@pytest.mark.flow
def test_dask_runner_publishes_what_the_default_runner_does(prefect_api_url, cluster, tmp_path):
    default_url = f"sqlite:///{tmp_path / 'default.db'}"
    dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
    nightly_scores(
        landing=str(demo_landing(tmp_path / "default")),
        warehouse_url=default_url,
        as_of=DEMO_AS_OF,
    )
    landing = demo_landing(tmp_path / "dask")
    # As `virage run --task-runner dask=ADDRESS` does: the workers run this virage and
    # see the landing (they read the files themselves).
    assert check_cluster(cluster.scheduler_address, [str(landing)]) == 2
    runner = task_runner(f"dask={cluster.scheduler_address}", [str(landing)])
    nightly_scores.with_options(task_runner=runner)(
        landing=str(landing), warehouse_url=dask_url, as_of=DEMO_AS_OF
    )

    # The batches ran as task runs of the same flow run, reported to the same API.
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with make_engine(dask_url).connect() as conn:
        run_id = conn.execute(text("SELECT run_id FROM pipeline_runs")).scalar_one()
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(run_id)]))
        )
    batch_runs = [t for t in task_runs if t.name.startswith("parse-and-validate-batch")]
    files = len(ingest.discover_exports(landing / "exports", landing))
    assert len(batch_runs) == batches.batch_count(files, 2) == 4  # 2 workers x 1 thread
    assert {t.state.type.value for t in batch_runs} == {"COMPLETED"}
    assert not [t for t in task_runs if t.name.startswith(("parse-files", "validate-rows"))]

    scores = table(default_url, "influence_scores")
    assert len(scores) > 0
    pd.testing.assert_frame_equal(table(dask_url, "influence_scores"), scores)
    for name, drop in [
        ("posts", ()),
        ("accounts", ()),
        ("event_summary", ()),
        ("quarantine", ("quarantined_at",)),
        ("ingested_files", ("first_seen_at",)),
    ]:
        pd.testing.assert_frame_equal(table(dask_url, name, drop), table(default_url, name, drop))
    counts = ["files_seen", "files_loaded", "files_quarantined", "rows_loaded"]
    counts += ["rows_quarantined", "rows_skipped", "quarantined_by_rule"]
    runs = [table(url, "pipeline_runs")[counts] for url in (dask_url, default_url)]
    pd.testing.assert_frame_equal(*runs)

    # The follower list's parts were added up, not counted apart.
    with make_engine(dask_url).connect() as conn:
        followers = conn.execute(
            text(
                "SELECT followers FROM accounts WHERE platform = 'instagram' "
                "AND handle = 'chloerobert' AND snapshot_date = '2026-11-19'"
            )
        ).scalar_one()
    assert followers == sum(PARTS)
