"""Helpers for the service tests: put an election or an account straight into a database."""

from __future__ import annotations

from saylau.count.definition import Election
from saylau.service.db import Database
from saylau.service.models import ElectionRecord, ElectionState, User
from saylau.service.roles import Role


def url_of(database: Database) -> str:
    """The database's URL with its password, to hand to another process or the command."""
    return database.engine.url.render_as_string(hide_password=False)


def add_election(database: Database, election: Election) -> ElectionRecord:
    """Store a definition in the database, open for entries."""
    with database.write() as session:
        record = ElectionRecord(
            id=election.id,
            name=election.file.name,
            definition=election.file.model_dump_json(),
            state=ElectionState.OPEN,
        )
        session.add(record)
    return record


def add_user(database: Database, username: str, role: Role, area: str | None = None) -> User:
    """An account stored directly (no password to check: see the accounts tests for those)."""
    with database.write() as session:
        user = User(username=username, password_hash="-", role=role, area=area)
        session.add(user)
    return user
