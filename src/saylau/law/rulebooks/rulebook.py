"""A rulebook: a named, dated composition with its provisions, citations and doubts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from saylau.law.ballots import BallotError, Ballots
from saylau.law.citation import Citation
from saylau.law.compose import Composition, tier_names
from saylau.law.results import Result
from saylau.law.ties import Lots
from saylau.law.trail import LazyTrail, ProvisionalProvision, TierHeading


@dataclass(frozen=True, slots=True)
class Provision:
    """One provision a rulebook applies, with its value and citation.

    ``provisional`` marks what could not be verified in the law text: the value is a
    documented default, not a fact.
    """

    name: str
    value: str
    citation: Citation | None = None
    provisional: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "citation": str(self.citation) if self.citation else None,
            "provisional": self.provisional,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Rulebook:
    """The rules of one body over a period: ``valid_from`` inclusive, ``valid_to`` exclusive."""

    id: str
    body: str
    title: str
    valid_from: date
    valid_to: date | None
    composition: Composition
    provisions: tuple[Provision, ...]
    sources: tuple[str, ...] = ()
    example: str = ""
    notes: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """The dated reference, e.g. ``kz.mazhilis@2022-11-05``."""
        return f"{self.id}@{self.valid_from.isoformat()}"

    @property
    def provisional(self) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.provisional)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def elect(self, ballots: Ballots, lots: Mapping[str, Lots] | None = None) -> Result:
        """Apply the rulebook to the ballots. ``lots`` are recorded drawings, by contest or
        tier name; lots for a contest or tier that does not exist are refused."""
        lots = lots or {}
        known = {contest.name for contest in ballots.contests} | set(tier_names(self.composition))
        known |= {place.name for place in ballots.constituencies}
        unknown = sorted(set(lots) - known)
        if unknown:
            raise BallotError(
                f"lots are recorded for {', '.join(map(repr, unknown))}, which is no contest or"
                f" tier of {self.ref}; expected one of: {', '.join(sorted(known))}"
            )
        result = self.composition.elect(self.ref, ballots, lots)
        heading = TierHeading(self.title, self.validity(), None)
        doubts = [
            ProvisionalProvision(p.name, p.value, p.note, p.citation) for p in self.provisional
        ]
        steps = result.trail
        return Result(
            rulebook=result.rulebook,
            seats=result.seats,
            tiers=result.tiers,
            winners=result.winners,
            decisions=result.decisions,
            questions=result.questions,
            trail=LazyTrail(lambda: [heading, *doubts, *steps]),
        )

    def validity(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "today"
        return f"valid {self.valid_from.isoformat()} .. {end}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "body": self.body,
            "title": self.title,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "provisions": [p.to_json() for p in self.provisions],
            "provisional": [p.name for p in self.provisional],
            "sources": list(self.sources),
            "example": self.example,
        }
