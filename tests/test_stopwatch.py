"""The stage clock of a run."""

from __future__ import annotations

import time

from virage.stopwatch import Stopwatch


def test_laps_add_up_per_stage_and_inner_seconds_move_to_their_stage():
    clock = Stopwatch()
    time.sleep(0.02)
    clock.lap("parse")
    time.sleep(0.02)
    clock.lap("score")
    time.sleep(0.01)
    clock.lap("parse")
    time.sleep(0.03)
    clock.lap("publish", within={"load": 0.02})
    seconds = clock.rounded()
    assert list(seconds) == ["parse", "score", "load", "publish"]  # in STAGES' order
    assert seconds["parse"] >= 0.03 and seconds["score"] >= 0.02
    assert seconds["load"] == 0.02 and seconds["publish"] >= 0.01
