"""Wall time per stage of a run, for the run summary and `make bench`."""

from __future__ import annotations

import time

STAGES = ("discover", "parse", "validate", "score", "load", "publish", "report")
"""The stages a nightly run reports, in order (docs/performance.md says what each
covers)."""


class Stopwatch:
    """Adds the time since the previous lap to the stage named at each lap."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str, within: dict[str, float] | None = None) -> None:
        """`within`: seconds of this lap that belong to other stages (measured by the
        step itself, e.g. loading inside publishing)."""
        now = time.perf_counter()
        elapsed = now - self._last
        for inner, seconds in (within or {}).items():
            self.seconds[inner] = self.seconds.get(inner, 0.0) + seconds
            elapsed -= seconds
        self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed
        self._last = now

    def rounded(self) -> dict[str, float]:
        """Seconds per stage so far, in the order of STAGES, to the millisecond."""
        known = [s for s in STAGES if s in self.seconds]
        others = [s for s in self.seconds if s not in STAGES]
        return {s: round(self.seconds[s], 3) for s in known + others}
