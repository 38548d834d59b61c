"""Where a run's parsing and row checks execute: Prefect's default task runner (in the
run's own process), or a Dask cluster through prefect-dask's DaskTaskRunner, a local
one or one already running elsewhere. Scoring and publishing stay in the run's
process whatever the choice (see docs/performance.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import virage
from virage.errors import ConfigError

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

CHOICES = "default, dask (a local Dask cluster) or dask=ADDRESS (e.g. dask=tcp://host:8786)"
CONNECT_SECONDS = 10.0
"""How long to wait for a Dask scheduler to answer before giving up, unless
$VIRAGE_DASK_CONNECT_SECONDS says otherwise."""


def parse_choice(value: str) -> tuple[str, str | None]:
    """('default', None), ('dask', None) or ('dask', ADDRESS) from a --task-runner value."""
    kind, equals, address = value.strip().partition("=")
    kind, address = kind.strip().lower(), address.strip()
    if kind == "default" and not equals:
        return "default", None
    if kind == "dask" and (address or not equals):
        return "dask", address or None
    raise ConfigError(f"--task-runner {value!r}: expected {CHOICES}")


def task_runner(value: str, folders: list[str] | None = None) -> TaskRunner | None:
    """The task runner a --task-runner value asks for; None for Prefect's default. A
    scheduler address is checked first: it must answer (see CONNECT_SECONDS), and its
    workers must run this version of virage and see `folders` (the landing folder and
    the raw zone, where they exist here), since they read the files themselves. Every
    problem is a ConfigError of one line."""
    kind, address = parse_choice(value)
    if kind == "default":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise ConfigError(
            f"--task-runner dask needs the prefect-dask package ({exc}): "
            "pip install prefect-dask, or reinstall virage"
        ) from None
    if address is None:
        return DaskTaskRunner()
    check_cluster(address, folders)
    return DaskTaskRunner(address=address)


@contextmanager
def api_for_workers(runner: TaskRunner | None) -> Iterator[None]:
    """Let Dask workers report their task runs to this run's Prefect API. Without a
    configured server (PREFECT_API_URL), Prefect starts a temporary one inside each
    process that needs one: every worker would start its own (seconds each) and the
    run's batches would be missing from the run's history. So the temporary server is
    started here, before the flow, and its URL set for the flow, whose settings travel
    with each task to the workers."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        temporary_settings,
    )

    if runner is None or PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one Prefect would start for this process
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def check_cluster(address: str, folders: list[str] | None = None) -> int:
    """Connect to the Dask scheduler at `address` and check its workers; the number of
    workers. ConfigError when it does not answer, or a worker cannot run this run's
    batches."""
    import asyncio

    import distributed
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)  # a host and a port
    except ValueError as exc:
        raise ConfigError(f"--task-runner dask={address}: not a Dask address ({exc})") from None
    try:
        seconds = float(os.environ.get("VIRAGE_DASK_CONNECT_SECONDS") or CONNECT_SECONDS)
    except ValueError:
        raise ConfigError("VIRAGE_DASK_CONNECT_SECONDS must be a number of seconds") from None
    # A bare connection and Dask's handshake first: a Client that fails half-way
    # leaves a thread trying to close it for another 20 s.
    try:
        asyncio.run(_handshake(address, seconds))
    except (OSError, TimeoutError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {first}") from None
    except Exception as exc:  # something answered, in another protocol
        raise ConfigError(
            f"cannot reach the Dask scheduler at {address}: what answers there is not a "
            f"Dask scheduler ({type(exc).__name__})"
        ) from None
    try:
        client = distributed.Client(address, timeout=seconds, set_as_default=False)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {first}") from None
    here = [f for f in folders or [] if os.path.isdir(f)]
    with client:
        found = client.run(_worker_probe(here))
    for worker, (version, unseen) in sorted(found.items()):
        if version != virage.__version__:
            raise ConfigError(
                f"the Dask worker {worker} runs virage {version or '(not installed)'}, this run "
                f"{virage.__version__}: install the same virage on every worker"
            )
        if unseen:
            raise ConfigError(
                f"the Dask worker {worker} does not see {unseen[0]}: workers read the "
                "landing files themselves, so mount it there at the same path"
            )
    return len(found)


async def _handshake(address: str, seconds: float) -> None:
    from distributed.comm import connect

    comm = await connect(address, timeout=seconds)
    await comm.close()


def _worker_probe(folders: list[str]):
    """A function for the workers (defined inside, so that it travels by value and runs
    where virage is missing): their virage version and the `folders` they do not see."""

    def probe() -> tuple[str | None, list[str]]:
        import os

        try:
            import virage as there
        except ImportError:
            return None, []
        return there.__version__, [f for f in folders if not os.path.isdir(f)]

    return probe
