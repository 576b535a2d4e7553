"""Divisor (highest averages) methods: seats go to the highest quotients ``votes / d(k)``.

``d(k)`` is the divisor for an option that already holds ``k`` seats. Each method writes its
divisor once, as an exact ratio of integers (Huntington–Hill and Dean compare squares or
fractions, never square roots). The allocation is found directly, not seat by seat:

1. a first guess from the quotas (floats may guess; they never decide);
2. seats added to the highest or taken from the lowest quotients until the house is full;
3. an exact check that every seated quotient is at least every unseated one, moving seats until
   it holds. Equal quotients across the boundary are a tie for the tie rule.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from saylau.law.citation import Citation
from saylau.law.methods.allocation import (
    Allocation,
    AllocationInputError,
    check_votes,
    choose,
    tie_context,
)
from saylau.law.numbers import decimal_text
from saylau.law.ties import REPORT_TIES, Lots, TieRule
from saylau.law.trail import (
    Capped,
    MinimumSeats,
    QuotientSeat,
    SeatsTotal,
    SeatsVacant,
    Step,
    TieOpen,
)

INFINITE = math.inf


@dataclass(frozen=True, slots=True)
class DivisorMethod:
    """A highest-averages method, defined by its divisor sequence.

    ``ratio(k)`` is ``d(k) ** power`` as ``(numerator, denominator)``; ``power`` is 2 where the
    divisor is a square root (Huntington–Hill). ``rounding`` is where, between two whole
    numbers of quotas, the method gives the next seat (D'Hondt 1, Sainte-Laguë 1/2, Adams 0);
    it only chooses where the exact search starts, never a seat.
    """

    name: str
    formula: str
    ratio: Callable[[int], tuple[int, int]]
    rounding: float
    power: int = 1
    citation: Citation | None = None

    def divisor_text(self, k: int) -> str:
        numerator, denominator = self.ratio(k)
        value = decimal_text(Fraction(numerator, denominator), 2).rstrip("0").rstrip(".")
        return f"sqrt({value})" if self.power == 2 else value

    def quotient(self, votes: int, held: int) -> tuple[int, Fraction | int]:
        """Exact ``(votes / d(held)) ** power`` as a sortable key.

        ``(1, votes)`` stands for an infinite quotient (a zero divisor): among those, more votes
        come first. ``(0, value)`` is a finite quotient.
        """
        numerator, denominator = self.ratio(held)
        if numerator == 0:
            return (1, votes) if votes else (0, 0)
        return (0, Fraction(votes**self.power * denominator, numerator))

    def _fast(self, votes: int, held: int) -> float:
        """The quotient as a correctly rounded float: orders, never decides alone."""
        numerator, denominator = self.ratio(held)
        if numerator == 0:
            return INFINITE if votes else 0.0
        try:
            if self.power == 1:
                return votes * denominator / numerator
            return votes * votes * denominator / numerator
        except OverflowError:  # beyond floats: equal infinities send it to the exact comparison
            return INFINITE

    def allocate(
        self,
        votes: Mapping[str, int],
        seats: int,
        *,
        caps: Mapping[str, int] | None = None,
        min_seats: int = 0,
        tie_rule: TieRule = REPORT_TIES,
        registration: Mapping[str, int] | None = None,
        lots: Lots | None = None,
    ) -> Allocation:
        check_votes(votes, seats)
        names = list(votes)
        if min_seats < 0 or min_seats * len(names) > seats:
            raise AllocationInputError(
                f"{seats} seats cannot give {min_seats} seat(s) to each of {len(names)} options"
            )
        total = sum(votes.values())
        if total == 0:
            raise AllocationInputError("there are no votes to share the seats by: every count is 0")
        # A list with no votes takes no seat beyond the minimum.
        limit = {
            n: min_seats if votes[n] == 0 else (caps[n] if caps and n in caps else seats)
            for n in names
        }
        for name in names:
            if limit[name] < min_seats:
                raise AllocationInputError(
                    f"{name!r} has {limit[name]} candidates, fewer than the minimum {min_seats}"
                )
        held = self._first_guess(votes, seats, total, min_seats, limit)
        vacant = self._fill(votes, held, seats - sum(held.values()), min_seats, limit)
        lowest, movers = self._settle(votes, held, min_seats, limit)
        tie: TieOpen | None = None
        tie_steps: list[Step] = []
        if movers is not None:
            holders, wanting = movers
            for name in holders:
                held[name] -= 1
            chosen, tie_steps, tie = choose(
                holders + wanting,
                lambda _: 0,
                len(holders),
                tie_rule,
                tie_context(votes, registration, lots),
            )
            for name in chosen:
                held[name] += 1
        capped: list[Step] = []
        if caps and lowest:
            boundary = min(self.quotient(votes[n], held[n] - 1) for n in lowest)
            capped = [
                Capped(n, limit[n], limit[n] + 1, self.citation)
                for n in names
                if n in caps and held[n] == limit[n] and self.quotient(votes[n], held[n]) > boundary
            ]
        result = dict(held)

        def explain() -> list[Step]:
            steps: list[Step] = []
            if min_seats:
                steps.append(MinimumSeats(min_seats, tuple(names), self.citation))
            awarded = [(n, k) for n in names for k in range(min_seats, result[n])]
            awarded.sort(key=lambda nk: (self.quotient(votes[nk[0]], nk[1]), nk[0]), reverse=True)
            seat_no = min_seats * len(names)
            for name, k in awarded:
                seat_no += 1
                finite, value = self.quotient(votes[name], k)
                steps.append(
                    QuotientSeat(
                        seat_no,
                        name,
                        votes[name],
                        self.divisor_text(k),
                        value if finite == 0 else None,
                        self.power,
                        self.citation,
                    )
                )
            steps.extend(capped)
            if vacant:
                steps.append(
                    SeatsVacant(
                        vacant,
                        "every list with votes has as many seats as candidates",
                        self.citation,
                    )
                )
            steps.extend(tie_steps)
            steps.append(SeatsTotal(f"seats by {self.name}", result))
            return steps

        return Allocation(self.name, seats, result, tie, explain)

    # -- the search ------------------------------------------------------------------------

    def _first_guess(
        self, votes: Mapping[str, int], seats: int, total: int, floor: int, limit: dict[str, int]
    ) -> dict[str, int]:
        # At the Hare quota a method rounding at r gives about n * (1/2 - r) seats too many.
        lift = 1 - self.rounding
        target = seats - len(votes) * (0.5 - self.rounding)
        return {
            n: min(limit[n], max(floor, int(v / total * target + lift))) for n, v in votes.items()
        }

    def _fill(
        self,
        votes: Mapping[str, int],
        held: dict[str, int],
        missing: int,
        floor: int,
        limit: dict[str, int],
    ) -> int:
        """Add seats to the highest next quotients (or take from the lowest last ones) until
        the house is full. Float keys only order the work; :meth:`_settle` checks exactly.
        Returns the seats nobody can take (every list at its number of candidates)."""
        if missing > 0:
            heap = [(-self._fast(votes[n], held[n]), n) for n in held if held[n] < limit[n]]
            heapq.heapify(heap)
            while missing and heap:
                _, name = heapq.heappop(heap)
                held[name] += 1
                missing -= 1
                if held[name] < limit[name]:
                    heapq.heappush(heap, (-self._fast(votes[name], held[name]), name))
        elif missing < 0:
            heap = [(self._fast(votes[n], held[n] - 1), n) for n in held if held[n] > floor]
            heapq.heapify(heap)
            while missing and heap:
                _, name = heapq.heappop(heap)
                held[name] -= 1
                missing += 1
                if held[name] > floor:
                    heapq.heappush(heap, (self._fast(votes[name], held[name] - 1), name))
        return max(missing, 0)

    def _settle(
        self,
        votes: Mapping[str, int],
        held: dict[str, int],
        floor: int,
        limit: dict[str, int],
    ) -> tuple[list[str], tuple[list[str], list[str]] | None]:
        """Move seats until every seated quotient is at least every unseated one, exactly.

        Quotients are compared first as correctly rounded floats. Rounding is monotone, so a
        float strictly greater means an exact value strictly greater: only floats that are
        equal need the exact comparison. Returns the options holding the lowest seated
        quotient and, when the highest unseated one equals it exactly, the options holding and
        wanting seats at that quotient: a tie.
        """
        fast = self._fast
        # Each move raises the lowest seated quotient, so the loop ends; the bound only guards
        # against a divisor sequence that is not increasing.
        for _ in range(64 * (len(held) + sum(held.values())) + 64):
            last = {n: fast(votes[n], held[n] - 1) for n in held if held[n] > floor}
            if not last:
                return [], None
            low = min(last.values())
            lowest = [n for n, q in last.items() if q == low]
            following = {n: fast(votes[n], held[n]) for n in held if held[n] < limit[n]}
            if not following:
                return lowest, None
            high = max(following.values())
            if high < low:
                return lowest, None
            highest = [n for n, q in following.items() if q == high]
            if high > low:
                held[min(highest)] += 1
                held[min(lowest)] -= 1
                continue
            # Equal floats: settle exactly.
            seated = {n: self.quotient(votes[n], held[n] - 1) for n in lowest}
            unseated = {n: self.quotient(votes[n], held[n]) for n in highest}
            bottom, top = min(seated.values()), max(unseated.values())
            lowest = [n for n in lowest if seated[n] == bottom]
            highest = [n for n in highest if unseated[n] == top]
            if top > bottom:
                held[min(highest)] += 1
                held[min(lowest)] -= 1
                continue
            if top == bottom:
                return lowest, (sorted(lowest), sorted(highest))
            return lowest, None
        raise AllocationInputError(f"{self.name}: the divisors must increase with each seat")


def _linear(a: int, b: int) -> Callable[[int], tuple[int, int]]:
    return lambda k: (a * k + b, 1)


DHONDT = DivisorMethod("D'Hondt", "k + 1", _linear(1, 1), 1.0)
SAINTE_LAGUE = DivisorMethod("Sainte-Laguë", "2k + 1", _linear(2, 1), 0.5)
ADAMS = DivisorMethod("Adams", "k", _linear(1, 0), 0.0)
DANISH = DivisorMethod("Danish", "3k + 1", _linear(3, 1), 1 / 3)
IMPERIALI = DivisorMethod("Imperiali", "k + 2", _linear(1, 2), 2.0)
HUNTINGTON_HILL = DivisorMethod(
    "Huntington-Hill", "sqrt(k(k + 1))", lambda k: (k * (k + 1), 1), 0.5, power=2
)
DEAN = DivisorMethod("Dean", "2k(k + 1) / (2k + 1)", lambda k: (2 * k * (k + 1), 2 * k + 1), 0.5)


def modified_sainte_lague(first: Fraction | int | float = Fraction(7, 5)) -> DivisorMethod:
    """Sainte-Laguë with a larger first divisor, e.g. 1.4 (Norway, Sweden): 1.4, 3, 5, 7, ..."""
    if isinstance(first, float):
        first = Fraction(str(first))  # 1.4 means 7/5, not the binary float nearest to it
    first = Fraction(first)
    if not 0 < first < 3:
        raise AllocationInputError(
            f"the first divisor must be more than 0 and less than the second divisor 3,"
            f" got {decimal_text(first, 2)}"
        )

    def ratio(k: int) -> tuple[int, int]:
        return (first.numerator, first.denominator) if k == 0 else (2 * k + 1, 1)

    return DivisorMethod(
        f"modified Sainte-Laguë (first divisor {decimal_text(first, 2)})",
        f"{first} for the first seat, then 2k + 1",
        ratio,
        0.5,
    )
