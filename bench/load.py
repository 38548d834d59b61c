"""Warehouse load speed per dialect: rows/s of the fast bulk path and of the posts
upsert (new rows, then the same rows again: nothing changes, nothing is rewritten).

    python bench/load.py [--rows N] [--postgres URL] [--json FILE]

Prints a table and writes JSON. PostgreSQL is measured when --postgres (or
$VIRAGE_BENCH_POSTGRES_URL) names a server database it may create tables in.

"bulk" and "upsert new" both load into an empty posts table, the first night's path
(publish's upsert goes straight to bulk_insert then, which builds the table's indexes
after the rows); "upsert unchanged" goes through the staging table into stored rows.
The load average is printed with the table: other work on the machine moves them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete

from virage.schemas.fields import POSTS
from virage.schemas.warehouse import posts
from virage.tasks.publish import _upsert
from virage.warehouse import bulk_insert, open_warehouse


def synthetic_posts(rows: int, seed: int = 7) -> pd.DataFrame:
    """`rows` posts in the warehouse's shape, with realistic-looking values."""
    rng = np.random.default_rng(seed)
    ids = pd.RangeIndex(rows).astype(str)
    observed = pd.Timestamp("2026-11-20", tz="UTC")
    frame = pd.DataFrame(
        {
            "platform": rng.choice(["x", "linkedin", "instagram", "tiktok"], rows),
            "handle": "user" + pd.Series(rng.integers(0, 5_000, rows)).astype(str),
            "post_id": "p" + ids,
            "person_id": "person-" + pd.Series(rng.integers(0, 5_000, rows)).astype(str),
            "posted_at": observed - pd.to_timedelta(rng.integers(0, 90 * 86_400, rows), "s"),
            "text": "Le vélo cargo change la ville #VeloUrbain " + ids,
            "url": "https://example.com/p/" + ids,
            "impressions": rng.integers(100, 1_000_000, rows),
            "likes": rng.integers(0, 10_000, rows),
            "comments": rng.integers(0, 500, rows),
            "shares": rng.integers(0, 300, rows),
            "clicks": rng.integers(0, 1_000, rows),
            "is_sponsored": rng.random(rows) < 0.1,
            "source_file": "exports/bench.posts.csv",
            "source_sha256": "0" * 64,
            "observed_at": observed,
            "first_seen_at": observed,
            "last_seen_at": observed,
        }
    )
    return frame[POSTS.columns].astype(POSTS.dtypes)


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def measure(url: str, frame: pd.DataFrame) -> dict:
    """Seconds and rows/s of one bulk insert and one upsert of new rows, each in its
    own transaction into an empty posts table, then of one upsert of the same rows
    again (unchanged, into the stored rows)."""
    engine = open_warehouse(url)
    _empty(engine)
    bulk_seconds, _ = _timed(lambda: _in_transaction(engine, bulk_insert, frame))
    _empty(engine)
    new_seconds, written = _timed(lambda: _in_transaction(engine, _upsert, frame))
    same_seconds, rewritten = _timed(lambda: _in_transaction(engine, _upsert, frame))
    rows = len(frame)
    return {
        "dialect": engine.dialect.name,
        "rows": rows,
        "bulk_insert_s": round(bulk_seconds, 3),
        "bulk_insert_rows_per_s": round(rows / bulk_seconds),
        "upsert_new_s": round(new_seconds, 3),
        "upsert_new_rows_per_s": round(rows / new_seconds),
        "upsert_unchanged_s": round(same_seconds, 3),
        "upsert_unchanged_rows_per_s": round(rows / same_seconds),
        "rows_written_new": written,
        "rows_rewritten_unchanged": rewritten,
    }


def _empty(engine) -> None:
    """posts as a new warehouse has it. On PostgreSQL, TRUNCATE: rows deleted stay in
    the table as dead tuples until a vacuum, which the load would then read through
    (checking the table is empty, building its indexes again): 200,000 of them made
    a load 0.6 s slower."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("TRUNCATE posts")
        else:  # SQLite empties a table deleted without a WHERE at once
            conn.execute(delete(posts))


def _in_transaction(engine, write, frame: pd.DataFrame):
    with engine.begin() as conn:
        return write(conn, posts, frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--postgres", default=os.environ.get("VIRAGE_BENCH_POSTGRES_URL"))
    parser.add_argument("--json", type=Path, default=Path("bench/results/load.json"))
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    frame = synthetic_posts(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(measure(f"sqlite:///{Path(folder) / 'bench.db'}", frame))
    if args.postgres:
        results.append(measure(args.postgres, frame))
    load_after = [round(x, 2) for x in os.getloadavg()]
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    header = ("dialect", "rows", "bulk rows/s", "upsert new rows/s", "upsert unchanged rows/s")
    print(" | ".join(header))
    for r in results:
        print(
            f"{r['dialect']} | {r['rows']} | {r['bulk_insert_rows_per_s']} | "
            f"{r['upsert_new_rows_per_s']} | {r['upsert_unchanged_rows_per_s']} "
            f"(rewritten: {r['rows_rewritten_unchanged']})"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    args.json.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print(f"written: {args.json}")


if __name__ == "__main__":
    main()
