"""The elections in the database, parsed once per process: definition and territory.

A national definition is about 3 MB of JSON (ten thousand precincts) and takes a moment to
parse, so requests read the election row without it (it is a table of its own), and each
worker keeps the parsed form keyed by the election's id and the moment it was created: a
definition is stored once, when the election is loaded, and never changed in place.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from saylau.count.definition import Election
from saylau.service.errors import NotFound
from saylau.service.models import ElectionRecord
from saylau.service.territory import Territory


@dataclass(frozen=True, eq=False)
class KnownElection:
    """An election record with its parsed definition and territory."""

    record: ElectionRecord
    election: Election
    territory: Territory

    @property
    def id(self) -> str:
        return self.record.id


_parsed: dict[tuple[str, str], tuple[Election, Territory]] = {}
_lock = threading.Lock()


def parsed(record: ElectionRecord) -> tuple[Election, Territory]:
    """The record's definition and territory, parsed at most once per definition text."""
    key = (record.id, record.created_at.isoformat())
    with _lock:
        found = _parsed.get(key)
    if found is None:
        election = record.parsed()
        found = (election, Territory.of(election))
        with _lock:
            _parsed[key] = found
    return found


def known_election(session: Session, election_id: str) -> KnownElection:
    """The election with this id, or :class:`NotFound`."""
    record = session.get(ElectionRecord, election_id)
    if record is None:
        raise NotFound(
            "no-such-election",
            f"There is no election {election_id!r}; the list is at /api/elections.",
            "election",
        )
    election, territory = parsed(record)
    return KnownElection(record, election, territory)
