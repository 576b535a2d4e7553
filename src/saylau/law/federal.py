"""Regional list systems whose districts are compensated: Germany's Bundestag.

Two generations of the Federal Elections Act (BWahlG) are written here, each as one tier that
reads the Länder's returns and decides the seats by party:

- :class:`LevelledRegions` (as amended 14 Nov 2020, used in 2021): seats go to the Länder by
  population and, within each Land, to the parties (quotas); each party's minimum is, Land by
  Land, its district seats or the mean of quota and district seats rounded up, whichever is
  more; the house grows until every party reaches its minimum, except that up to three
  overhang seats stay uncompensated.
- :class:`CoveredDistricts` (as amended 8 Jun 2023, used from 2025): the house is fixed; seats
  go to the parties nationally, then to each party's Land lists; a district winner is seated
  only while the party's seats in the Land cover it, the winners ranked by first-vote share.

Seats are decided with the exact divisor methods; the house size by divisor bounds
(:func:`saylau.law.tiers.leveled_house`), never seat by seat. The trail is written when read.
Equal quotients at the last seat of any of these allocations are a tie that stays open until a
drawing of lots is recorded for the tier (``lots`` under the tier's name): the drawing orders
the tied parties or Länder, the first favoured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from saylau.law.ballots import BallotError, Ballots, ListVotes, RegionVotes, party_of_winner
from saylau.law.citation import Citation
from saylau.law.methods import Allocation, DivisorMethod
from saylau.law.results import Question
from saylau.law.thresholds import Threshold, admit
from saylau.law.tiers import leveled_house, tie_question
from saylau.law.ties import REPORT_TIES, Lots, TieRule
from saylau.law.trail import (
    Leveling,
    NotCovered,
    Overhang,
    RegionalMinimum,
    SeatsTotal,
    Step,
    TierHeading,
)


@dataclass(frozen=True, slots=True)
class RegionalOutcome:
    """Seats by party, seats by tier, open questions, and the trail written on demand."""

    seats: dict[str, int]
    tiers: dict[str, dict[str, int]]
    questions: tuple[Question, ...]
    write: Callable[[], list[Step]]


def national_lists(regions: tuple[RegionVotes, ...]) -> ListVotes:
    """The regions' list votes and district seats added up, party by party."""
    votes: dict[str, int] = {}
    wins: dict[str, int] = {}
    unlisted = 0
    for region in regions:
        for party, count in region.lists.votes.items():
            votes[party] = votes.get(party, 0) + count
        for party, count in region.lists.district_wins.items():
            wins[party] = wins.get(party, 0) + count
        unlisted += region.lists.unlisted
    return ListVotes(votes, district_wins=wins, unlisted=unlisted)


def _outside(wins: Mapping[str, int], admitted: set[str]) -> dict[str, int]:
    return {party: n for party, n in wins.items() if n and party not in admitted}


@dataclass(frozen=True, slots=True)
class LevelledRegions:
    """The Bundestag under BWahlG § 6 as amended 14 Nov 2020 (used in 2021).

    ``house`` is the size before enlargement (598); ``uncompensated`` the overhang seats the
    enlargement leaves out (3). District seats of winners whose party takes no list seats are
    taken off the house first (§ 6 (1) sentence 2).
    """

    name: str
    house: int
    method: DivisorMethod
    threshold: Threshold | None
    uncompensated: int = 3
    tie_rule: TieRule = REPORT_TIES
    regions_citation: Citation | None = None
    quota_citation: Citation | None = None
    minimum_citation: Citation | None = None
    increase_citation: Citation | None = None

    def run(self, ballots: Ballots, lots: Lots | None = None) -> RegionalOutcome:
        regions = ballots.regions
        if not regions:
            raise BallotError(f"{self.name}: the ballots have no Land returns (regions)")
        missing = [region.name for region in regions if region.population is None]
        if missing:
            raise BallotError(
                f"{self.name}: the population of {', '.join(missing)} is not given"
                " (Land seats are shared by population)"
            )
        nation = national_lists(regions)
        admitted, threshold_steps = admit(self.threshold, nation)
        chosen = set(admitted)
        outside = _outside(nation.district_wins, chosen)
        base = self.house - sum(outside.values())
        populations = {region.name: region.population or 0 for region in regions}
        land = self.method.allocate(populations, base, tie_rule=self.tie_rule, lots=lots)
        questions = list(tie_question("seats of the Länder", land))
        quotas: list[tuple[str, Allocation | None]] = []
        minimum = dict.fromkeys(admitted, 0)
        overhang = dict.fromkeys(admitted, 0)
        minima: list[RegionalMinimum] = []
        for region in regions:
            land_seats = land.seats.get(region.name, 0)
            here = {p: region.lists.votes[p] for p in admitted if region.lists.votes.get(p, 0)}
            quota = (
                self.method.allocate(here, land_seats, tie_rule=self.tie_rule, lots=lots)
                if here and land_seats
                else None
            )
            quotas.append((region.name, quota))
            if quota is not None:
                questions += tie_question(f"quotas in {region.name}", quota)
            for party in admitted:
                share = quota.seats.get(party, 0) if quota else 0
                won = region.lists.district_wins.get(party, 0)
                if not share and not won:
                    continue
                least = max(won, -(-(share + won) // 2))
                minimum[party] += least
                overhang[party] += max(0, won - share)
                minima.append(
                    RegionalMinimum(party, region.name, share, won, least, self.minimum_citation)
                )
        votes = {party: nation.votes[party] for party in admitted}
        required = dict(minimum)
        left = dict(overhang)
        spared: dict[str, int] = {}
        for _ in range(self.uncompensated):
            needing = [p for p in admitted if required[p] > 0]
            if not needing:
                break
            bounds = {p: self.method.quotient(votes[p], required[p] - 1) for p in needing}
            lowest = min(bounds.values())
            binding = [p for p in needing if bounds[p] == lowest]
            if len(binding) > 1 or left[binding[0]] <= 0:
                break  # another party binds as tightly, or the binding seat is no overhang
            party = binding[0]
            required[party] -= 1
            left[party] -= 1
            spared[party] = spared.get(party, 0) + 1
        house = max(base, leveled_house(self.method, votes, required)) if votes else base
        final = self.method.allocate(votes, house, tie_rule=self.tie_rule, lots=lots)
        questions += tie_question(self.name, final)
        seats = {party: max(final.seats.get(party, 0), minimum[party]) for party in admitted}
        for party, won in outside.items():
            seats[party] = seats.get(party, 0) + won
        districts = {p: n for p, n in nation.district_wins.items() if n}
        lists = {party: seats[party] - districts.get(party, 0) for party in seats}

        def write() -> list[Step]:
            steps: list[Step] = [
                TierHeading(self.name, f"{self.house} seats before enlargement", None),
                *threshold_steps,
            ]
            if outside:
                steps.append(
                    SeatsTotal("district seats outside the list allocation, taken off", outside)
                )
            steps.append(
                TierHeading(
                    "seats of the Länder", f"{base} seats by population", self.regions_citation
                )
            )
            steps.extend(land.trail)
            for name, quota in quotas:
                steps.append(TierHeading(name, "quotas of the parties", self.quota_citation))
                if quota is not None:
                    steps.extend(quota.trail)
                steps.extend(m for m in minima if m.region == name)
            steps.append(SeatsTotal("minimum seats by party", dict(minimum)))
            for party in admitted:
                if overhang[party]:
                    steps.append(
                        Overhang(
                            party,
                            minimum[party] - overhang[party],
                            minimum[party],
                            "district seats beyond the quotas, counted in the minimum",
                            self.minimum_citation,
                        )
                    )
            for party, count in spared.items():
                steps.append(
                    Overhang(
                        party,
                        required[party],
                        minimum[party],
                        f"{count} seat(s) kept without compensation",
                        self.increase_citation,
                    )
                )
            if house > base:
                steps.append(
                    Leveling(
                        base,
                        house,
                        "smallest house in which every party reaches its minimum"
                        " (less the uncompensated overhang)",
                        self.increase_citation,
                    )
                )
            steps.extend(final.trail)
            steps.append(SeatsTotal(f"{self.name}: seats by party", dict(seats)))
            return steps

        return RegionalOutcome(
            seats,
            {"constituencies": districts, "lists": lists},
            tuple(questions),
            write,
        )


@dataclass(frozen=True, slots=True)
class CoveredDistricts:
    """The Bundestag under BWahlG §§ 1, 4-6 as amended 8 Jun 2023 (used from 2025).

    Without Land returns only the seats by party are decided, and the result says so: which
    district winners are seated needs each Land's second votes and winners.
    """

    name: str
    house: int
    method: DivisorMethod
    threshold: Threshold | None
    tie_rule: TieRule = REPORT_TIES
    allocation_citation: Citation | None = None
    lists_citation: Citation | None = None
    coverage_citation: Citation | None = None

    def run(self, ballots: Ballots, lots: Lots | None = None) -> RegionalOutcome:
        regions = ballots.regions
        if regions:
            nation = national_lists(regions)
        elif ballots.lists is not None:
            nation = ballots.lists
        else:
            raise BallotError(f"{self.name}: the ballots have no list votes")
        admitted, threshold_steps = admit(self.threshold, nation)
        chosen = set(admitted)
        # Winners with no list at all (independents) keep their seats; winners of lists that
        # take no seats are not covered.
        independents = {
            p: n for p, n in nation.district_wins.items() if n and p not in nation.votes
        }
        base = self.house - sum(independents.values())
        votes = {party: nation.votes[party] for party in admitted}
        overall = self.method.allocate(votes, base, tie_rule=self.tie_rule, lots=lots)
        questions = list(tie_question(self.name, overall))
        seats = {party: overall.seats.get(party, 0) for party in admitted}
        seats.update(independents)
        shares: list[tuple[str, Allocation]] = []
        denied: list[NotCovered] = []
        seated: dict[str, int] = dict(independents)
        if not regions:
            questions.append(
                Question(
                    "regional_returns_missing",
                    self.name,
                    "no Land returns are given: the seats by party are decided; which district"
                    " winners are seated needs each Land's second votes and winners",
                )
            )
        for party in admitted if regions else ():
            by_land = {r.name: r.lists.votes.get(party, 0) for r in regions}
            by_land = {name: count for name, count in by_land.items() if count}
            if not by_land or not seats[party]:
                continue
            share = self.method.allocate(by_land, seats[party], tie_rule=self.tie_rule, lots=lots)
            shares.append((party, share))
            questions += tie_question(f"{party}: seats of the Land lists", share)
            for region in regions:
                won = region.lists.district_wins.get(party, 0)
                covered = share.seats.get(region.name, 0)
                seated[party] = seated.get(party, 0) + min(won, covered)
                if won > covered:
                    denied_here, open_here = _uncovered(region, party, won, covered)
                    for district, ratio in denied_here:
                        denied.append(
                            NotCovered(
                                party,
                                region.name,
                                district,
                                ratio,
                                covered,
                                won,
                                self.coverage_citation,
                            )
                        )
                    questions += open_here
        for region in regions:
            for party, won in region.lists.district_wins.items():
                if won and party not in chosen and party in nation.votes:
                    for district, ratio in _ranked(region, party)[:won]:
                        denied.append(
                            NotCovered(
                                party,
                                region.name,
                                district,
                                ratio,
                                0,
                                won,
                                self.coverage_citation,
                            )
                        )
        tiers: dict[str, dict[str, int]]
        if regions:
            lists = {party: seats[party] - seated.get(party, 0) for party in seats}
            tiers = {"constituencies": {p: n for p, n in seated.items() if n}, "lists": lists}
        else:
            tiers = {self.name: dict(seats)}

        def write() -> list[Step]:
            steps: list[Step] = [
                TierHeading(self.name, f"{self.house} seats", self.allocation_citation),
                *threshold_steps,
            ]
            if independents:
                steps.append(SeatsTotal("independent district winners, taken off", independents))
            steps.extend(overall.trail)
            for party, share in shares:
                steps.append(
                    TierHeading(
                        f"{party}: Land lists", f"{seats[party]} seats", self.lists_citation
                    )
                )
                steps.extend(share.trail)
            steps.extend(denied)
            steps.append(SeatsTotal(f"{self.name}: seats by party", dict(seats)))
            return steps

        return RegionalOutcome(seats, tiers, tuple(questions), write)


def _ranked(region: RegionVotes, party: str) -> list[tuple[str, Fraction | None]]:
    """The party's district winners in a region, the lowest first-vote share first."""
    won = [d for d in region.districts if party_of_winner(d) == party]
    ranked = sorted(won, key=lambda d: Fraction(d.votes, d.valid or 1))
    return [(d.name, Fraction(d.votes, d.valid or 1)) for d in ranked]


def _uncovered(
    region: RegionVotes, party: str, won: int, covered: int
) -> tuple[list[tuple[str, Fraction | None]], list[Question]]:
    """The winners not seated (the lowest shares), or a question when the districts are not
    listed or equal shares straddle the boundary."""
    short = won - covered
    ranked = _ranked(region, party)
    if len(ranked) != won:
        return [], [
            Question(
                "districts_not_listed",
                region.name,
                f"{party} won {won} districts and has {covered} seats in {region.name}:"
                f" {short} winner(s) with the lowest first-vote shares are not seated; list the"
                " districts with their shares to name them",
                (party,),
                short,
            )
        ]
    edge = ranked[short - 1][1]
    if short < len(ranked) and ranked[short][1] == edge:
        tied = tuple(name for name, ratio in ranked if ratio == edge)
        return [], [
            Question(
                "tie",
                region.name,
                f"{', '.join(tied)} have equal first-vote shares at the coverage boundary;"
                " a drawing of lots must decide",
                tied,
                short,
            )
        ]
    return ranked[:short], []
