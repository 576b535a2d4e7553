"""The ledger: every protocol entry on record, its corrections and acknowledgements.

Each expected protocol has two entry places (the first and the second independent entry).
:meth:`Ledger.apply` takes one file's table whole or refuses it whole:

- an entry seen before with the same numbers changes nothing (importing again is harmless);
  new acknowledgements on it are recorded;
- an entry with different numbers is a correction only if it gives a reason; the earlier
  numbers stay in the history with who, when and why;
- otherwise the file is refused, and the message says which figure differs and where the
  earlier entry came from.

:meth:`Ledger.review` runs the coded checks and compares double entries. A protocol is
accepted when its first entry has no error, every warning is acknowledged, and its second
entry (when given, or when the election requires one) agrees field by field. Entries are never
merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from saylau.count.checks import (
    ERROR_MASK,
    WARNING_MASK,
    CheckPolicy,
    Columns,
    codes,
    describe,
    run_checks,
)
from saylau.count.definition import Election
from saylau.count.errors import InputError
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.protocols import FileRefused, ProtocolTable

FIRST, SECOND = 0, 1


class ChangeKind(StrEnum):
    """What a later row did to an entry on record."""

    CORRECTED = "corrected"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True, slots=True)
class Change:
    """A change to an entry already on record: a correction (with the earlier numbers) or new
    acknowledgements."""

    kind: ChangeKind
    slot: int
    entry: int
    by: str
    at: str
    reason: str
    source: str
    where: str
    before: tuple[int, ...] = ()
    after: tuple[int, ...] = ()
    acknowledged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing one file did."""

    source: str
    rows: int
    new: int
    unchanged: int
    corrected: int
    acknowledged: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.corrected or self.acknowledged)

    def describe(self) -> str:
        if not self.rows:
            return f"{self.source}: no protocol entries in the file; nothing changed"
        if not self.changed_anything:
            return f"{self.source}: {self.rows:,} entries, all already on record; nothing changed"
        return (
            f"{self.source}: {self.rows:,} entries: {self.new:,} new, {self.corrected:,}"
            f" corrected, {self.acknowledged:,} with new acknowledgements, {self.unchanged:,}"
            " already on record"
        )


@dataclass(frozen=True, eq=False)
class Review:
    """The state of every expected protocol after checks and double-entry comparison."""

    present: np.ndarray
    findings: np.ndarray
    unacknowledged: np.ndarray
    mismatch: np.ndarray
    awaiting_second: np.ndarray
    accepted: np.ndarray
    second_only: np.ndarray
    """A second entry is on record but no first: entered by mistake as entry 2, or the
    first entry is still to come."""

    @property
    def blocked(self) -> np.ndarray:
        """Entered but held back by an error, an unacknowledged warning, a mismatch, or a
        second entry without a first."""
        problems = ((self.findings & ERROR_MASK) != 0) | (self.unacknowledged != 0)
        return np.asarray((self.present & (problems | self.mismatch)) | self.second_only)


@dataclass(eq=False)
class Ledger:
    """Protocol entries on record for one election (in memory; files are the durable record)."""

    election: Election
    values: np.ndarray = field(init=False)
    present: np.ndarray = field(init=False)
    acknowledged: np.ndarray = field(init=False)
    entered_by: np.ndarray = field(init=False)
    origin: np.ndarray = field(init=False)
    origin_label: np.ndarray = field(init=False)
    sources: list[tuple[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def __post_init__(self) -> None:
        slots = self.election.expected
        width = len(COUNT_FIELDS) + self.election.max_options
        self.values = np.full((2, slots, width), NOT_REPORTED, dtype=np.int64)
        self.present = np.zeros((2, slots), dtype=bool)
        self.acknowledged = np.zeros((2, slots), dtype=np.int64)
        self.entered_by = np.full((2, slots), "", dtype=object)
        self.origin = np.full((2, slots), -1, dtype=np.int64)
        self.origin_label = np.zeros((2, slots), dtype=np.int64)

    # -- naming ------------------------------------------------------------------------------

    def protocol_name(self, slot: int) -> str:
        precinct = self.election.file.precincts[int(self.election.slot_precinct[slot])]
        contest = self.election.file.contests[int(self.election.slot_contest[slot])]
        return f"precinct {precinct.id}, contest {contest.id}"

    def origin_of(self, entry: int, slot: int) -> str:
        index = int(self.origin[entry, slot])
        if index < 0:
            return "nowhere"
        source, style = self.sources[index]
        return f"{source} {style.format(int(self.origin_label[entry, slot]))}"

    def field_name(self, column: int) -> str:
        if column < len(COUNT_FIELDS):
            return COUNT_FIELDS[column]
        return f"line_{column - len(COUNT_FIELDS) + 1}"

    # -- importing ---------------------------------------------------------------------------

    def apply(self, table: ProtocolTable) -> ImportReport:
        """Record one file's entries, or raise :class:`FileRefused` and record nothing."""
        errors: list[InputError] = []
        more = 0

        def refuse(row: int, column: str, message: str) -> None:
            nonlocal more
            if len(errors) < 50:
                errors.append(InputError(table.source, table.where(row), column, message))
            else:
                more += 1

        slot = table.slot
        place = table.entry.astype(np.int64) - 1
        key = slot * 2 + place
        order = np.argsort(key, kind="stable")
        repeated = np.flatnonzero(key[order][1:] == key[order][:-1])
        for i in repeated:
            earlier, later = int(order[i]), int(order[i + 1])
            refuse(
                later,
                "precinct",
                f"{self.protocol_name(int(slot[later]))}, entry {int(place[later]) + 1}, is"
                f" already in {table.where(earlier)} of this file",
            )
        had = self.present[place, slot]
        before = self.values[place, slot]
        same = (before == table.values).all(axis=1)
        reasons = np.array([bool(text) for text in table.correction], dtype=bool)
        changed = had & ~same
        for row in np.flatnonzero(changed & ~reasons):
            column = int(np.flatnonzero(before[row] != table.values[row])[0])
            old, new = int(before[row, column]), int(table.values[row, column])
            refuse(
                int(row),
                self.field_name(column),
                f"{self.protocol_name(int(slot[row]))} is already on record with"
                f" {_shown(old)} here (from {self.origin_of(int(place[row]), int(slot[row]))});"
                f" this entry has {_shown(new)}. To correct an accepted protocol, give the"
                " reason in the 'correction' column",
            )
        write = ~had | changed
        by = self.entered_by.copy()
        by[place[write], slot[write]] = np.array(table.entered_by, dtype=object)[write]
        present = self.present.copy()
        present[place[write], slot[write]] = True
        reversed_touched, from_end = np.unique(slot[::-1], return_index=True)
        touched, last_row = reversed_touched, len(slot) - 1 - from_end
        both = present[FIRST, touched] & present[SECOND, touched]
        unnamed = both & ((by[FIRST, touched] == "") | (by[SECOND, touched] == ""))
        same = both & ~unnamed & (by[FIRST, touched] == by[SECOND, touched])
        for s, row in zip(touched[unnamed], last_row[unnamed], strict=True):
            refuse(
                int(row),
                "entered_by",
                f"{self.protocol_name(int(s))} has two entries; each must say who made it, so"
                " that they are known to be independent",
            )
        for s, row in zip(touched[same], last_row[same], strict=True):
            refuse(
                int(row),
                "entered_by",
                f"{self.protocol_name(int(s))}: both entries are by {by[FIRST, s]!r}; the"
                " second entry must be made by another person",
            )
        if self.election.file.double_entry:
            blank = np.array([not name for name in table.entered_by], dtype=bool)
            for row in np.flatnonzero(blank):
                refuse(
                    int(row),
                    "entered_by",
                    "this election requires double entry: each entry must say who made it",
                )
        if errors:
            raise FileRefused(table.source, errors, more)
        return self._record(table, place, write, changed, by)

    def _record(
        self,
        table: ProtocolTable,
        place: np.ndarray,
        write: np.ndarray,
        changed: np.ndarray,
        by: np.ndarray,
    ) -> ImportReport:
        slot = table.slot
        source = len(self.sources)
        self.sources.append((table.source, table.label_style))
        for row in np.flatnonzero(changed):
            e, s = int(place[row]), int(slot[row])
            self.changes.append(
                _change(
                    ChangeKind.CORRECTED,
                    table,
                    int(row),
                    e,
                    before=tuple(int(v) for v in self.values[e, s]),
                    after=tuple(int(v) for v in table.values[row]),
                    acknowledged=int(table.acknowledged[row]),
                )
            )
        kept = ~write
        new_acks = kept & ((table.acknowledged & ~self.acknowledged[place, slot]) != 0)
        for row in np.flatnonzero(new_acks):
            e, s = int(place[row]), int(slot[row])
            fresh = int(table.acknowledged[row]) & ~int(self.acknowledged[e, s])
            self.changes.append(
                _change(ChangeKind.ACKNOWLEDGED, table, int(row), e, acknowledged=fresh)
            )
        self.values[place[write], slot[write]] = table.values[write]
        self.acknowledged[place[write], slot[write]] = table.acknowledged[write]
        np.bitwise_or.at(self.acknowledged, (place[kept], slot[kept]), table.acknowledged[kept])
        self.present[place[write], slot[write]] = True
        self.origin[place[write], slot[write]] = source
        self.origin_label[place[write], slot[write]] = table.labels[write]
        self.entered_by = by
        new = int((write & ~changed).sum())
        return ImportReport(
            table.source,
            len(table),
            new=new,
            unchanged=len(table) - new - int(changed.sum()),
            corrected=int(changed.sum()),
            acknowledged=int(new_acks.sum()),
        )

    # -- reviewing ---------------------------------------------------------------------------

    def columns(self, entry: int = FIRST) -> Columns:
        constituency = self.election.slot_constituency
        return Columns(
            self.values[entry],
            self.election.option_counts[constituency],
            self.election.precinct_voters[self.election.slot_precinct],
        )

    def review(self, policy: CheckPolicy | None = None) -> Review:
        """Checks and double-entry comparison for every expected protocol."""
        present = self.present[FIRST]
        findings = np.where(present, run_checks(self.columns(), policy), 0)
        acknowledged = self.acknowledged[FIRST] | self.acknowledged[SECOND]
        unacknowledged = findings & WARNING_MASK & ~acknowledged
        mismatch = (
            present & self.present[SECOND] & (self.values[FIRST] != self.values[SECOND]).any(axis=1)
        )
        awaiting = present & ~self.present[SECOND] & self.election.file.double_entry
        accepted = (
            present & ((findings & ERROR_MASK) == 0) & (unacknowledged == 0) & ~mismatch & ~awaiting
        )
        orphan = self.present[SECOND] & ~present
        return Review(present, findings, unacknowledged, mismatch, awaiting, accepted, orphan)

    def differences(self, slot: int) -> list[tuple[str, int, int]]:
        """The fields where the two entries of a protocol differ: (field, first, second)."""
        first, second = self.values[FIRST, slot], self.values[SECOND, slot]
        return [
            (self.field_name(int(c)), int(first[c]), int(second[c]))
            for c in np.flatnonzero(first != second)
        ]

    def messages(self, slot: int, mask: int, policy: CheckPolicy | None = None) -> list[str]:
        """``CODE: message`` for each check in ``mask`` that a protocol fails."""
        election = self.election
        columns = Columns(
            self.values[FIRST, [slot]],
            election.option_counts[election.slot_constituency[[slot]]],
            election.precinct_voters[election.slot_precinct[[slot]]],
        )
        return [f"{code}: {describe(code, columns, 0, policy)}" for code in codes(mask)]


def _change(
    kind: ChangeKind,
    table: ProtocolTable,
    row: int,
    entry: int,
    *,
    before: tuple[int, ...] = (),
    after: tuple[int, ...] = (),
    acknowledged: int = 0,
) -> Change:
    """A change to an entry on record, made by one row of a file."""
    return Change(
        kind,
        int(table.slot[row]),
        entry + 1,
        table.entered_by[row],
        table.entered_at[row],
        table.correction[row],
        table.source,
        table.where(row),
        before=before,
        after=after,
        acknowledged=tuple(codes(acknowledged)),
    )


def _shown(value: int) -> str:
    return "a blank" if value == NOT_REPORTED else f"{value:,}"
