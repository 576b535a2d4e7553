"""The last seat of an allocation, and how many votes would have changed it.

For each allocation this finds the option that took the last seat, the runner-up that would
have taken it next, and the smallest whole number of **additional votes for the runner-up,
all other votes unchanged and the admitted lists unchanged**, with which the runner-up wins a
seat outright (a tie is not enough). The numbers are exact.

- **Divisor methods.** The last seat is the one with the lowest quotient among the seats
  given, ``q = v_L / d(s_L - 1)``; the runner-up holds the highest quotient not given,
  ``v_R / d(s_R)``. Adding votes to the runner-up changes no other quotient, so the runner-up
  takes the last seat exactly when ``(v_R + x) / d(s_R) > q``: the smallest such whole ``x``
  is ``floor(q * d(s_R)) - v_R + 1``, and for Huntington-Hill (squares)
  ``isqrt(floor(q^2 * d(s_R)^2)) + 1 - v_R``.
- **Largest remainder.** The last seat is the remainder seat with the smallest remainder,
  the runner-up the list with the largest remainder that took no remainder seat. Their
  **remainder gap** (``remainder_L - remainder_R`` in votes, at the quota of the count) is
  shown as it is. It is not the number of votes needed: every added vote also raises the
  quota and moves all the remainders. The votes needed are found by counting again: with
  ``x`` more votes the runner-up never has fewer seats (only its share grows), so the
  smallest ``x`` that wins it a seat is found by doubling, then bisection, each step an exact
  allocation.

Caps (candidate-list lengths), runner-up guarantees and recounted thresholds are left out:
the admitted lists and their votes are taken as the count found them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from math import isqrt
from typing import Any

from saylau.law.ballots import Ballots, ListVotes
from saylau.law.compose import (
    AgreementListElection,
    ApportionmentElection,
    Composition,
    ConstituencyElection,
    ListElection,
    ParallelElection,
)
from saylau.law.methods import DivisorMethod, LargestRemainder, Method
from saylau.law.numbers import decimal_text, exact_json
from saylau.law.thresholds import admit
from saylau.law.tiers import ListTier

SEARCH_LIMIT = 2**64
"""No election needs more added votes than this to move a seat; a guard, not a rule."""


@dataclass(frozen=True, slots=True)
class LastSeat:
    """The last seat of one allocation and the votes that would have changed it.

    ``votes_needed`` is ``None`` when no whole number of added votes moves the seat (a
    runner-up that cannot take more seats). ``gap`` is the largest-remainder gap in votes at
    the count's quota (``None`` for divisor methods). ``tied`` marks a last seat that is an
    open tie: nothing more is needed to contest it.
    """

    contest: str
    seat: int
    winner: str
    runner_up: str
    votes_needed: int | None
    method: str
    detail: str
    gap: Fraction | None = None
    tied: bool = False
    unit: str = "votes"

    def to_json(self) -> dict[str, Any]:
        return {
            "contest": self.contest,
            "seat": self.seat,
            "winner": self.winner,
            "runner_up": self.runner_up,
            "votes_needed": self.votes_needed,
            "method": self.method,
            "detail": self.detail,
            "gap": exact_json(self.gap) if self.gap is not None else None,
            "tied": self.tied,
            "unit": self.unit,
        }

    def explain(self) -> str:
        needed = (
            "the seat is tied"
            if self.tied
            else f"{self.runner_up} needed {self.votes_needed:,} more {self.unit} to take it"
            if self.votes_needed is not None
            else f"no number of votes wins {self.runner_up} a seat"
        )
        return f"{self.contest}: seat {self.seat} to {self.winner}; {needed} ({self.detail})"


def last_seat(
    contest: str,
    method: Method,
    votes: Mapping[str, int],
    seats: int,
    *,
    min_seats: int = 0,
) -> LastSeat | None:
    """The last seat of ``method`` sharing ``seats`` among ``votes`` (the admitted options).

    ``None`` when there is no contest for a last seat (one option, or every seat decided
    by whole quotas or a minimum).
    """
    counted = {name: count for name, count in votes.items() if count > 0}
    if len(counted) < 2 or seats < 1:
        return None
    if isinstance(method, DivisorMethod):
        return _divisor_last_seat(contest, method, counted, seats, min_seats)
    return _remainder_last_seat(contest, method, counted, seats)


def _divisor_last_seat(
    contest: str, method: DivisorMethod, votes: dict[str, int], seats: int, min_seats: int
) -> LastSeat | None:
    if min_seats * len(votes) >= seats:
        return None
    allocation = method.allocate(votes, seats, min_seats=min_seats)
    held = {name: allocation.seats.get(name, 0) for name in votes}
    if allocation.tie is not None:
        tie = allocation.tie
        return LastSeat(
            contest,
            seats,
            " / ".join(tie.options),
            " / ".join(tie.options),
            0,
            method.name,
            f"equal quotients for {tie.seats} seat(s)",
            tied=True,
        )
    seated = [name for name in votes if held[name] > min_seats]
    winner = min(seated, key=lambda n: (method.quotient(votes[n], held[n] - 1), n))
    finite, bound = method.quotient(votes[winner], held[winner] - 1)
    others = [name for name in votes if name != winner]
    runner = max(others, key=lambda n: (method.quotient(votes[n], held[n]), _reverse(n)))
    numerator, denominator = method.ratio(held[runner])
    detail = (
        f"last quotient {votes[winner]:,} / {method.divisor_text(held[winner] - 1)}"
        f" = {_shown(bound, method.power) if finite == 0 else 'infinite'}; next:"
        f" {runner} {votes[runner]:,} / {method.divisor_text(held[runner])}"
    )
    if finite != 0 or numerator == 0:
        return LastSeat(contest, seats, winner, runner, None, method.name, detail)
    # (v_R + x)^p * denominator / numerator > bound  <=>  (v_R + x)^p > bound * numerator /
    # denominator =: target; the smallest whole v_R + x above target^(1/p).
    target = Fraction(bound) * numerator / denominator
    floor_target = target.numerator // target.denominator
    smallest = (isqrt(floor_target) if method.power == 2 else floor_target) + 1
    return LastSeat(
        contest, seats, winner, runner, max(smallest - votes[runner], 1), method.name, detail
    )


def _remainder_last_seat(
    contest: str, method: LargestRemainder, votes: dict[str, int], seats: int
) -> LastSeat | None:
    allocation = method.allocate(votes, seats)
    if allocation.tie is not None:
        tie = allocation.tie
        return LastSeat(
            contest,
            seats,
            " / ".join(tie.options),
            " / ".join(tie.options),
            0,
            method.name,
            f"equal remainders for {tie.seats} seat(s)",
            tied=True,
        )
    numerator, denominator = method.quota.ratio(sum(votes.values()), seats)
    whole = {name: count * denominator // numerator for name, count in votes.items()}
    remainder = {
        name: Fraction(count * denominator - whole[name] * numerator, denominator)
        for name, count in votes.items()
    }
    held = {name: allocation.seats.get(name, 0) for name in votes}
    awarded = [name for name in votes if held[name] > whole[name]]
    waiting = [name for name in votes if held[name] <= whole[name]]
    if not awarded or not waiting:
        return None
    winner = min(awarded, key=lambda n: (remainder[n], n))
    runner = max(waiting, key=lambda n: (remainder[n], _reverse(n)))
    gap = remainder[winner] - remainder[runner]
    detail = (
        f"remainders {winner} {decimal_text(remainder[winner])}, {runner}"
        f" {decimal_text(remainder[runner])} votes: gap {decimal_text(gap)} at the quota"
        f" {decimal_text(Fraction(numerator, denominator))}"
    )

    def wins(extra: int) -> bool:
        more = dict(votes)
        more[runner] += extra
        again = method.allocate(more, seats)
        return again.seats.get(runner, 0) > held[runner]

    needed = _smallest(wins)
    return LastSeat(contest, seats, winner, runner, needed, method.name, detail, gap=gap)


def _smallest(wins: Callable[[int], bool]) -> int | None:
    """The smallest ``x >= 1`` with ``wins(x)``, for a ``wins`` that stays true once true."""
    high = 1
    while not wins(high):
        high *= 2
        if high > SEARCH_LIMIT:
            return None
    low = high // 2  # wins(low) is false (or low is 0)
    while high - low > 1:
        middle = (low + high) // 2
        if wins(middle):
            high = middle
        else:
            low = middle
    return high


def _reverse(name: str) -> tuple[int, ...]:
    """A key that orders names backwards, so that ``max`` picks the first name among equals."""
    return tuple(-ord(char) for char in name)


def _shown(value: Fraction | int, power: int) -> str:
    return f"sqrt({decimal_text(value)})" if power == 2 else decimal_text(value)


def _tier_last_seat(
    tier: ListTier, contest: str, votes: ListVotes, seats: int | None
) -> LastSeat | None:
    house = seats if seats is not None else tier.seats
    if house is None:
        return None
    admitted, _ = admit(tier.threshold, votes)
    options = {name: votes.votes[name] for name in admitted}
    return last_seat(contest, tier.method, options, house, min_seats=tier.min_seats)


def last_seats(composition: Composition, ballots: Ballots) -> list[LastSeat]:
    """The last seat of every list allocation a composition makes from ``ballots``.

    Compositions without a list allocation (single winners, referendums, or one this module
    does not know) give none.
    """
    if isinstance(composition, ListElection | ParallelElection):
        tier = composition.tier if isinstance(composition, ListElection) else composition.lists
        if ballots.lists is None:
            return []
        found = _tier_last_seat(tier, tier.name, ballots.lists, ballots.list_seats)
        return [found] if found else []
    if isinstance(composition, ConstituencyElection):
        places = (
            _tier_last_seat(composition.tier, place.name, place.lists, place.seats)
            for place in ballots.constituencies
        )
        return [found for found in places if found is not None]
    if isinstance(composition, AgreementListElection):
        if ballots.lists is None:
            return []
        pooled = composition.tier
        house = ballots.list_seats if ballots.list_seats is not None else pooled.seats
        if house is None:
            return []
        found = last_seat(pooled.name, pooled.method, pooled.options(ballots.lists), house)
        return [found] if found else []
    if isinstance(composition, ApportionmentElection):
        if ballots.populations is None:
            return []
        states = composition.tier
        house = ballots.list_seats if ballots.list_seats is not None else states.seats
        if house is None:
            return []
        found = last_seat(
            states.name, states.method, dict(ballots.populations), house, min_seats=states.min_seats
        )
        return [replace(found, unit="people")] if found else []
    return []


def closest(seats: list[LastSeat]) -> LastSeat | None:
    """The last seat that the fewest added votes would have moved (ties first, then by
    contest name)."""
    movable = [seat for seat in seats if seat.votes_needed is not None]
    if not movable:
        return None
    return min(movable, key=lambda seat: (seat.votes_needed or 0, seat.contest))
