"""The protocol page of the commission desk: one protocol as a clerk sees it, and its form.

The page shows a protocol's state and entries, the coded checks (``E-...``, ``W-...``) with
their messages, the differences between the two entries, and the form a clerk may use now:
entry 1 or 2, a correction, or the approval. What a clerk may do comes from
:mod:`saylau.service.permissions` (the same rules the workflow enforces, which has the last
word); this module only decides what to show.

**Double entry is blind.** While a protocol has one entry, its figures (and the checks that
quote them) are shown to the clerk who made it and to nobody else: the second entry is typed
from the paper, not from the screen. Once both entries are in, everyone who may read the
protocol sees both, side by side, with their differences.

**What was typed is never lost.** A form sent back (a refusal, a figure that is not a number)
is shown again with every value as typed, and the figures at fault marked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saylau.count.checks import Kind
from saylau.count.fields import COUNT_FIELDS, REQUIRED_FIELDS
from saylau.service import permissions as rules
from saylau.service import workflow
from saylau.service.elections import KnownElection
from saylau.service.errors import ServiceError
from saylau.service.models import ProtocolEntry, ProtocolRecord, ProtocolState, User

ACKNOWLEDGED_FIELD = "acknowledged"
"""The checkboxes of the warnings a commission acknowledges (one value per code)."""
WHOLE_NUMBER = re.compile(r"^\+?(\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+)$")
"""A whole number as a clerk may type it: digits of any script (Arabic-Indic too), optionally
grouped by threes with spaces (``1 000``, as Kazakh and Russian write it)."""
MAX_TYPED = 40
"""Longer text in a number field is passed on as text (and refused, located)."""

STATE_VIEWS: Mapping[ProtocolState | None, tuple[str, str]] = {
    None: ("awaited", "state.awaited"),
    ProtocolState.ENTERED: ("entered", "state.entered"),
    ProtocolState.MISMATCH: ("mismatch", "state.mismatch"),
    ProtocolState.MATCHED: ("matched", "state.matched"),
    ProtocolState.APPROVED: ("accepted", "desk.state.approved"),
}
"""Each workflow state's badge (its CSS class) and message key; None: nothing entered yet."""


# -- reading the form -----------------------------------------------------------------------


def typed_number(text: str) -> int | str | None:
    """A figure as typed: blank is not reported (None), a whole number is that number, and
    anything else goes on as typed, so that the workflow refuses it and names the figure."""
    shown = text.strip()
    if not shown:
        return None
    if len(shown) <= MAX_TYPED and WHOLE_NUMBER.match(shown):
        digits = re.sub(r"[ \u00a0\u202f+]", "", shown)
        return int(digits)
    return shown


def figure_names(options: int) -> list[str]:
    """The inputs of a protocol form: every figure of the form, then one per ballot line."""
    return [*COUNT_FIELDS, *(f"line_{k}" for k in range(1, options + 1))]


def typed_text(form: Mapping[str, Any], names: Sequence[str]) -> dict[str, str]:
    """What the clerk typed in each input (to show again), missing inputs as blank."""
    out = {}
    for name in names:
        value = form.get(name)
        out[name] = value if isinstance(value, str) else ""
    return out


def typed_figures(typed: Mapping[str, str]) -> dict[str, int | str | None]:
    """The figures to hand to the workflow, read from the typed text."""
    return {name: typed_number(text) for name, text in typed.items()}


def problems_of(refusal: ServiceError) -> dict[str, str]:
    """The inputs a refusal finds fault with, each with its sentence (English, as the
    workflow words it): every problem it lists, or its field."""
    problems = refusal.details.get("problems")
    found: dict[str, str] = {}
    if isinstance(problems, list):
        for problem in problems:
            if isinstance(problem, Mapping) and problem.get("field"):
                found.setdefault(str(problem["field"]), str(problem.get("message", "")))
    if not found and refusal.field:
        found[refusal.field] = refusal.message
    return found


# -- the view -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberInput:
    """One number input of the form: a figure of the protocol form, or a ballot line with its
    number and option name; the text it shows, and the problem found in it."""

    name: str
    line: int | None
    option: str | None
    value: str
    required: bool
    problem: str | None


@dataclass(frozen=True, slots=True)
class WarningBox:
    """A warning the entry raised, with the checkbox that acknowledges it."""

    code: str
    message: str
    checked: bool


@dataclass(frozen=True)
class EntryForm:
    """The form for entry 1 or 2: a new entry (``enter``) or a new version of one on record
    (``correct``), from the protocol version the clerk saw."""

    action: str
    entry: int
    version: int | None
    figures: tuple[NumberInput, ...]
    lines: tuple[NumberInput, ...]
    warnings: tuple[WarningBox, ...]
    reason: str
    reason_required: bool
    reason_problem: str | None


@dataclass(frozen=True, slots=True)
class EntryView:
    """A current entry: who made it and when, and its figures if this clerk may see them."""

    entry: int
    by: str
    at: str
    correction: str | None
    figures: Mapping[str, int | None] | None


@dataclass(frozen=True, slots=True)
class ComparedFigure:
    """One figure in both entries, side by side."""

    name: str
    line: int | None
    option: str | None
    first: int | None
    second: int | None

    @property
    def differs(self) -> bool:
        return self.first != self.second


@dataclass(frozen=True)
class ProtocolPage:
    """Everything the protocol page shows."""

    election_id: str
    election_name: str
    precinct_id: str
    precinct_name: str
    contest_id: str
    contest_name: str
    constituency: str
    state_class: str
    state_key: str
    version: int | None
    entries: tuple[EntryView, ...]
    compared: tuple[ComparedFigure, ...]
    checks: tuple[workflow.CheckFinding, ...]
    checks_of: int | None
    """The entry the checks are of, or None: the protocol as it stands (both entries in)."""
    form: EntryForm | None
    why_no_form: str | None
    """When there is no form: the reason (English, from the permissions), if one applies."""
    corrections: tuple[int, ...]
    """Entries this clerk may open a correction form for, when no form is open by default."""
    approvable_version: int | None
    """The version to approve from, when this clerk may approve the protocol now."""

    @property
    def errors(self) -> list[workflow.CheckFinding]:
        return [check for check in self.checks if check.kind is Kind.ERROR]

    @property
    def open_warnings(self) -> list[workflow.CheckFinding]:
        return [
            check for check in self.checks if check.kind is Kind.WARNING and not check.acknowledged
        ]


@dataclass(frozen=True)
class Typed:
    """A form sent back: the text of every input, the warnings ticked, the reason, and the
    inputs found at fault."""

    entry: int
    text: Mapping[str, str]
    acknowledged: tuple[str, ...]
    reason: str
    problems: Mapping[str, str]


def _moment(entry: ProtocolEntry) -> str:
    return entry.entered_at.strftime("%Y-%m-%d %H:%M UTC")


def _shown(value: int | None) -> str:
    return "" if value is None else str(value)


def protocol_page(
    known: KnownElection,
    precinct: str,
    contest: str,
    protocol: ProtocolRecord | None,
    user: User,
    *,
    asked_entry: int | None = None,
    typed: Typed | None = None,
) -> ProtocolPage:
    """The page of a protocol for this clerk; ``asked_entry`` opens the form of that entry,
    ``typed`` shows a form sent back as it was typed. Raises the workflow's ``Invalid`` for
    an unknown precinct or contest."""
    slot = workflow.slot_of(known, precinct, contest)
    election = known.election
    territory = known.territory
    record = election.file.precincts[election.precinct_index[precinct]]
    contest_record, constituency = election.constituencies[int(election.slot_constituency[slot])]
    options = [option.name for option in constituency.options]

    first = protocol.current(1) if protocol else None
    second = protocol.current(2) if protocol else None
    current = {1: first, 2: second}
    both = first is not None and second is not None

    def visible(entry: ProtocolEntry | None) -> bool:
        return entry is not None and (both or entry.entered_by_id == user.id)

    entries = tuple(
        EntryView(
            place,
            entry.entered_by.username,
            _moment(entry),
            entry.correction,
            entry.figures if visible(entry) else None,
        )
        for place, entry in current.items()
        if entry is not None
    )
    compared: tuple[ComparedFigure, ...] = ()
    if first is not None and second is not None:
        compared = tuple(
            ComparedFigure(
                name,
                _line_number(name),
                _option(name, options),
                first.figures.get(name),
                second.figures.get(name),
            )
            for name in figure_names(len(options))
        )

    checks: list[workflow.CheckFinding] = []
    checks_of: int | None = None
    if both and protocol is not None:
        content = workflow.agreed_content(protocol)
        if content is not None:
            checks = workflow.findings(known, slot, content["figures"], content["acknowledged"])
    else:
        own = next((e for e in (first, second) if e is not None and visible(e)), None)
        if own is not None:
            checks = workflow.findings(known, slot, own.figures, own.acknowledged)
            checks_of = own.entry

    state = protocol.state if protocol else None
    approved = state is ProtocolState.APPROVED
    may_approve = rules.may_approve(user, territory, precinct)

    def may_write(place: int) -> rules.Permission:
        """May this clerk send the form of entry ``place`` now (as the workflow will judge)?"""
        if approved:
            return may_approve
        other = current[2 if place == 1 else 1]
        return rules.may_make_entry(
            user, territory, precinct, place, other.entered_by if other else None
        )

    place = _place(asked_entry, typed, current, user, approved)
    form: EntryForm | None = None
    why_no_form: str | None = None
    corrections: tuple[int, ...] = ()
    if place is None:
        corrections = tuple(p for p in (1, 2) if current[p] is not None and may_write(p))
        if not corrections and not approved:
            why_no_form = rules.may_enter(user, territory, precinct).reason or None
    else:
        permission = may_write(place)
        if not permission:
            why_no_form = permission.reason
        existing = current[place]
        form = (
            _form(
                known,
                slot,
                options,
                place,
                existing if visible(existing) else None,
                "correct" if existing is not None else "enter",
                protocol.version if protocol is not None and existing is not None else None,
                approved,
                typed,
            )
            if permission or typed is not None
            else None
        )

    approvable = (
        protocol.version
        if protocol is not None and state is ProtocolState.MATCHED and may_approve
        else None
    )
    view, key = STATE_VIEWS[state]
    return ProtocolPage(
        election_id=known.id,
        election_name=election.file.name,
        precinct_id=precinct,
        precinct_name=record.name,
        contest_id=contest,
        contest_name=contest_record.name,
        constituency=constituency.name,
        state_class=view,
        state_key=key,
        version=protocol.version if protocol else None,
        entries=entries,
        compared=compared,
        checks=tuple(checks),
        checks_of=checks_of,
        form=form,
        why_no_form=why_no_form,
        corrections=corrections,
        approvable_version=approvable,
    )


def _place(
    asked: int | None,
    typed: Typed | None,
    current: Mapping[int, ProtocolEntry | None],
    user: User,
    approved: bool,
) -> int | None:
    """The entry whose form opens: the one sent back, the one asked for; unless the protocol
    is approved (a correction then is asked for), the clerk's own or the first one missing.
    None when there is none of these."""
    if typed is not None:
        return typed.entry
    if asked in (1, 2):
        return asked
    if approved:
        return None
    for place, entry in current.items():
        if entry is not None and entry.entered_by_id == user.id:
            return place
    for place, entry in current.items():
        if entry is None:
            return place
    return None


def _line_number(name: str) -> int | None:
    return int(name[5:]) if name.startswith("line_") else None


def _option(name: str, options: Sequence[str]) -> str | None:
    line = _line_number(name)
    return None if line is None else options[line - 1]


def _form(
    known: KnownElection,
    slot: int,
    options: Sequence[str],
    place: int,
    shown_entry: ProtocolEntry | None,
    action: str,
    version: int | None,
    approved: bool,
    typed: Typed | None,
) -> EntryForm:
    """The form of entry ``place``: as typed when sent back, else the entry on record if the
    clerk may see it, else blank; with a checkbox for each warning of the entry on record."""
    names = figure_names(len(options))
    if typed is not None:
        values = {name: typed.text.get(name, "") for name in names}
        problems: Mapping[str, str] = typed.problems
    elif shown_entry is not None:
        values = {name: _shown(shown_entry.figures.get(name)) for name in names}
        problems = {}
    else:
        values = dict.fromkeys(names, "")
        problems = {}
    warnings: tuple[WarningBox, ...] = ()
    if shown_entry is not None:
        ticked = set(typed.acknowledged) if typed is not None else set(shown_entry.acknowledged)
        warnings = tuple(
            WarningBox(check.code, check.message, check.code in ticked)
            for check in workflow.findings(
                known, slot, shown_entry.figures, shown_entry.acknowledged
            )
            if check.kind is Kind.WARNING
        )
    inputs = [
        NumberInput(
            name,
            _line_number(name),
            _option(name, options),
            values[name],
            name in REQUIRED_FIELDS or name.startswith("line_"),
            problems.get(name),
        )
        for name in names
    ]
    return EntryForm(
        action=action,
        entry=place,
        version=version,
        figures=tuple(i for i in inputs if i.line is None),
        lines=tuple(i for i in inputs if i.line is not None),
        warnings=warnings,
        reason=typed.reason if typed is not None else "",
        reason_required=approved,
        reason_problem=problems.get("reason"),
    )


__all__ = [
    "ACKNOWLEDGED_FIELD",
    "STATE_VIEWS",
    "EntryForm",
    "ProtocolPage",
    "Typed",
    "problems_of",
    "protocol_page",
    "typed_figures",
    "typed_number",
    "typed_text",
]
