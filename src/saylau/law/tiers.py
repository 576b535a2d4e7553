"""Tiers and how they combine.

A tier is one allocation over one set of votes: a list tier shares seats among admitted lists;
a district tier elects one winner per district. Kazakhstan's Mazhilis (2023) runs the two in
parallel: their seats add up. A compensatory composition (Germany, New Zealand) counts the
district seats against each party's list entitlement, and keeps or levels overhang.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

from saylau.law.ballots import BallotError, ContestVotes, ListVotes, party_of
from saylau.law.citation import Citation
from saylau.law.majority import AbsoluteMajority, ElectorsMajority, Outcome, Plurality
from saylau.law.methods import Allocation, AllocationInputError, DivisorMethod, Method
from saylau.law.methods.allocation import choose
from saylau.law.results import Question, add_seats
from saylau.law.thresholds import Threshold, admit
from saylau.law.ties import REPORT_TIES, Lots, TieContext, TieRule
from saylau.law.trail import (
    AdmittedByRule,
    AgreementLapsed,
    AgreementPooled,
    Leveling,
    Overhang,
    SeatGuaranteed,
    SeatsTotal,
    Step,
    TierHeading,
)


@dataclass(frozen=True, slots=True)
class TierResult:
    """Seats (or winners) of one tier, its questions and its steps."""

    name: str
    seats: dict[str, int]
    winners: dict[str, str] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    steps: tuple[Step, ...] = ()
    allocation: Allocation | None = None


def tier_size(name: str, fixed: int | None, given: int | None) -> int:
    """A list tier's seats: fixed by law, or given with the ballots (never both differing)."""
    if fixed is not None and given is not None and given != fixed:
        raise BallotError(
            f"{name}: the law fixes {fixed} seats; the ballots ask for {given} (remove list_seats)"
        )
    house = given if given is not None else fixed
    if house is None:
        raise BallotError(f"{name}: the number of seats is not given (add list_seats)")
    return house


@dataclass(frozen=True, slots=True)
class ListTier:
    """Seats shared among the lists that pass the threshold.

    ``seats`` is the tier's size (``None``: given with the ballots, as for maslikhats of
    different sizes). ``runner_up_seats`` keeps a second list in the house when only one
    passes (Mazhilis 2007-2022). ``caps_apply`` limits a list to its number of candidates.
    """

    name: str
    method: Method
    threshold: Threshold | None
    seats: int | None = None
    tie_rule: TieRule = REPORT_TIES
    caps_apply: bool = True
    min_lists: int = 1
    runner_up_seats: int = 0
    min_seats: int = 0
    citation: Citation | None = None
    min_lists_citation: Citation | None = None

    def run(
        self, votes: ListVotes, seats: int | None = None, lots: Lots | None = None
    ) -> TierResult:
        house = tier_size(self.name, self.seats, seats)
        steps: list[Step] = [
            TierHeading(self.name, f"{house} seats, {self.method.name}", self.citation)
        ]
        admitted, threshold_steps = admit(self.threshold, votes)
        steps.extend(threshold_steps)
        passed = list(admitted)
        if 0 < len(admitted) < self.min_lists:
            admitted, extra, runner_up_tie = self._runner_up(votes, admitted, lots)
            steps.extend(extra)
            if runner_up_tie:
                return TierResult(self.name, {}, questions=runner_up_tie, steps=tuple(steps))
        if not admitted:
            question = Question(
                "no_list_admitted", self.name, "no list reached the threshold; no seats allocated"
            )
            return TierResult(self.name, {}, questions=(question,), steps=tuple(steps))
        admitted_votes = {name: votes.votes[name] for name in admitted}
        caps = votes.caps if self.caps_apply else None
        allocation: Allocation
        if isinstance(self.method, DivisorMethod):
            allocation = self.method.allocate(
                admitted_votes,
                house,
                caps=caps,
                min_seats=self.min_seats,
                tie_rule=self.tie_rule,
                registration=votes.registration,
                lots=lots,
            )
        elif self.min_seats:
            raise AllocationInputError(
                f"a minimum of seats per list applies to divisor methods, not {self.method.name}"
            )
        else:
            allocation = self.method.allocate(
                admitted_votes,
                house,
                caps=caps,
                tie_rule=self.tie_rule,
                registration=votes.registration,
                lots=lots,
            )
        steps.extend(allocation.trail)
        seats_by_list = {name: allocation.seats.get(name, 0) for name in votes.votes}
        if allocation.tie is None:
            steps.extend(self._guarantee(seats_by_list, passed, admitted))
        filled = sum(seats_by_list.values()) + (allocation.tie.seats if allocation.tie else 0)
        vacant: tuple[Question, ...] = ()
        if filled < house:
            vacant = (
                Question(
                    "seats_vacant",
                    self.name,
                    f"{house - filled} of {house} seats have no candidate left on any list"
                    " with votes; what the law does with them is to be confirmed",
                    seats=house - filled,
                ),
            )
        return TierResult(
            self.name,
            seats_by_list,
            questions=tie_question(self.name, allocation) + vacant,
            steps=tuple(steps),
            allocation=allocation,
        )

    def _guarantee(
        self, seats: dict[str, int], passed: list[str], admitted: list[str]
    ) -> list[Step]:
        """Give each runner-up at least ``runner_up_seats``, taken from the list(s) that passed,
        the one with most seats first (by name among equals)."""
        steps: list[Step] = []
        for name in admitted:
            while name not in passed and seats[name] < self.runner_up_seats:
                donor = min(passed, key=lambda p: (-seats[p], p))
                seats[donor] -= 1
                seats[name] += 1
                steps.append(
                    SeatGuaranteed(
                        name, seats[name], donor, self.runner_up_seats, self.min_lists_citation
                    )
                )
        return steps

    def _runner_up(
        self, votes: ListVotes, admitted: list[str], lots: Lots | None
    ) -> tuple[list[str], list[Step], tuple[Question, ...]]:
        """Admit the best-placed excluded lists until ``min_lists`` lists take part.

        Lists tied for the last place go to the tie rule (then recorded lots); a tie neither
        decides is reported, and no list tier seats are given until it is settled.
        """
        waiting = [name for name in votes.votes if name not in admitted]
        needed = self.min_lists - len(admitted)
        chosen, tie_steps, tie = choose(
            waiting,
            votes.votes.__getitem__,
            needed,
            self.tie_rule,
            lambda: TieContext(votes.votes, votes.registration, lots),
        )
        questions: tuple[Question, ...] = ()
        if tie is not None:
            questions = (
                Question(
                    "tie",
                    self.name,
                    f"{', '.join(tie.options)} are tied for admission as the runner-up;"
                    " no seats are given until the law or a drawing of lots decides",
                    tie.options,
                ),
            )
        steps: list[Step] = [*tie_steps]
        steps += [
            AdmittedByRule(
                name,
                votes.votes[name],
                f"the best-placed list below the threshold, so that {self.min_lists} lists"
                " take part",
                self.min_lists_citation,
            )
            for name in chosen
        ]
        admitted_now = [name for name in votes.votes if name in admitted or name in chosen]
        return admitted_now, steps, questions


def tie_question(contest: str, allocation: Allocation) -> tuple[Question, ...]:
    """The open question of an allocation that leaves a tie open (none when it is final):
    who is tied for how many seats, for a recorded drawing of lots to decide."""
    if allocation.tie is None:
        return ()
    tie = allocation.tie
    return (
        Question(
            "tie",
            contest,
            f"{', '.join(tie.options)} are tied for {tie.seats} seat(s): {tie.reason};"
            " a recorded drawing of lots must decide",
            tie.options,
            tie.seats,
        ),
    )


@dataclass(frozen=True, slots=True)
class DistrictTier:
    """One winner per district (single-member districts, an office, a Senate seat).

    A district's seat counts for its winner's party; self-nominated winners count together.
    """

    name: str
    rule: Plurality | AbsoluteMajority | ElectorsMajority
    citation: Citation | None = None

    def run(
        self,
        contests: tuple[ContestVotes, ...],
        round: int = 1,
        lots: Mapping[str, Lots] | None = None,
    ) -> TierResult:
        steps: list[Step] = [
            TierHeading(self.name, f"{len(contests)} single-winner contests", self.citation)
        ]
        seats: dict[str, int] = {}
        winners: dict[str, str] = {}
        questions: list[Question] = []
        for contest in contests:
            outcome = self._decide(contest, round, (lots or {}).get(contest.name))
            steps.append(TierHeading(contest.name, "single-winner contest"))
            steps.extend(outcome.steps)
            questions.extend(outcome.questions)
            if outcome.winner is not None:
                winners[contest.name] = outcome.winner
                winner = next(c for c in contest.candidates if c.name == outcome.winner)
                seats[party_of(winner)] = seats.get(party_of(winner), 0) + 1
        if len(contests) > 1:
            steps.append(SeatsTotal(f"{self.name}: seats by party", dict(seats)))
        return TierResult(self.name, seats, winners, tuple(questions), tuple(steps))

    def _decide(self, contest: ContestVotes, round: int, lots: Lots | None) -> Outcome:
        if isinstance(self.rule, Plurality):
            return self.rule.decide(contest, lots)
        return self.rule.decide(contest, round, lots)


class OverhangPolicy(Enum):
    """What a compensatory system does when district seats exceed a party's entitlement."""

    KEEP = "kept: the house grows by the overhang"
    LEVEL = "levelled: the house grows until every party is compensated"
    DENY = "denied: district winners not covered by the entitlement are not seated"


@dataclass(frozen=True, slots=True)
class Compensatory:
    """A list tier that allocates the whole house and subtracts the district seats won.

    The entitlement is the method's allocation of ``house`` seats among admitted parties. A
    party's list seats are its entitlement less its district seats. Overhang is kept, levelled
    (the smallest larger house in which no party has overhang, found directly from divisor
    bounds, never by adding seats one by one), or denied.
    """

    name: str
    method: Method
    threshold: Threshold | None
    house: int
    overhang: OverhangPolicy
    tie_rule: TieRule = REPORT_TIES
    citation: Citation | None = None

    def run(self, votes: ListVotes, district_seats: Mapping[str, int]) -> TierResult:
        steps: list[Step] = [
            TierHeading(self.name, f"{self.house} seats, compensatory", self.citation)
        ]
        admitted, threshold_steps = admit(self.threshold, votes)
        steps.extend(threshold_steps)
        eligible = {name: votes.votes[name] for name in admitted}
        # Districts won outside the list tier (independents, lists below the threshold) are
        # taken off the house first; the lists share what is left.
        outside = {p: n for p, n in district_seats.items() if p not in eligible and n}
        base = self.house - sum(outside.values())
        house = base
        won = {name: district_seats.get(name, 0) for name in eligible}
        if self.overhang is OverhangPolicy.LEVEL and eligible:
            house = max(house, leveled_house(self.method, eligible, won))
            if house > base:
                steps.append(
                    Leveling(
                        base,
                        house,
                        "smallest house in which every party's"
                        " entitlement covers its district seats",
                        self.citation,
                    )
                )
        allocation = self.method.allocate(
            eligible, house, tie_rule=self.tie_rule, registration=votes.registration
        )
        steps.extend(allocation.trail)
        total: dict[str, int] = {}
        for name in eligible:
            entitled = allocation.seats.get(name, 0)
            if won[name] > entitled:
                steps.append(
                    Overhang(name, entitled, won[name], self.overhang.value, self.citation)
                )
                total[name] = won[name] if self.overhang is not OverhangPolicy.DENY else entitled
            else:
                total[name] = entitled
        total = add_seats(total, outside)
        steps.append(SeatsTotal(f"{self.name}: seats by party", total))
        return TierResult(
            self.name, total, questions=tie_question(self.name, allocation), steps=tuple(steps)
        )


def leveled_house(method: Method, votes: Mapping[str, int], won: Mapping[str, int]) -> int:
    """The smallest house whose allocation gives every party at least its district seats.

    For a divisor method a party keeps ``w`` seats exactly while the divisor does not exceed
    its ``w``-th quotient ``v / d(w - 1)``. The binding divisor is the smallest such quotient;
    the house is the number of quotients, over all parties, at or above it.
    """
    if not isinstance(method, DivisorMethod):
        raise AllocationInputError(f"levelling needs a divisor method, not {method.name}")
    needing = [name for name in votes if won.get(name, 0) > 0]
    if not needing:
        return 0
    bound = min(method.quotient(votes[name], won[name] - 1) for name in needing)
    return sum(_count_at_or_above(method, count, bound) for count in votes.values())


def _count_at_or_above(method: DivisorMethod, votes: int, bound: tuple[int, Fraction | int]) -> int:
    """How many of an option's quotients ``votes / d(k)`` are at or above ``bound`` (exact).

    Quotients fall as ``k`` grows, so a binary search over ``k`` finds the count.
    """
    if method.quotient(votes, 0) < bound:
        return 0
    low, high = 0, 1
    while method.quotient(votes, high) >= bound:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if method.quotient(votes, middle) >= bound:
            low = middle
        else:
            high = middle
    return low + 1


@dataclass(frozen=True, slots=True)
class AgreementListTier:
    """A list tier in which two lists may pool their votes by a surplus-vote agreement (Israel).

    1. Lists below the threshold take no part; an agreement with such a list lapses.
    2. Each pair whose two lists both passed takes part in the allocation as one option with
       their votes added up; every other admitted list takes part alone.
    3. ``method`` (a divisor method) shares the house among these options.
    4. A pair's seats are shared between its two lists by the same method.

    With D'Hondt this is the Israeli "Bader-Ofer" count: one seat per whole general quota,
    then each remaining seat to the highest ``votes / (seats + 1)``; D'Hondt gives exactly the
    same seats, because it never gives an option fewer seats than its whole quotas.
    """

    name: str
    method: DivisorMethod
    threshold: Threshold | None
    seats: int | None = None
    tie_rule: TieRule = REPORT_TIES
    citation: Citation | None = None
    agreement_citation: Citation | None = None

    def run(
        self, votes: ListVotes, seats: int | None = None, lots: Lots | None = None
    ) -> TierResult:
        house = tier_size(self.name, self.seats, seats)
        steps: list[Step] = [
            TierHeading(self.name, f"{house} seats, {self.method.name}", self.citation)
        ]
        admitted, threshold_steps = admit(self.threshold, votes)
        steps.extend(threshold_steps)
        if not admitted:
            question = Question(
                "no_list_admitted", self.name, "no list reached the threshold; no seats allocated"
            )
            return TierResult(self.name, {}, questions=(question,), steps=tuple(steps))
        units, pairs, pool_steps = self._pool(votes, admitted)
        steps.extend(pool_steps)
        allocation = self.method.allocate(
            units, house, tie_rule=self.tie_rule, registration=votes.registration, lots=lots
        )
        steps.extend(allocation.trail)
        seats_by_list = {name: allocation.seats.get(name, 0) for name in votes.votes}
        questions = list(tie_question(self.name, allocation))
        for unit, (first, second) in pairs.items():
            won = allocation.seats.get(unit, 0)
            seats_by_list[first] = seats_by_list[second] = 0
            if won == 0:
                continue
            steps.append(
                TierHeading(
                    unit,
                    f"{won} seats shared between the two lists by {self.method.name}",
                    self.agreement_citation,
                )
            )
            split = self.method.allocate(
                {first: votes.votes[first], second: votes.votes[second]},
                won,
                tie_rule=self.tie_rule,
                registration=votes.registration,
                lots=lots,
            )
            steps.extend(split.trail)
            seats_by_list[first] = split.seats.get(first, 0)
            seats_by_list[second] = split.seats.get(second, 0)
            questions.extend(tie_question(unit, split))
        steps.append(SeatsTotal(f"{self.name}: seats by list", dict(seats_by_list)))
        return TierResult(
            self.name,
            seats_by_list,
            questions=tuple(questions),
            steps=tuple(steps),
            allocation=allocation,
        )

    def options(self, votes: ListVotes) -> dict[str, int]:
        """The options the allocation shares the house among: admitted lists alone, pairs
        with an agreement pooled (named ``"A + B"``)."""
        admitted, _ = admit(self.threshold, votes)
        return self._pool(votes, admitted)[0]

    def _pool(
        self, votes: ListVotes, admitted: list[str]
    ) -> tuple[dict[str, int], dict[str, tuple[str, str]], list[Step]]:
        steps: list[Step] = []
        pairs: dict[str, tuple[str, str]] = {}
        for first, second in votes.agreements:
            missing = [name for name in (first, second) if name not in admitted]
            if missing:
                steps.append(
                    AgreementLapsed(
                        first,
                        second,
                        f"{' and '.join(missing)} did not pass the threshold",
                        self.agreement_citation,
                    )
                )
                continue
            unit = f"{first} + {second}"
            if unit in votes.votes:
                raise BallotError(f"{unit!r} is both a list and the name of a surplus agreement")
            pooled = votes.votes[first] + votes.votes[second]
            steps.append(AgreementPooled(first, second, pooled, self.agreement_citation))
            pairs[unit] = (first, second)
        paired = {name for pair in pairs.values() for name in pair}
        units = {name: votes.votes[name] for name in admitted if name not in paired}
        for unit, (first, second) in pairs.items():
            units[unit] = votes.votes[first] + votes.votes[second]
        return units, pairs, steps
