"""Count benchmark: a whole election night, from protocol files to seats, and how it scales.

Run:  .venv/bin/python benchmarks/count.py           (several minutes: up to 1,000,000 protocols)
      .venv/bin/python benchmarks/count.py --quick   (seconds; a smoke test)

For each size the synthetic 2023 election is generated first (not timed), then a fresh process
counts it end to end and reports each phase:

- ingest: read every protocol file (CSV, polars) and record it in the ledger, all-or-nothing;
- checks: every coded check on every protocol, and the double-entry comparison;
- roll-up: totals of every contest at every level (nation, region, district, constituency);
- seats: every body's rulebook on its totals, with the trail.

Peak memory is the counting process's maximum resident set size. Targets (issue 3): 10,000
precincts x 5 contests in at most 2 s; 1,000,000 protocols in at most 60 s and 4 GB; growth
linear. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = 2023
SERIES = (10_200, 26_000, 52_000, 105_000, 210_000)
QUICK_SERIES = (600, 1_200)
TARGET_SMALL_SECONDS = 2.0
TARGET_LARGE_SECONDS = 60.0
TARGET_LARGE_GB = 4.0


def measure(directory: Path) -> dict[str, Any]:
    """Count one election directory, phase by phase (runs in its own process)."""
    from saylau.count.definition import Level
    from saylau.count.directory import load
    from saylau.count.tally import count_ledger

    started = time.perf_counter()
    loaded = load(directory)
    ingested = time.perf_counter()
    count = count_ledger(loaded.ledger, loaded.lots)
    checked = time.perf_counter()
    _ = count.by_constituency
    for contest in count.election.file.contests:
        for level in (Level.NATION, Level.REGION, Level.DISTRICT, "constituency"):
            count.totals(contest.id, level)
    rolled = time.perf_counter()
    bodies = count.bodies
    seated = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    mazhilis = next((b for b in bodies if b.body.id == "mazhilis"), None)
    return {
        "protocols": float(int(count.review.present.sum())),
        "accepted": float(int(count.review.accepted.sum())),
        "ingest": ingested - started,
        "checks": checked - ingested,
        "rollup": rolled - checked,
        "seats": seated - rolled,
        "total": seated - started,
        "peak_bytes": float(peak),
        "mazhilis_list_seats": (
            next(iter(mazhilis.result.tiers.values()), {}) if mazhilis and mazhilis.result else {}
        ),
    }


def generate(root: Path, precincts: int) -> Path:
    from saylau.count.synthetic import generate_kz_2023

    directory = root / f"kz-2023-{SEED}-{precincts}"
    if not (directory / "election.json").exists():
        generate_kz_2023(directory, seed=SEED, precincts=precincts)
    return directory


def run_child(directory: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"counting {directory} failed:\n{done.stdout}{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="generate into (and reuse) this folder")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    series = QUICK_SERIES if args.quick else SERIES
    print(f"saylau count benchmark | Python {platform.python_version()} | {platform.machine()}")
    print("each size: generate (untimed), then count end to end in a fresh process")
    print()
    header = (
        f"{'precincts':>10} {'protocols':>10} {'ingest s':>9} {'checks s':>9} {'roll-up s':>9}"
        f" {'seats s':>8} {'total s':>8} {'us/protocol':>12} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="saylau-bench-") as scratch:
        root = args.keep or Path(scratch)
        rows = []
        for precincts in series:
            directory = generate(root, precincts)
            row = run_child(directory)
            rows.append((precincts, row))
            per = row["total"] / row["protocols"] * 1e6
            print(
                f"{precincts:>10,} {int(row['protocols']):>10,} {row['ingest']:>9.2f}"
                f" {row['checks']:>9.2f} {row['rollup']:>9.2f} {row['seats']:>8.2f}"
                f" {row['total']:>8.2f} {per:>12.2f} {row['peak_bytes'] / 2**20:>8.0f}",
                flush=True,
            )
    print()
    first, last = rows[0][1], rows[-1][1]
    growth = (last["total"] / last["protocols"]) / (first["total"] / first["protocols"])
    print(
        f"time per protocol, largest / smallest size: {growth:.2f}"
        " (1.0 = linear; below 1 = fixed costs amortised)"
    )
    if len(rows) > 2:
        middle = rows[len(rows) // 2][1]
        late = (last["total"] / last["protocols"]) / (middle["total"] / middle["protocols"])
        print(f"time per protocol, largest / middle size: {late:.2f} (1.0 = linear)")
    print(f"Mazhilis list seats (largest size): {rows[-1][1]['mazhilis_list_seats']}")
    if not args.quick:
        small = rows[0][1]
        print(
            f"target: {int(small['protocols']):,} protocols in <= {TARGET_SMALL_SECONDS} s:"
            f" {small['total']:.2f} s"
        )
        print(
            f"target: {int(last['protocols']):,} protocols in <= {TARGET_LARGE_SECONDS} s and"
            f" <= {TARGET_LARGE_GB} GB: {last['total']:.1f} s,"
            f" {last['peak_bytes'] / 2**30:.2f} GB"
        )


if __name__ == "__main__":
    main()
