"""The audit log: every state change, in a hash chain that shows any later tampering.

Each entry records when, who (``actor``), what (``action``, e.g. ``protocol.approved``), on what
(``subject``, e.g. ``kz-2023/P00001/mazhilis-lists``), details (``payload``), the hash of the
protocol content it concerns (``content_hash``), the hash of the entry before it
(``prev_hash``; the first entry's is 64 zeros) and its own hash::

    hash = SHA-256(canonical JSON of {at, actor, action, subject, payload, content_hash,
                                      prev_hash})

``payload`` is stored as its canonical JSON text and ``at`` as ISO 8601 text, exactly as hashed.
The order of the log is the chain itself: ``seq`` numbers the entries 1, 2, 3, ... and is not
hashed, so an entry moved to another place is reported as out of order, not as altered.

:func:`append` (and :func:`append_all`, for several) adds an entry inside the caller's
transaction, so a state change and its entry commit together or not at all. It locks the
chain head (``audit_head``, one row) with ``SELECT ... FOR UPDATE``: on PostgreSQL a second
writer waits there until the first commits, so two writers never fork the chain; on SQLite,
write transactions begin with ``BEGIN IMMEDIATE`` and never overlap. Append last in a
transaction: the head stays locked until it ends.

:func:`verify` recomputes the chain and names every entry that was altered, deleted or moved.
What it cannot see: a rewrite of the whole chain from some entry on, with every later hash
recomputed and the head updated. Publishing the head's hash (with each results release, for
example) closes that gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from saylau.service.db import Database
from saylau.service.hashing import canonical_json, content_hash, sha256_hex
from saylau.service.models import GENESIS, AuditEntry, AuditHead, now


class AuditError(Exception):
    """The audit log cannot be written: said for the person running the service."""


def moment_text(moment: datetime) -> str:
    """A moment as the log keeps it: ISO 8601 in UTC with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone cannot be logged; use UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    at: str,
    actor: str,
    action: str,
    subject: str,
    payload: str,
    content_hash: str | None,
    prev_hash: str,
) -> str:
    """The hash of one entry from its fields (``payload``: its canonical JSON text)."""
    return sha256_hex(
        canonical_json(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "subject": subject,
                "payload": payload,
                "content_hash": content_hash,
                "prev_hash": prev_hash,
            }
        )
    )


class _Row(NamedTuple):
    """An entry as read for verification."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    payload: str
    content_hash: str | None
    prev_hash: str
    hash: str


def hash_of(entry: AuditEntry | _Row) -> str:
    """The hash an entry's fields give (compare it with the hash it carries)."""
    return entry_hash(
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        payload=entry.payload,
        content_hash=entry.content_hash,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class Change:
    """A state change to log: who, what, on what, the details (``payload``, any JSON
    document; ``None``: an empty object) and the protocol content it concerns (only its hash
    is kept)."""

    actor: str
    action: str
    subject: str
    payload: Any = None
    content: Any = None
    at: datetime | None = None


def append(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    payload: Any = None,
    content: Any = None,
    *,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry to the chain, in the caller's transaction (nothing is committed here)."""
    [entry] = append_all(session, [Change(actor, action, subject, payload, content, at)])
    return entry


def append_all(session: Session, changes: Sequence[Change]) -> list[AuditEntry]:
    """Add one entry per change to the chain, in order, in the caller's transaction, with one
    lock of the chain head and one write (nothing is committed here)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not Database.in_write_transaction(connection):
        raise AuditError(
            "audit entries are written in write transactions only (Database.write()); on"
            " SQLite a read session could not hold the chain for its writer"
        )
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        raise AuditError(
            "the audit log has no chain head: this database was not created by `saylau db upgrade`"
        )
    entries: list[AuditEntry] = []
    for change in changes:
        entry = AuditEntry(
            seq=head.seq + 1,
            at=moment_text(change.at or now()),
            actor=change.actor,
            action=change.action,
            subject=change.subject,
            payload=canonical_json({} if change.payload is None else change.payload),
            content_hash=None if change.content is None else content_hash(change.content),
            prev_hash=head.hash,
        )
        entry.hash = hash_of(entry)
        head.seq, head.hash = entry.seq, entry.hash
        entries.append(entry)
    session.add_all(entries)
    session.flush()
    return entries


# -- verification ---------------------------------------------------------------------------


class ProblemKind(StrEnum):
    ALTERED = "altered"
    DELETED = "deleted"
    REORDERED = "reordered"


@dataclass(frozen=True)
class AuditProblem:
    """One thing wrong with the chain, at the entry where it shows (``seq``)."""

    kind: ProblemKind
    seq: int | None
    message: str

    def __str__(self) -> str:
        return self.message


def _describe(row: _Row) -> str:
    return f"entry {row.seq} ({row.at}, {row.actor}: {row.action} {row.subject})"


def _missing(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first} to {last} are"


def verify(session: Session) -> list[AuditProblem]:
    """Recompute the chain; an empty list means it is intact.

    - *altered*: an entry's fields no longer give its hash;
    - *deleted*: a gap in the numbering, an entry whose ``prev_hash`` matches no entry in the
      log, or entries missing at the end (the chain head records a later entry);
    - *reordered*: an entry whose place in the log is not its place in the chain.

    Give it a fresh session: on PostgreSQL it then reads in one REPEATABLE READ snapshot.
    """
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # One snapshot for the entries and the head, even while writers append.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    rows = [
        _Row(*row)
        for row in session.execute(
            select(
                AuditEntry.seq,
                AuditEntry.at,
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.subject,
                AuditEntry.payload,
                AuditEntry.content_hash,
                AuditEntry.prev_hash,
                AuditEntry.hash,
            ).order_by(AuditEntry.seq)
        )
    ]
    head = session.get(AuditHead, 1)
    problems: list[AuditProblem] = []
    for row in rows:
        if hash_of(row) != row.hash:
            problems.append(
                AuditProblem(
                    ProblemKind.ALTERED,
                    row.seq,
                    f"{_describe(row)} was altered: its contents no longer match its hash",
                )
            )
    position = {row.hash: i for i, row in enumerate(rows)}
    predecessor: list[int | None] = [
        -1 if row.prev_hash == GENESIS else position.get(row.prev_hash) for row in rows
    ]

    def linked(i: int) -> bool:
        """Does the entry at position ``i`` follow the one before it in the chain?"""
        return predecessor[i] == i - 1

    def followed(i: int) -> bool:
        """Does the chain go on from the entry at position ``i`` to the next one?"""
        if i + 1 < len(rows):
            return linked(i + 1)
        return head is not None and head.hash == rows[i].hash

    moved = {
        i
        for i in range(len(rows))
        if not linked(i) and predecessor[i] is not None and not followed(i)
    }
    for i, row in enumerate(rows):
        expected_seq = rows[i - 1].seq + 1 if i else 1
        before = predecessor[i]
        if row.seq != expected_seq:
            problems.append(
                AuditProblem(
                    ProblemKind.DELETED,
                    row.seq,
                    f"{_missing(expected_seq, row.seq - 1)} missing from the log: deleted"
                    f" before {_describe(row)}",
                )
            )
            if before is None:
                continue  # the same deletion, seen from the chain
        if linked(i):
            continue
        if before is None:
            problems.append(
                AuditProblem(
                    ProblemKind.DELETED,
                    row.seq,
                    f"an entry before {_describe(row)} was deleted: the hash it records for the"
                    " entry before it matches no entry in the log (or that entry was altered"
                    " and its hash recomputed)",
                )
            )
        elif i in moved:
            after = (
                "is the first of the chain" if before < 0 else f"follows entry {rows[before].seq}"
            )
            problems.append(
                AuditProblem(
                    ProblemKind.REORDERED,
                    row.seq,
                    f"{_describe(row)} is out of order: by the chain it {after}",
                )
            )
        elif before not in moved and (i - 1) not in moved:
            problems.append(
                AuditProblem(
                    ProblemKind.REORDERED,
                    row.seq,
                    f"{_describe(row)} does not follow entry {rows[i - 1].seq if i else 0}: by"
                    f" the chain it follows entry {rows[before].seq if before >= 0 else 0}",
                )
            )
    problems.extend(_tail_problems(rows, head, position, moved))
    return problems


def _tail_problems(
    rows: list[_Row], head: AuditHead | None, position: dict[str, int], moved: set[int]
) -> list[AuditProblem]:
    """What the chain head says about the end of the log."""
    if head is None:
        return [
            AuditProblem(ProblemKind.DELETED, None, "the chain head (table audit_head) was deleted")
        ]
    last_seq = rows[-1].seq if rows else 0
    last_hash = rows[-1].hash if rows else GENESIS
    if head.hash == last_hash and head.seq == last_seq:
        return []
    if head.seq > last_seq:
        return [
            AuditProblem(
                ProblemKind.DELETED,
                head.seq,
                f"{_missing(last_seq + 1, head.seq)} missing from the end of the log: the chain"
                f" head records entry {head.seq}",
            )
        ]
    at = position.get(head.hash)
    if at is not None and (at in moved or all(k in moved for k in range(at + 1, len(rows)))):
        return []  # the head's entry, or the entries after it, were moved: reported above
    return [
        AuditProblem(
            ProblemKind.ALTERED,
            last_seq,
            f"the last entry ({last_seq}) does not match the chain head (entry {head.seq}):"
            " the end of the log was replaced or its hashes recomputed",
        )
    ]


def summary(session: Session) -> tuple[int, str]:
    """How many entries the chain holds and the hash of its last one (to publish)."""
    head = session.get(AuditHead, 1)
    return (head.seq, head.hash) if head is not None else (0, GENESIS)
