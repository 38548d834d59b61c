"""Download export files listed in the landing zone's sources.yaml into exports/.

Each source is fetched over HTTP(S) with httpx and streamed to a temporary file under
`exports/.fetch/tmp/` (same filesystem, hidden from discovery) while being hashed. The
byte count is checked against Content-Length and the optional `size`, the SHA-256
against the optional `sha256`; only then is the file moved into place with os.replace,
so the pipeline never sees a partial file and a failed download leaves the previous
copy untouched. Timeouts, connection errors, truncated bodies, failed checks, HTTP 5xx
and 429 are retried with exponential backoff and jitter (Retry-After is honoured); any
other HTTP error fails at once. ETag and Last-Modified are kept in
`exports/.fetch/state.json` so the next fetch is conditional and a 304 costs nothing.
Header values come from environment variables or Prefect Secret blocks, never from the
file, and never appear in results or logs.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import logging
import os
import random
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from virage.errors import ConfigError

logger = logging.getLogger(__name__)

SOURCES_FILE = "sources.yaml"
FETCH_DIR = ".fetch"
STATE_FILE = "state.json"
MAX_REDIRECTS = 10

# Header names are HTTP tokens (RFC 9110 section 5.6.2).
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Visible ASCII, spaces and tabs: anything else httpx rejects with the value in the message.
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]+")
# Headers fetch_source sets itself: a configured one would silently fight it.
_MANAGED_HEADERS = {"if-none-match", "if-modified-since", "accept-encoding", "host", "range"}
_RETRYABLE_STATUS = {429, 500, 502, 503, 504} | set(range(505, 600))
_RETRY_AFTER_STATUS = {429, 503}

Status = Literal["downloaded", "not_modified", "failed"]


class HeaderRef(BaseModel):
    """Where a header's value comes from: exactly one of `env` or `secret`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    secret: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")

    @model_validator(mode="after")
    def _exactly_one(self) -> HeaderRef:
        if (self.env is None) == (self.secret is None):
            raise ValueError("give exactly one of {env: NAME} or {secret: block-name}")
        return self

    def describe(self) -> str:
        return (
            f"environment variable {self.env}"
            if self.env is not None
            else f"Prefect Secret block '{self.secret}'"
        )


class Source(BaseModel):
    """One entry of sources.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=100)
    url: str
    path: str
    headers: dict[str, HeaderRef] = Field(default_factory=dict)
    sha256: str | None = None
    size: int | None = Field(default=None, ge=0, strict=True)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            url = httpx.URL(value)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"not a valid URL ({exc})") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("must be an http:// or https:// URL with a host")
        if url.userinfo:
            # Credentials in the URL would be a literal secret in the file.
            raise ValueError("must not contain user:password@; use headers with {env: ...}")
        return value

    @field_validator("path")
    @classmethod
    def _inside_exports(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if "\\" in value:
            raise ValueError("use forward slashes")
        path = PurePosixPath(value)
        if path.is_absolute():
            raise ValueError("must be relative to exports/, not absolute")
        if ".." in path.parts:
            raise ValueError("must stay inside exports/ ('..' is not allowed)")
        if any(part.startswith(".") for part in path.parts):
            # Discovery skips hidden names, and .fetch/ holds our own state.
            raise ValueError("no part may start with '.': the pipeline ignores hidden files")
        return path.as_posix()

    @field_validator("headers", mode="before")
    @classmethod
    def _no_literal_values(cls, value: object) -> object:
        if isinstance(value, dict):
            for name, ref in value.items():
                if not isinstance(ref, dict):
                    raise ValueError(
                        f"header {name}: literal values are not allowed; "
                        "use {env: NAME} or {secret: block-name}"
                    )
        return value

    @field_validator("headers")
    @classmethod
    def _header_names(cls, value: dict[str, HeaderRef]) -> dict[str, HeaderRef]:
        seen: set[str] = set()
        for name in value:
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid header name")
            if name.lower() in _MANAGED_HEADERS:
                raise ValueError(f"header {name} is set by the fetcher itself")
            if name.lower() in seen:
                raise ValueError(f"header {name} is given twice")
            seen.add(name.lower())
        return value

    @field_validator("sha256")
    @classmethod
    def _hex_digest(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", value):
            raise ValueError("must be 64 hexadecimal characters")
        return value.lower() if value else value


@dataclass
class FetchResult:
    """What happened to one source. `bytes` and `sha256` describe the file now at the
    destination: the new download, the kept copy (not_modified), or nothing (failed)."""

    name: str
    url: str
    path: str
    status: Status
    attempts: int
    bytes: int
    sha256: str | None
    detail: str


def read_sources(landing_root: Path) -> list[Source]:
    """The sources of `<landing_root>/sources.yaml`; [] when there is no such file.
    Raises ConfigError with one line naming the file and the problem."""
    path = Path(landing_root) / SOURCES_FILE
    if not path.is_file():
        return []
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid YAML: {_one_line(exc)}") from None
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) - {"sources"}:
        raise ConfigError(f"{path} must have one top-level key, 'sources:', holding a list")
    items = document.get("sources") or []
    if not isinstance(items, list):
        raise ConfigError(f"{path}: 'sources:' must be a list of sources")
    sources = []
    for number, item in enumerate(items, start=1):
        label = f"source #{number}" + (
            f" ({item.get('name')})" if isinstance(item, dict) and item.get("name") else ""
        )
        try:
            sources.append(Source.model_validate(item))
        except ValidationError as exc:
            # Only loc and msg: the input may be a header value that must not be echoed.
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'source'}: "
                + e["msg"].removeprefix("Value error, ")
                for e in exc.errors()
            )
            # One line even when a YAML key or name holds a line break.
            raise ConfigError(" ".join(f"{path}: {label}: {problems}".split())) from None
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{path}: source name(s) used twice: {', '.join(twice)}")
    paths = [s.path for s in sources]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise ConfigError(f"{path}: destination path(s) used twice: {', '.join(twice)}")
    for inner in paths:
        for outer in paths:
            if inner.startswith(outer + "/"):
                raise ConfigError(f"{path}: path {outer} is a file but also a folder of {inner}")
    return sources


def fetch_source(
    source: Source,
    exports_dir: Path,
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    max_delay: float = 60.0,
    timeout: float = 30.0,
    client: httpx.Client | None = None,
) -> FetchResult:
    """Download one source into `exports_dir/<source.path>`, atomically and verified.
    Network, HTTP and verification problems give status "failed"; never raises for them.
    `timeout` bounds each network wait (connect, each read), not the whole download."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    exports_dir = Path(exports_dir)

    def result(
        status: Status, tries: int, detail: str, size: int = 0, digest: str | None = None
    ) -> FetchResult:
        return FetchResult(
            source.name, source.url, source.path, status, tries, size, digest, detail
        )

    headers, problem = _resolve_headers(source)
    if problem:
        return result("failed", 0, problem)
    destination = exports_dir / source.path
    try:
        tmp_dir = exports_dir / FETCH_DIR / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        # A symlinked folder under exports/ must not carry the file elsewhere.
        if not destination.parent.resolve().is_relative_to(exports_dir.resolve()):
            return result("failed", 0, f"{source.path} leads outside {exports_dir}")
    except OSError as exc:
        return result("failed", 0, f"cannot prepare {exports_dir}: {_one_line(exc)}")

    previous = _load_state(exports_dir).get(source.name)
    conditional = _conditional_headers(source, destination, previous)
    own_client = client is None
    if client is None:
        client = httpx.Client(timeout=timeout)
    try:
        for attempt in range(1, attempts + 1):
            outcome = _attempt(client, source, headers, conditional, destination, tmp_dir, timeout)
            if outcome.status == "downloaded":
                _remember(exports_dir, source, outcome)
                return result("downloaded", attempt, outcome.detail, outcome.size, outcome.digest)
            if outcome.status == "not_modified":
                return result(
                    "not_modified",
                    attempt,
                    outcome.detail,
                    (previous or {}).get("bytes", 0),
                    (previous or {}).get("sha256"),
                )
            if not outcome.retry:
                return result("failed", attempt, outcome.detail)
            if attempt == attempts:
                plural = "attempt" if attempts == 1 else "attempts"
                return result(
                    "failed", attempt, f"gave up after {attempt} {plural}: {outcome.detail}"
                )
            delay = _delay(attempt, backoff, max_delay, outcome.retry_after)
            logger.warning(
                "%s: attempt %d of %d failed (%s); retrying in %.2f s",
                source.name,
                attempt,
                attempts,
                outcome.detail,
                delay,
            )
            time.sleep(delay)
    finally:
        if own_client:
            client.close()
    raise AssertionError("unreachable: the loop returns on its last attempt")


SETTINGS: dict[str, tuple[str, type, float]] = {
    "attempts": ("VIRAGE_FETCH_ATTEMPTS", int, 4),
    "backoff": ("VIRAGE_FETCH_BACKOFF", float, 1.0),
    "max_delay": ("VIRAGE_FETCH_MAX_DELAY", float, 60.0),
    "timeout": ("VIRAGE_FETCH_TIMEOUT", float, 30.0),
}
"""fetch_source's retry and timeout settings, by keyword: the environment variable
that sets it, its type and its default."""


def settings_from_env() -> dict[str, Any]:
    """fetch_source's settings from the environment (SETTINGS); a value that is not a
    positive number is logged and the default used, so that a typo cannot stop the
    night's downloads."""
    chosen: dict[str, Any] = {}
    for keyword, (variable, kind, default) in SETTINGS.items():
        given = os.environ.get(variable, "").strip()
        try:
            value = kind(given) if given else kind(default)
        except ValueError:
            value = kind(0)
        if not value > 0 or value != value or value == float("inf"):
            logger.warning("%s=%r is not a positive number; using %s", variable, given, default)
            value = kind(default)
        chosen[keyword] = value
    return chosen


def fetch_all(sources: Iterable[Source], exports_dir: Path, **kwargs: Any) -> list[FetchResult]:
    """Fetch each source in turn (sharing one connection pool); one failing source never
    stops the others. Keyword arguments go to fetch_source; those not given come from
    the environment (settings_from_env)."""
    kwargs = {**settings_from_env(), **kwargs}
    results = []
    own_client = "client" not in kwargs
    if own_client:
        kwargs["client"] = httpx.Client(timeout=kwargs.get("timeout", 30.0))
    try:
        for source in sources:
            try:
                results.append(fetch_source(source, exports_dir, **kwargs))
            except Exception as exc:
                # A bug for one source is logged with its traceback; the rest still run.
                logger.exception("%s: unexpected error while fetching", source.name)
                results.append(
                    FetchResult(
                        source.name,
                        source.url,
                        source.path,
                        "failed",
                        0,
                        0,
                        None,
                        f"unexpected error: {type(exc).__name__}: {_one_line(exc)}",
                    )
                )
    finally:
        if own_client:
            kwargs["client"].close()
    return results


@dataclass
class _Outcome:
    status: Status
    detail: str
    retry: bool = False
    retry_after: float | None = None
    size: int = 0
    digest: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def _resolve_headers(source: Source) -> tuple[dict[str, str], str | None]:
    """The configured headers with their values, or a problem (naming the variable or
    block, never the value)."""
    resolved: dict[str, str] = {}
    for name, ref in source.headers.items():
        if ref.env is not None:
            value = os.environ.get(ref.env)
            if value is None:
                return {}, f"environment variable {ref.env} is not set"
        else:
            value, problem = _secret_value(ref.secret or "")
            if problem:
                return {}, problem
        if not value:
            return {}, f"{ref.describe()} is empty"
        # httpx's own error for a bad value would quote the value itself.
        if not _HEADER_VALUE.fullmatch(value):
            return {}, f"{ref.describe()} holds characters not allowed in an HTTP header"
        resolved[name] = value
    return resolved, None


def _secret_value(block: str) -> tuple[str, str | None]:
    try:
        # Imported here: reading sources.yaml and plain fetches need no Prefect.
        from prefect.blocks.system import Secret

        secret = Secret.load(block)
        value = secret.get()
    except Exception as exc:
        return "", f"Prefect Secret block '{block}' could not be loaded: {_one_line(exc)}"
    if not isinstance(value, str):
        # Secret.get() parses JSON, so a token like "12345" comes back as a number.
        raw = secret.value.get_secret_value()
        if not isinstance(raw, str):
            return "", f"Prefect Secret block '{block}' does not hold a string"
        value = raw
    return value, None


def _conditional_headers(
    source: Source, destination: Path, previous: dict[str, Any] | None
) -> dict[str, str]:
    """If-None-Match / If-Modified-Since, only when the file we saved is still there and
    still what this source describes; otherwise a 304 would keep the wrong file."""
    if not previous or previous.get("url") != source.url or previous.get("path") != source.path:
        return {}
    try:
        if destination.stat().st_size != previous.get("bytes"):
            return {}
    except OSError:
        return {}
    if source.sha256 and previous.get("sha256") != source.sha256:
        return {}
    if source.size is not None and previous.get("bytes") != source.size:
        return {}
    headers = {}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    return headers


def _attempt(
    client: httpx.Client,
    source: Source,
    headers: dict[str, str],
    conditional: dict[str, str],
    destination: Path,
    tmp_dir: Path,
    timeout: float,
) -> _Outcome:
    """One request and, on 200, one verified download moved into place."""
    # identity: the file must arrive as the server stores it, so that size and
    # sha256 describe the saved bytes and Content-Length can be checked.
    request = client.build_request(
        "GET",
        source.url,
        headers={**headers, **conditional, "Accept-Encoding": "identity"},
        timeout=timeout,
    )
    tmp: Path | None = None
    try:
        response = _send(client, request, set(headers))
        try:
            if response.status_code == 304 and conditional:
                return _Outcome("not_modified", "not modified since the last download")
            if response.status_code == 304:
                return _Outcome("failed", "HTTP 304 to an unconditional request: not retried")
            if response.status_code != 200:
                return _status_outcome(response)
            tmp = tmp_dir / f"{source.name}.{secrets.token_hex(6)}.part"
            written, digest = _stream_to(response, tmp)
            expected = response.headers.get("Content-Length")
            if expected and expected.isdigit() and response.num_bytes_downloaded != int(expected):
                return _Outcome(
                    "failed",
                    f"body truncated: got {response.num_bytes_downloaded} of {expected} bytes",
                    retry=True,
                )
            if source.size is not None and written != source.size:
                return _Outcome(
                    "failed",
                    f"size mismatch: expected {source.size} bytes, got {written}",
                    retry=True,
                )
            if source.sha256 and digest != source.sha256:
                return _Outcome(
                    "failed",
                    f"checksum mismatch: expected {source.sha256}, got {digest}",
                    retry=True,
                )
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, destination)
            tmp = None
            return _Outcome(
                "downloaded",
                f"downloaded {written} bytes",
                size=written,
                digest=digest,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
        finally:
            response.close()
    except httpx.TimeoutException as exc:
        return _Outcome("failed", _timeout_reason(exc), retry=True)
    except httpx.RemoteProtocolError as exc:
        # h11 raises this when the server closes before Content-Length bytes arrived.
        return _Outcome("failed", f"connection closed early: {_one_line(exc)}", retry=True)
    except (httpx.NetworkError, httpx.ProxyError, httpx.DecodingError) as exc:
        reason = _one_line(exc) or type(exc).__name__
        return _Outcome("failed", f"network error: {reason}", retry=True)
    except httpx.HTTPError as exc:
        # Unsupported scheme after a redirect, too many redirects, a malformed request.
        return _Outcome("failed", f"{type(exc).__name__}: {_one_line(exc)}: not retried")
    except OSError as exc:
        return _Outcome("failed", f"cannot write {destination}: {_one_line(exc)}")
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _send(client: httpx.Client, request: httpx.Request, secret_names: set[str]) -> httpx.Response:
    """Send with redirects followed by hand: httpx drops only Authorization when a
    redirect leaves the origin, we drop every configured header."""
    origin = _origin(request.url)
    for _ in range(MAX_REDIRECTS + 1):
        response = client.send(request, stream=True, follow_redirects=False)
        if response.next_request is None:
            return response
        response.close()
        request = response.next_request
        if _origin(request.url) != origin:
            for name in secret_names:
                request.headers.pop(name, None)
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _stream_to(response: httpx.Response, tmp: Path) -> tuple[int, str]:
    """Write the body to `tmp`, hashing on the way; (bytes written, sha256 hex)."""
    sha = hashlib.sha256()
    written = 0
    # O_EXCL: never reuse someone else's file; 0o666 lets the umask decide, as for any
    # file the user creates (a temp file's 0o600 would follow it into exports/).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with open(fd, "wb") as handle:
        for chunk in response.iter_bytes(chunk_size=1 << 16):
            handle.write(chunk)
            sha.update(chunk)
            written += len(chunk)
        handle.flush()
        # On disk before the rename, so a crash cannot leave an empty file in its place.
        os.fsync(handle.fileno())
    return written, sha.hexdigest()


def _status_outcome(response: httpx.Response) -> _Outcome:
    code = response.status_code
    label = f"HTTP {code} {response.reason_phrase}".strip()
    if code in _RETRYABLE_STATUS:
        wait = None
        if code in _RETRY_AFTER_STATUS:
            wait = _retry_after(response.headers.get("Retry-After"))
        return _Outcome("failed", label, retry=True, retry_after=wait)
    if 300 <= code < 400:
        return _Outcome("failed", f"{label} without a usable Location: not retried")
    if code < 300:
        return _Outcome("failed", f"{label}: expected 200 with the file: not retried")
    return _Outcome("failed", f"{label}: not retried")


def _retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _delay(attempt: int, backoff: float, max_delay: float, retry_after: float | None) -> float:
    """Retry-After when the server gave one (capped), else exponential backoff with
    equal jitter: between half and all of min(max_delay, backoff * 2**(attempt-1))."""
    if retry_after is not None:
        return min(max_delay, retry_after)
    ceiling = min(max_delay, backoff * 2 ** (attempt - 1))
    # Jitter spreads retries of many clients apart; the floor keeps each wait real.
    return random.uniform(ceiling / 2, ceiling)


def _timeout_reason(exc: httpx.TimeoutException) -> str:
    kind = {
        httpx.ConnectTimeout: "connect",
        httpx.ReadTimeout: "read",
        httpx.WriteTimeout: "write",
        httpx.PoolTimeout: "connection pool",
    }.get(type(exc), "request")
    return f"{kind} timed out"


# One lock for state.json: fetch_source may run in several threads of one process.
_STATE_LOCK = threading.Lock()


def _state_path(exports_dir: Path) -> Path:
    return exports_dir / FETCH_DIR / STATE_FILE


def _load_state(exports_dir: Path) -> dict[str, dict[str, Any]]:
    path = _state_path(exports_dir)
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Only an optimisation: without it every source is downloaded again.
        logger.warning("ignoring unreadable %s: %s", path, _one_line(exc))
        return {}
    sources = state.get("sources") if isinstance(state, dict) else None
    return sources if isinstance(sources, dict) else {}


def _remember(exports_dir: Path, source: Source, outcome: _Outcome) -> None:
    """Record what was saved, for the next conditional request; atomic via os.replace."""
    path = _state_path(exports_dir)
    with _STATE_LOCK:
        state = _load_state(exports_dir)
        state[source.name] = {
            "url": source.url,
            "path": source.path,
            "etag": outcome.etag,
            "last_modified": outcome.last_modified,
            "sha256": outcome.digest,
            "bytes": outcome.size,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        tmp = path.with_name(f"{STATE_FILE}.{secrets.token_hex(6)}.tmp")
        try:
            tmp.write_text(
                json.dumps({"version": 1, "sources": state}, indent=2, sort_keys=True),
                encoding="utf-8",
            )
            os.replace(tmp, path)
        except OSError as exc:
            # The file itself is in place; losing the state only costs a re-download.
            logger.warning("could not write %s: %s", path, _one_line(exc))
            tmp.unlink(missing_ok=True)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
