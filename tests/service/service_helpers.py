"""Helpers for the service tests: put an election or an account straight into a database."""

from __future__ import annotations

from typing import Any

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


def approve_in_another_process(
    url: str, username: str, precinct: str, contest: str, version: int, barrier: Any, out: Any
) -> None:
    """Run in a worker process: wait for the others at the barrier, then approve a protocol of
    the tiny election; put what happened on ``out``."""
    from saylau.service import workflow
    from saylau.service.errors import Conflict

    database = Database.open(url)
    try:
        barrier.wait()
        with database.write() as session:
            user = session.query(User).filter_by(username=username).one()
            workflow.approve(session, user, "tiny", precinct, contest, version)
        out.put("approved")
    except Conflict as conflict:
        out.put(conflict.code)
    finally:
        database.dispose()
