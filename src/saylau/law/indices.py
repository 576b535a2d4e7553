"""How far seats are from votes, and how many parties count: exact indices.

Every index is computed from exact shares (fractions of the totals), in percentage points
where it is a distance:

- **Gallagher** (least squares): ``sqrt(1/2 * sum((v_i - s_i)^2))`` with shares in percent.
  The square root is kept as its exact square (:class:`Root`) and only shown rounded.
- **Loosemore-Hanby**: ``1/2 * sum(|v_i - s_i|)`` in percent, an exact fraction.
- **Effective number of parties** (Laakso-Taagepera): ``1 / sum(p_i^2)`` of vote shares or of
  seat shares, an exact fraction.

Parties missing on one side count as 0 there (a party with seats and no list votes, e.g. the
self-nominated district winners, has a vote share of 0).

Sources: M. Gallagher, "Proportionality, disproportionality and electoral systems",
Electoral Studies 10 (1991); J. Loosemore and V. Hanby, British Journal of Political Science
1 (1971); M. Laakso and R. Taagepera, Comparative Political Studies 12 (1979).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import isqrt
from typing import Any

from saylau.law.numbers import decimal_text, exact_json


class IndexInputError(ValueError):
    """Counts an index cannot be computed from (no votes, no seats, negative numbers)."""


@dataclass(frozen=True, slots=True, order=True)
class Root:
    """The non-negative square root of an exact fraction, kept exact and shown rounded.

    Roots compare by their squares, so ``Root(a) <= Root(b)`` exactly when ``a <= b``.
    """

    square: Fraction

    def __post_init__(self) -> None:
        if self.square < 0:
            raise IndexInputError(f"a square root of a negative number: {self.square}")

    def floor_scaled(self, places: int) -> int:
        """``floor(sqrt(square) * 10**places)``, exactly: floor(sqrt(n) / d) equals
        floor(isqrt(n) / d) for whole ``n`` and ``d``."""
        numerator, denominator = self.square.numerator, self.square.denominator
        return isqrt(numerator * denominator * 10 ** (2 * places)) // denominator

    def text(self, places: int = 2) -> str:
        """Rounded half-up for display, e.g. ``'4.21'``: from floor(2y) = floor of
        sqrt(4 * square) scaled, round(y) = (floor(2y) + 1) // 2."""
        twice = Root(self.square * 4).floor_scaled(places)
        return decimal_text(Fraction((twice + 1) // 2, 10**places), places)

    def __float__(self) -> float:
        return math.sqrt(self.square)

    def to_json(self) -> dict[str, Any]:
        return {"squared": exact_json(self.square), "decimal": self.text(6).replace(",", "")}


def shares(counts: Mapping[str, int]) -> dict[str, Fraction]:
    """Each option's exact share of the total."""
    for name, count in counts.items():
        if type(count) is not int or count < 0:
            raise IndexInputError(f"{name!r}: a count must be a whole number of 0 or more")
    total = sum(counts.values())
    if total == 0:
        raise IndexInputError("the counts add up to 0: there are no shares")
    return {name: Fraction(count, total) for name, count in counts.items()}


def _differences(votes: Mapping[str, int], seats: Mapping[str, int]) -> list[Fraction]:
    vote_shares, seat_shares = shares(votes), shares(seats)
    names = list(dict.fromkeys([*votes, *seats]))
    zero = Fraction(0)
    return [vote_shares.get(n, zero) - seat_shares.get(n, zero) for n in names]


def gallagher(votes: Mapping[str, int], seats: Mapping[str, int]) -> Root:
    """The least-squares index in percentage points, as an exact root."""
    return Root(sum(((d * 100) ** 2 for d in _differences(votes, seats)), Fraction(0)) / 2)


def loosemore_hanby(votes: Mapping[str, int], seats: Mapping[str, int]) -> Fraction:
    """Half the sum of absolute differences between vote and seat shares, in percent."""
    return sum((abs(d) for d in _differences(votes, seats)), Fraction(0)) * 100 / 2


def effective_number(counts: Mapping[str, int]) -> Fraction:
    """Laakso-Taagepera: 1 / sum of squared shares (of votes or of seats)."""
    return 1 / sum((share**2 for share in shares(counts).values()), Fraction(0))


@dataclass(frozen=True, slots=True)
class Indices:
    """The four numbers ``saylau compare`` shows for one allocation."""

    gallagher: Root
    loosemore_hanby: Fraction
    enp_votes: Fraction
    enp_seats: Fraction

    def to_json(self) -> dict[str, Any]:
        return {
            "gallagher": self.gallagher.to_json(),
            "loosemore_hanby": exact_json(self.loosemore_hanby),
            "enp_votes": exact_json(self.enp_votes),
            "enp_seats": exact_json(self.enp_seats),
        }


def measure(votes: Mapping[str, int], seats: Mapping[str, int]) -> Indices:
    """All four indices of one allocation of ``seats`` for ``votes``."""
    return Indices(
        gallagher(votes, seats),
        loosemore_hanby(votes, seats),
        effective_number(votes),
        effective_number(seats),
    )
