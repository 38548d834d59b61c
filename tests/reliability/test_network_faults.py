"""Network faults through the nightly run: `virage run` (in the test's process) with a
sources.yaml whose sources fail every way a real network does, against a real HTTP
server on 127.0.0.1 (tests/test_fetch.py's). The fetcher's own unit tests are there;
here the whole run shows the right retries, nothing corrupt in exports/, and what
happened in its summary."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.reliability.common import read_table
from tests.test_cli import virage_here
from tests.test_fetch import fail_first, send_file, serve, truncate
from tests.worlds import AS_OF, write_world
from virage.schemas.fields import POSTS

pytestmark = pytest.mark.flow

ATTEMPTS = 3
FAST = {
    "VIRAGE_FETCH_ATTEMPTS": str(ATTEMPTS),
    "VIRAGE_FETCH_BACKOFF": "0.05",
    "VIRAGE_FETCH_MAX_DELAY": "2",
    "VIRAGE_FETCH_TIMEOUT": "0.5",
}


def posts_csv(name: str, count: int) -> bytes:
    """An exchange file of `count` posts by the world's micro influencer, ids `name-k`."""
    rows = pd.DataFrame(
        {
            "platform": "instagram",
            "handle": "@micro",
            "post_id": [f"{name}-{k}" for k in range(count)],
            "posted_at": (pd.Timestamp(AS_OF, tz="UTC") - pd.Timedelta(hours=5)).isoformat(),
            "text": f"Mon vélo électrique, livré par {name}",
            "url": "",
            "impressions": "",
            "likes": 100,
            "comments": 3,
            "shares": 1,
            "clicks": "",
        }
    )
    return rows[POSTS.exchange_header].to_csv(index=False).encode()


def timed(route, times: list[float]):
    """`route`, noting when each request arrived."""

    def wrapper(h: BaseHTTPRequestHandler) -> None:
        times.append(time.monotonic())
        route(h)

    return wrapper


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below `folder`, by relative path, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_network_fault_is_retried_reported_and_kept_out_of_exports(prefect_api_url, tmp_path):
    landing = write_world(tmp_path / "landing")
    exports = landing / "exports"
    bodies = {name: posts_csv(name, 3) for name in ("flaky", "throttled", "cut", "tampered")}
    # Yesterday's copy of the source that will arrive cut short tonight: it must stay.
    yesterday = posts_csv("cut-yesterday", 1)
    (exports / "net").mkdir()
    (exports / "net" / "cut.posts.csv").write_bytes(yesterday)
    before = digests(exports)
    arrivals: dict[str, list[float]] = defaultdict(list)

    with serve() as gone:
        refused_url = gone.url("/refused.csv")  # nobody listens there once it is closed
    with serve() as server:

        def stall(h: BaseHTTPRequestHandler) -> None:
            server.release.wait(timeout=3)  # longer than the client's 0.5 s read timeout
            send_file(bodies["flaky"])(h)

        server.routes.update(
            {
                "/stalled.csv": stall,
                "/flaky.csv": fail_first(1, 500, send_file(bodies["flaky"])),
                "/throttled.csv": timed(
                    fail_first(1, 429, send_file(bodies["throttled"]), retry_after="1"),
                    arrivals["throttled"],
                ),
                "/cut.csv": truncate,
                "/tampered.csv": send_file(bodies["tampered"]),
            }
        )
        sources = [
            {"name": "refused", "url": refused_url, "path": "net/refused.posts.csv"},
            {"name": "stalled", "url": server.url("/stalled.csv"), "path": "net/stalled.posts.csv"},
            {"name": "flaky", "url": server.url("/flaky.csv"), "path": "net/flaky.posts.csv"},
            {
                "name": "throttled",
                "url": server.url("/throttled.csv"),
                "path": "net/throttled.posts.csv",
            },
            {"name": "cut", "url": server.url("/cut.csv"), "path": "net/cut.posts.csv"},
            {
                "name": "tampered",
                "url": server.url("/tampered.csv"),
                "path": "net/tampered.posts.csv",
                "sha256": hashlib.sha256(b"what the publisher announced").hexdigest(),
            },
        ]
        (landing / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))
        warehouse = f"sqlite:///{tmp_path / 'warehouse.db'}"
        result = virage_here(
            "run", "--landing", str(landing), "--warehouse", warehouse,
            "--as-of", AS_OF.isoformat(), env=FAST,
        )  # fmt: skip
        hits = dict(server.hits)

    # The run completes: a failing source never stops the night.
    assert result.returncode == 0, result.stderr
    # The right retries: transient faults are retried up to ATTEMPTS times, a fault that
    # clears is retried until it does, and 429's Retry-After is honoured.
    assert hits == {
        "/stalled.csv": ATTEMPTS,
        "/flaky.csv": 2,
        "/throttled.csv": 2,
        "/cut.csv": ATTEMPTS,
        "/tampered.csv": ATTEMPTS,
    }
    first, second = arrivals["throttled"]
    assert second - first >= 0.95  # the server's 1 s, not the 0.05 s backoff

    # Nothing corrupt in exports/: what was there is unchanged (yesterday's copy of the
    # source cut short included), the two good downloads are byte for byte what the
    # server sent, no temporary file is left, and nothing else appeared.
    after = digests(exports)
    downloaded = {
        "net/flaky.posts.csv": hashlib.sha256(bodies["flaky"]).hexdigest(),
        "net/throttled.posts.csv": hashlib.sha256(bodies["throttled"]).hexdigest(),
    }
    assert after == {**before, **downloaded, ".fetch/state.json": after[".fetch/state.json"]}
    assert not list((exports / ".fetch" / "tmp").iterdir())

    # A clear entry per source in the run summary, stored and printed.
    (run,) = read_table(warehouse, "pipeline_runs").to_dict("records")
    summary = json.loads(run["summary"])
    told = {s["name"]: (s["status"], s["attempts"]) for s in summary["sources"]}
    assert told == {
        "refused": ("failed", ATTEMPTS),
        "stalled": ("failed", ATTEMPTS),
        "flaky": ("downloaded", 2),
        "throttled": ("downloaded", 2),
        "cut": ("failed", ATTEMPTS),
        "tampered": ("failed", ATTEMPTS),
    }
    assert summary["sources_failed"] == 4
    details = {s["name"]: s["detail"] for s in summary["sources"]}
    gave_up = f"gave up after {ATTEMPTS} attempts: "
    assert details["refused"].startswith(gave_up + "network error:")
    assert details["stalled"] == gave_up + "read timed out"
    assert details["cut"].startswith(gave_up) and (
        "body truncated" in details["cut"] or "connection closed early" in details["cut"]
    )
    assert details["tampered"].startswith(gave_up + "checksum mismatch: expected ")
    printed = result.stdout
    assert "sources: 6 fetched over HTTP: 4 failed, 2 downloaded" in printed
    for name in ("refused", "stalled", "cut", "tampered"):
        assert f"failed ({name}): {details[name]}" in printed

    # What arrived whole was loaded; yesterday's copy stands in for the one cut short.
    posts = read_table(warehouse, "posts")
    prefixes = set(posts["post_id"].str.rsplit("-", n=1).str[0])
    assert {"flaky", "throttled", "cut-yesterday"} <= prefixes
    assert not {"cut", "tampered", "stalled", "refused"} & prefixes
