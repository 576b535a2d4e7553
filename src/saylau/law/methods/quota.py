"""Largest-remainder methods: a quota, whole seats per quota, then the largest remainders.

The quota is kept as an exact ratio ``numerator / denominator`` of integers, so whole seats are
``votes * denominator // numerator`` and remainders are compared as integers. No fraction object
and no float takes part in a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from typing import cast

from saylau.law.citation import CONVENTION, Citation
from saylau.law.methods.allocation import (
    Allocation,
    AllocationInputError,
    check_votes,
    choose,
    tie_context,
)
from saylau.law.ties import REPORT_TIES, Lots, TieRule
from saylau.law.trail import (
    Capped,
    Quota,
    RemainderSeat,
    SeatReturned,
    SeatsTotal,
    SeatsVacant,
    Step,
    TieOpen,
    WholeSeats,
)


@dataclass(frozen=True, slots=True)
class QuotaFormula:
    """How a quota follows from the votes ``V`` and the seats ``S``, as an exact ratio."""

    name: str
    formula: str
    ratio: Callable[[int, int], tuple[int, int]]

    def value(self, votes: int, seats: int) -> Fraction:
        numerator, denominator = self.ratio(votes, seats)
        return Fraction(numerator, denominator)


HARE = QuotaFormula("Hare", "V / S", lambda v, s: (v, s))
DROOP = QuotaFormula("Droop", "floor(V / (S + 1)) + 1", lambda v, s: (v // (s + 1) + 1, 1))
HAGENBACH_BISCHOFF = QuotaFormula("Hagenbach-Bischoff", "V / (S + 1)", lambda v, s: (v, s + 1))
IMPERIALI_QUOTA = QuotaFormula("Imperiali", "V / (S + 2)", lambda v, s: (v, s + 2))

OVERFILL_RULE = Citation(
    "saylau convention",
    note="a quota below V/S can give more whole seats than the house; "
    "the smallest remainders give one back each",
)


@dataclass(frozen=True, slots=True)
class LargestRemainder:
    """Quota + largest remainder (Hamilton/Vinton with the Hare quota).

    1. Each option takes one seat per whole quota in its votes.
    2. Seats left go one each to the largest remainders, until the house is full.
    3. Equal remainders at the last seat go to the tie rule, or stay open.
    4. An option with fewer candidates than seats keeps as many seats as it has candidates;
       the seat it would take next goes to the next remainder in line.
    """

    quota: QuotaFormula
    citation: Citation | None = None
    name: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"largest remainder ({self.quota.name} quota)")

    def allocate(
        self,
        votes: Mapping[str, int],
        seats: int,
        *,
        caps: Mapping[str, int] | None = None,
        tie_rule: TieRule = REPORT_TIES,
        registration: Mapping[str, int] | None = None,
        lots: Lots | None = None,
    ) -> Allocation:
        # Plain loops: this is the hot path, and mypyc compiles them to C.
        names: list[str] = []
        raw: list[object] = []
        total = 0
        entries: Iterable[tuple[str, object]] = votes.items()  # objects: a bool is no count
        for name, value in entries:
            if type(value) is not int or value < 0:
                check_votes(votes, seats)  # names the offending count
            names.append(name)
            raw.append(value)
            total += cast(int, value)
        if type(seats) is not int or seats < 1 or not raw:
            check_votes(votes, seats)
        if total == 0:
            raise AllocationInputError("there are no votes to share the seats by: every count is 0")
        counts = cast(list[int], raw)
        numerator, denominator = self.quota.ratio(total, seats)
        whole_seats: list[int] = []
        remainders: list[int] = []
        given_whole = 0
        for count in counts:
            scaled = count * denominator
            full_quotas = scaled // numerator
            whole_seats.append(full_quotas)
            remainders.append(scaled - full_quotas * numerator)
            given_whole += full_quotas
        left = seats - given_whole
        if not caps and 0 < left < len(counts):
            # The common case: no caps, no over-filled house, no tie at the edge. Equal
            # remainders among the winners are ordered by position, for display only.
            order = ranked_descending(remainders)
            if remainders[order[left - 1]] != remainders[order[left]]:
                final: dict[str, int] = {}
                for index, name in enumerate(names):
                    final[name] = whole_seats[index]
                winners: list[str] = []
                for index in order[:left]:
                    winners.append(names[index])
                    final[names[index]] += 1
                explain = partial(
                    self._explain,
                    votes,
                    seats,
                    (numerator, denominator),
                    whole_seats,
                    remainders,
                    final,
                    winners,
                    (),
                    (),
                )
                return Allocation(self.name, seats, final, None, explain)
        whole = dict(zip(names, whole_seats, strict=True))
        remainder = dict(zip(names, remainders, strict=True))
        capped: list[Step] = []
        if caps:
            for name in names:
                if name in caps and whole[name] > caps[name]:
                    capped.append(Capped(name, caps[name], whole[name], self.citation))
                    whole[name] = caps[name]
        context = tie_context(votes, registration, lots)
        given = dict(whole)
        left = seats - sum(whole.values())
        tie: TieOpen | None = None
        adjustments: list[Step] = []
        tie_steps: list[Step] = []
        while left < 0 and tie is None:
            # Too many whole seats: the holders with the largest remainders keep theirs.
            holders = [name for name in names if given[name] > 0]
            keep, keep_ties, tie = choose(
                holders, remainder.__getitem__, max(0, len(holders) + left), tie_rule, context
            )
            contested = set(tie.options) if tie else set()
            returning = [name for name in holders if name not in keep]
            for name in returning:
                given[name] -= 1
                if name not in contested:
                    adjustments.append(
                        SeatReturned(name, Fraction(remainder[name], numerator), OVERFILL_RULE)
                    )
            adjustments.extend(keep_ties)
            left += len(returning)
        awarded: list[str] = []
        while left > 0 and tie is None:
            # A list with no votes takes no seat, whatever its remainder.
            open_to = [
                n
                for n in names
                if votes[n] > 0 and (caps is None or n not in caps or given[n] < caps[n])
            ]
            if not open_to:
                adjustments.append(
                    SeatsVacant(
                        left, "every list with votes has as many seats as candidates", self.citation
                    )
                )
                break
            chosen, round_ties, tie = choose(
                open_to, remainder.__getitem__, left, tie_rule, context
            )
            tie_steps.extend(round_ties)
            for name in chosen:
                given[name] += 1
            awarded.extend(chosen)
            left -= len(chosen) + (tie.seats if tie else 0)
        if caps and awarded:
            lowest = min(remainder[n] for n in awarded)
            cut = {step.option for step in capped if isinstance(step, Capped)}
            capped.extend(
                Capped(n, caps[n], caps[n] + 1, self.citation)
                for n in names
                if n in caps and n not in cut and given[n] == caps[n] and remainder[n] > lowest
            )
        explain = partial(
            self._explain,
            votes,
            seats,
            (numerator, denominator),
            whole_seats,
            remainders,
            given,
            awarded,
            (*capped, *adjustments),
            tuple(tie_steps),
        )
        return Allocation(self.name, seats, given, tie, explain)

    def _explain(
        self,
        votes: Mapping[str, int],
        seats: int,
        quota: tuple[int, int],
        whole_seats: list[int],
        remainders: list[int],
        result: dict[str, int],
        awarded: list[str],
        adjustments: tuple[Step, ...],
        tie_steps: tuple[Step, ...],
    ) -> list[Step]:
        """The trail of an allocation, written from the numbers it kept."""
        numerator, denominator = quota
        remainder = dict(zip(votes, remainders, strict=True))
        total = sum(votes.values())
        steps: list[Step] = [
            Quota(
                self.quota.name,
                total,
                seats,
                self.quota.formula,
                Fraction(numerator, denominator),
                self.citation,
            )
        ]
        for name, whole in zip(votes, whole_seats, strict=True):
            steps.append(
                WholeSeats(
                    name, votes[name], whole, Fraction(remainder[name], numerator), self.citation
                )
            )
        steps.extend(adjustments)
        seat_no = sum(result.values()) - len(awarded)
        # Seats for equal remainders are listed by name, never by the order of the input.
        runs: list[list[str]] = []
        for name in awarded:
            if runs and remainder[runs[-1][0]] == remainder[name]:
                runs[-1].append(name)
            else:
                runs.append([name])
        awarded = [name for run in runs for name in sorted(run)]
        ranks = sorted(set(remainder.values()), reverse=True)
        for name in awarded:
            seat_no += 1
            steps.append(
                RemainderSeat(
                    seat_no,
                    name,
                    Fraction(remainder[name], numerator),
                    ranks.index(remainder[name]) + 1,
                    self.citation,
                )
            )
        steps.extend(tie_steps)
        steps.append(SeatsTotal(f"seats by {self.name}", result))
        return steps


def ranked_descending(values: list[int]) -> list[int]:
    """Positions of ``values`` from largest to smallest (equal values keep their order).

    An insertion sort for the few lists of an election, ``sorted`` for many.
    """
    if len(values) > 24:
        return sorted(range(len(values)), key=values.__getitem__, reverse=True)
    order: list[int] = []
    for index in range(len(values)):
        value = values[index]
        place = len(order)
        while place > 0 and values[order[place - 1]] < value:
            place -= 1
        order.insert(place, index)
    return order


HARE_LR = LargestRemainder(HARE)
DROOP_LR = LargestRemainder(DROOP)
HAGENBACH_BISCHOFF_LR = LargestRemainder(HAGENBACH_BISCHOFF)
IMPERIALI_LR = LargestRemainder(IMPERIALI_QUOTA)

__all__ = [
    "CONVENTION",
    "DROOP",
    "HAGENBACH_BISCHOFF",
    "HARE",
    "IMPERIALI_QUOTA",
    "LargestRemainder",
    "QuotaFormula",
]
