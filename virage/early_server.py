"""Prefect's temporary server, started while a run is still getting ready.

Without PREFECT_API_URL, Prefect starts a temporary server when the first flow
begins, then waits for it to answer: about 3 s of a new process booting on our
2-core machine, during which the run does nothing. `virage run` starts it in the
background instead, right after its fail-fast checks, and imports the flow and Great
Expectations meanwhile; the flow then finds the server up (Prefect keeps one per
process). The server is the same one Prefect would start, stopped the same way when
the process ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def start_in_background() -> Callable[[], None]:
    """Start Prefect's temporary server in a background thread when this process will
    need one; returns a function that waits until it answers. Nothing is started when
    a Prefect server is configured. A server that fails to start here is started
    again, with Prefect's own error, by the flow."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return lambda: None
    # Imported here, in the calling thread: two threads importing at once can
    # deadlock on import locks. The thread only starts a process and polls it.
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the one Prefect's client will use

    def start() -> None:
        try:
            server.start()
        except Exception as exc:  # the flow starts it again and reports its error
            log.debug("temporary Prefect server not started early: %s", exc)

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    thread.start()
    return thread.join
