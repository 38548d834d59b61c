"""Work done beside a run, at a lower priority than the run itself.

A run's start on our 2-core machine has more to do than two cores: the run imports
Prefect and Great Expectations (one core) while Prefect's temporary server boots
(virage/early_server.py) and the warehouse's scoring window is read and folded
(virage/arrow_read.py). At a lower priority, the read and the fold take what the
run leaves, and are done before the run needs them all the same (1M-post
incremental night: 16.2 s instead of 16.6). Not the server: the run waits on each of
its answers, and a server at a lower priority made the night 1 s slower.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

BESIDE_THE_RUN = 10
"""Niceness added to helpers (0 to 19; higher yields more)."""


def run_beside(pid: int | None = None) -> None:
    """Lower the priority of process `pid`, or else of the calling thread (Linux
    gives each thread its own). Nothing where the system has no such thing."""
    if not hasattr(os, "setpriority"):
        return
    if pid is None:
        if not sys.platform.startswith("linux"):  # elsewhere it would be the process's
            return
        pid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + BESIDE_THE_RUN)
    except OSError as exc:  # already gone, or not ours
        log.debug("priority of %d not lowered: %s", pid, exc)
