"""Prefect's temporary server, started while a run is still getting ready.

Without PREFECT_API_URL, Prefect starts a temporary server when the first flow
begins, then waits for it to answer: about 3 s of a new process booting on our
2-core machine, during which the run does nothing, and 2.5 s more in the run's own
process to import the server's modules (its FastAPI application, its database
models) only to start that process. `virage run` starts the same server itself, in
the background, right after its fail-fast checks: the same application
(prefect.server.api.server:create_app under uvicorn, as Prefect runs it, with the
environment Prefect gives it), the same database under PREFECT_HOME. The run imports
the flow and Great Expectations meanwhile, then points Prefect at the server for the
length of the run (PREFECT_API_URL); the server stops when the process ends, as
Prefect's would. A server that does not start is left to Prefect: the run then
starts its own, as it would have.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 5


class TemporaryServer:
    """A Prefect server in a child process, for this process's flows only."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(Path(importlib.util.find_spec("prefect").origin).parent.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={
                **os.environ,
                **_settings_of_this_process(),
                # What Prefect sets for its own temporary server: no UI, and the
                # server knows it is temporary (it migrates its database itself).
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
            },
        )

    def wait_until_ready(self, timeout: float) -> bool:
        """Whether the server answers within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with httpx.Client() as client:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if client.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _settings_of_this_process() -> dict[str, str]:
    """Prefect's settings as this process set them, when Prefect is imported already
    (as Prefect passes them to its own server); else none: the server reads the
    environment, the profile and the settings files just as this process would."""
    if "prefect" not in sys.modules:  # not imported for this: it takes a second
        return {}
    from prefect.settings import get_current_settings

    return get_current_settings().to_environment_variables(exclude_unset=True)


def _configured_already() -> bool:
    """Whether this process, having imported Prefect already, has a server to talk to
    or wants none (a test harness, a run started from Python)."""
    if "prefect" not in sys.modules:
        return False
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return bool(PREFECT_API_URL.value()) or not PREFECT_SERVER_EPHEMERAL_ENABLED.value()


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_started: TemporaryServer | None = None
"""This process's server: one per process, as Prefect keeps its own."""


def start_before_checks() -> contextlib.AbstractContextManager[None] | None:
    """start_in_background, for a run that has not checked its configuration yet: only
    where Prefect's database is there already (a first run migrates it, which must not
    be cut short when a mistyped option ends the run at once) and the active profile
    names no server of its own (read from profiles.toml, Prefect not imported).
    None when it starts nothing: call start_in_background after the checks."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    custom_database = any(
        os.environ.get(f"PREFECT_{part}_DATABASE_CONNECTION_URL") for part in ("API", "SERVER")
    )
    if custom_database or not (home / "prefect.db").is_file() or _profile_names_a_server(home):
        return None
    return start_in_background()


def _profile_names_a_server(home: Path) -> bool:
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml")
    try:
        profiles = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return False
    except (OSError, tomllib.TOMLDecodeError):
        return True  # unsure: wait for Prefect's own reading of it
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return bool(profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))


def start_in_background() -> contextlib.AbstractContextManager[None]:
    """Start Prefect's temporary server when this process will need one, without
    importing Prefect: the server's boot (4 s on our machine) is the longest thing a
    run waits for before its flow starts, so it comes first. Entering the returned
    context waits for it, then points Prefect at it until exit. Nothing is started
    when PREFECT_API_URL is set; a server that Prefect's settings make useless (a
    server in the profile, ephemeral servers disabled) or that does not answer is
    stopped, and Prefect then does what it would have done. The server serves this
    process's later runs too, and stops when the process ends, after Prefect has sent
    it the run's last logs and events (they would be lost on a server stopped at the
    end of the flow)."""
    global _started
    if os.environ.get("PREFECT_API_URL") or _configured_already():
        return contextlib.nullcontext()  # the rest is checked on entering the context
    if _started is None or _started.process.poll() is not None:
        try:
            _started = TemporaryServer()
        except OSError as exc:
            log.debug("temporary Prefect server not started early: %s", exc)
            return contextlib.nullcontext()
        # Registered before Prefect's own exit handlers: it runs after them.
        atexit.register(_started.stop)
    return _serving(_started)


@contextlib.contextmanager
def _serving(server: TemporaryServer) -> Iterator[None]:
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    if _configured_already():
        server.stop()  # a server set in Prefect's profile, or none wanted: not ours
        yield
        return
    if not server.wait_until_ready(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()):
        log.debug("temporary Prefect server did not answer: Prefect starts its own")
        server.stop()
        yield
        return
    # Heartbeats tell a lasting server that a run is alive; this one stops with the
    # process. Sent none: the flow's end no longer waits up to 1 s for their thread.
    with temporary_settings(
        {PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    ):
        yield
