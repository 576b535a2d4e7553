"""The protocol workflow: first entry, second entry, corrections, approval, certification.

Each function works inside the caller's write transaction (``Database.write()``), records one
audit entry with the hash of the protocol content it concerns, and raises a
:class:`~saylau.service.errors.ServiceError` (nothing changed) when it cannot go ahead:

1. :func:`enter` stores the first or the second entry of a protocol, as typed. Figures are
   checked exactly as the protocol-file reader checks them (``saylau.count.protocols``):
   whole numbers from 0 to 10**9, the required figures, the ballot lines of the precinct's
   constituency. A structurally invalid entry is refused (422) and nothing is stored. The
   coded checks (``saylau.count.checks``) are run and returned; an entry that fails one is
   stored all the same, so that the clerk sees the coded message and corrects it. After the
   second entry the protocol is ``matched`` or ``mismatch``, with the differing fields
   listed; entries are never merged.
2. :func:`correct` replaces an entry with a new version; the old one is kept, marked
   superseded. A correction of an approved protocol needs a reason and withdraws the
   approval (the protocol is approved again once its entries agree).
3. :func:`approve`: the superior commission (a territorial operator of an area above the
   precinct, or a CEC administrator) approves a matched protocol without errors whose warnings
   are all acknowledged. The caller says which version it saw: a protocol changed since then
   is a conflict (409), never a lost update.
4. :func:`certify`: a CEC administrator certifies a contest whose protocols are all approved;
   it is frozen from then on, and the certification keeps the SHA-256 over every approved
   protocol's content hash.

Concurrency: every change raises the protocol's ``version`` (``UPDATE ... WHERE version = <the
version read>``); a writer that lost the race gets a :class:`Conflict`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified, set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from saylau.count.checks import BY_CODE, WARNING_BITS, Columns, Kind, codes, describe, run_checks
from saylau.count.definition import Election
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.item import read_item
from saylau.count.protocols import LINE, FileRefused
from saylau.service import audit
from saylau.service import permissions as rules
from saylau.service.elections import KnownElection, known_election
from saylau.service.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Unauthenticated,
)
from saylau.service.hashing import content_hash, protocols_hash
from saylau.service.models import (
    Certification,
    ElectionRecord,
    ElectionState,
    ProtocolEntry,
    ProtocolRecord,
    ProtocolState,
    User,
    figures_in_order,
    now,
)

Figures = dict[str, int | None]


# -- what comes back ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckFinding:
    """One coded check an entry fails: ``E-...`` blocks approval, ``W-...`` until
    acknowledged."""

    code: str
    kind: Kind
    rule: str
    message: str
    acknowledged: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind.value,
            "rule": self.rule,
            "message": self.message,
            "acknowledged": self.acknowledged,
        }


@dataclass(frozen=True)
class Difference:
    """A figure the two entries give differently."""

    field: str
    first: int | None
    second: int | None

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "first": self.first, "second": self.second}


@dataclass(frozen=True)
class Outcome:
    """What a workflow step did: the protocol as it now stands, and what the clerk must see."""

    protocol: ProtocolRecord
    created: bool = False
    checks: list[CheckFinding] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)


# -- naming and hashing ---------------------------------------------------------------------


def subject(election: str, precinct: str, contest: str) -> str:
    """How the audit log names a protocol."""
    return f"{election}/{precinct}/{contest}"


def protocol_content(
    election: str, precinct: str, contest: str, figures: Mapping[str, Any], acknowledged: Any
) -> dict[str, Any]:
    """The content of a protocol that is hashed: where it is from, its figures, and the
    warnings its commission acknowledged."""
    return {
        "election": election,
        "precinct": precinct,
        "contest": contest,
        "figures": dict(figures),
        "acknowledged": sorted(set(acknowledged)),
    }


def entry_content(protocol: ProtocolRecord, entry: ProtocolEntry) -> dict[str, Any]:
    """The content of one entry, as the audit log hashes it."""
    content = protocol_content(
        protocol.election_id, protocol.precinct, protocol.contest, entry.figures, entry.acknowledged
    )
    content["entry"] = entry.entry
    return content


def agreed_content(protocol: ProtocolRecord) -> dict[str, Any] | None:
    """The protocol's content as its state rests on it: the first entry's figures (the second's
    when there is no first) and every acknowledgement of the current entries."""
    first, second = protocol.current(1), protocol.current(2)
    base = first or second
    if base is None:
        return None
    acknowledged = [
        *(first.acknowledged if first else []),
        *(second.acknowledged if second else []),
    ]
    return protocol_content(
        protocol.election_id, protocol.precinct, protocol.contest, base.figures, acknowledged
    )


# -- reading an entry -----------------------------------------------------------------------


def slot_of(known: KnownElection, precinct: str, contest: str) -> int:
    """The protocol's number in the election (its slot), or a located :class:`Invalid`."""
    election = known.election
    p = election.precinct_index.get(precinct)
    if p is None:
        raise Invalid(
            "unknown-precinct",
            f"Election {known.id} has no precinct {precinct!r}; check the precinct number on the"
            " protocol form.",
            "precinct",
        )
    c = election.contest_index.get(contest)
    if c is None:
        contests = ", ".join(election.contest_index)
        raise Invalid(
            "unknown-contest",
            f"Election {known.id} has no contest {contest!r}; its contests are: {contests}.",
            "contest",
        )
    slot = election.slot_of(p, c)
    if slot < 0:
        raise Invalid(
            "contest-not-voted",
            f"Precinct {precinct} does not vote on contest {contest}: there is no such protocol.",
            "contest",
        )
    return slot


def read_entry(
    known: KnownElection,
    slot: int,
    figures: Any,
    lines: Any,
    acknowledged: Any,
) -> tuple[Figures, list[str]]:
    """Check an entry as the protocol-file reader checks a row (with its quick one-row path,
    ``saylau.count.item``); its figures in the column order of the form (``None``: not
    reported) and its acknowledged warning codes.

    Anything structurally wrong is an :class:`Invalid` naming the figure."""
    election = known.election
    if not isinstance(figures, Mapping):
        raise Invalid(
            "not-figures", 'The figures must be an object: {"registered": 1000, ...}.', "figures"
        )
    for name in figures:
        if name not in COUNT_FIELDS and not LINE.match(str(name)):
            raise Invalid(
                "unknown-figure",
                f"{name!r} is not a figure of the protocol form; the figures are"
                f" {', '.join(COUNT_FIELDS)}, and the votes as line_1, line_2, ... or 'lines'.",
                str(name),
            )
    if acknowledged is None:
        acknowledged = []
    if not isinstance(acknowledged, list) or not all(isinstance(a, str) for a in acknowledged):
        raise Invalid(
            "not-codes",
            "'acknowledged' must be a list of warning codes, such as [\"W-TURNOUT-HIGH\"].",
            "acknowledged",
        )
    for code in acknowledged:
        if code not in WARNING_BITS:
            raise Invalid(
                "unknown-warning",
                f"{code!r} is not a warning code; a commission acknowledges some of"
                f" {', '.join(WARNING_BITS)}.",
                "acknowledged",
            )
    precinct = election.file.precincts[int(election.slot_precinct[slot])].id
    contest = election.file.contests[int(election.slot_contest[slot])].id
    item: dict[str, Any] = {"precinct": precinct, "contest": contest, **figures}
    if lines is not None:
        item["lines"] = lines
    try:
        table = read_item("the entry", item, election, style="the entry")
    except FileRefused as refused:
        first = refused.errors[0]
        problems = [
            {"field": error.field or None, "message": error.message} for error in refused.errors
        ]
        named = f"{first.field}: " if first.field else ""
        raise Invalid(
            "invalid-figures",
            f"{named}{first.message}. Nothing was stored; correct it and send the entry again.",
            first.field or None,
            problems=problems,
        ) from None
    options = int(election.option_counts[election.slot_constituency[slot]])
    values = table.values[0]
    beyond = np.flatnonzero(values[len(COUNT_FIELDS) + options :] != NOT_REPORTED)
    if len(beyond):
        line = options + int(beyond[0]) + 1
        raise Invalid(
            "no-such-line",
            f"line_{line}: the ballot of this precinct has {options} lines; there is no line"
            f" {line}. Nothing was stored.",
            f"line_{line}",
        )
    names = [*COUNT_FIELDS, *(f"line_{k}" for k in range(1, options + 1))]
    read: Figures = {
        name: None if int(v) == NOT_REPORTED else int(v)
        for name, v in zip(names, values[: len(names)], strict=True)
    }
    return figures_in_order(read), sorted(set(acknowledged), key=list(WARNING_BITS).index)


def findings(
    known: KnownElection, slot: int, figures: Mapping[str, int | None], acknowledged: Sequence[str]
) -> list[CheckFinding]:
    """The coded checks these figures fail, with their messages (``saylau.count.checks``)."""
    election = known.election
    width = len(COUNT_FIELDS) + election.max_options
    row = np.full((1, width), NOT_REPORTED, dtype=np.int64)
    for i, name in enumerate(COUNT_FIELDS):
        value = figures.get(name)
        row[0, i] = NOT_REPORTED if value is None else value
    for name, value in figures.items():
        match = LINE.match(name)
        if match and value is not None:
            row[0, len(COUNT_FIELDS) + int(match.group(1)) - 1] = value
    columns = Columns(
        row,
        election.option_counts[election.slot_constituency[[slot]]],
        election.precinct_voters[election.slot_precinct[[slot]]],
    )
    mask = int(run_checks(columns)[0])
    return [
        CheckFinding(
            code,
            BY_CODE[code].kind,
            BY_CODE[code].rule,
            describe(code, columns, 0),
            code in acknowledged,
        )
        for code in codes(mask)
    ]


@dataclass(frozen=True)
class CheckedEntry:
    """An entry read and checked against the election's definition: its figures in the order
    of the form, the warnings it acknowledges, and the coded checks it fails.

    Checking needs only the definition, which never changes once stored, so a caller may
    check an entry before its write transaction (:func:`check_in_advance`) and keep that work
    out of the time the writers wait for one another."""

    slot: int
    figures: Figures
    acknowledged: list[str]
    checks: list[CheckFinding]
    definition: Election = field(repr=False, compare=False)
    """The definition it was checked against."""


def check_entry(
    known: KnownElection, slot: int, figures: Any, lines: Any, acknowledged: Any
) -> CheckedEntry:
    """Read an entry (:func:`read_entry`, which raises :class:`Invalid`) and run its checks."""
    read, acks = read_entry(known, slot, figures, lines, acknowledged)
    return CheckedEntry(slot, read, acks, findings(known, slot, read, acks), known.election)


def check_in_advance(
    known: KnownElection, precinct: str, contest: str, figures: Any, lines: Any, acknowledged: Any
) -> CheckedEntry | Invalid:
    """Check an entry before the write transaction; hand the result to :func:`enter` or
    :func:`correct` as ``checked``.

    An unknown precinct or contest is raised at once (the workflow steps raise it first too);
    a structurally invalid entry is returned, for the step to raise after the checks that come
    before it (sign-in, permission, state), so the answers are the same either way."""
    slot = slot_of(known, precinct, contest)
    try:
        return check_entry(known, slot, figures, lines, acknowledged)
    except Invalid as invalid:
        return invalid


def _checked(
    known: KnownElection,
    slot: int,
    figures: Any,
    lines: Any,
    acknowledged: Any,
    checked: CheckedEntry | Invalid | None,
) -> CheckedEntry:
    """The entry as checked in advance, or checked now."""
    if (
        not isinstance(checked, CheckedEntry)
        or checked.definition is not known.election
        or checked.slot != slot
    ):  # not checked, or found invalid (said again, from this definition)
        return check_entry(known, slot, figures, lines, acknowledged)
    return checked


def differences(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[Difference]:
    """The figures two entries give differently, in the order of the form."""
    names = list(first) + [name for name in second if name not in first]
    return [
        Difference(name, first.get(name), second.get(name))
        for name in names
        if first.get(name) != second.get(name)
    ]


# -- the steps ------------------------------------------------------------------------------


def _check_place(entry: int) -> None:
    if entry not in (1, 2):
        raise Invalid(
            "no-such-entry",
            f"A protocol has a first (1) and a second (2) entry; there is no entry {entry}.",
            "entry",
        )


def signed_in_user(user: User | None) -> User:
    """The account, or the refusal of a request made without one (401)."""
    if user is None:
        raise Unauthenticated("sign-in-required", "Sign in first: this needs an account.")
    return user


def require(permission: rules.Permission) -> None:
    """Go on only with the permission; otherwise its refusal, with its sentence (403)."""
    if not permission:
        raise Forbidden("forbidden", permission.reason)


def _certified(session: Session, election: str, contest: str) -> Certification | None:
    return session.scalar(
        select(Certification).where(
            Certification.election_id == election, Certification.contest == contest
        )
    )


def _open(known: KnownElection) -> None:
    if known.record.state is not ElectionState.OPEN:
        raise Conflict(
            "election-not-open",
            f"Election {known.id} is {known.record.state.value}, not open: its protocols are"
            " not entered, corrected or approved now.",
            "election",
        )


def _certified_conflict(certification: Certification) -> Conflict:
    return Conflict(
        "contest-certified",
        f"Contest {certification.contest} of election {certification.election_id} was certified"
        f" on {certification.certified_at:%d %B %Y at %H:%M} UTC; its protocols can no longer"
        " be entered, corrected or approved.",
        "contest",
    )


def _not_certified(session: Session, election: str, contest: str) -> None:
    certification = _certified(session, election, contest)
    if certification is not None:
        raise _certified_conflict(certification)


def find_protocol(
    session: Session, election: str, precinct: str, contest: str, *, lock: bool = False
) -> ProtocolRecord | None:
    query = select(ProtocolRecord).where(
        ProtocolRecord.election_id == election,
        ProtocolRecord.precinct == precinct,
        ProtocolRecord.contest == contest,
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


def _flush(session: Session, what: str) -> None:
    """Write the changes; a concurrent writer that got there first is a :class:`Conflict`."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict(
            "changed-meanwhile",
            f"{what} was changed by someone else at the same moment; nothing was saved. Reload"
            " it and try again.",
            "version",
        ) from None


def _settle(protocol: ProtocolRecord) -> list[Difference]:
    """Set the state from the current entries; the differences when they disagree."""
    first, second = protocol.current(1), protocol.current(2)
    found: list[Difference] = []
    if first is not None and second is not None:
        found = differences(first.figures, second.figures)
        protocol.state = ProtocolState.MISMATCH if found else ProtocolState.MATCHED
    else:
        protocol.state = ProtocolState.ENTERED
    protocol.approved_by_id = None
    protocol.approved_at = None
    content = agreed_content(protocol)
    protocol.content_hash = None if content is None else content_hash(content)
    flag_modified(protocol, "state")  # every change raises the version
    return found


def results_changed(session: Session, election: str) -> None:
    """Tell every worker that the count of this election must be made again."""
    session.execute(
        update(ElectionRecord)
        .where(ElectionRecord.id == election)
        .values(results_version=ElectionRecord.results_version + 1)
    )


def _check_version(protocol: ProtocolRecord, expected: int | None, what: str) -> None:
    if expected is not None and expected != protocol.version:
        raise Conflict(
            "stale-version",
            f"{what} has changed since you read it (you saw version {expected}; it is now at"
            f" version {protocol.version}, {protocol.state.value}). Reload it, check it again,"
            " and repeat if it is still right.",
            "version",
            current_version=protocol.version,
        )


def _named(precinct: str, contest: str) -> str:
    """The protocol as a sentence names it: "The protocol of precinct P1, contest lists"."""
    return f"The protocol of precinct {precinct}, contest {contest}"


def _label(precinct: str, contest: str) -> str:
    """The same, to go on with a verb: "The protocol of precinct P1, contest lists, is ..."."""
    return f"{_named(precinct, contest)},"


@dataclass(frozen=True)
class EntryRequest:
    """One first or second entry to store (see :func:`enter`)."""

    user: User | None
    election_id: str
    precinct: str
    contest: str
    entry: int
    figures: Any
    lines: Any = None
    acknowledged: Any = None
    at: datetime | None = None
    checked: CheckedEntry | Invalid | None = None
    """The entry as :func:`check_in_advance` checked it, if it did."""


def enter(
    session: Session,
    user: User | None,
    election_id: str,
    precinct: str,
    contest: str,
    entry: int,
    figures: Any,
    lines: Any = None,
    acknowledged: Any = None,
    correction: str | None = None,
    *,
    at: datetime | None = None,
    checked: CheckedEntry | Invalid | None = None,
) -> Outcome:
    """Store entry ``entry`` (1 or 2) of a protocol; its coded checks come back.

    Sending an entry that is already on record with the same figures changes nothing (a
    retried request is harmless); different figures need :func:`correct`. ``correction``
    given here makes it a correction. ``checked``: the entry as :func:`check_in_advance`
    checked it, if it did."""
    if correction is not None:
        return correct(
            session,
            user,
            election_id,
            precinct,
            contest,
            entry,
            figures,
            lines,
            acknowledged,
            correction,
            at=at,
            checked=checked,
        )
    request = EntryRequest(
        user, election_id, precinct, contest, entry, figures, lines, acknowledged, at, checked
    )
    [result] = enter_all(session, [request])
    if isinstance(result, ServiceError):
        raise result
    return result


def enter_all(session: Session, requests: Sequence[EntryRequest]) -> list[Outcome | ServiceError]:
    """Store many entries in the caller's transaction, in order, each exactly as :func:`enter`
    stores it alone: its outcome, or the refusal that :func:`enter` would raise (a refused
    entry changes nothing).

    This is how a busy service writes (``saylau.service.intake``): the protocols are read in
    one query, written in one flush, and logged under one lock of the audit chain. A writer
    that got to one of the protocols first in the same instant is a :class:`Conflict` for the
    whole call (the caller rolls back, and may try the entries one at a time)."""
    batch = _Batch(session)
    batch.load(requests)
    results: list[Outcome | ServiceError] = []
    for request in requests:
        if batch.waits_for(request):
            batch.log()  # its protocol's earlier entry is logged with the version it made
        try:
            results.append(batch.enter(request))
        except ServiceError as refusal:
            results.append(refusal)
    batch.log()
    return results


@dataclass
class _Logged:
    """An entry stored in this batch, waiting for its audit entry."""

    request: EntryRequest
    protocol: ProtocolRecord
    record: ProtocolEntry
    checks: list[CheckFinding]
    found: list[Difference]


def _names_a_protocol(known: KnownElection | NotFound, precinct: str, contest: str) -> bool:
    """Do the precinct and the contest exist in this (known) election?"""
    if isinstance(known, NotFound):
        return False
    election = known.election
    return precinct in election.precinct_index and contest in election.contest_index


class _Batch:
    """The state :func:`enter_all` works on: the elections, protocols and certifications its
    entries touch, read once, and the entries stored but not yet logged."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.elections: dict[str, KnownElection | NotFound] = {}
        self.protocols: dict[tuple[str, str, str], ProtocolRecord] = {}
        self.certified: dict[tuple[str, str], Certification] = {}
        self.waiting: list[_Logged] = []

    def load(self, requests: Sequence[EntryRequest]) -> None:
        """Read what the entries need: one query for their protocols (with the entries and
        who made them), one for the certifications of their elections."""
        for election_id in {request.election_id for request in requests}:
            try:
                self.elections[election_id] = known_election(self.session, election_id)
            except NotFound as missing:
                self.elections[election_id] = missing
        keys = {
            (r.election_id, r.precinct, r.contest)
            for r in requests
            if _names_a_protocol(self.elections[r.election_id], r.precinct, r.contest)
        }  # only ids the definitions know go into the query (the others are refused anyway)
        for election_id in sorted({key[0] for key in keys}):
            # Not a row-value IN, which SQLite answers by scanning the whole table.
            found = self.session.scalars(
                select(ProtocolRecord)
                .where(
                    ProtocolRecord.election_id == election_id,
                    ProtocolRecord.precinct.in_(sorted({k[1] for k in keys})),
                    ProtocolRecord.contest.in_(sorted({k[2] for k in keys})),
                )
                .options(selectinload(ProtocolRecord.entries).joinedload(ProtocolEntry.entered_by))
                .execution_options(populate_existing=True)
            )
            for protocol in found:
                key = (protocol.election_id, protocol.precinct, protocol.contest)
                if key in keys:
                    self.protocols[key] = protocol
        for certification in self.session.scalars(
            select(Certification).where(Certification.election_id.in_(sorted(self.elections)))
        ):
            self.certified[(certification.election_id, certification.contest)] = certification

    def waits_for(self, request: EntryRequest) -> bool:
        """Is an earlier entry of the request's protocol waiting to be logged?"""
        key = (request.election_id, request.precinct, request.contest)
        return any(
            (w.request.election_id, w.request.precinct, w.request.contest) == key
            for w in self.waiting
        )

    def enter(self, request: EntryRequest) -> Outcome:
        """One entry, checked in the order :func:`enter` documents; raises its refusal."""
        known = self.elections[request.election_id]
        if isinstance(known, NotFound):
            raise known
        precinct, contest, entry = request.precinct, request.contest, request.entry
        slot = slot_of(known, precinct, contest)
        _check_place(entry)
        user = signed_in_user(request.user)
        key = (request.election_id, precinct, contest)
        protocol = self.protocols.get(key)
        other = protocol.current(2 if entry == 1 else 1) if protocol else None
        require(
            rules.may_make_entry(
                user, known.territory, precinct, entry, other.entered_by if other else None
            )
        )
        _open(known)
        certification = self.certified.get((request.election_id, contest))
        if certification is not None:
            raise _certified_conflict(certification)
        entered = _checked(
            known, slot, request.figures, request.lines, request.acknowledged, request.checked
        )
        read, acks, checks = entered.figures, entered.acknowledged, entered.checks
        label = _label(precinct, contest)
        existing = protocol.current(entry) if protocol else None
        if protocol is not None and existing is not None:
            if (
                existing.figures == read
                and existing.entered_by_id == user.id
                and set(acks) <= set(existing.acknowledged)
            ):
                return Outcome(protocol, False, checks, current_differences(protocol))
            raise Conflict(
                "entry-exists",
                f"{label} already has entry {entry}, made by {existing.entered_by.username!r};"
                " to change it, send a correction (POST .../corrections) with the reason.",
                "entry",
            )
        if protocol is not None and protocol.state is ProtocolState.APPROVED:
            raise Conflict(
                "protocol-approved",
                f"{label} is approved; a change now is a correction with a reason.",
                "entry",
            )
        if protocol is None:
            protocol = ProtocolRecord(
                election_id=request.election_id,
                precinct=precinct,
                contest=contest,
                state=ProtocolState.ENTERED,
            )
            self.session.add(protocol)
            self.protocols[key] = protocol
        record = ProtocolEntry(
            protocol=protocol,
            entry=entry,
            figures=read,
            acknowledged=acks,
            entered_by_id=user.id,
            entered_at=request.at or now(),
            correction=None,
            superseded=False,
        )
        set_committed_value(record, "entered_by", user)  # known already: no query to show it
        self.session.add(record)
        found = _settle(protocol)
        self.waiting.append(_Logged(request, protocol, record, checks, found))
        return Outcome(protocol, True, checks, found)

    def log(self) -> None:
        """Write the entries stored so far, and their audit entries, in order."""
        if not self.waiting:
            return
        first = self.waiting[0].request
        _flush(self.session, _named(first.precinct, first.contest))
        audit.append_all(
            self.session,
            [
                audit.Change(
                    signed_in_user(w.request.user).username,
                    "protocol.entered",
                    subject(w.request.election_id, w.request.precinct, w.request.contest),
                    {
                        "entry": w.request.entry,
                        "state": w.protocol.state.value,
                        "version": w.protocol.version,
                        "checks": [check.code for check in w.checks],
                        "differences": [d.field for d in w.found],
                    },
                    entry_content(w.protocol, w.record),
                    w.request.at,
                )
                for w in self.waiting
            ],
        )
        self.waiting.clear()


def current_differences(protocol: ProtocolRecord) -> list[Difference]:
    """Where the protocol's two current entries differ (none while it has only one)."""
    first, second = protocol.current(1), protocol.current(2)
    if first is None or second is None:
        return []
    return differences(first.figures, second.figures)


def correct(
    session: Session,
    user: User | None,
    election_id: str,
    precinct: str,
    contest: str,
    entry: int,
    figures: Any,
    lines: Any = None,
    acknowledged: Any = None,
    reason: str | None = None,
    expected_version: int | None = None,
    *,
    at: datetime | None = None,
    checked: CheckedEntry | Invalid | None = None,
) -> Outcome:
    """A new version of entry ``entry``, superseding the one on record (which stays in the
    history). A correction of an approved protocol needs a reason, is made by those who may
    approve it, and withdraws the approval."""
    known = known_election(session, election_id)
    slot = slot_of(known, precinct, contest)
    _check_place(entry)
    signed_in_user(user)
    assert user is not None
    label = _label(precinct, contest)
    protocol = find_protocol(session, election_id, precinct, contest)
    current = protocol.current(entry) if protocol else None
    reason = (reason or "").strip()
    if protocol is not None and protocol.state is ProtocolState.APPROVED:
        require(rules.may_approve(user, known.territory, precinct))
        if not reason:
            raise Invalid(
                "reason-required",
                f"{label} is approved: a correction now needs a reason, which stays in its"
                " history. Write down why the figures change.",
                "reason",
            )
        require(rules.may_correct(user, known.territory, precinct, reason))
    else:
        other = protocol.current(2 if entry == 1 else 1) if protocol else None
        require(
            rules.may_make_entry(
                user, known.territory, precinct, entry, other.entered_by if other else None
            )
        )
    _open(known)
    _not_certified(session, election_id, contest)
    if protocol is None or current is None:
        raise NotFound(
            "no-entry",
            f"{label} has no entry {entry} yet, so there is nothing to correct; make the entry"
            " first.",
            "entry",
        )
    _check_version(protocol, expected_version, _named(precinct, contest))
    entered = _checked(known, slot, figures, lines, acknowledged, checked)
    read, acks, checks = entered.figures, entered.acknowledged, entered.checks
    was_approved = protocol.state is ProtocolState.APPROVED
    current.superseded = True
    _flush(session, _named(precinct, contest))
    record = ProtocolEntry(
        protocol=protocol,
        entry=entry,
        figures=read,
        acknowledged=acks,
        entered_by_id=user.id,
        entered_at=at or now(),
        correction=reason or None,
        superseded=False,
    )
    session.add(record)
    found = _settle(protocol)
    _flush(session, _named(precinct, contest))
    if was_approved:
        results_changed(session, election_id)
    audit.append(
        session,
        user.username,
        "protocol.corrected",
        subject(election_id, precinct, contest),
        {
            "entry": entry,
            "reason": reason,
            "replaces": current.id,
            "was_approved": was_approved,
            "state": protocol.state.value,
            "version": protocol.version,
            "checks": [check.code for check in checks],
            "differences": [d.field for d in found],
        },
        entry_content(protocol, record),
        at=at,
    )
    return Outcome(protocol, True, checks, found)


def approve(
    session: Session,
    user: User | None,
    election_id: str,
    precinct: str,
    contest: str,
    expected_version: int,
    *,
    at: datetime | None = None,
    snapshot_every: timedelta | None = None,
) -> Outcome:
    """Approve a matched protocol without errors whose warnings are all acknowledged, as the
    superior commission, from the version the approver saw."""
    from saylau.service.results import DEFAULT_SNAPSHOT_EVERY, record_progress

    known = known_election(session, election_id)
    slot = slot_of(known, precinct, contest)
    signed_in_user(user)
    assert user is not None
    require(rules.may_approve(user, known.territory, precinct))
    _open(known)
    _not_certified(session, election_id, contest)
    label = _label(precinct, contest)
    protocol = find_protocol(session, election_id, precinct, contest)
    if protocol is None:
        raise NotFound("no-protocol", f"{label} has not been entered yet.", "precinct")
    _check_version(protocol, expected_version, _named(precinct, contest))
    if protocol.state is ProtocolState.APPROVED:
        raise Conflict("already-approved", f"{label} is already approved.", "version")
    if protocol.state is ProtocolState.ENTERED:
        missing = 2 if protocol.current(1) else 1
        raise Conflict(
            "second-entry-missing",
            f"{label} has one entry only; entry {missing} by another person must agree with it"
            " before it can be approved.",
            "entry",
        )
    if protocol.state is ProtocolState.MISMATCH:
        fields = ", ".join(d.field for d in current_differences(protocol))
        raise Conflict(
            "entries-differ",
            f"{label} has two entries that differ ({fields}); correct the wrong one first.",
            "entry",
        )
    content = agreed_content(protocol)
    assert content is not None
    checks = findings(known, slot, content["figures"], content["acknowledged"])
    errors = [check for check in checks if check.kind is Kind.ERROR]
    if errors:
        raise Conflict(
            "check-failed",
            f"{label} fails {errors[0].code}: {errors[0].message}. It cannot be approved until"
            " a correction puts it right.",
            errors[0].code,
            checks=[check.as_json() for check in checks],
        )
    open_warnings = [check for check in checks if not check.acknowledged]
    if open_warnings:
        raise Conflict(
            "warning-not-acknowledged",
            f"{label} has a warning its commission has not acknowledged: {open_warnings[0].code}:"
            f" {open_warnings[0].message}. The commission confirms the figures by acknowledging"
            " it in a correction.",
            open_warnings[0].code,
            checks=[check.as_json() for check in checks],
        )
    moment = at or now()
    protocol.state = ProtocolState.APPROVED
    protocol.approved_by_id = user.id
    protocol.approved_at = moment
    protocol.content_hash = content_hash(content)
    _flush(session, _named(precinct, contest))
    results_changed(session, election_id)
    record_progress(
        session, known, moment, DEFAULT_SNAPSHOT_EVERY if snapshot_every is None else snapshot_every
    )
    audit.append(
        session,
        user.username,
        "protocol.approved",
        subject(election_id, precinct, contest),
        {"version": protocol.version, "acknowledged": content["acknowledged"]},
        content,
        at=at,
    )
    return Outcome(protocol, False, checks, [])


@dataclass(frozen=True)
class Certified:
    """A certified contest: how many protocols, and the hash over them."""

    certification: Certification
    hashes: dict[str, str]


def certify(
    session: Session,
    user: User | None,
    election_id: str,
    contest: str,
    *,
    at: datetime | None = None,
) -> Certified:
    """Certify a contest whose protocols are all approved, and freeze it."""
    known = known_election(session, election_id)
    signed_in_user(user)
    assert user is not None
    require(rules.may_certify(user))
    election = known.election
    c = election.contest_index.get(contest)
    if c is None:
        raise NotFound(
            "no-such-contest",
            f"Election {election_id} has no contest {contest!r}; its contests are:"
            f" {', '.join(election.contest_index)}.",
            "contest",
        )
    _open(known)
    _not_certified(session, election_id, contest)
    expected = [
        election.file.precincts[int(p)].id
        for p in election.slot_precinct[election.contest_slots[c]]
    ]
    approved = dict(
        session.execute(
            select(ProtocolRecord.precinct, ProtocolRecord.content_hash).where(
                ProtocolRecord.election_id == election_id,
                ProtocolRecord.contest == contest,
                ProtocolRecord.state == ProtocolState.APPROVED,
            )
        ).all()
    )
    waiting = [precinct for precinct in expected if precinct not in approved]
    if waiting:
        shown = ", ".join(waiting[:5]) + (" ..." if len(waiting) > 5 else "")
        raise Conflict(
            "not-all-approved",
            f"Contest {contest} cannot be certified yet: {len(waiting):,} of {len(expected):,}"
            f" protocols are not approved (precincts {shown}).",
            "contest",
            waiting=len(waiting),
        )
    hashes = {f"{precinct}/{contest}": str(approved[precinct]) for precinct in sorted(expected)}
    certification = Certification(
        election_id=election_id,
        contest=contest,
        protocols_hash=protocols_hash(hashes),
        protocols=len(hashes),
        certified_by_id=user.id,
        certified_at=at or now(),
    )
    session.add(certification)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "contest-certified",
            f"Contest {contest} was certified by someone else at the same moment.",
            "contest",
        ) from None
    audit.append(
        session,
        user.username,
        "contest.certified",
        f"{election_id}/{contest}",
        {"protocols": len(hashes), "protocols_hash": certification.protocols_hash},
        {"election": election_id, "contest": contest, "protocols": hashes},
        at=at,
    )
    return Certified(certification, hashes)


def certification_of(session: Session, election: str, contest: str) -> Certification | None:
    """The contest's certification, if it is certified."""
    return _certified(session, election, contest)
