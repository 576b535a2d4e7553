"""Ties: decided by the rulebook's tie rule, or reported open until a recorded drawing of lots.

A tie is never broken by input order. A :class:`TieRule` is an ordered list of tie-breakers; each
either ranks the tied options or does not apply. Whatever they leave undecided is an open tie,
which the caller settles by supplying :class:`Lots`, a drawing recorded in the minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from saylau.law.citation import Citation
from saylau.law.trail import Step, TieOpen, TieResolved


class TieInputError(ValueError):
    """Lots or registration data that cannot be used as given."""


@dataclass(frozen=True, slots=True)
class Lots:
    """A drawing of lots as recorded by the commission: the order drawn, first = favoured.

    ``record`` names the document that attests it (e.g. "CEC minutes No. 12, 2023-03-21").
    """

    order: tuple[str, ...]
    record: str

    def __post_init__(self) -> None:
        if len(set(self.order)) != len(self.order):
            raise TieInputError("a drawing of lots names an option twice")
        if not self.record.strip():
            raise TieInputError("a drawing of lots needs the record that attests it")


@dataclass(frozen=True, slots=True)
class TieContext:
    """What tie-breakers may look at: total votes, registration order, and recorded lots."""

    votes: Mapping[str, int] = field(default_factory=dict)
    registration: Mapping[str, int] = field(default_factory=dict)
    lots: Lots | None = None


@dataclass(frozen=True, slots=True)
class TieBreaker:
    """One criterion that orders tied options; a lower key is favoured.

    ``keys`` returns ``None`` when the criterion does not apply (missing data).
    """

    name: str

    def keys(self, options: Sequence[str], context: TieContext) -> dict[str, int] | None:
        if self.name == "earlier registration":
            if not all(option in context.registration for option in options):
                return None
            return {option: context.registration[option] for option in options}
        if self.name == "more votes":
            if not all(option in context.votes for option in options):
                return None
            return {option: -context.votes[option] for option in options}
        if self.name == "drawing of lots":
            if context.lots is None or not set(options) <= set(context.lots.order):
                return None
            return {option: context.lots.order.index(option) for option in options}
        raise TieInputError(f"unknown tie-breaker {self.name!r}")


EARLIER_REGISTRATION = TieBreaker("earlier registration")
MORE_VOTES = TieBreaker("more votes")
DRAWING_OF_LOTS = TieBreaker("drawing of lots")


@dataclass(frozen=True, slots=True)
class TieDecision:
    """How a tie came out: who is seated, and what stays open."""

    winners: tuple[str, ...]
    open_options: tuple[str, ...]
    open_seats: int
    steps: tuple[Step, ...]

    @property
    def is_open(self) -> bool:
        return self.open_seats > 0


@dataclass(frozen=True, slots=True)
class TieRule:
    """An ordered list of tie-breakers, then lots if recorded, then an open tie.

    A recorded drawing of lots is always the last resort, so every rule ends the same way:
    either lots decide, or the tie is reported.
    """

    breakers: tuple[TieBreaker, ...] = ()
    citation: Citation | None = None

    def decide(self, tied: Sequence[str], seats: int, context: TieContext) -> TieDecision:
        """Choose ``seats`` of the ``tied`` options, or report what stays open."""
        pool = sorted(tied)  # sorted only for stable display; never decides anything
        need = seats
        winners: list[str] = []
        used: list[str] = []
        for breaker in (*self.breakers, DRAWING_OF_LOTS):
            if need in (0, len(pool)):
                break
            keys = breaker.keys(pool, context)
            if keys is None:
                continue
            ranked = sorted(pool, key=keys.__getitem__)
            boundary = keys[ranked[need - 1]]
            ahead = [option for option in ranked if keys[option] < boundary]
            winners.extend(ahead)
            need -= len(ahead)
            pool = [option for option in ranked if keys[option] == boundary]
            used.append(breaker.name)
        if need == len(pool):
            winners.extend(pool)
            need, pool = 0, []
        steps: list[Step] = []
        if winners:
            rule = ", then ".join(used) if used else "every tied option is seated"
            citation = self.citation
            if "drawing of lots" in used and context.lots is not None:
                citation = Citation("drawing of lots", note=context.lots.record)
            steps.append(
                TieResolved(tuple(sorted(tied)), len(winners), rule, tuple(winners), citation)
            )
        if need:
            if context.lots is not None:
                missing = sorted(set(pool) - set(context.lots.order))
                reason = f"the recorded lots do not name {', '.join(missing)}"
            elif self.breakers:
                reason = "the tie rule does not decide it"
            else:
                reason = "this rule has no tie-breaker"
            steps.append(TieOpen(tuple(pool), need, reason))
        return TieDecision(tuple(winners), tuple(pool), need, tuple(steps))


REPORT_TIES = TieRule()
"""No tie-breaker: every tie at the boundary is reported open (unless lots are recorded)."""
