"""Reading stored posts back: the Arrow (ADBC) path gives the very rows written, on
both dialects, and falls back to SQLAlchemy where ADBC cannot read."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from sqlalchemy import create_engine, select

from bench.load import synthetic_posts
from virage.arrow_read import read_frame
from virage.schemas.fields import POSTS
from virage.schemas.warehouse import metadata, posts
from virage.tasks.publish import read_stored
from virage.tasks.scoring import SCORED_POST_COLUMNS, window_bounds
from virage.warehouse import bulk_insert, open_warehouse

FALLBACK = "Arrow read not possible"
CHILD_FAILED = "the child read failed"


def _stored(url: str, frame: pd.DataFrame) -> None:
    engine = open_warehouse(url)
    with engine.begin() as conn:
        bulk_insert(conn, posts, frame)
    engine.dispose()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(POSTS.key)).reset_index(drop=True)


def _with_gaps(frame: pd.DataFrame, first_rows: int) -> pd.DataFrame:
    """`frame` with every nullable column empty in its first rows, and a text that
    holds quotes, commas, a new line and non-Latin letters."""
    frame = frame.copy()
    nullable = [c for c in POSTS.columns if frame[c].dtype != "bool" and c not in POSTS.key]
    nullable = [c for c in nullable if c not in ("posted_at", "handle")]
    frame.loc[: first_rows - 1, nullable] = None
    frame.loc[first_rows, "text"] = 'Il a dit "oui", puis\nnon — 日本語 ✓'
    return frame


@pytest.mark.parametrize("gaps", [0, 2_000], ids=["values-first", "nulls-first"])
def test_stored_posts_read_back_as_written(warehouse, gaps, caplog):
    written = synthetic_posts(3_000)
    if gaps:
        written = _with_gaps(written, gaps)
    _stored(warehouse, written)
    start, end = window_bounds(pd.Timestamp("2026-11-20").date(), days=365)
    caplog.set_level(logging.DEBUG, logger="virage.arrow_read")

    every, _ = read_stored(open_warehouse(warehouse), start, end)
    scored, _ = read_stored(open_warehouse(warehouse), start, end, SCORED_POST_COLUMNS)

    pd.testing.assert_frame_equal(_sorted(every), _sorted(written))
    pd.testing.assert_frame_equal(_sorted(scored), _sorted(written[SCORED_POST_COLUMNS]))
    assert FALLBACK not in caplog.text and CHILD_FAILED not in caplog.text  # all read fast
    beside = "read by a child process" if warehouse.startswith("sqlite") else "read beside the run"
    assert caplog.text.count(beside) == 2  # posts and follower counts, both reads


def test_a_window_reads_only_its_posts(warehouse):
    written = synthetic_posts(2_000)
    _stored(warehouse, written)
    start, end = window_bounds(pd.Timestamp("2026-11-01").date(), days=30)
    inside = written[(written["posted_at"] >= start) & (written["posted_at"] < end)]
    assert 0 < len(inside) < len(written)
    read, _ = read_stored(open_warehouse(warehouse), start, end)
    pd.testing.assert_frame_equal(_sorted(read), _sorted(inside))


def test_an_in_memory_database_is_read_through_sqlalchemy(caplog):
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[posts])
    written = synthetic_posts(50)
    with engine.begin() as conn:
        bulk_insert(conn, posts, written)
        caplog.set_level(logging.DEBUG, logger="virage.arrow_read")
        read = read_frame(conn, select(posts), POSTS.dtypes)
    pd.testing.assert_frame_equal(_sorted(read), _sorted(written))


def test_times_the_child_cannot_parse_are_parsed_by_the_run(tmp_path, caplog):
    """The child parses SQLite's time text with Arrow; a column holding a form Arrow
    does not read (a zone offset another tool wrote) comes back as text, and the run
    parses it as before."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    written = synthetic_posts(500)
    _stored(url, written)
    engine = open_warehouse(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE posts SET observed_at = '2026-11-20T09:30:00+01:00' WHERE post_id = 'p7'"
        )
    start, end = window_bounds(pd.Timestamp("2026-11-20").date(), days=365)
    caplog.set_level(logging.DEBUG, logger="virage.arrow_read")
    read, _ = read_stored(engine, start, end)
    assert CHILD_FAILED not in caplog.text and "read by a child process" in caplog.text
    expected = written.set_index("post_id")["observed_at"].copy()
    expected["p7"] = pd.Timestamp("2026-11-20T08:30:00Z")
    pd.testing.assert_series_equal(
        read.set_index("post_id")["observed_at"].sort_index(), expected.sort_index()
    )
    assert str(read["posted_at"].dtype) == "datetime64[us, UTC]"


def test_the_child_parses_the_times_arrow_reads_and_leaves_the_others():
    import pyarrow as pa

    from virage.sqlite_child import _times_parsed

    table = pa.table(
        {
            "posted_at": ["2026-11-20 08:00:00.000000", None],
            "day": ["2026-11-20", "2026-11-21"],
            "observed_at": ["2026-11-20 08:00:00", "2026-11-20T09:30:00+01:00"],
        }
    )
    parsed = _times_parsed(table, {"posted_at": "UTC", "day": None, "observed_at": "UTC"})
    assert parsed["posted_at"].type == pa.timestamp("us", tz="UTC")
    assert parsed["posted_at"].null_count == 1
    assert parsed["day"].type == pa.timestamp("us")
    assert parsed["observed_at"].type == pa.string()  # a zone offset: left to the run
