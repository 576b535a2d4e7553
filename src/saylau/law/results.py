"""The result of a rulebook: seats or winners, open questions, and the trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saylau.law.trail import Trail


@dataclass(frozen=True, slots=True)
class Question:
    """Something the law leaves to people: a tie for lots, "against all" first, a runoff.

    ``code`` is stable (``tie``, ``repeat_election_required``, ``runoff_required``,
    ``no_list_admitted``); ``contest`` says where; ``options`` who is concerned.
    """

    code: str
    contest: str
    text: str
    options: tuple[str, ...] = ()
    seats: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "contest": self.contest,
            "text": self.text,
            "options": list(self.options),
            "seats": self.seats,
        }


@dataclass(frozen=True, slots=True)
class Result:
    """What a rulebook decided.

    - ``seats``: seats by party (list and district tiers added up where they are parallel);
    - ``tiers``: seats by party in each tier;
    - ``winners``: the winner of each single-winner contest that has one;
    - ``decisions``: yes/no outcomes (a referendum's validity and adoption);
    - ``questions``: what stays open. A result with questions is not final.
    """

    rulebook: str
    seats: dict[str, int] = field(default_factory=dict)
    tiers: dict[str, dict[str, int]] = field(default_factory=dict)
    winners: dict[str, str] = field(default_factory=dict)
    decisions: dict[str, bool] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    trail: Trail = field(default_factory=Trail)

    @property
    def is_final(self) -> bool:
        return not self.questions

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rulebook": self.rulebook, "final": self.is_final}
        if self.seats or self.tiers:
            out["seats"] = self.seats
            out["tiers"] = self.tiers
        if self.winners:
            out["winners"] = self.winners
        if self.decisions:
            out["decisions"] = self.decisions
        out["questions"] = [question.to_json() for question in self.questions]
        out["trail"] = self.trail.to_json()
        return out


def add_seats(*parts: dict[str, int]) -> dict[str, int]:
    """Seats of parallel tiers added up, party by party, in order of first appearance."""
    total: dict[str, int] = {}
    for part in parts:
        for party, seats in part.items():
            total[party] = total.get(party, 0) + seats
    return total
