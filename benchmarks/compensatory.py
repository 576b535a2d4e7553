"""Compensatory benchmark: the whole Bundestag 2021 seat calculation, saylau against votelib.

Run:  .venv/bin/python benchmarks/compensatory.py           (a few seconds)
      .venv/bin/python benchmarks/compensatory.py --quick   (a smoke test)

Both compute the 2020 law on the official 2021 returns (examples/de-bundestag-2021.json):
598 seats to the Länder by population, each Land's seats to the parties, the minimum seats,
and the house enlarged until every party reaches its minimum, up to three overhang seats
uncompensated. saylau runs its rulebook ``de.bundestag@2021-09-26`` (the trail is written only
when read, and is not read here). votelib 0.4.0 has the pieces but not this law: its
``LevelOverhangByConstituency`` levels the 2013-2017 way (the house grows seat by seat,
re-running the whole national allocation each time). The votelib side below is built from
votelib's evaluators in the same way, with the 2020 minimum and the three uncompensated seats
added. Both must give the same seats; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import votelib.evaluate.proportional as votelib_proportional
import votelib.evaluate.threshold as votelib_threshold

from saylau.count.ballots_json import read_election
from saylau.law.ballots import Ballots
from saylau.law.rulebooks import REGISTRY
from timing import interleaved

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "de-bundestag-2021.json"
TARGET = 30.0
MINORITIES = ("SSW",)
UNCOMPENSATED = 3


@dataclass(frozen=True)
class Size:
    repeats: int
    sample_seconds: float


FULL = Size(repeats=7, sample_seconds=0.3)
QUICK = Size(repeats=1, sample_seconds=0.01)


def saylau_seats(ballots: Ballots) -> dict[str, int]:
    return REGISTRY.on("de.bundestag", "2021-09-26").elect(ballots).seats


def votelib_seats(document: dict[str, Any]) -> dict[str, int]:
    """The 2020 law from votelib's evaluators, levelling seat by seat as votelib does."""
    sainte_lague = votelib_proportional.HighestAverages("sainte_lague")
    regions = document["regions"]
    nation: dict[str, int] = {}
    wins: dict[str, int] = {}
    total = 0
    for region in regions:
        total += region["unlisted"]
        for party in region["parties"]:
            nation[party["name"]] = nation.get(party["name"], 0) + party["votes"]
            wins[party["name"]] = wins.get(party["name"], 0) + party.get("district_seats", 0)
            total += party["votes"]
    threshold = votelib_threshold.AlternativeThresholds(
        [
            votelib_threshold.AbsoluteThreshold(-(-total * 5 // 100)),
            votelib_threshold.PreviousGainThreshold(votelib_threshold.AbsoluteThreshold(3)),
        ]
    )
    admitted = set(threshold.evaluate(nation, prev_gains=wins)) | set(MINORITIES)
    land = sainte_lague.evaluate({r["name"]: r["population"] for r in regions}, 598)
    minimum = dict.fromkeys(admitted, 0)
    overhang = dict.fromkeys(admitted, 0)
    for region in regions:
        votes = {p["name"]: p["votes"] for p in region["parties"] if p["name"] in admitted}
        quota = sainte_lague.evaluate({p: v for p, v in votes.items() if v}, land[region["name"]])
        for party in region["parties"]:
            name = party["name"]
            if name not in admitted:
                continue
            share, won = quota.get(name, 0), party.get("district_seats", 0)
            minimum[name] += max(won, -(-(share + won) // 2))
            overhang[name] += max(0, won - share)
    votes = {party: nation[party] for party in admitted}
    house = 598
    seats = sainte_lague.evaluate(votes, house)
    while True:
        short = {p: minimum[p] - seats.get(p, 0) for p in admitted if seats.get(p, 0) < minimum[p]}
        spared = sum(short.values())
        if spared <= UNCOMPENSATED and all(short[p] <= overhang[p] for p in short):
            break
        house += 1
        seats = sainte_lague.evaluate(votes, house)
    return {party: max(seats.get(party, 0), minimum[party]) for party in admitted}


def duration(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short sample: a smoke test")
    size = QUICK if parser.parse_args(argv).quick else FULL
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    ballots = read_election(EXAMPLE)[0]

    ours = saylau_seats(ballots)
    theirs = votelib_seats(document)
    if ours != theirs:
        raise SystemExit(f"saylau and votelib disagree: {ours} vs {theirs}")
    if sum(ours.values()) != 736:
        raise SystemExit(f"expected the published 736 seats, got {sum(ours.values())}")

    quick = " (--quick: a smoke test, figures not meaningful)" if size is QUICK else ""
    print(f"saylau compensatory benchmark: Bundestag 2021, 2020 law{quick}")
    print(f"python {platform.python_version()} ({platform.python_implementation()})")
    print(f"votelib {version('votelib')}; {platform.platform()}")
    print(f"both: {sum(ours.values())} seats, " + ", ".join(f"{p} {n}" for p, n in ours.items()))
    our_time, their_time = interleaved(
        lambda: saylau_seats(ballots),
        lambda: votelib_seats(document),
        size.repeats,
        size.sample_seconds,
    )
    ratio = their_time / our_time
    print()
    print(f"saylau  {duration(our_time)} per computation (minimum of interleaved repeats)")
    print(f"votelib {duration(their_time)} per computation")
    met = "met" if ratio >= TARGET else "NO"
    print(f"votelib/saylau {ratio:.1f}x (target >= {TARGET:.0f}x: {met})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
