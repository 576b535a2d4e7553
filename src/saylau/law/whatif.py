"""What-if comparisons: the same votes under several rulebooks or methods.

A :class:`Run` is one way of counting one election's votes: a dated rulebook, or a bare
method with a number of seats and a threshold. Each run keeps its result, the votes its
seats are measured against, the disproportionality indices, and the last seat that the
fewest added votes would have moved (:mod:`saylau.law.margins`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saylau.law.ballots import BallotError, Ballots
from saylau.law.compose import (
    AgreementListElection,
    ApportionmentElection,
    Composition,
    ConstituencyElection,
    ListElection,
    ParallelElection,
)
from saylau.law.indices import Indices, measure
from saylau.law.margins import LastSeat, closest, last_seats
from saylau.law.methods import AllocationInputError, Method
from saylau.law.results import Result
from saylau.law.rulebooks.rulebook import Rulebook
from saylau.law.thresholds import Threshold
from saylau.law.tiers import ListTier
from saylau.law.ties import EARLIER_REGISTRATION, REPORT_TIES, Lots, TieRule


@dataclass(frozen=True, slots=True)
class Run:
    """One count of the votes: its label, result, indices and closest last seat."""

    label: str
    kind: str
    reference: str
    result: Result
    votes: dict[str, int]
    indices: Indices | None
    last_seats: tuple[LastSeat, ...]

    @property
    def last(self) -> LastSeat | None:
        """The last seat that the fewest added votes would have moved."""
        return closest(list(self.last_seats))

    def to_json(self) -> dict[str, Any]:
        last = self.last
        return {
            "label": self.label,
            "kind": self.kind,
            "reference": self.reference,
            "seats": self.result.seats,
            "total_seats": sum(self.result.seats.values()),
            "indices": self.indices.to_json() if self.indices else None,
            "last_seat": last.to_json() if last else None,
            "last_seats": [seat.to_json() for seat in self.last_seats],
            "final": self.result.is_final,
            "questions": [question.to_json() for question in self.result.questions],
        }


def votes_for(composition: Composition, ballots: Ballots) -> dict[str, int]:
    """The votes a composition's seats answer to: list votes (added up over constituencies),
    or populations for an apportionment."""
    if isinstance(composition, ConstituencyElection):
        total: dict[str, int] = {}
        for place in ballots.constituencies:
            for name, count in place.lists.votes.items():
                total[name] = total.get(name, 0) + count
        return total
    if isinstance(composition, ApportionmentElection):
        return dict(ballots.populations or {})
    if isinstance(composition, ListElection | ParallelElection | AgreementListElection):
        return dict(ballots.lists.votes) if ballots.lists else {}
    return {}


def _run(
    label: str,
    kind: str,
    reference: str,
    composition: Composition,
    result: Result,
    ballots: Ballots,
) -> Run:
    votes = votes_for(composition, ballots)
    if not votes:
        raise BallotError(f"{label}: gives winners or decisions, not seats; nothing to compare")
    indices = (
        measure(votes, result.seats)
        if sum(votes.values()) > 0 and sum(result.seats.values()) > 0
        else None
    )
    return Run(
        label,
        kind,
        reference,
        result,
        votes,
        indices,
        tuple(last_seats(composition, ballots)),
    )


def run_rulebook(
    label: str, rulebook: Rulebook, ballots: Ballots, lots: Mapping[str, Lots] | None = None
) -> Run:
    """Count the ballots by a dated rulebook."""
    result = rulebook.elect(ballots, lots)
    return _run(label, "rulebook", rulebook.ref, rulebook.composition, result, ballots)


def method_composition(
    method: Method,
    ballots: Ballots,
    seats: int | None,
    threshold: Threshold | None,
    min_seats: int = 0,
) -> Composition:
    """A bare method as a composition for the ballots at hand: in each constituency with its
    own seats, among populations, or among the lists with ``seats``.

    A number of seats or a minimum for a file with constituencies is refused, never ignored:
    each constituency brings its own seats, and the result would not be what was asked for.
    """
    has_registration = ballots.lists is not None and bool(ballots.lists.registration)
    tie_rule = TieRule((EARLIER_REGISTRATION,)) if has_registration else REPORT_TIES
    if ballots.constituencies:
        if seats is not None or min_seats:
            given = ["--seats (or list_seats)"] if seats is not None else []
            given += ["--min-seats"] if min_seats else []
            raise AllocationInputError(
                f"{' and '.join(given)}: not for a file with constituencies; each constituency"
                " is counted with its own seats (constituencies[].seats)"
            )
        tier = ListTier(method.name, method, threshold, None, tie_rule=tie_rule)
        return ConstituencyElection(tier)
    if seats is None:
        raise AllocationInputError(
            "--seats: needed to count by a method (or list_seats in the file)"
        )
    if ballots.lists is None and ballots.populations is not None:
        tier = ListTier(method.name, method, None, seats, caps_apply=False, min_seats=min_seats)
        return ApportionmentElection(tier)
    return ListElection(
        ListTier(method.name, method, threshold, seats, tie_rule=tie_rule, min_seats=min_seats)
    )


def run_method(
    label: str,
    method: Method,
    ballots: Ballots,
    seats: int | None,
    threshold: Threshold | None,
    min_seats: int = 0,
) -> Run:
    """Count the ballots by a bare method (see :func:`method_composition`)."""
    composition = method_composition(method, ballots, seats, threshold, min_seats)
    plain = Ballots(
        lists=ballots.lists,
        constituencies=ballots.constituencies,
        populations=ballots.populations,
    )
    result = composition.elect(label, plain, {})
    return _run(label, "method", method.name, composition, result, plain)
