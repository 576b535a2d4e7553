"""Loading a whole election directory into the database, in bulk.

``saylau db load DIR`` and the first start of ``saylau serve`` (the synthetic 2023 election)
use it. The directory is read and reviewed by ``saylau.count`` exactly as ``saylau count``
reads it; then, in one transaction:

- the definition becomes an open election;
- every protocol on record becomes a protocol row with its entries as the files give them,
  made by the system accounts ``system.first`` and ``system.second`` (disabled: nobody signs
  in as them);
- the protocols the count accepts are approved by the system account ``system``; the others
  keep the state their entries give them (entered, matched, mismatch) and wait for a person;
- the audit log gets one entry for the election and one per batch of protocols, each with the
  hash over the batch's protocol content hashes.

- the recorded drawings of lots (``lots.json``) are stored as if the CEC had recorded them
  (by ``system``), each with its audit entry.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from saylau.count.checks import codes
from saylau.count.directory import LOTS, Loaded, load
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.ledger import FIRST, SECOND
from saylau.service import audit
from saylau.service.db import Database
from saylau.service.elections import KnownElection, parsed
from saylau.service.errors import Conflict
from saylau.service.hashing import content_hash, protocols_hash
from saylau.service.models import (
    ElectionRecord,
    ElectionState,
    ProtocolEntry,
    ProtocolRecord,
    ProtocolState,
    RecordedLots,
    User,
    now,
)
from saylau.service.results import record_progress
from saylau.service.roles import Role
from saylau.service.workflow import protocol_content

SYSTEM = "system"
"""The account that approves what a bulk load brings in."""
SYSTEM_ENTRIES = ("system.first", "system.second")
"""The accounts that the first and the second entries of a bulk load are made by."""
BATCH = 5000
"""Protocols per insert and per audit entry."""
NO_PASSWORD = "!"
"""A password hash no password matches: system accounts cannot sign in."""


@dataclass(frozen=True)
class LoadReport:
    """What a load brought in."""

    election: str
    protocols: int
    approved: int
    entries: int

    def describe(self) -> str:
        return (
            f"election {self.election}: {self.protocols:,} protocols loaded ({self.entries:,}"
            f" entries), {self.approved:,} approved"
        )


def system_account(session: Session, username: str) -> User:
    """A system account (created on first use): disabled, no password."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(
            username=username,
            password_hash=NO_PASSWORD,
            role=Role.ADMINISTRATOR,
            area=None,
            disabled=True,
        )
        session.add(user)
        session.flush()
    return user


def _figures(row: np.ndarray, options: int) -> dict[str, int | None]:
    names = [*COUNT_FIELDS, *(f"line_{k}" for k in range(1, options + 1))]
    return {
        name: None if int(v) == NOT_REPORTED else int(v)
        for name, v in zip(names, row[: len(names)].tolist(), strict=True)
    }


def load_loaded(
    session: Session,
    loaded: Loaded,
    *,
    actor: str,
    at: datetime | None = None,
    step: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Put a read election directory into the database (see the module's description)."""
    election = loaded.election
    moment = at or now()
    if session.get(ElectionRecord, election.id) is not None:
        raise Conflict(
            "election-exists",
            f"The database already holds election {election.id}; it is loaded only once.",
            "election",
        )
    record = ElectionRecord(
        id=election.id,
        name=election.file.name,
        definition=election.file.model_dump_json(),
        state=ElectionState.OPEN,
        created_at=moment,
    )
    session.add(record)
    approver = system_account(session, SYSTEM)
    makers = [system_account(session, name) for name in SYSTEM_ENTRIES]
    session.flush()
    audit.append(
        session,
        actor,
        "election.loaded",
        election.id,
        {"name": election.file.name, "source": str(loaded.directory)},
        {"definition": record.definition},
        at=moment,
    )
    ledger = loaded.ledger
    review = ledger.review()
    present = ledger.present[FIRST] | ledger.present[SECOND]
    slots = np.flatnonzero(present)
    options = election.option_counts[election.slot_constituency]
    precinct_ids = [p.id for p in election.file.precincts]
    contest_ids = [c.id for c in election.file.contests]
    approved = entries = 0
    for start in range(0, len(slots), BATCH):
        batch = slots[start : start + BATCH]
        protocol_rows: list[dict[str, Any]] = []
        entry_rows: list[list[dict[str, Any]]] = []
        hashes: dict[str, str] = {}
        for slot in batch.tolist():
            precinct = precinct_ids[int(election.slot_precinct[slot])]
            contest = contest_ids[int(election.slot_contest[slot])]
            made: list[dict[str, Any]] = []
            acknowledged: list[str] = []
            for place in (FIRST, SECOND):
                if not ledger.present[place, slot]:
                    continue
                acks = codes(int(ledger.acknowledged[place, slot]))
                acknowledged += acks
                made.append(
                    {
                        "entry": place + 1,
                        "figures": _figures(ledger.values[place, slot], int(options[slot])),
                        "acknowledged": acks,
                        "entered_by_id": makers[place].id,
                        "entered_at": moment,
                        "correction": None,
                        "superseded": False,
                    }
                )
            accepted = bool(review.accepted[slot])
            if accepted:
                state = ProtocolState.APPROVED
            elif review.mismatch[slot]:
                state = ProtocolState.MISMATCH
            elif len(made) == 2:
                state = ProtocolState.MATCHED
            else:
                state = ProtocolState.ENTERED
            hashed = content_hash(
                protocol_content(election.id, precinct, contest, made[0]["figures"], acknowledged)
            )
            hashes[f"{precinct}/{contest}"] = hashed
            protocol_rows.append(
                {
                    "election_id": election.id,
                    "precinct": precinct,
                    "contest": contest,
                    "state": state,
                    "approved_by_id": approver.id if accepted else None,
                    "approved_at": moment if accepted else None,
                    "content_hash": hashed,
                    "version": 1,
                }
            )
            entry_rows.append(made)
            approved += accepted
        ids = session.scalars(
            insert(ProtocolRecord).returning(ProtocolRecord.id, sort_by_parameter_order=True),
            protocol_rows,
        ).all()
        flat = [
            {"protocol_id": protocol_id, **made}
            for protocol_id, made_here in zip(ids, entry_rows, strict=True)
            for made in made_here
        ]
        session.execute(insert(ProtocolEntry), flat)
        entries += len(flat)
        audit.append(
            session,
            actor,
            "protocols.loaded",
            election.id,
            {
                "protocols": len(protocol_rows),
                "first": next(iter(hashes)),
                "last": next(reversed(hashes)),
            },
            {"protocols": protocols_hash(hashes)},
            at=moment,
        )
        if step:
            step(start + len(batch), len(slots))
    for body, drawings in loaded.lots.items():
        for question, drawn in drawings.items():
            session.add(
                RecordedLots(
                    election_id=election.id,
                    body=body,
                    question=question,
                    order=list(drawn.order),
                    record=drawn.record,
                    recorded_by_id=approver.id,
                    recorded_at=moment,
                )
            )
            audit.append(
                session,
                actor,
                "lots.recorded",
                f"{election.id}/{body}/{question}",
                {"order": list(drawn.order), "record": drawn.record, "source": LOTS},
                at=moment,
            )
    if approved:
        record.results_version = 1
        definition, territory = parsed(record)
        known = KnownElection(record, definition, territory)
        record_progress(session, known, moment, every=timedelta(0))
    return LoadReport(election.id, len(slots), approved, entries)


def load_directory(
    database: Database, directory: Path, *, actor: str, step: Callable[[int, int], None] | None
) -> LoadReport:
    """Read an election directory and load it in one write transaction."""
    loaded = load(directory)
    with database.write() as session:
        return load_loaded(session, loaded, actor=actor, step=step)


def load_synthetic(
    database: Database, *, actor: str, seed: int = 2023, precincts: int | None = None
) -> LoadReport:
    """Generate the synthetic 2023 election (``saylau generate kz-2023``) in a temporary folder
    and load it."""
    from saylau.count.synthetic import DEFAULT_PRECINCTS, generate_kz_2023

    with tempfile.TemporaryDirectory(prefix="saylau-kz-2023-") as folder:
        target = Path(folder) / "kz-2023"
        generate_kz_2023(target, seed=seed, precincts=precincts or DEFAULT_PRECINCTS)
        return load_directory(database, target, actor=actor, step=None)


def is_empty(database: Database) -> bool:
    """Does the database hold no election yet?"""
    with database.read() as session:
        return session.scalar(select(ElectionRecord.id).limit(1)) is None


__all__ = ["LoadReport", "is_empty", "load_directory", "load_loaded", "load_synthetic"]
