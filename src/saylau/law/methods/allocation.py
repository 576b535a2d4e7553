"""The result of one seat allocation, and the choice of the best ``k`` with explicit ties."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from saylau.law.citation import Citation
from saylau.law.ties import Lots, TieContext, TieRule
from saylau.law.trail import Step, TieOpen, Trail


class AllocationInputError(ValueError):
    """Votes or seats a method cannot allocate (negative votes, no seats, ...)."""


class Allocation:
    """Seats from one method over one set of votes, with the trail that explains them.

    ``seats`` holds every seat that is decided. When a tie at the last seat is left open, the
    contested seats are missing from ``seats`` and ``tie`` says who contests how many; the
    allocation is then not final. The trail is written when first read, from the numbers the
    method kept, so that allocating stays fast when nobody asks for the explanation.
    """

    __slots__ = ("_explain", "_trail", "house", "method", "seats", "tie")

    def __init__(
        self,
        method: str,
        house: int,
        seats: dict[str, int],
        tie: TieOpen | None,
        explain: Callable[[], list[Step]],
    ) -> None:
        self.method = method
        self.house = house
        self.seats = seats
        self.tie = tie
        self._explain = explain
        self._trail: Trail | None = None

    @property
    def is_final(self) -> bool:
        """True when every seat is decided (no open tie)."""
        return self.tie is None

    @property
    def trail(self) -> Trail:
        if self._trail is None:
            self._trail = Trail(self._explain())
        return self._trail

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "house": self.house, "seats": self.seats}
        if self.tie is not None:
            out["tie"] = self.tie.to_json()
        out["trail"] = self.trail.to_json()
        return out

    def __repr__(self) -> str:
        tie = f", tie={self.tie.options}x{self.tie.seats}" if self.tie else ""
        return f"Allocation({self.method}, {self.seats}{tie})"


def check_votes(votes: Mapping[str, object], seats: object) -> None:
    """Reject what no method can allocate: no options, no seats, counts that are not whole
    numbers of 0 or more (a bool or a float is not a count)."""
    if type(seats) is not int or seats < 1:
        raise AllocationInputError(f"seats must be a whole number of at least 1, got {seats!r}")
    if not votes:
        raise AllocationInputError("there are no lists or candidates to allocate seats to")
    for name, count in votes.items():
        if type(count) is not int or count < 0:
            raise AllocationInputError(
                f"votes for {name!r} must be a whole number of 0 or more, got {count!r}"
            )


K = TypeVar("K")


def choose(
    candidates: Sequence[str],
    key: Callable[[str], K],
    count: int,
    tie_rule: TieRule,
    context: Callable[[], TieContext],
) -> tuple[list[str], list[Step], TieOpen | None]:
    """Choose the ``count`` candidates with the highest ``key``.

    Equal keys across the boundary form a tie that ``tie_rule`` decides or leaves open; input
    order never matters. Returns the chosen (best first), the tie steps, and any open tie.
    """
    if count <= 0:
        return [], [], None
    ranked = sorted(candidates, key=key, reverse=True)  # type: ignore[arg-type]
    if count >= len(ranked):
        return ranked, [], None
    edge = key(ranked[count - 1])
    if key(ranked[count]) != edge:
        return ranked[:count], [], None
    ahead = [name for name in ranked if key(name) > edge]  # type: ignore[operator]
    tied = [name for name in ranked if key(name) == edge]
    decision = tie_rule.decide(tied, count - len(ahead), context())
    open_tie = None
    if decision.is_open:
        open_tie = next(step for step in decision.steps if isinstance(step, TieOpen))
    return [*ahead, *decision.winners], list(decision.steps), open_tie


def tie_context(
    votes: Mapping[str, int], registration: Mapping[str, int] | None, lots: Lots | None
) -> Callable[[], TieContext]:
    """A lazily built :class:`TieContext`: most allocations never need one."""
    return lambda: TieContext(votes, registration or {}, lots)


def seats_step_label(method: str, citation: Citation | None) -> str:
    return f"seats by {method}" + (f" [{citation}]" if citation else "")
