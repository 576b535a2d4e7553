"""Timing helpers shared by the benchmarks: saylau and a peer measured in turns on one core.

Each side's per-call time is the minimum over repeated samples; a sample runs enough calls to
last about ``sample_seconds`` with garbage collection paused (as ``timeit`` does). The two
sides take turns, alternating which goes first, so that a noisy machine hits both alike.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def calls_per_sample(call: Callable[[], object], seconds: float) -> int:
    """How many calls make one timed sample last about ``seconds``."""
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, int(seconds / once))


def time_sample(call: Callable[[], object], calls: int) -> float:
    """Seconds per call over ``calls`` calls, garbage collection paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            call()
        return (time.perf_counter() - start) / calls
    finally:
        if enabled:
            gc.enable()


def interleaved(
    ours: Callable[[], object],
    theirs: Callable[[], object],
    repeats: int,
    sample_seconds: float,
) -> tuple[float, float]:
    """The minimum per-call time of each, measured in turns."""
    our_calls = calls_per_sample(ours, sample_seconds)
    their_calls = calls_per_sample(theirs, sample_seconds)
    best_ours = best_theirs = float("inf")
    for turn in range(repeats):
        pair = [(ours, our_calls, True), (theirs, their_calls, False)]
        for call, calls, mine in pair if turn % 2 == 0 else reversed(pair):
            took = time_sample(call, calls)
            if mine:
                best_ours = min(best_ours, took)
            else:
                best_theirs = min(best_theirs, took)
    return best_ours, best_theirs
