"""The count from the database: approved protocols, counted by ``saylau.count``.

The approved protocols of an election become a :class:`~saylau.count.protocols.ProtocolTable`
(both entries, as entered), the table goes into a :class:`~saylau.count.ledger.Ledger`, and
``saylau.count.tally.count_ledger`` counts it: the same code, the same results, as
``saylau count`` on a directory holding the same protocols.

A count is cached per election in each worker and made again when the election's
``results_version`` (raised by every approval and every correction of an approved protocol)
has moved. Only approved protocols are counted: an entry still being checked never shows.

Progress over time: each approval records a snapshot (protocols approved, voters in), at most
one per :data:`DEFAULT_SNAPSHOT_EVERY` per election.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session, aliased

from saylau.count.checks import WARNING_BITS
from saylau.count.definition import Election
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.ledger import Ledger
from saylau.count.protocols import ProtocolTable
from saylau.count.tally import Count, count_ledger
from saylau.publish.results import DEFAULT_LEVELS, count_document
from saylau.service.elections import KnownElection, known_election
from saylau.service.lots import lots_for_count
from saylau.service.models import (
    ElectionRecord,
    ProgressSnapshot,
    ProtocolEntry,
    ProtocolRecord,
    ProtocolState,
    User,
)

DEFAULT_SNAPSHOT_EVERY = timedelta(seconds=30)
"""At most one progress snapshot per election in this time."""


# -- approved protocols as a table ----------------------------------------------------------


def approved_table(session: Session, election: Election) -> ProtocolTable:
    """Every current entry of every approved protocol of the election, as one table.

    Figures are stored in the column order of the form (``models.figures_in_order``), so each
    entry's values are its row as they come; the JSON is read as text and parsed here, once.
    """
    maker = aliased(User)
    rows = session.execute(
        select(
            ProtocolRecord.precinct,
            ProtocolRecord.contest,
            ProtocolEntry.entry,
            cast(ProtocolEntry.figures, Text),
            cast(ProtocolEntry.acknowledged, Text),
            maker.username,
            ProtocolEntry.entered_at,
            ProtocolEntry.correction,
        )
        .join(ProtocolEntry, ProtocolEntry.protocol_id == ProtocolRecord.id)
        .join(maker, maker.id == ProtocolEntry.entered_by_id)
        .where(
            ProtocolRecord.election_id == election.id,
            ProtocolRecord.state == ProtocolState.APPROVED,
            ~ProtocolEntry.superseded,
        )
        .order_by(ProtocolRecord.id, ProtocolEntry.entry)
    ).all()
    n = len(rows)
    width = len(COUNT_FIELDS) + election.max_options
    precinct = np.fromiter((election.precinct_index[r[0]] for r in rows), np.int64, n)
    contest = np.fromiter((election.contest_index[r[1]] for r in rows), np.int64, n)
    values = np.full((n, width), NOT_REPORTED, np.int64)
    for i, row in enumerate(rows):
        figures = [NOT_REPORTED if v is None else v for v in json.loads(row[3]).values()]
        values[i, : len(figures)] = figures
    acknowledged = np.fromiter(
        (
            sum(WARNING_BITS.get(code, 0) for code in set(json.loads(r[4])))
            if r[4] not in ("[]", None)
            else 0
            for r in rows
        ),
        np.int64,
        n,
    )
    return ProtocolTable(
        source="the database",
        labels=np.arange(n, dtype=np.int64),
        label_style="approved entry {}",
        precinct=precinct,
        contest=contest,
        slot=election.slots_of(precinct, contest) if n else np.zeros(0, np.int64),
        values=values,
        entry=np.fromiter((r[2] for r in rows), np.int8, n),
        entered_by=[r[5] for r in rows],
        entered_at=[r[6].isoformat() for r in rows],
        correction=[r[7] or "" for r in rows],
        acknowledged=acknowledged,
    )


def count_from_database(session: Session, election: Election) -> Count:
    """The count of the approved protocols, by ``saylau.count``, with the drawings of lots
    the CEC recorded."""
    ledger = Ledger(election)
    ledger.apply(approved_table(session, election))
    return count_ledger(ledger, lots_for_count(session, election.id))


# -- the cache ------------------------------------------------------------------------------


@dataclass(eq=False)
class CachedCount:
    """A count and what has been made from it, for one results version."""

    version: int
    count: Count
    documents: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def document(self, levels: Iterable[str] = DEFAULT_LEVELS) -> dict[str, Any]:
        """The count document (``saylau.publish.results.count_document``), made once."""
        key = tuple(levels)
        with self.lock:
            found = self.documents.get(key)
            if found is None:
                found = self.documents[key] = count_document(self.count, key)
        return found


class ResultsCache:
    """The latest count of each election in this worker, made again when it is out of date."""

    def __init__(self) -> None:
        self._counts: dict[str, CachedCount] = {}
        self._lock = threading.Lock()
        self._making: dict[str, threading.Lock] = {}

    def get(self, session: Session, election_id: str) -> CachedCount:
        known = known_election(session, election_id)
        version = known.record.results_version
        cached = self._counts.get(election_id)
        if cached is not None and cached.version >= version:
            return cached
        with self._lock:
            making = self._making.setdefault(election_id, threading.Lock())
        with making:  # one worker thread counts; the others wait for it
            cached = self._counts.get(election_id)
            if cached is not None and cached.version >= version:
                return cached
            # Read the version again in this session's snapshot of the protocols.
            fresh = CachedCount(version, count_from_database(session, known.election))
            self._counts[election_id] = fresh
            return fresh

    def clear(self) -> None:
        self._counts.clear()


# -- progress over time ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressPoint:
    """How far the count had come at a moment."""

    at: datetime
    protocols_approved: int
    protocols_expected: int
    voters_in: int
    voters_expected: int

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "protocols_approved": self.protocols_approved,
            "protocols_expected": self.protocols_expected,
            "voters_in": self.voters_in,
            "voters_expected": self.voters_expected,
        }


def progress_now(session: Session, known: KnownElection, at: datetime) -> ProgressPoint:
    """Approved protocols, and the voters of the precincts whose protocols are all approved
    (as ``saylau.publish.results.overall_progress`` counts them)."""
    election = known.election
    approved = dict(
        session.execute(
            select(ProtocolRecord.precinct, func.count())
            .where(
                ProtocolRecord.election_id == known.id,
                ProtocolRecord.state == ProtocolState.APPROVED,
            )
            .group_by(ProtocolRecord.precinct)
        ).all()
    )
    wanted = np.diff(election.slot_offsets)
    voters_in = 0
    for precinct, number in approved.items():
        index = election.precinct_index.get(precinct)
        if index is not None and number == int(wanted[index]):
            voters_in += int(election.precinct_voters[index])
    return ProgressPoint(
        at,
        sum(approved.values()),
        election.expected,
        voters_in,
        int(election.precinct_voters[wanted > 0].sum()),
    )


def record_progress(
    session: Session, known: KnownElection, at: datetime, every: timedelta
) -> ProgressSnapshot | None:
    """Record a snapshot unless one was recorded less than ``every`` ago; the new one."""
    last = session.scalar(
        select(func.max(ProgressSnapshot.at)).where(ProgressSnapshot.election_id == known.id)
    )
    if last is not None and at - last < every:
        return None
    point = progress_now(session, known, at)
    snapshot = ProgressSnapshot(
        election_id=known.id,
        at=at,
        protocols_approved=point.protocols_approved,
        protocols_expected=point.protocols_expected,
        voters_in=point.voters_in,
        voters_expected=point.voters_expected,
    )
    session.add(snapshot)
    return snapshot


def progress_history(session: Session, election_id: str) -> list[ProgressPoint]:
    """The snapshots of an election, oldest first."""
    return [
        ProgressPoint(
            s.at, s.protocols_approved, s.protocols_expected, s.voters_in, s.voters_expected
        )
        for s in session.scalars(
            select(ProgressSnapshot)
            .where(ProgressSnapshot.election_id == election_id)
            .order_by(ProgressSnapshot.at, ProgressSnapshot.id)
        )
    ]


def results_version(session: Session, election_id: str) -> int:
    """The election's results version (0 before the first approval)."""
    return int(
        session.scalar(
            select(ElectionRecord.results_version).where(ElectionRecord.id == election_id)
        )
        or 0
    )
