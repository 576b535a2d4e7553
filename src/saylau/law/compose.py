"""Compositions: how a rulebook's tiers make one result.

- :class:`ListElection`: one list tier (Mazhilis 2007-2022, Kurultai);
- :class:`ParallelElection`: a list tier and a district tier whose seats add up
  (Mazhilis 2023, oblast maslikhats);
- :class:`SingleWinnerElection`: single-winner contests (districts, President, akims, Senate);
- :class:`ReferendumElection`: validity and adoption of a question;
- :class:`CompensatoryElection`: mixed-member proportional (New Zealand);
- :class:`LevelledRegionsElection`, :class:`CoveredDistrictsElection`: the Bundestag under the
  2020 and the 2023 law (:mod:`saylau.law.federal`);
- :class:`ConstituencyElection`: list seats shared in each of many constituencies (Spain,
  Norway's county seats);
- :class:`AgreementListElection`: one list tier with surplus-vote agreements (Israel);
- :class:`ApportionmentElection`: seats shared among states by population (the US House).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from saylau.law.ballots import BallotError, Ballots, ListVotes
from saylau.law.citation import Citation
from saylau.law.federal import CoveredDistricts, LevelledRegions, RegionalOutcome
from saylau.law.majority import Referendum
from saylau.law.results import Question, Result, add_seats
from saylau.law.tiers import AgreementListTier, Compensatory, DistrictTier, ListTier, TierResult
from saylau.law.ties import Lots
from saylau.law.trail import LazyTrail, SeatsTotal, Step, TierHeading, Trail

LotsByContest = Mapping[str, Lots]


def _result(rulebook: str, parts: list[TierResult], seats: dict[str, int]) -> Result:
    steps = [step for part in parts for step in part.steps]
    return Result(
        rulebook=rulebook,
        seats=seats,
        tiers={part.name: part.seats for part in parts},
        winners={name: who for part in parts for name, who in part.winners.items()},
        questions=tuple(question for part in parts for question in part.questions),
        trail=Trail(steps),
    )


def _lists(ballots: Ballots, tier: ListTier, lots: LotsByContest) -> TierResult:
    if ballots.lists is None:
        raise BallotError(f"{tier.name}: the ballots have no list votes")
    return tier.run(ballots.lists, ballots.list_seats, lots.get(tier.name))


def _contests(ballots: Ballots, tier: DistrictTier, lots: LotsByContest) -> TierResult:
    awaited = tuple(
        Question("results_awaited", name, "no returns are in yet: nobody is declared")
        for name in ballots.awaited
    )
    if not ballots.contests:
        if awaited:
            return TierResult(tier.name, {}, questions=awaited)
        raise BallotError(f"{tier.name}: the ballots have no contests")
    part = tier.run(ballots.contests, ballots.round, lots)
    return replace(part, questions=part.questions + awaited)


@dataclass(frozen=True, slots=True)
class ListElection:
    """Seats by party lists only."""

    tier: ListTier

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        part = _lists(ballots, self.tier, lots)
        return _result(rulebook, [part], dict(part.seats))


@dataclass(frozen=True, slots=True)
class ParallelElection:
    """A list tier and a district tier, independent; a party's seats are the sum."""

    lists: ListTier
    districts: DistrictTier
    district_count: int | None = None

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        given = len(ballots.contests) + len(ballots.awaited)
        if self.district_count is not None and given and given != self.district_count:
            raise BallotError(
                f"{self.districts.name}: expected {self.district_count} districts, got {given}"
            )
        list_part = _lists(ballots, self.lists, lots)
        if not given:
            missing = Question(
                "district_results_missing",
                self.districts.name,
                "no district results are given: only the list tier is decided",
            )
            district_part = TierResult(self.districts.name, {}, questions=(missing,))
        else:
            district_part = _contests(ballots, self.districts, lots)
        seats = add_seats(list_part.seats, district_part.seats)
        return _result(rulebook, [list_part, district_part], seats)


@dataclass(frozen=True, slots=True)
class SingleWinnerElection:
    """One or more single-winner contests under one rule."""

    tier: DistrictTier
    seats_by_party: bool = True
    contests: int | None = None
    min_candidates: int = 1

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        given = len(ballots.contests) + len(ballots.awaited)
        if self.contests is not None and given != self.contests:
            raise BallotError(f"{self.tier.name}: expected {self.contests} contest(s), got {given}")
        for contest in ballots.contests:
            if ballots.round > 1 and len(contest.candidates) != 2:
                raise BallotError(
                    f"{contest.name}: a runoff has exactly two candidates,"
                    f" got {len(contest.candidates)}"
                )
        too_few = [c for c in ballots.contests if len(c.candidates) < self.min_candidates]
        refused = tuple(
            Question(
                "too_few_candidates",
                contest.name,
                f"{len(contest.candidates)} candidate(s) stood; the law requires at least"
                f" {self.min_candidates}: nobody is declared",
            )
            for contest in too_few
        )
        held = tuple(c for c in ballots.contests if c not in too_few)
        if not held and not ballots.awaited:
            return Result(rulebook=rulebook, questions=refused)
        part = _contests(replace(ballots, contests=held), self.tier, lots)
        if not self.seats_by_party:
            part = TierResult(part.name, {}, part.winners, part.questions, part.steps)
        result = _result(rulebook, [part], dict(part.seats))
        return replace(result, questions=refused + result.questions)


@dataclass(frozen=True, slots=True)
class ReferendumElection:
    """Validity and adoption of one question."""

    rule: Referendum

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        if ballots.referendum is None:
            raise BallotError("the ballots have no referendum return")
        decisions, steps, questions = self.rule.decide(ballots.referendum)
        return Result(
            rulebook=rulebook,
            decisions=decisions,
            questions=tuple(questions),
            trail=Trail(steps),
        )


@dataclass(frozen=True, slots=True)
class CompensatoryElection:
    """Mixed-member proportional: a list tier shares the whole house and tops up the district
    seats each party won (New Zealand). District seats come from the contests when a district
    tier is given and contests are supplied, otherwise as declared with the list votes."""

    tier: Compensatory
    districts: DistrictTier | None = None
    district_count: int | None = None

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        if ballots.lists is None:
            raise BallotError(f"{self.tier.name}: the ballots have no list votes")
        lists = ballots.lists
        parts: list[TierResult] = []
        if ballots.contests and self.districts is not None:
            if self.district_count is not None and len(ballots.contests) != self.district_count:
                raise BallotError(
                    f"{self.districts.name}: expected {self.district_count} districts,"
                    f" got {len(ballots.contests)}"
                )
            district_part = _contests(ballots, self.districts, lots)
            parts.append(district_part)
            lists = replace(lists, district_wins=dict(district_part.seats))
        won = {party: n for party, n in lists.district_wins.items() if n}
        part = self.tier.run(lists, won)
        parts.append(part)
        result = _result(rulebook, parts, dict(part.seats))
        tiers = {
            "districts": won,
            "lists": {party: n - won.get(party, 0) for party, n in part.seats.items()},
        }
        return replace(result, tiers=tiers)


@dataclass(frozen=True, slots=True)
class LevelledRegionsElection:
    """Land quotas, minimum seats, and a house enlarged to cover them (Bundestag 2020 law)."""

    tier: LevelledRegions

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        return _regional(rulebook, self.tier.run(ballots, lots.get(self.tier.name)))


@dataclass(frozen=True, slots=True)
class CoveredDistrictsElection:
    """A fixed house; district winners seated only where second votes cover them (Bundestag
    2023 law)."""

    tier: CoveredDistricts

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        return _regional(rulebook, self.tier.run(ballots, lots.get(self.tier.name)))


def _regional(rulebook: str, outcome: RegionalOutcome) -> Result:
    return Result(
        rulebook=rulebook,
        seats=outcome.seats,
        tiers=outcome.tiers,
        questions=outcome.questions,
        trail=LazyTrail(outcome.write),
    )


@dataclass(frozen=True, slots=True)
class ConstituencyElection:
    """List seats shared in each constituency by the same rule; a party's seats are the sum.

    ``tier`` is the rule of one constituency (its ``seats`` left open: each constituency
    brings its own). ``house`` and ``constituencies`` are the statutory totals: a return with
    fewer constituencies is counted, and the result says that the rest is missing; more is an
    error.
    """

    tier: ListTier
    house: int | None = None
    constituencies: int | None = None
    citation: Citation | None = None

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        if not ballots.constituencies:
            raise BallotError(f"{self.tier.name}: the ballots have no constituencies")
        given = len(ballots.constituencies)
        seats_given = sum(place.seats for place in ballots.constituencies)
        if self.constituencies is not None and given > self.constituencies:
            raise BallotError(
                f"{self.tier.name}: the law has {self.constituencies} constituencies,"
                f" the ballots give {given}"
            )
        if self.house is not None and seats_given > self.house:
            raise BallotError(
                f"{self.tier.name}: the constituencies add up to {seats_given} seats, more than"
                f" the {self.house} the law fixes"
            )
        steps: list[Step] = [
            TierHeading(
                self.tier.name, f"{given} constituencies, {seats_given} seats", self.citation
            )
        ]
        seats: dict[str, int] = {}
        questions: list[Question] = []
        for place in ballots.constituencies:
            part = replace(self.tier, name=place.name).run(
                place.lists, place.seats, lots.get(place.name)
            )
            steps.extend(part.steps)
            questions.extend(part.questions)
            seats = add_seats(seats, part.seats)
        steps.append(SeatsTotal(f"{self.tier.name}: seats by party", dict(seats)))
        short = (self.constituencies is not None and given < self.constituencies) or (
            self.house is not None and seats_given < self.house
        )
        if short:
            questions.append(
                Question(
                    "constituencies_missing",
                    self.tier.name,
                    (
                        f"{given} constituencies with {seats_given} seats are given"
                        if given != 1
                        else f"1 constituency with {seats_given} seats is given"
                    )
                    + (f" of {self.constituencies}" if self.constituencies else "")
                    + (f" ({self.house} seats)" if self.house else "")
                    + ": the seats cover those constituencies only",
                    seats=(self.house or seats_given) - seats_given,
                )
            )
        return Result(
            rulebook=rulebook,
            seats=seats,
            tiers={self.tier.name: dict(seats)},
            questions=tuple(questions),
            trail=Trail(steps),
        )


@dataclass(frozen=True, slots=True)
class AgreementListElection:
    """Seats by party lists only, with surplus-vote agreements between pairs of lists."""

    tier: AgreementListTier

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        if ballots.lists is None:
            raise BallotError(f"{self.tier.name}: the ballots have no list votes")
        part = self.tier.run(ballots.lists, ballots.list_seats, lots.get(self.tier.name))
        return _result(rulebook, [part], dict(part.seats))


@dataclass(frozen=True, slots=True)
class ApportionmentElection:
    """Seats shared among states by their populations (the US House of Representatives).

    The tier's method and minimum of seats do the work; populations stand where votes would.
    """

    tier: ListTier
    states: int | None = None

    def elect(self, rulebook: str, ballots: Ballots, lots: LotsByContest) -> Result:
        if ballots.populations is None:
            raise BallotError(f"{self.tier.name}: the ballots have no populations")
        if self.states is not None and len(ballots.populations) != self.states:
            raise BallotError(
                f"{self.tier.name}: expected the populations of {self.states} states,"
                f" got {len(ballots.populations)}"
            )
        part = self.tier.run(
            ListVotes(dict(ballots.populations)), ballots.list_seats, lots.get(self.tier.name)
        )
        return _result(rulebook, [part], dict(part.seats))


Composition = (
    ListElection
    | ParallelElection
    | SingleWinnerElection
    | ReferendumElection
    | CompensatoryElection
    | LevelledRegionsElection
    | CoveredDistrictsElection
    | ConstituencyElection
    | AgreementListElection
    | ApportionmentElection
)


def tier_names(composition: Composition) -> list[str]:
    """The names of a composition's tiers (where recorded lots may apply)."""
    if isinstance(composition, ListElection):
        return [composition.tier.name]
    if isinstance(composition, ParallelElection):
        return [composition.lists.name, composition.districts.name]
    if isinstance(composition, SingleWinnerElection):
        return [composition.tier.name]
    if isinstance(composition, CompensatoryElection):
        districts = [composition.districts.name] if composition.districts else []
        return [composition.tier.name, *districts]
    if isinstance(composition, LevelledRegionsElection | CoveredDistrictsElection):
        return [composition.tier.name]
    if isinstance(composition, AgreementListElection | ApportionmentElection):
        return [composition.tier.name]
    return []
