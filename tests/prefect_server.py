"""One Prefect test server for every xdist worker of a test session.

`python -m tests.prefect_server FILE` starts the server of Prefect's own test harness
(`prefect_test_harness`: a temporary database, the server subprocess Prefect's tests
use), writes its API URL into FILE once it answers, and keeps it up until its standard
input closes: the test session (tests/conftest.py) holds the other end, so the server
stops when the session ends, however it ends.

Started once by the session's controller while the workers start, instead of once by
each worker when it meets its first flow test: a server costs about 10 s of a core to
start on a 2-core machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def main(url_file: Path) -> None:
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        written = url_file.with_suffix(".tmp")
        written.write_text(PREFECT_API_URL.value())
        written.replace(url_file)  # whole or not at all: readers poll for it
        sys.stdin.read()  # until the session closes its end


if __name__ == "__main__":
    main(Path(sys.argv[1]))
