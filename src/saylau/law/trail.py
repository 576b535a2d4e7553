"""The trail: typed steps that explain how a result was reached.

Every result carries a :class:`Trail`. Each step holds exact numbers and the provision it applies,
and renders itself as one line of text and as a JSON object. The CLI, the JSON output, the report
and the service all read the same steps; none of them recomputes anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from saylau.law.citation import Citation
from saylau.law.numbers import Exact, decimal_text, exact_json, percent_text


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a trail. Subclasses name their ``kind`` and say themselves in ``explain``."""

    kind: ClassVar[str] = "step"

    def explain(self) -> str:
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for field in dataclasses.fields(self):
            out[field.name] = _json_value(getattr(self, field.name))
        out["text"] = self.explain()
        return out


def _json_value(value: object) -> Any:
    if isinstance(value, Citation):
        return value.to_json()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Fraction):
        return exact_json(value)
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


def _cite(citation: Citation | None) -> str:
    return f" [{citation}]" if citation else ""


# --- admission -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Admitted(Step):
    """An option met the threshold: its votes, the base, and the share required."""

    kind: ClassVar[str] = "admitted"
    option: str
    votes: int
    base_name: str
    base: int
    required: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option}: {self.votes:,} = {percent_text(self.votes, self.base)} of "
            f"{self.base:,} ({self.base_name}), {self.required}: admitted{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class Excluded(Step):
    """An option failed the threshold and takes no seats in this tier."""

    kind: ClassVar[str] = "excluded"
    option: str
    votes: int
    base_name: str
    base: int
    required: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option}: {self.votes:,} = {percent_text(self.votes, self.base)} of "
            f"{self.base:,} ({self.base_name}), {self.required}: not admitted"
            f"{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class AdmittedByRule(Step):
    """An option below the threshold admitted by a special provision (e.g. a runner-up)."""

    kind: ClassVar[str] = "admitted_by_rule"
    option: str
    votes: int
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return f"{self.option}: {self.votes:,} votes, admitted: {self.reason}{_cite(self.citation)}"


# --- seat allocation -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quota(Step):
    """The quota of a largest-remainder allocation: the votes one seat costs, exactly."""

    kind: ClassVar[str] = "quota"
    name: str
    votes: int
    seats: int
    formula: str
    value: Exact
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.name} quota = {self.formula} = {decimal_text(self.value)}"
            f" ({self.votes:,} votes, {self.seats} seats){_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class WholeSeats(Step):
    """Seats an option takes for each whole quota in its votes, and what remains."""

    kind: ClassVar[str] = "whole_seats"
    option: str
    votes: int
    seats: int
    remainder: Exact
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option}: {self.votes:,} / quota = {self.seats} whole seats,"
            f" remainder {decimal_text(self.remainder, 4)} of a quota{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class RemainderSeat(Step):
    """A seat awarded for the ``rank``-th largest remainder."""

    kind: ClassVar[str] = "remainder_seat"
    seat: int
    option: str
    remainder: Exact
    rank: int
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"seat {self.seat}: {self.option}, remainder {decimal_text(self.remainder, 4)}"
            f" (rank {self.rank}){_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class SeatReturned(Step):
    """A whole seat given back because the quota gave more seats than the house has."""

    kind: ClassVar[str] = "seat_returned"
    option: str
    remainder: Exact
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option} gives back a seat: smallest remainder {decimal_text(self.remainder, 4)}"
            f" while the quota over-filled the house{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class QuotientSeat(Step):
    """A seat awarded to the highest quotient ``votes / divisor``."""

    kind: ClassVar[str] = "quotient_seat"
    seat: int
    option: str
    votes: int
    divisor: str
    quotient: Exact | None
    power: int = 1
    citation: Citation | None = None

    def explain(self) -> str:
        if self.quotient is None:
            shown = "infinite (zero divisor; among these, more votes first: saylau convention)"
        elif self.power == 2:
            shown = f"sqrt({decimal_text(self.quotient)})"
        else:
            shown = decimal_text(self.quotient)
        return (
            f"seat {self.seat}: {self.option}, {self.votes:,} / {self.divisor} = {shown}"
            f"{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class MinimumSeats(Step):
    """Seats every option receives before the method runs (e.g. one per US state)."""

    kind: ClassVar[str] = "minimum_seats"
    seats_each: int
    options: tuple[str, ...]
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"each of {len(self.options)} options first receives {self.seats_each} seat(s)"
            f"{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class Capped(Step):
    """An option reached its number of candidates; its further seats go to the next in line."""

    kind: ClassVar[str] = "capped"
    option: str
    candidates: int
    seats_earned: int
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option} has only {self.candidates} candidates and keeps {self.candidates}"
            f" seats; the seat it would take next goes to the next in line{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class SeatGuaranteed(Step):
    """A seat moved to a list that a provision guarantees a minimum (e.g. a runner-up)."""

    kind: ClassVar[str] = "seat_guaranteed"
    option: str
    seats: int
    taken_from: str
    guarantee: int
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option} is guaranteed {self.guarantee} seat(s): a seat moves from"
            f" {self.taken_from}, {self.option} now has {self.seats}{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class SeatsVacant(Step):
    """Seats no list can take (every list with votes has run out of candidates)."""

    kind: ClassVar[str] = "seats_vacant"
    seats: int
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return f"{self.seats} seat(s) stay vacant: {self.reason}{_cite(self.citation)}"


@dataclass(frozen=True, slots=True)
class SeatsTotal(Step):
    """The seats of an allocation or a tier, option by option."""

    kind: ClassVar[str] = "seats_total"
    label: str
    seats: dict[str, int]

    def explain(self) -> str:
        parts = ", ".join(f"{name} {n}" for name, n in self.seats.items())
        return f"{self.label}: {parts}"


# --- ties ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TieResolved(Step):
    """Options equal on the deciding number: the tie rule seats ``order`` (``seats`` of them).

    When the rule decides only part of a tie, the rest is a :class:`TieOpen` step."""

    kind: ClassVar[str] = "tie_resolved"
    options: tuple[str, ...]
    seats: int
    rule: str
    order: tuple[str, ...]
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"tie between {', '.join(self.options)}: {self.rule} gives {self.seats} seat(s) to"
            f" {', '.join(self.order)}{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class TieOpen(Step):
    """A tie no rule decides: the seats stay open until a recorded drawing of lots."""

    kind: ClassVar[str] = "tie_open"
    options: tuple[str, ...]
    seats: int
    reason: str

    def explain(self) -> str:
        return (
            f"OPEN TIE between {', '.join(self.options)} for {self.seats} seat(s): {self.reason};"
            " a recorded drawing of lots must decide"
        )


# --- winners ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing(Step):
    """Votes of one option in a single-winner contest, with its share of the base."""

    kind: ClassVar[str] = "standing"
    option: str
    votes: int
    base: int

    def explain(self) -> str:
        return f"{self.option}: {self.votes:,} ({percent_text(self.votes, self.base)})"


@dataclass(frozen=True, slots=True)
class Elected(Step):
    """The winner of a single-winner contest, and why."""

    kind: ClassVar[str] = "elected"
    option: str
    votes: int
    base: int
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option} elected with {self.votes:,} of {self.base:,}"
            f" ({percent_text(self.votes, self.base)}): {self.reason}{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class RunoffNeeded(Step):
    """No candidate reached the majority: the named candidates go to a runoff."""

    kind: ClassVar[str] = "runoff_needed"
    candidates: tuple[str, ...]
    leader_votes: int
    base: int
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"no majority (leader {self.leader_votes:,} of {self.base:,} ="
            f" {percent_text(self.leader_votes, self.base)}): runoff between"
            f" {' and '.join(self.candidates)}; {self.reason}{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class OpenOutcome(Step):
    """An outcome the law leaves to people (e.g. "against all" first): nobody is declared."""

    kind: ClassVar[str] = "open_outcome"
    code: str
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return f"OPEN: {self.code}: {self.reason}{_cite(self.citation)}"


@dataclass(frozen=True, slots=True)
class Measure(Step):
    """A named test on exact counts, e.g. referendum turnout: ``part / whole`` against a bar."""

    kind: ClassVar[str] = "measure"
    name: str
    part: int
    whole: int
    required: str
    met: bool | None
    citation: Citation | None = None

    def explain(self) -> str:
        shown = (
            f"{self.name}: {self.part:,} of {self.whole:,} = {percent_text(self.part, self.whole)}"
        )
        if self.met is None:  # for the record: no bar applies
            return f"{shown}{_cite(self.citation)}"
        verdict = "met" if self.met else "NOT met"
        return f"{shown}, {self.required}: {verdict}{_cite(self.citation)}"


# --- composition -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TierHeading(Step):
    """Marks where the steps of one tier (or district) begin."""

    kind: ClassVar[str] = "tier"
    name: str
    description: str
    citation: Citation | None = None

    def explain(self) -> str:
        return f"== {self.name}: {self.description}{_cite(self.citation)}"


@dataclass(frozen=True, slots=True)
class ProvisionalProvision(Step):
    """A provision the rulebook applies that could not be verified in the law text: its value
    is a documented default, not a fact, and the note says why."""

    kind: ClassVar[str] = "provisional_provision"
    name: str
    value: str
    note: str = ""
    citation: Citation | None = None

    def explain(self) -> str:
        shown = f"{self.value} ({self.note})" if self.note else self.value
        return f"== provisional: {self.name}: {shown}{_cite(self.citation)}"


@dataclass(frozen=True, slots=True)
class Overhang(Step):
    """A party won more lower-tier seats than its upper-tier entitlement."""

    kind: ClassVar[str] = "overhang"
    option: str
    entitled: int
    won: int
    policy: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.option}: {self.won} district seats > entitlement {self.entitled};"
            f" overhang {self.won - self.entitled} ({self.policy}){_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class Leveling(Step):
    """The house is enlarged to the smallest size that compensates every overhang."""

    kind: ClassVar[str] = "leveling"
    base_size: int
    house_size: int
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"house enlarged from {self.base_size} to {self.house_size} seats: {self.reason}"
            f"{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class RegionalMinimum(Step):
    """A party's minimum seats in one region: its district seats, or more where the law adds a
    share of its regional quota (Germany 2020: the mean of quota and district seats, rounded
    up)."""

    kind: ClassVar[str] = "regional_minimum"
    option: str
    region: str
    quota: int
    districts: int
    minimum: int
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.region}, {self.option}: quota {self.quota}, district seats {self.districts}:"
            f" at least {self.minimum}{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class NotCovered(Step):
    """A district winner not seated: the party's seats in the region do not cover the district
    (Germany 2023, Zweitstimmendeckung)."""

    kind: ClassVar[str] = "not_covered"
    option: str
    region: str
    district: str
    share: Exact | None
    seats: int
    won: int
    citation: Citation | None = None

    def explain(self) -> str:
        place = f" ({decimal_text(self.share * 100)}% of the first votes)" if self.share else ""
        return (
            f"{self.region}, {self.option}: {self.won} districts won, {self.seats} seats:"
            f" {self.district}{place} is not covered; its winner is not seated"
            f"{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class AgreementPooled(Step):
    """Two lists with a surplus-vote agreement take part in the allocation as one."""

    kind: ClassVar[str] = "agreement_pooled"
    first: str
    second: str
    votes: int
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.first} + {self.second}: surplus-vote agreement, {self.votes:,} votes"
            f" pooled for the allocation{_cite(self.citation)}"
        )


@dataclass(frozen=True, slots=True)
class AgreementLapsed(Step):
    """A surplus-vote agreement has no effect: a list in it did not pass the threshold."""

    kind: ClassVar[str] = "agreement_lapsed"
    first: str
    second: str
    reason: str
    citation: Citation | None = None

    def explain(self) -> str:
        return (
            f"{self.first} + {self.second}: surplus-vote agreement lapses, {self.reason}"
            f"{_cite(self.citation)}"
        )


class Trail(Sequence[Step]):
    """An ordered, immutable record of steps. Renders as text and as JSON."""

    __slots__ = ("_steps",)

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        self._steps: tuple[Step, ...] = tuple(steps)

    def __getitem__(self, index: Any) -> Any:
        return self._steps[index]

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps)

    def __add__(self, other: Iterable[Step]) -> Trail:
        return Trail((*self._steps, *other))

    def of_kind(self, kind: type[Step]) -> list[Step]:
        """The steps of one type, in order."""
        return [step for step in self._steps if isinstance(step, kind)]

    def explain(self) -> str:
        """The whole trail as readable text, one step a line."""
        return "\n".join(step.explain() for step in self._steps)

    def to_json(self) -> list[dict[str, Any]]:
        return [step.to_json() for step in self._steps]


class LazyTrail(Trail):
    """A trail written when first read, from a function the result kept. Computing a result
    stays fast when nobody asks for its explanation."""

    __slots__ = ("_write",)

    def __init__(self, write: Callable[[], Iterable[Step]]) -> None:
        self._write: Callable[[], Iterable[Step]] | None = write
        self._steps = ()

    def _ready(self) -> tuple[Step, ...]:
        if self._write is not None:
            self._steps = tuple(self._write())
            self._write = None
        return self._steps

    def __getitem__(self, index: Any) -> Any:
        return self._ready()[index]

    def __len__(self) -> int:
        return len(self._ready())

    def __iter__(self) -> Iterator[Step]:
        return iter(self._ready())

    def __add__(self, other: Iterable[Step]) -> Trail:
        return Trail((*self._ready(), *other))

    def of_kind(self, kind: type[Step]) -> list[Step]:
        return [step for step in self._ready() if isinstance(step, kind)]

    def explain(self) -> str:
        return "\n".join(step.explain() for step in self._ready())

    def to_json(self) -> list[dict[str, Any]]:
        return [step.to_json() for step in self._ready()]
