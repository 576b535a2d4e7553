"""Thresholds: which lists may take seats, compared exactly.

A threshold is a predicate over one list with its own trail step. Shares are exact fractions of
a declared base; "X and more" and "more than X" are explicit. Thresholds compose: any of several
paths (5% or three district seats) admits a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from saylau.law.ballots import Base, ListVotes
from saylau.law.citation import Citation
from saylau.law.numbers import decimal_text
from saylau.law.trail import Admitted, Excluded, Step


@dataclass(frozen=True, slots=True)
class Share:
    """At least (or more than) ``share`` of ``base``, e.g. 5% "and more" of lists + against all.

    ``base`` is one of the counted bases, or a declared number (e.g. all ballots received,
    known from elsewhere).
    """

    share: Fraction
    base: Base | int
    inclusive: bool = True
    citation: Citation | None = None

    def total(self, votes: ListVotes) -> int:
        return self.base if isinstance(self.base, int) else votes.base(self.base)

    def base_name(self) -> str:
        return "the declared base" if isinstance(self.base, int) else self.base.describe("lists")

    def passes(self, option: str, votes: ListVotes) -> bool:
        left = votes.votes[option] * self.share.denominator
        right = self.share.numerator * self.total(votes)
        return left >= right if self.inclusive else left > right

    def describe(self) -> str:
        rule = "at least" if self.inclusive else "more than"
        return f"{rule} {decimal_text(self.share * 100).rstrip('0').rstrip('.')}%"


@dataclass(frozen=True, slots=True)
class VoteCount:
    """At least (or more than) an absolute number of votes."""

    votes: int
    inclusive: bool = True
    citation: Citation | None = None

    def passes(self, option: str, votes: ListVotes) -> bool:
        count = votes.votes[option]
        return count >= self.votes if self.inclusive else count > self.votes

    def describe(self) -> str:
        return f"{'at least' if self.inclusive else 'more than'} {self.votes:,} votes"


@dataclass(frozen=True, slots=True)
class DistrictWins:
    """At least ``seats`` district (constituency) seats won, e.g. Germany's three."""

    seats: int
    citation: Citation | None = None

    def passes(self, option: str, votes: ListVotes) -> bool:
        return votes.district_wins.get(option, 0) >= self.seats

    def describe(self) -> str:
        return f"or at least {self.seats} district seats"


@dataclass(frozen=True, slots=True)
class Exempt:
    """Named lists the threshold does not apply to, e.g. parties of national minorities."""

    options: tuple[str, ...]
    citation: Citation | None = None

    def passes(self, option: str, votes: ListVotes) -> bool:
        return option in self.options

    def describe(self) -> str:
        return f"or exempt ({', '.join(self.options)})"


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Admitted if any of the paths admits (e.g. 5% or 3 district seats)."""

    paths: tuple[Share | VoteCount | DistrictWins | Exempt, ...]
    citation: Citation | None = None

    def passes(self, option: str, votes: ListVotes) -> bool:
        return any(path.passes(option, votes) for path in self.paths)

    def describe(self) -> str:
        return " / ".join(path.describe() for path in self.paths)


Threshold = Share | VoteCount | DistrictWins | Exempt | AnyOf


def _shown_base(threshold: Threshold, votes: ListVotes) -> tuple[str, int]:
    first = threshold.paths[0] if isinstance(threshold, AnyOf) else threshold
    if isinstance(first, Share):
        return first.base_name(), first.total(votes)
    return Base.OPTIONS_AND_AGAINST_ALL.describe("lists"), votes.base(Base.OPTIONS_AND_AGAINST_ALL)


def admit(threshold: Threshold | None, votes: ListVotes) -> tuple[list[str], list[Step]]:
    """The lists a threshold admits, in input order, with an Admitted/Excluded step for each."""
    if threshold is None:
        return list(votes.votes), []
    base_name, base = _shown_base(threshold, votes)
    required = threshold.describe()
    admitted: list[str] = []
    steps: list[Step] = []
    for option, count in votes.votes.items():
        if threshold.passes(option, votes):
            admitted.append(option)
            steps.append(Admitted(option, count, base_name, base, required, threshold.citation))
        else:
            steps.append(Excluded(option, count, base_name, base, required, threshold.citation))
    return admitted, steps
