"""The Bundestag rulebooks reproduce the published results (tests/data/de-official-results.json).

2021 (the 2020 law): Land quotas, minimum seats and an enlarged house of 736. 2025 (the 2023
law): a fixed house of 630 whose constituency winners need second-vote coverage; 23 winners
were not seated.
"""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from saylau.count.ballots_json import parse_election
from saylau.law.ballots import Ballots, DistrictWinner, ListVotes, RegionVotes
from saylau.law.federal import national_lists
from saylau.law.results import Result
from saylau.law.rulebooks import REGISTRY
from saylau.law.ties import Lots
from saylau.law.trail import (
    Leveling,
    NotCovered,
    Overhang,
    RegionalMinimum,
    SeatsTotal,
    TieResolved,
    TierHeading,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "de-official-results.json"


@cache
def election(election_id: str) -> dict[str, Any]:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    return next(e for e in document["elections"] if e["id"] == election_id)


def ballots(election_id: str) -> Ballots:
    return parse_election(election(election_id)["input"], str(DATA))[0]


@cache
def result(election_id: str) -> Result:
    entry = election(election_id)
    return REGISTRY.on("de.bundestag", entry["date"]).elect(ballots(election_id))


def test_the_2020_law_is_in_force_on_election_day_2021() -> None:
    assert REGISTRY.on("de.bundestag", "2021-09-26").valid_from.year == 2020


def test_the_2023_law_is_in_force_on_election_day_2025() -> None:
    assert REGISTRY.on("de.bundestag", "2025-02-23").valid_from.year == 2023


def test_the_2021_input_adds_up_to_the_published_national_second_votes() -> None:
    nation = national_lists(ballots("DE-BUNDESTAG-2021").regions)
    published = election("DE-BUNDESTAG-2021")["published"]
    assert sum(nation.votes.values()) + nation.unlisted == published["valid_second_votes"]
    assert {p: n for p, n in nation.district_wins.items() if n} == published["constituencies"]


def test_bundestag_2021_has_736_seats() -> None:
    assert sum(result("DE-BUNDESTAG-2021").seats.values()) == 736


def test_bundestag_2021_seats_by_party_are_the_published_ones() -> None:
    assert result("DE-BUNDESTAG-2021").seats == election("DE-BUNDESTAG-2021")["published"]["seats"]
    assert result("DE-BUNDESTAG-2021").is_final


def test_bundestag_2021_linke_is_admitted_by_three_constituencies_below_five_percent() -> None:
    assert result("DE-BUNDESTAG-2021").seats["DIE LINKE"] == 39


def test_bundestag_2021_ssw_is_exempt_from_the_threshold_and_takes_one_seat() -> None:
    assert result("DE-BUNDESTAG-2021").seats["SSW"] == 1


def test_bundestag_2021_the_house_grows_from_598_to_733_and_csu_keeps_3_uncompensated() -> None:
    trail = result("DE-BUNDESTAG-2021").trail
    (leveling,) = trail.of_kind(Leveling)
    assert isinstance(leveling, Leveling)
    assert (leveling.base_size, leveling.house_size) == (598, 733)
    spared = [s for s in trail.of_kind(Overhang) if "without compensation" in str(s.explain())]
    assert [(s.option, s.won - s.entitled) for s in spared if isinstance(s, Overhang)] == [
        ("CSU", 3)
    ]


def test_bundestag_2021_overhang_at_the_land_quotas_is_34_seats() -> None:
    trail = result("DE-BUNDESTAG-2021").trail
    counted = [s for s in trail.of_kind(Overhang) if "counted in the minimum" in s.explain()]
    assert sum(s.won - s.entitled for s in counted if isinstance(s, Overhang)) == 34


def test_bundestag_2021_land_minimum_is_the_mean_of_quota_and_constituencies_rounded_up() -> None:
    minima = result("DE-BUNDESTAG-2021").trail.of_kind(RegionalMinimum)
    bavaria = next(m for m in minima if isinstance(m, RegionalMinimum) and m.option == "CSU")
    assert (bavaria.quota, bavaria.districts, bavaria.minimum) == (34, 45, 45)
    for step in minima:
        assert isinstance(step, RegionalMinimum)
        assert step.minimum == max(step.districts, -(-(step.quota + step.districts) // 2))


def test_bundestag_2021_trail_is_written_only_when_read_and_explains_itself() -> None:
    text = result("DE-BUNDESTAG-2021").trail.explain()
    assert "house enlarged from 598 to 733 seats" in text
    assert "§ 6 (5)" in text


def test_the_2025_input_adds_up_to_the_published_national_second_votes() -> None:
    nation = national_lists(ballots("DE-BUNDESTAG-2025").regions)
    published = election("DE-BUNDESTAG-2025")["published"]
    assert sum(nation.votes.values()) + nation.unlisted == published["valid_second_votes"]
    assert {p: n for p, n in nation.district_wins.items() if n} == (
        published["constituency_winners_derived"]
    )


def test_the_2025_constituency_returns_add_up_to_the_published_valid_first_votes() -> None:
    districts = [d for r in ballots("DE-BUNDESTAG-2025").regions for d in r.districts]
    assert len(districts) == 299
    published = election("DE-BUNDESTAG-2025")["published"]
    assert sum(d.valid for d in districts) == published["valid_first_votes_preliminary"]


def test_bundestag_2025_has_630_seats_by_party_as_published() -> None:
    published = election("DE-BUNDESTAG-2025")["published"]
    assert result("DE-BUNDESTAG-2025").seats == published["seats"]
    assert sum(result("DE-BUNDESTAG-2025").seats.values()) == 630
    assert result("DE-BUNDESTAG-2025").is_final


def _not_covered(outcome: Result) -> list[NotCovered]:
    return [s for s in outcome.trail.of_kind(NotCovered) if isinstance(s, NotCovered)]


def test_bundestag_2025_seats_630_with_23_constituency_winners_unseated() -> None:
    published = election("DE-BUNDESTAG-2025")["published"]
    denied = _not_covered(result("DE-BUNDESTAG-2025"))
    assert sorted(s.district for s in denied) == sorted(published["not_seated"])
    assert Counter(s.option for s in denied) == published["not_seated_by_party"]
    assert Counter(s.region for s in denied) == published["not_seated_by_land"]
    tiers = result("DE-BUNDESTAG-2025").tiers
    assert sum(tiers["constituencies"].values()) == 299 - 23
    assert sum(tiers["lists"].values()) == 630 - 299 + 23


def test_bundestag_2025_a_land_list_seats_its_winners_with_the_highest_shares_first() -> None:
    # Flensburg - Schleswig is the only CDU winner in Schleswig-Holstein not covered: the
    # CDU's 8 seats there go to its 8 other winners, whose first-vote shares are higher.
    land = next(r for r in ballots("DE-BUNDESTAG-2025").regions if r.name == "Schleswig-Holstein")
    cdu = [d for d in land.districts if d.party == "CDU"]
    [flensburg] = [s for s in _not_covered(result("DE-BUNDESTAG-2025")) if s.region == land.name]
    assert (flensburg.district, flensburg.won, flensburg.seats) == ("1 Flensburg – Schleswig", 9, 8)
    lowest = min(cdu, key=lambda d: Fraction(d.votes, d.valid))
    assert lowest.name == flensburg.district
    assert flensburg.share == Fraction(lowest.votes, lowest.valid)


def test_bundestag_2025_final_first_votes_of_schleswig_holstein_deny_the_same_winner() -> None:
    # The constituency figures are the preliminary ones; the final figures of one Land,
    # transcribed as a check, change no ranking there.
    entry = election("DE-BUNDESTAG-2025")
    final = entry["published"]["final_first_votes_checked"]["Schleswig-Holstein"]
    regions = tuple(
        RegionVotes(
            r.name,
            r.lists,
            r.population,
            tuple(DistrictWinner(d["name"], d["party"], d["votes"], d["valid"]) for d in final),
        )
        if r.name == "Schleswig-Holstein"
        else r
        for r in ballots("DE-BUNDESTAG-2025").regions
    )
    outcome = REGISTRY.on("de.bundestag", entry["date"]).elect(Ballots(regions=regions))
    assert sorted(s.district for s in _not_covered(outcome)) == sorted(
        entry["published"]["not_seated"]
    )


def _land_seats(outcome: Result) -> dict[str, int]:
    """Each Land's seats: the Land-list shares of every party, added up."""
    seats: dict[str, int] = {}
    party_lists = False
    for step in outcome.trail:
        if isinstance(step, TierHeading):
            party_lists = step.name.endswith(": Land lists")
        elif party_lists and isinstance(step, SeatsTotal):
            for land, n in step.seats.items():
                seats[land] = seats.get(land, 0) + n
            party_lists = False
    return seats


def test_bundestag_2025_land_seats_are_the_published_ones() -> None:
    seats = _land_seats(result("DE-BUNDESTAG-2025"))
    assert sum(seats.values()) == 630
    published = election("DE-BUNDESTAG-2025")["published"]["land_seats"]
    assert {land: seats[land] for land in published} == published


def test_bundestag_2025_uncovered_lands_seat_exactly_their_covered_winners() -> None:
    for step in _not_covered(result("DE-BUNDESTAG-2025")):
        assert step.seats < step.won
    by_land = Counter((s.option, s.region) for s in _not_covered(result("DE-BUNDESTAG-2025")))
    for step in _not_covered(result("DE-BUNDESTAG-2025")):
        assert step.won - step.seats == by_land[(step.option, step.region)]


def test_bundestag_2025_national_totals_alone_leave_the_coverage_open() -> None:
    nation = national_lists(ballots("DE-BUNDESTAG-2025").regions)
    outcome = REGISTRY.on("de.bundestag", "2025-02-23").elect(Ballots(lists=nation))
    assert outcome.seats == election("DE-BUNDESTAG-2025")["published"]["seats"]
    assert [q.code for q in outcome.questions] == ["regional_returns_missing"]


def test_bundestag_2025_bsw_below_five_percent_takes_no_seat() -> None:
    assert "BSW" not in result("DE-BUNDESTAG-2025").seats


def _land(name: str, votes: dict[str, int], wins: dict[str, int], shares: list[int]) -> RegionVotes:
    districts = tuple(
        DistrictWinner(f"{name} {i + 1}", party, share, 100)
        for i, (party, share) in enumerate(
            (party, shares.pop(0)) for party, n in wins.items() for _ in range(n)
        )
    )
    return RegionVotes(name, ListVotes(votes, district_wins=wins), 1, districts)


def test_second_vote_coverage_seats_the_winners_with_the_highest_first_vote_shares() -> None:
    # A takes 6 of 10 seats: 3 in North, 3 in South. A won 4 districts in North: the one
    # with the lowest first-vote share (31%) is not covered.
    north = _land("North", {"A": 30_000, "B": 20_000}, {"A": 4}, [40, 31, 35, 50])
    south = _land("South", {"A": 30_000, "B": 20_000}, {"A": 1}, [45])
    rulebook = REGISTRY.on("de.bundestag", "2025-02-23")
    tier = rulebook.composition.tier  # type: ignore[union-attr]
    small = type(tier)(
        "test house", 10, tier.method, None, coverage_citation=tier.coverage_citation
    )
    outcome = small.run(Ballots(regions=(north, south)))
    assert outcome.seats == {"A": 6, "B": 4}
    assert outcome.tiers["constituencies"] == {"A": 4}
    denied = [s for s in outcome.write() if isinstance(s, NotCovered)]
    assert [(s.region, s.district) for s in denied] == [("North", "North 2")]


def test_second_vote_coverage_without_district_shares_asks_for_them() -> None:
    north = RegionVotes("North", ListVotes({"A": 30_000, "B": 20_000}, district_wins={"A": 4}))
    south = RegionVotes("South", ListVotes({"A": 30_000, "B": 20_000}, district_wins={"A": 1}))
    tier = REGISTRY.on("de.bundestag", "2025-02-23").composition.tier  # type: ignore[union-attr]
    outcome = type(tier)("test house", 10, tier.method, None).run(Ballots(regions=(north, south)))
    assert [(q.code, q.contest, q.seats) for q in outcome.questions] == [
        ("districts_not_listed", "North", 1)
    ]


@pytest.mark.parametrize("missing", ["population"])
def test_the_2020_law_needs_every_lands_population(missing: str) -> None:
    from saylau.law.ballots import BallotError

    regions = tuple(
        RegionVotes(r.name, r.lists, None, r.districts)
        for r in ballots("DE-BUNDESTAG-2021").regions
    )
    with pytest.raises(BallotError, match=missing):
        REGISTRY.on("de.bundestag", "2021-09-26").elect(Ballots(regions=regions))


# --- ties: open until the Federal Returning Officer's lot is recorded ---------------------------
# Four parties with equal second votes in one Land: 598 or 630 seats do not divide by four, so
# two seats are tied among all four at every stage that shares seats among the parties.

EQUAL = {"A": 1_000_000, "B": 1_000_000, "C": 1_000_000, "D": 1_000_000}
LOT = Lots(("C", "A", "D", "B"), "Federal Returning Officer, record of the drawing (test)")


def _equal_parties() -> Ballots:
    return Ballots(regions=(RegionVotes("Land", ListVotes(dict(EQUAL)), 80_000_000),))


@pytest.mark.parametrize(
    ("day", "each"), [("2021-09-26", 149), ("2025-02-23", 157)], ids=["2020 law", "2023 law"]
)
def test_equal_quotients_at_the_last_seats_are_an_open_tie_without_a_recorded_lot(
    day: str, each: int
) -> None:
    outcome = REGISTRY.on("de.bundestag", day).elect(_equal_parties())
    ties = [q for q in outcome.questions if q.code == "tie"]
    assert ties
    assert all(q.options == ("A", "B", "C", "D") and q.seats == 2 for q in ties)
    assert not outcome.is_final
    assert outcome.seats == dict.fromkeys(EQUAL, each)  # the contested seats are nobody's yet


@pytest.mark.parametrize(
    ("day", "each"), [("2021-09-26", 149), ("2025-02-23", 157)], ids=["2020 law", "2023 law"]
)
def test_a_lot_recorded_for_the_bundestag_gives_the_tied_seats_to_the_first_drawn(
    day: str, each: int
) -> None:
    outcome = REGISTRY.on("de.bundestag", day).elect(_equal_parties(), {"Bundestag": LOT})
    assert [q.code for q in outcome.questions if q.code == "tie"] == []
    assert outcome.is_final
    assert outcome.seats == {"A": each + 1, "B": each, "C": each + 1, "D": each}
    decided = [s for s in outcome.trail.of_kind(TieResolved) if isinstance(s, TieResolved)]
    assert decided
    assert all(s.order == ("C", "A") and s.rule == "drawing of lots" for s in decided)
    assert all(s.citation is not None and s.citation.note == LOT.record for s in decided)
