"""Allocation benchmark: saylau against votelib 0.4.0, and the batch path's throughput.

Run:  .venv/bin/python benchmarks/allocation.py           (about a minute)
      .venv/bin/python benchmarks/allocation.py --quick   (a few seconds; a smoke test)

Single cases: per-call time, the minimum over repeats, saylau and votelib measured in turns
(alternating which goes first) so that a noisy machine hits both alike. Both must give the
same seats. Batch: exact allocations per second of ``allocate_batch`` over one matrix of vote
vectors, on one core. Timings are printed, never asserted.
"""

from __future__ import annotations

import os

# One core: no numpy operation used here is threaded, and none may become so.
for _variable in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from importlib.metadata import version  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import votelib.evaluate.proportional as votelib_proportional  # noqa: E402

from saylau.law.methods import DHONDT, HARE_LR, Method  # noqa: E402
from saylau.law.methods.batch import allocate_batch  # noqa: E402
from timing import interleaved  # noqa: E402

MAZHILIS_2023 = {
    "Amanat": 3_431_510,
    "Auyl": 693_938,
    "Respublica": 547_154,
    "Ak Zhol": 535_139,
    "QHP": 432_920,
    "OSDP": 331_058,
    "Baytaq": 146_431,
}
SINGLE_TARGET = 10.0
BATCH_TARGET = 1_000_000.0
SEED = 2023


@dataclass(frozen=True)
class Size:
    repeats: int
    sample_seconds: float
    many_lists: int
    many_seats: int
    batch_rows: int
    batch_repeats: int


FULL = Size(
    repeats=9,
    sample_seconds=0.05,
    many_lists=1000,
    many_seats=10_000,
    batch_rows=1_000_000,
    batch_repeats=5,
)
QUICK = Size(
    repeats=2,
    sample_seconds=0.005,
    many_lists=100,
    many_seats=1000,
    batch_rows=20_000,
    batch_repeats=1,
)


def duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.platform()}; {model}; {os.cpu_count()} CPU(s)"


def single_case(
    label: str,
    method: Method,
    votelib_evaluator: Any,
    votes: Mapping[str, int],
    seats: int,
    size: Size,
) -> tuple[str, str, str, str, str, str]:
    ours = method.allocate(votes, seats)
    theirs = votelib_evaluator.evaluate(dict(votes), seats)
    if not ours.is_final or any(ours.seats[name] != theirs.get(name, 0) for name in votes):
        raise SystemExit(f"{label}: saylau and votelib disagree: {ours.seats} vs {theirs}")
    our_time, their_time = interleaved(
        lambda: method.allocate(votes, seats),
        lambda: votelib_evaluator.evaluate(votes, seats),
        size.repeats,
        size.sample_seconds,
    )
    ratio = their_time / our_time
    met = "yes" if ratio >= SINGLE_TARGET else "NO"
    return (
        label,
        duration(our_time),
        duration(their_time),
        f"{ratio:.1f}x",
        f">= {SINGLE_TARGET:.0f}x",
        met,
    )


def batch_case(label: str, method: Method, votes: np.ndarray, seats: int, size: Size) -> list[str]:
    result = allocate_batch(method, votes, seats)  # warm up, and checked below
    rng = np.random.default_rng(SEED + 1)
    names = [str(i) for i in range(votes.shape[1])]
    sample = rng.choice(len(votes), size=min(len(votes), 300), replace=False)
    for row in sample.tolist():
        single = method.allocate(dict(zip(names, map(int, votes[row]), strict=True)), seats)
        if [single.seats[name] for name in names] != result.seats[row].tolist():
            raise SystemExit(f"{label}: batch row {row} differs from the single path")
    best = float("inf")
    for _ in range(size.batch_repeats):
        start = time.perf_counter()
        allocate_batch(method, votes, seats)
        best = min(best, time.perf_counter() - start)
    rate = len(votes) / best
    return [
        label,
        f"{len(votes):,}",
        duration(best),
        f"{rate:,.0f}/s",
        f">= {BATCH_TARGET:,.0f}/s",
        "yes" if rate >= BATCH_TARGET else "NO",
        f"{int(result.tied.sum())}",
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, ["-" * width for width in widths], *rows]
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    size = QUICK if parser.parse_args(argv).quick else FULL

    quick = " (--quick: a smoke test, figures not meaningful)" if size is QUICK else ""
    print(f"saylau allocation benchmark{quick}")
    print(f"python {platform.python_version()} ({platform.python_implementation()})")
    print(f"numpy {np.__version__}, votelib {version('votelib')}")
    print(f"machine: {machine()}")
    print("threads: OMP/OPENBLAS/MKL = 1; batch timed on one core")
    print()

    rng = np.random.default_rng(SEED)
    many = {
        f"list {i}": int(v) for i, v in enumerate(rng.integers(1_000, 1_000_000, size.many_lists))
    }
    hare = votelib_proportional.LargestRemainder("hare")
    dhondt = votelib_proportional.HighestAverages("d_hondt")
    singles = [
        single_case("7 lists / 69 seats, Hare LR", HARE_LR, hare, MAZHILIS_2023, 69, size),
        single_case("7 lists / 69 seats, D'Hondt", DHONDT, dhondt, MAZHILIS_2023, 69, size),
        single_case(
            f"{size.many_lists:,} lists / {size.many_seats:,} seats, D'Hondt",
            DHONDT,
            dhondt,
            many,
            size.many_seats,
            size,
        ),
    ]
    print("single allocations, per call (minimum of interleaved repeats)")
    print(
        table(
            ["case", "saylau", "votelib", "votelib/saylau", "target", "met"],
            [list(row) for row in singles],
        )
    )
    print()

    shares = np.array(list(MAZHILIS_2023.values()), dtype=np.float64)
    noise = rng.normal(1.0, 0.1, size=(size.batch_rows, len(shares)))
    vectors = np.maximum(np.rint(shares * noise), 0).astype(np.int64)
    batches = [
        batch_case("7 lists / 69 seats, Hare LR", HARE_LR, vectors, 69, size),
        batch_case("7 lists / 69 seats, D'Hondt", DHONDT, vectors, 69, size),
    ]
    print("batch path, exact allocations per second (one core; 300 sampled rows checked)")
    print(
        table(
            ["case", "vectors", "time", "allocations", "target", "met", "tied rows"],
            batches,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
