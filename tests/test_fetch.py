"""HTTP fetching of export files against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from virage.errors import ConfigError
from virage.tasks.fetch import Source, _delay, _retry_after, fetch_all, fetch_source, read_sources

BODY = b"platform,handle,post_id\nx,alice,1\n" * 50
ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT"
FAST = {"backoff": 0.01, "max_delay": 0.05, "timeout": 5.0}

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Server:
    """A test HTTP server: routes by path, and what it was asked."""

    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    seen: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def headers(self, path: str, name: str) -> list[str | None]:
        """The value of header `name` in each request for `path`, in order."""
        return [h.get(name.lower()) for h in self.seen.get(path, [])]


@contextmanager
def serve() -> Iterator[Server]:
    state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = state["server"]
            path = self.path.split("?")[0]
            server.hits[path] += 1
            server.seen.setdefault(path, []).append({k.lower(): v for k, v in self.headers.items()})
            route = server.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            # The client may have given up (a timeout test): nothing to answer then.
            with suppress(BrokenPipeError, ConnectionResetError):
                route(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = httpd.server_address[:2]
    state["server"] = Server(base=f"http://{host}:{port}")
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state["server"]
    finally:
        state["server"].release.set()  # wake stalled handlers
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        yield running


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    path = tmp_path / "landing" / "exports"
    path.mkdir(parents=True)
    return path


def send_file(
    body: bytes = BODY, *, etag: str | None = ETAG, last_modified: str | None = LAST_MODIFIED
) -> Route:
    """200 with the body, ETag and Last-Modified; 304 to a matching conditional request."""

    def route(h: BaseHTTPRequestHandler) -> None:
        # As RFC 9110 says: If-None-Match, when sent, decides alone.
        if h.headers.get("If-None-Match") is not None:
            matches = h.headers["If-None-Match"] == etag
        else:
            matches = last_modified and h.headers.get("If-Modified-Since") == last_modified
        h.send_response(304 if matches else 200)
        if etag:
            h.send_header("ETag", etag)
        if last_modified:
            h.send_header("Last-Modified", last_modified)
        if matches:
            h.end_headers()
            return
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return route


def fail_first(times: int, status: int, then: Route, retry_after: str | None = None) -> Route:
    """Answer `status` to the first `times` requests, then behave like `then`."""
    calls = Counter()

    def route(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        if calls["n"] > times:
            then(h)
            return
        h.send_response(status)
        if retry_after is not None:
            h.send_header("Retry-After", retry_after)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def truncate(h: BaseHTTPRequestHandler) -> None:
    """Promise the whole body, send a tenth of it, close."""
    h.send_response(200)
    h.send_header("Content-Length", str(len(BODY)))
    h.end_headers()
    h.wfile.write(BODY[: len(BODY) // 10])
    h.wfile.flush()
    h.close_connection = True


def source(url: str, path: str = "x/alice/posts.csv", **extra: object) -> Source:
    return Source.model_validate({"name": "alice-x", "url": url, "path": path, **extra})


def files_under(exports: Path) -> list[str]:
    """Every file below exports/, hidden ones included, relative and sorted."""
    return sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*") if p.is_file())


# --- downloads and conditional requests ---------------------------------------------------


def test_download_then_not_modified_sends_if_none_match(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file()
    src = source(server.url("/a.csv"))

    first = fetch_source(src, exports, **FAST)
    target = exports / "x" / "alice" / "posts.csv"
    assert (first.status, first.attempts, first.bytes) == ("downloaded", 1, len(BODY))
    assert first.sha256 == hashlib.sha256(BODY).hexdigest()
    assert target.read_bytes() == BODY
    # The temp file is gone; only the file and our hidden state remain.
    assert files_under(exports) == [".fetch/state.json", "x/alice/posts.csv"]
    before = target.stat().st_mtime_ns

    second = fetch_source(src, exports, **FAST)
    assert second.status == "not_modified"
    assert (second.bytes, second.sha256) == (first.bytes, first.sha256)
    assert server.headers("/a.csv", "If-None-Match") == [None, ETAG]
    assert server.headers("/a.csv", "If-Modified-Since") == [None, LAST_MODIFIED]
    assert target.stat().st_mtime_ns == before
    assert target.read_bytes() == BODY


def test_last_modified_alone_gives_if_modified_since(server: Server, exports: Path) -> None:
    server.routes["/lm.csv"] = send_file(etag=None)
    src = source(server.url("/lm.csv"))
    assert fetch_source(src, exports, **FAST).status == "downloaded"
    assert fetch_source(src, exports, **FAST).status == "not_modified"
    assert server.headers("/lm.csv", "If-Modified-Since") == [None, LAST_MODIFIED]
    assert server.headers("/lm.csv", "If-None-Match") == [None, None]


def test_missing_destination_is_downloaded_again_unconditionally(
    server: Server, exports: Path
) -> None:
    server.routes["/a.csv"] = send_file()
    src = source(server.url("/a.csv"))
    assert fetch_source(src, exports, **FAST).status == "downloaded"
    (exports / src.path).unlink()

    again = fetch_source(src, exports, **FAST)
    assert again.status == "downloaded"
    assert server.headers("/a.csv", "If-None-Match") == [None, None]
    assert (exports / src.path).read_bytes() == BODY


def test_new_content_replaces_the_old_file(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file(b"old\n", etag='"v1"')
    src = source(server.url("/a.csv"))
    assert fetch_source(src, exports, **FAST).status == "downloaded"
    server.routes["/a.csv"] = send_file(b"new\n", etag='"v2"')

    result = fetch_source(src, exports, **FAST)
    assert result.status == "downloaded"
    assert server.headers("/a.csv", "If-None-Match") == [None, '"v1"']
    assert (exports / src.path).read_bytes() == b"new\n"


def test_size_given_and_matching_is_downloaded(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file()
    result = fetch_source(source(server.url("/a.csv"), size=len(BODY)), exports, **FAST)
    assert (result.status, result.bytes) == ("downloaded", len(BODY))
    assert (exports / "x/alice/posts.csv").read_bytes() == BODY


def test_matching_checksum_is_downloaded(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file()
    digest = hashlib.sha256(BODY).hexdigest().upper()  # case does not matter
    result = fetch_source(source(server.url("/a.csv"), sha256=digest), exports, **FAST)
    assert (result.status, result.sha256) == ("downloaded", digest.lower())


# --- retries ------------------------------------------------------------------------------


def test_503_twice_then_success(
    server: Server, exports: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.routes["/flaky.csv"] = fail_first(2, 503, send_file())
    with caplog.at_level(logging.WARNING, logger="virage.tasks.fetch"):
        result = fetch_source(source(server.url("/flaky.csv")), exports, attempts=4, **FAST)
    assert (result.status, result.attempts) == ("downloaded", 3)
    assert server.hits["/flaky.csv"] == 3
    assert (exports / "x/alice/posts.csv").read_bytes() == BODY
    retries = [r.getMessage() for r in caplog.records]
    assert len(retries) == 2
    assert "alice-x: attempt 1 of 4 failed (HTTP 503 Service Unavailable)" in retries[0]


def test_503_every_time_gives_up(server: Server, exports: Path) -> None:
    server.routes["/down.csv"] = fail_first(99, 503, send_file())
    result = fetch_source(source(server.url("/down.csv")), exports, attempts=3, **FAST)
    assert (result.status, result.attempts) == ("failed", 3)
    assert result.detail == "gave up after 3 attempts: HTTP 503 Service Unavailable"
    assert server.hits["/down.csv"] == 3
    assert files_under(exports) == []


def test_429_honours_retry_after(server: Server, exports: Path) -> None:
    server.routes["/busy.csv"] = fail_first(1, 429, send_file(), retry_after="1")
    start = time.monotonic()
    result = fetch_source(source(server.url("/busy.csv")), exports, backoff=0.01, max_delay=5)
    elapsed = time.monotonic() - start
    assert (result.status, result.attempts) == ("downloaded", 2)
    assert elapsed >= 0.95  # the server's 1 s, not the 0.01 s backoff
    assert server.hits["/busy.csv"] == 2


def test_404_is_not_retried(server: Server, exports: Path) -> None:
    result = fetch_source(source(server.url("/missing.csv")), exports, attempts=4, **FAST)
    assert (result.status, result.attempts) == ("failed", 1)
    assert result.detail == "HTTP 404 Not Found: not retried"
    assert server.hits["/missing.csv"] == 1
    assert files_under(exports) == []


def test_stalled_server_times_out_on_every_attempt(server: Server, exports: Path) -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        server.release.wait(timeout=2)
        send_file()(h)

    server.routes["/slow.csv"] = stall
    result = fetch_source(
        source(server.url("/slow.csv")), exports, attempts=2, backoff=0.01, timeout=0.3
    )
    assert (result.status, result.attempts) == ("failed", 2)
    assert result.detail == "gave up after 2 attempts: read timed out"
    assert server.hits["/slow.csv"] == 2
    assert files_under(exports) == []


def test_truncated_body_fails_and_leaves_the_old_file(server: Server, exports: Path) -> None:
    server.routes["/cut.csv"] = truncate
    target = exports / "x/alice/posts.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"yesterday's export\n")

    result = fetch_source(source(server.url("/cut.csv")), exports, attempts=3, **FAST)
    assert (result.status, result.attempts) == ("failed", 3)
    assert result.detail.startswith("gave up after 3 attempts: connection closed early")
    assert server.hits["/cut.csv"] == 3
    assert target.read_bytes() == b"yesterday's export\n"
    # No partial file anywhere, not even in the hidden temp folder.
    assert files_under(exports) == ["x/alice/posts.csv"]


def test_truncated_once_then_whole(server: Server, exports: Path) -> None:
    calls = Counter()

    def once(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        (truncate if calls["n"] == 1 else send_file())(h)

    server.routes["/cut-once.csv"] = once
    result = fetch_source(source(server.url("/cut-once.csv")), exports, **FAST)
    assert (result.status, result.attempts) == ("downloaded", 2)
    assert (exports / "x/alice/posts.csv").read_bytes() == BODY


def test_checksum_mismatch_is_retried_then_fails(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file()
    wrong = hashlib.sha256(b"something else").hexdigest()
    result = fetch_source(source(server.url("/a.csv"), sha256=wrong), exports, attempts=2, **FAST)
    assert (result.status, result.attempts, result.sha256) == ("failed", 2, None)
    assert f"checksum mismatch: expected {wrong}, got " in result.detail
    assert hashlib.sha256(BODY).hexdigest() in result.detail
    assert server.hits["/a.csv"] == 2
    assert files_under(exports) == []


def test_size_mismatch_fails(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file()
    result = fetch_source(source(server.url("/a.csv"), size=7), exports, attempts=2, **FAST)
    assert result.status == "failed"
    assert result.detail.endswith(f"size mismatch: expected 7 bytes, got {len(BODY)}")
    assert files_under(exports) == []


def test_connection_refused_is_retried_then_fails(exports: Path) -> None:
    with serve() as gone:
        url = gone.url("/a.csv")  # a port nobody listens on once the server is closed
    result = fetch_source(source(url), exports, attempts=2, **FAST)
    assert (result.status, result.attempts) == ("failed", 2)
    assert result.detail.startswith("gave up after 2 attempts: network error:")


def test_one_failing_source_does_not_stop_the_others(server: Server, exports: Path) -> None:
    server.routes["/a.csv"] = send_file(b"a\n")
    server.routes["/c.csv"] = send_file(b"c\n")
    sources = [
        Source(name="a", url=server.url("/a.csv"), path="a.posts.csv"),
        Source(name="b", url=server.url("/b.csv"), path="b.posts.csv"),
        Source(name="c", url=server.url("/c.csv"), path="c.posts.csv"),
    ]
    results = fetch_all(sources, exports, **FAST)
    assert [(r.name, r.status) for r in results] == [
        ("a", "downloaded"),
        ("b", "failed"),
        ("c", "downloaded"),
    ]
    assert (exports / "a.posts.csv").read_bytes() == b"a\n"
    assert (exports / "c.posts.csv").read_bytes() == b"c\n"
    assert not (exports / "b.posts.csv").exists()


# --- headers ------------------------------------------------------------------------------


def test_header_from_environment_reaches_the_server(
    server: Server, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRAGE_TEST_TOKEN", "Bearer tok-123")
    server.routes["/a.csv"] = send_file()
    src = source(server.url("/a.csv"), headers={"Authorization": {"env": "VIRAGE_TEST_TOKEN"}})
    result = fetch_source(src, exports, **FAST)
    assert result.status == "downloaded"
    assert server.headers("/a.csv", "Authorization") == ["Bearer tok-123"]
    assert "tok-123" not in repr(result)
    assert "tok-123" not in (exports / ".fetch/state.json").read_text()


def test_missing_environment_variable_fails_without_a_request(
    server: Server, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VIRAGE_TEST_TOKEN", raising=False)
    server.routes["/a.csv"] = send_file()
    src = source(server.url("/a.csv"), headers={"Authorization": {"env": "VIRAGE_TEST_TOKEN"}})
    result = fetch_source(src, exports, **FAST)
    assert (result.status, result.attempts) == ("failed", 0)
    assert result.detail == "environment variable VIRAGE_TEST_TOKEN is not set"
    assert server.hits["/a.csv"] == 0


def test_configured_headers_do_not_follow_a_redirect_to_another_origin(
    server: Server, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRAGE_TEST_KEY", "key-456")
    with serve() as other:
        other.routes["/a.csv"] = send_file()
        server.routes["/a.csv"] = send_file()

        def redirect_to(url: str) -> Route:
            def route(h: BaseHTTPRequestHandler) -> None:
                h.send_response(302)
                h.send_header("Location", url)
                h.send_header("Content-Length", "0")
                h.end_headers()

            return route

        server.routes["/away"] = redirect_to(other.url("/a.csv"))
        server.routes["/here"] = redirect_to("/a.csv")
        headers = {"X-Api-Key": {"env": "VIRAGE_TEST_KEY"}}

        away = fetch_source(source(server.url("/away"), headers=headers), exports, **FAST)
        here = fetch_source(
            source(server.url("/here"), path="same.csv", headers=headers), exports, **FAST
        )
        assert (away.status, here.status) == ("downloaded", "downloaded")
        assert server.headers("/away", "X-Api-Key") == ["key-456"]
        assert other.headers("/a.csv", "X-Api-Key") == [None]
        assert server.headers("/a.csv", "X-Api-Key") == ["key-456"]


def test_header_from_prefect_secret_reaches_the_server(
    prefect_api_url: str, server: Server, exports: Path
) -> None:
    from prefect.blocks.system import Secret

    Secret(value="s3cret").save("test-token", overwrite=True)
    server.routes["/a.csv"] = send_file()
    src = source(server.url("/a.csv"), headers={"X-Api-Key": {"secret": "test-token"}})
    result = fetch_source(src, exports, **FAST)
    assert result.status == "downloaded"
    assert server.headers("/a.csv", "X-Api-Key") == ["s3cret"]
    assert "s3cret" not in repr(result)

    missing = source(server.url("/a.csv"), headers={"X-Api-Key": {"secret": "no-such-block"}})
    failed = fetch_source(missing, exports, **FAST)
    assert (failed.status, failed.attempts) == ("failed", 0)
    assert failed.detail.startswith("Prefect Secret block 'no-such-block' could not be loaded")
    assert server.hits["/a.csv"] == 1


# --- retry timing rules (pure functions) ---------------------------------------------------


def test_retry_after_seconds_and_http_date() -> None:
    now = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=30), usegmt=True)
    assert _retry_after("7", now) == 7.0
    assert _retry_after(later, now) == 30.0
    assert _retry_after("Tue, 01 Jan 2002 00:00:00 GMT", now) == 0.0  # in the past
    assert _retry_after("soon", now) is None
    assert _retry_after(None, now) is None


def test_delay_is_capped_and_jittered() -> None:
    for attempt in range(1, 8):
        ceiling = min(10.0, 1.0 * 2 ** (attempt - 1))
        assert ceiling / 2 <= _delay(attempt, 1.0, 10.0, None) <= ceiling
    assert _delay(1, 1.0, 10.0, retry_after=120) == 10.0  # Retry-After capped at max_delay
    assert _delay(1, 1.0, 10.0, retry_after=3) == 3.0


# --- sources.yaml -------------------------------------------------------------------------


def write_sources(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_read_sources_parses_a_valid_file(tmp_path: Path) -> None:
    digest = "AB" * 32
    landing = write_sources(
        tmp_path,
        f"""
sources:
  - name: alice-x-archive
    url: https://example.com/exports/alice.zip
    path: x/alice/archive.zip
    headers:
      Authorization: {{env: ALICE_TOKEN}}
      X-Api-Key: {{secret: alice-api-key}}
    sha256: "{digest}"
    size: 12345
  - name: bob.linkedin
    url: http://example.com/bob.posts.csv
    path: bob.posts.csv
""",
    )
    first, second = read_sources(landing)
    assert (first.name, first.path, first.size) == ("alice-x-archive", "x/alice/archive.zip", 12345)
    assert first.sha256 == digest.lower()
    assert first.headers["Authorization"].env == "ALICE_TOKEN"
    assert first.headers["X-Api-Key"].secret == "alice-api-key"
    assert (second.name, second.headers, second.sha256, second.size) == (
        "bob.linkedin",
        {},
        None,
        None,
    )


def test_read_sources_without_a_file_is_empty(tmp_path: Path) -> None:
    assert read_sources(tmp_path) == []


def test_literal_header_value_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    landing = write_sources(
        tmp_path,
        """
sources:
  - name: alice
    url: https://example.com/a.csv
    path: a.csv
    headers:
      Authorization: Bearer hunter2
""",
    )
    with pytest.raises(ConfigError) as caught:
        read_sources(landing)
    message = str(caught.value)
    assert str(landing / "sources.yaml") in message
    assert "source #1 (alice)" in message
    assert "use {env: NAME} or {secret: block-name}" in message
    assert "hunter2" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("path: ../outside.csv", "must stay inside exports/"),
        ("path: x/../../outside.csv", "must stay inside exports/"),
        ("path: /etc/passwd", "must be relative to exports/, not absolute"),
        ('path: ""', "path: must not be empty"),
        ("path: .fetch/state.json", "the pipeline ignores hidden files"),
        ("path: a.csv\n    url2: x", "url2: Extra inputs are not permitted"),
        ("path: a.csv\n    headers: {X-Key: {env: A, secret: b}}", "exactly one of"),
        ("path: a.csv\n    sha256: abc", "sha256: must be 64 hexadecimal"),
        ("path: a.csv\n    size: -1", "size: Input should be greater than or equal to 0"),
    ],
)
def test_invalid_source_is_rejected(tmp_path: Path, entry: str, problem: str) -> None:
    landing = write_sources(
        tmp_path, f"sources:\n  - name: s\n    url: https://example.com/a\n    {entry}\n"
    )
    with pytest.raises(ConfigError, match=r"sources\.yaml: source #1 \(s\): ") as caught:
        read_sources(landing)
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/a.csv", "must be an http:// or https:// URL"),
        ("https://user:pw@example.com/a.csv", "must not contain user:password@"),
    ],
)
def test_non_http_url_is_rejected(tmp_path: Path, url: str, problem: str) -> None:
    landing = write_sources(tmp_path, f"sources:\n  - {{name: s, url: '{url}', path: a.csv}}\n")
    with pytest.raises(ConfigError, match="url: ") as caught:
        read_sources(landing)
    assert problem in str(caught.value)
    assert "pw@" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "sources:\n  - {name: a, url: 'https://e.com/1', path: one.csv}\n"
            "  - {name: a, url: 'https://e.com/2', path: two.csv}\n",
            "source name(s) used twice: a",
        ),
        (
            "sources:\n  - {name: a, url: 'https://e.com/1', path: same.csv}\n"
            "  - {name: b, url: 'https://e.com/2', path: ./same.csv}\n",
            "destination path(s) used twice: same.csv",
        ),
        ("sources: {name: a}\n", "'sources:' must be a list"),
        ("campaigns: []\n", "must have one top-level key, 'sources:'"),
        ("sources: [\n", "is not valid YAML"),
    ],
)
def test_invalid_file_is_rejected(tmp_path: Path, text: str, problem: str) -> None:
    landing = write_sources(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_sources(landing)
    assert problem in str(caught.value)
    assert "sources.yaml" in str(caught.value)
