"""The last seat of an allocation, and how many votes would have changed it.

For each allocation this finds the option that took the last seat and the smallest whole
number of **additional votes for one other option, all other votes unchanged and the admitted
lists unchanged**, with which that option wins a seat more, outright (a tie is not enough).
Every option without the last seat is tried; the one (or the ones) needing the fewest votes is
the runner-up. Options needing equally few are all named, in the order of their names (Unicode
code points), never in the order of the input. The numbers are exact.

- **Divisor methods.** The last seat is the one with the lowest quotient among the seats
  given, ``q = v_L / d(s_L - 1)`` (among equal quotients, the first name). Adding votes to
  another option ``R`` changes no other quotient, so ``R`` takes a seat exactly when its next
  quotient passes the last one, ``(v_R + x) / d(s_R) > q``: the smallest such whole ``x`` is
  ``floor(q * d(s_R)) - v_R + 1``, and for Huntington-Hill (squares)
  ``isqrt(floor(q^2 * d(s_R)^2)) + 1 - v_R``. Where ``d(s_R)`` is 0 (a first seat under Adams
  or Huntington-Hill) the quotient is infinite, and an infinite last quotient is passed only
  by more votes than ``v_L``.
- **Largest remainder.** The last seat is the remainder seat with the smallest remainder.
  Every added vote also raises the quota and moves all the remainders, so the votes needed
  are found by counting again, each step an exact allocation. With a quota proportional to
  the votes (Hare ``V / S``, Hagenbach-Bischoff, Imperiali) an option's share of quotas grows
  with each vote it gets and every other share falls, so once it wins a seat more it keeps it:
  doubling, then bisection, finds the smallest number. The Droop quota
  ``floor(V / (S + 1)) + 1`` moves in steps of ``S + 1`` votes, and a step can take back a
  seat just won; within a step it is fixed, so the search goes step by step and bisects
  inside the first step that wins. Any other quota is searched vote by vote. The JSON also
  gives the **remainder gap** (``remainder_L - remainder_R`` in votes, at the quota of the
  count) between the last seat and the first runner-up; it is not the number of votes needed.

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
from saylau.law.methods.quota import DROOP, HAGENBACH_BISCHOFF, HARE, IMPERIALI_QUOTA
from saylau.law.numbers import decimal_text, exact_json
from saylau.law.thresholds import admit
from saylau.law.tiers import ListTier
from saylau.law.trail import TieOpen

SEARCH_LIMIT = 2**64
"""No election needs more added votes than this to move a seat; a guard, not a rule."""

PROPORTIONAL_QUOTAS = (HARE, HAGENBACH_BISCHOFF, IMPERIALI_QUOTA)
"""Quotas of the form ``V / c(S)``: more votes for one option never cost it a seat it won."""


@dataclass(frozen=True, slots=True)
class LastSeat:
    """The last seat of one allocation and the votes that would have changed it.

    ``runners_up`` are the options that the fewest added votes (``votes_needed``) would have
    won a seat more, by name; ``runner_up`` is the same names joined by `` / ``.
    ``votes_needed`` is ``None`` when no whole number of added votes moves the seat (then
    ``runners_up`` is empty). ``gap`` is the largest-remainder gap in votes at the count's
    quota between the last seat and the first runner-up (``None`` for divisor methods).
    ``tied`` marks a last seat that is an open tie: nothing more is needed to contest it.
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
    runners_up: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "contest": self.contest,
            "seat": self.seat,
            "winner": self.winner,
            "runner_up": self.runner_up,
            "runners_up": list(self.runners_up),
            "votes_needed": self.votes_needed,
            "method": self.method,
            "detail": self.detail,
            "gap": exact_json(self.gap) if self.gap is not None else None,
            "tied": self.tied,
            "unit": self.unit,
        }

    def explain(self) -> str:
        each = " each" if len(self.runners_up) > 1 else ""
        needed = (
            "the seat is tied"
            if self.tied
            else f"{self.runner_up}{each} needed {self.votes_needed:,} more {self.unit} to take it"
            if self.votes_needed is not None
            else f"no number of added {self.unit} wins another option a seat"
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
    """The last seat of ``method`` sharing ``seats`` among ``votes`` (the admitted options),
    and the options that the fewest added votes would have won a seat more.

    ``None`` when there is no contest for a last seat (fewer than two options with votes, or
    every seat decided by a minimum). An admitted option with no votes is tried like any
    other: votes added to it may win it a seat.
    """
    counted = dict(votes)
    if sum(1 for count in counted.values() if count > 0) < 2 or seats < 1:
        return None
    if isinstance(method, DivisorMethod):
        return _divisor_last_seat(contest, method, counted, seats, min_seats)
    return _remainder_last_seat(contest, method, counted, seats)


def _tied(contest: str, seats: int, method: str, tie: TieOpen, equal: str) -> LastSeat:
    """The last seat as an open tie: the tied options contest it with no vote more."""
    tied = " / ".join(tie.options)
    return LastSeat(
        contest,
        seats,
        tied,
        tied,
        0,
        method,
        f"equal {equal} for {tie.seats} seat(s)",
        tied=True,
        runners_up=tuple(tie.options),
    )


def _fewest(needs: Mapping[str, int | None]) -> tuple[int | None, tuple[str, ...]]:
    """The fewest votes any option needs, and every option needing just that, by name."""
    known = [need for need in needs.values() if need is not None]
    if not known:
        return None, ()
    least = min(known)
    return least, tuple(sorted(name for name, need in needs.items() if need == least))


def _divisor_last_seat(
    contest: str, method: DivisorMethod, votes: dict[str, int], seats: int, min_seats: int
) -> LastSeat | None:
    if min_seats * len(votes) >= seats:
        return None
    allocation = method.allocate(votes, seats, min_seats=min_seats)
    if allocation.tie is not None:
        return _tied(contest, seats, method.name, allocation.tie, "quotients")
    held = {name: allocation.seats.get(name, 0) for name in votes}
    seated = [name for name in votes if held[name] > min_seats]
    winner = min(seated, key=lambda n: (method.quotient(votes[n], held[n] - 1), n))
    last = method.quotient(votes[winner], held[winner] - 1)
    needs = {
        name: _passing(method, votes[name], held[name], last) for name in votes if name != winner
    }
    needed, runners = _fewest(needs)
    finite, bound = last
    detail = (
        f"last quotient {votes[winner]:,} / {method.divisor_text(held[winner] - 1)}"
        f" = {_shown(bound, method.power) if finite == 0 else 'infinite'}"
    )
    if runners:
        detail += "; next: " + ", ".join(
            f"{name} {votes[name]:,} / {method.divisor_text(held[name])}" for name in runners
        )
    return LastSeat(
        contest,
        seats,
        winner,
        " / ".join(runners),
        needed,
        method.name,
        detail,
        runners_up=runners,
    )


def _passing(
    method: DivisorMethod, votes: int, held: int, last: tuple[int, Fraction | int]
) -> int | None:
    """The fewest votes (1 or more) to add to ``votes`` for the next quotient of an option
    holding ``held`` seats to pass ``last`` strictly; ``None`` if no number does."""
    numerator, denominator = method.ratio(held)
    finite, bound = last
    if numerator == 0:  # a zero divisor: the next quotient is infinite
        return 1 if finite == 0 else max(int(bound) - votes + 1, 1)
    if finite != 0:  # a finite quotient never passes an infinite one
        return None
    # (v + x)^p * denominator / numerator > bound  <=>  (v + x)^p > bound * numerator /
    # denominator =: target; the smallest whole v + x whose p-th power is above target.
    target = Fraction(bound) * numerator / denominator
    floor_target = target.numerator // target.denominator
    smallest = _integer_root(floor_target, method.power) + 1
    return max(smallest - votes, 1)


def _integer_root(value: int, power: int) -> int:
    """The largest whole ``r >= 0`` with ``r ** power <= value`` (exact)."""
    if power == 1:
        return max(value, 0)
    if power == 2:
        return isqrt(max(value, 0))
    low, high = 0, 1
    while high**power <= value:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if middle**power <= value:
            low = middle
        else:
            high = middle
    return low


def _remainder_last_seat(
    contest: str, method: LargestRemainder, votes: dict[str, int], seats: int
) -> LastSeat | None:
    allocation = method.allocate(votes, seats)
    if allocation.tie is not None:
        return _tied(contest, seats, method.name, allocation.tie, "remainders")
    numerator, denominator = method.quota.ratio(sum(votes.values()), seats)
    whole = {name: count * denominator // numerator for name, count in votes.items()}
    remainder = {
        name: Fraction(count * denominator - whole[name] * numerator, denominator)
        for name, count in votes.items()
    }
    held = {name: allocation.seats.get(name, 0) for name in votes}
    awarded = [name for name in votes if held[name] > whole[name]]
    if not awarded:
        return None
    winner = min(awarded, key=lambda n: (remainder[n], n))
    # The likeliest first (largest remainder without a remainder seat), so that the fewest
    # votes found so far bound the search for the rest early.
    others = sorted(
        (name for name in votes if name != winner),
        key=lambda n: (held[n] > whole[n], -remainder[n], n),
    )
    needs: dict[str, int | None] = {}
    fewest: int | None = None
    for name in others:
        need = _remainder_votes_needed(method, votes, seats, name, held[name], fewest)
        needs[name] = need
        if need is not None and (fewest is None or need < fewest):
            fewest = need
    needed, runners = _fewest(needs)
    gap = remainder[winner] - remainder[runners[0]] if runners else None
    detail = f"remainders {winner} {decimal_text(remainder[winner])}"
    detail += "".join(f", {name} {decimal_text(remainder[name])}" for name in runners)
    detail += " votes"
    if gap is not None:
        detail += f": gap {decimal_text(gap)}"
    detail += f" at the quota {decimal_text(Fraction(numerator, denominator))}"
    return LastSeat(
        contest,
        seats,
        winner,
        " / ".join(runners),
        needed,
        method.name,
        detail,
        gap=gap,
        runners_up=runners,
    )


def _remainder_votes_needed(
    method: LargestRemainder,
    votes: dict[str, int],
    seats: int,
    name: str,
    held: int,
    bound: int | None,
) -> int | None:
    """The fewest votes (1 or more) that win ``name`` a seat more than ``held``, outright;
    ``None`` if none up to ``bound`` (when given) or up to :data:`SEARCH_LIMIT` does."""

    def wins(extra: int) -> bool:
        more = dict(votes)
        more[name] += extra
        return method.allocate(more, seats).seats.get(name, 0) > held

    limit = SEARCH_LIMIT if bound is None else bound
    if method.quota in PROPORTIONAL_QUOTAS:
        if bound is not None and not wins(bound):
            return None
        return _smallest(wins, limit)
    # A quota that moves in steps is fixed within each block of added votes, so ``wins``
    # stays true once true inside a block (Droop: blocks of S + 1 votes of the total). Each
    # block is tried at its end; the first that wins is bisected.
    block = seats + 1 if method.quota is DROOP else 1
    total = sum(votes.values())
    start = 1
    while start <= limit:
        end = min(((total + start) // block + 1) * block - 1 - total, limit)
        if wins(end):
            return _first_between(wins, start - 1, end)
        start = end + 1
    return None


def _smallest(wins: Callable[[int], bool], limit: int = SEARCH_LIMIT) -> int | None:
    """The smallest ``x`` in ``1 .. limit`` with ``wins(x)``, for a ``wins`` that stays true
    once true; ``None`` if there is none. Doubling, then bisection."""
    high = 1
    while not wins(high):
        if high >= limit:
            return None
        high = min(high * 2, limit)
    return _first_between(wins, high // 2, high)


def _first_between(wins: Callable[[int], bool], low: int, high: int) -> int:
    """The smallest ``x`` in ``low + 1 .. high`` with ``wins(x)``, where ``wins(high)`` holds,
    ``wins(low)`` does not (or ``low`` is 0), and ``wins`` stays true once true in between."""
    while high - low > 1:
        middle = (low + high) // 2
        if wins(middle):
            high = middle
        else:
            low = middle
    return high


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
