"""The service's tables (SQLAlchemy 2.0 declarative).

- ``elections``: an election and whether it is open; ``election_definitions``: its definition
  (the ``election.json`` text).
- ``users``, ``api_tokens``, ``login_attempts``: accounts, their bearer tokens (only a hash is
  kept) and the login attempts that throttling counts.
- ``protocols``: one row per protocol (election, precinct, contest) with its workflow state; its
  ``version`` column makes every update conditional on the version read (optimistic locking), so
  two concurrent approvals or entries of the same protocol never silently overwrite each other.
- ``protocol_entries``: each entry of a protocol (first or second), with its figures; a
  corrected entry stays, marked ``superseded``, beside the one that replaced it.
- ``certifications``: a certified contest and the hash of the protocols it was certified on.
- ``recorded_lots``: drawings of lots the CEC recorded, which the count uses to settle ties.
- ``progress_snapshots``: how far the count had come at a moment (approved protocols, voters).
- ``audit_log`` and ``audit_head``: the hash-chained log of every state change
  (:mod:`saylau.service.audit`) and the row that holds the chain's last link.

The schema is created and changed by the Alembic migrations in ``migrations/`` only
(``saylau db upgrade``); a test holds the migrations to these classes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from saylau.count.definition import Election, parse_definition
from saylau.count.fields import COUNT_FIELDS
from saylau.service.roles import Role

ID_LENGTH = 64
"""Election, territory, precinct and contest ids are at most this long (as in the definition)."""
HASH_LENGTH = 64
"""A SHA-256 digest in hexadecimal."""
GENESIS = "0" * HASH_LENGTH
"""The hash the audit chain starts from: the first entry's ``prev_hash``."""


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and read back as an aware UTC datetime on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment without a time zone cannot be stored; use UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def now() -> datetime:
    """The current moment in UTC."""
    return datetime.now(UTC)


def _enum(kind: type[StrEnum]) -> SqlEnum:
    """An enum stored as its value text (no database enum type: migrations stay simple)."""
    return SqlEnum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """The declarative base: constraint names are fixed so migrations can refer to them."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UtcDateTime()}  # noqa: RUF012


# -- elections ------------------------------------------------------------------------------


class ElectionState(StrEnum):
    """Where an election stands in the service."""

    DRAFT = "draft"
    """Defined, not yet open for protocols."""
    OPEN = "open"
    """Protocols are being entered."""
    CLOSED = "closed"
    """No more entries; results stand as certified."""


class ElectionDefinition(Base):
    """An election's definition (``election.json``) as text, in a table of its own.

    A national definition is megabytes. Kept in the ``elections`` row, it would be walked
    past on every read of the columns after it (SQLite reads a row's columns in order, through
    its overflow pages), and every request reads the election's state."""

    __tablename__ = "election_definitions"

    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ElectionRecord(Base):
    """An election known to the service; its definition (``election.json``) is read only when
    asked for (``definition``)."""

    __tablename__ = "elections"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[ElectionState] = mapped_column(_enum(ElectionState), default=ElectionState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=now)
    results_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    """Raised by every change to what the results count (an approval, a correction of an
    approved protocol): a cached count older than it is recomputed."""
    stored_definition: Mapped[ElectionDefinition] = relationship(
        cascade="all, delete-orphan", lazy="select"
    )
    definition: AssociationProxy[str] = association_proxy(
        "stored_definition", "text", creator=lambda text: ElectionDefinition(text=text)
    )
    """The definition's text (``election.json``)."""

    def parsed(self) -> Election:
        """The checked definition (``saylau.count.definition``) the count runs on."""
        return parse_definition(self.definition, f"election {self.id}")


# -- accounts -------------------------------------------------------------------------------


class User(Base):
    """An account: a CEC administrator, a commission operator or an observer.

    ``area`` is the territorial unit of a territorial operator, the precinct of a precinct
    operator, and empty for the others. ``password_hash`` is an argon2 hash.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(_enum(Role))
    area: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def __repr__(self) -> str:
        return f"User({self.username!r}, {self.role.value}, area={self.area!r})"


class ApiToken(Base):
    """A bearer token for the API. The token itself is shown once; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginAttempt(Base):
    """One login attempt, kept so that repeated failures can be refused for a while."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool]


# -- protocols ------------------------------------------------------------------------------


class ProtocolState(StrEnum):
    """Where a protocol stands in the double-entry workflow."""

    ENTERED = "entered"
    """One entry on record."""
    MISMATCH = "mismatch"
    """Two entries that differ: held until a correction makes them agree."""
    MATCHED = "matched"
    """Two entries by different people that agree field by field."""
    APPROVED = "approved"
    """Approved by the superior commission: counted in the results."""


class ProtocolRecord(Base):
    """One protocol: a precinct's count for one contest, and its workflow state.

    ``version`` is SQLAlchemy's version counter: every UPDATE says ``WHERE version = <the
    version read>``, so a writer working from a stale copy fails with ``StaleDataError`` instead
    of overwriting a newer state. ``content_hash`` is the SHA-256 of the canonical content of
    the entry that the state rests on (see ``audit.content_hash``).
    """

    __tablename__ = "protocols"
    __table_args__ = (UniqueConstraint("election_id", "precinct", "contest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    precinct: Mapped[str] = mapped_column(String(ID_LENGTH))
    contest: Mapped[str] = mapped_column(String(ID_LENGTH))
    state: Mapped[ProtocolState] = mapped_column(
        _enum(ProtocolState), default=ProtocolState.ENTERED
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    content_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    version: Mapped[int] = mapped_column(nullable=False)

    entries: Mapped[list[ProtocolEntry]] = relationship(
        back_populates="protocol", order_by="ProtocolEntry.id"
    )
    approved_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def current(self, entry: int) -> ProtocolEntry | None:
        """The entry in force for place ``entry`` (1 or 2): the latest one not superseded."""
        for candidate in reversed(self.entries):
            if candidate.entry == entry and not candidate.superseded:
                return candidate
        return None


def figures_in_order(figures: dict[str, int | None]) -> dict[str, int | None]:
    """A protocol's figures in column order: ``COUNT_FIELDS``, then ``line_1``, ``line_2``, ...

    Every count field is present (``None``: not reported); a name that is neither a count field
    nor ``line_K`` is a ``ValueError``.
    """
    lines: dict[int, int | None] = {}
    for name, value in figures.items():
        if name in COUNT_FIELDS:
            continue
        number = name.removeprefix("line_")
        if not name.startswith("line_") or not number.isdigit() or int(number) < 1:
            raise ValueError(f"{name!r} is not a protocol figure (see docs/election-dir.md)")
        lines[int(number)] = value
    ordered: dict[str, int | None] = {name: figures.get(name) for name in COUNT_FIELDS}
    ordered.update({f"line_{k}": lines[k] for k in sorted(lines)})
    return ordered


class ProtocolEntry(Base):
    """One entry of a protocol as a person typed it: the first (1) or the second (2).

    ``figures`` maps the column names of the protocol form to their numbers, in the order of
    ``saylau.count.protocols.COUNT_FIELDS`` followed by ``line_1`` ... (``None``: not
    reported). A correction adds a new entry with its reason and marks the earlier one
    ``superseded``; at most one entry per place is current.
    """

    __tablename__ = "protocol_entries"
    __table_args__ = (
        CheckConstraint("entry IN (1, 2)", name="entry_is_first_or_second"),
        Index(
            "uq_protocol_entries_current",
            "protocol_id",
            "entry",
            unique=True,
            sqlite_where=text("NOT superseded"),
            postgresql_where=text("NOT superseded"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocols.id"), index=True)
    entry: Mapped[int]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    acknowledged: Mapped[list[str]] = mapped_column(JSON, default=list)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=now)
    correction: Mapped[str | None] = mapped_column(Text)
    superseded: Mapped[bool] = mapped_column(default=False)

    protocol: Mapped[ProtocolRecord] = relationship(back_populates="entries")
    entered_by: Mapped[User] = relationship()

    def content(self) -> dict[str, Any]:
        """What the entry says, as hashed into the audit log: figures and acknowledgements."""
        return {"figures": self.figures, "acknowledged": sorted(self.acknowledged)}


# -- certification --------------------------------------------------------------------------


class Certification(Base):
    """A certified contest: frozen, with the hash of every accepted protocol it rests on."""

    __tablename__ = "certifications"
    __table_args__ = (UniqueConstraint("election_id", "contest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    contest: Mapped[str] = mapped_column(String(ID_LENGTH))
    protocols_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    protocols: Mapped[int]
    certified_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    certified_at: Mapped[datetime] = mapped_column(default=now)

    certified_by: Mapped[User] = relationship()


class RecordedLots(Base):
    """A drawing of lots as the CEC recorded it: for which body and which question (the
    contest or tier, as ``lots.json`` names it), the order drawn (first = favoured), and the
    document that attests it. Held once: a drawing is an event, not a setting."""

    __tablename__ = "recorded_lots"
    __table_args__ = (UniqueConstraint("election_id", "body", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    body: Mapped[str] = mapped_column(String(ID_LENGTH))
    question: Mapped[str] = mapped_column(String(200))
    order: Mapped[list[str]] = mapped_column(JSON)
    record: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    recorded_by: Mapped[User] = relationship()


class ProgressSnapshot(Base):
    """How far the count of an election had come at a moment: for "progress over time"."""

    __tablename__ = "progress_snapshots"
    __table_args__ = (Index("ix_progress_snapshots_election_id_at", "election_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    at: Mapped[datetime]
    protocols_approved: Mapped[int]
    protocols_expected: Mapped[int]
    voters_in: Mapped[int]
    voters_expected: Mapped[int]


# -- audit ----------------------------------------------------------------------------------


class AuditEntry(Base):
    """One link of the audit chain (see :mod:`saylau.service.audit`).

    ``at`` is kept as the exact ISO 8601 text that was hashed, and ``payload`` as the exact
    canonical JSON text, so the hash can be recomputed byte for byte on any database.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)

    def payload_document(self) -> Any:
        return json.loads(self.payload)


class AuditHead(Base):
    """The chain's last link: one row (id 1), locked by every writer that appends."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
