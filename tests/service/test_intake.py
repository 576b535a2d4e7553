"""Entries written together (``workflow.enter_all`` and the intake's group commit) are stored,
refused and logged exactly as if each had been written alone."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from api_helpers import Api, figures, make_api
from sqlalchemy import select

from saylau.count.definition import Election
from saylau.service import workflow
from saylau.service.audit import verify
from saylau.service.db import Database
from saylau.service.errors import Conflict, ServiceError, Unauthenticated
from saylau.service.intake import Intake
from saylau.service.models import AuditEntry, ProtocolEntry, ProtocolRecord, User

WAIT_LIMIT = 30.0
"""Seconds to wait for the writer before a test gives up (a guard, not a measure)."""


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def request(
    api: Api, who: str | None, precinct: str, contest: str, entry: int, **changes: Any
) -> workflow.EntryRequest:
    user = api.users[who] if who else None
    return workflow.EntryRequest(
        user, "tiny", precinct, contest, entry, figures(precinct, contest, **changes)
    )


def a_mixed_night(api: Api) -> list[workflow.EntryRequest]:
    """Entries of every kind, two of them on the same protocol."""
    return [
        request(api, "p1", "P1", "lists", 1),
        request(api, "watcher", "P2", "lists", 1),  # an observer writes nothing
        request(api, "p1", "P1", "districts", 1, registered="many"),  # not a number
        request(api, "p1b", "P1", "lists", 2),  # agrees with the first: matched
        request(api, "p1", "P1", "lists", 1),  # sent again: nothing changes
        request(api, "p4", "P4", "lists", 1, invalid=5000),  # fails a check, stored all the same
        request(api, "p4", "P1", "districts", 1),  # another precinct's protocol
        request(api, None, "P2", "districts", 1),  # nobody signed in
        request(api, "north", "P2", "districts", 1),
    ]


def stored(database: Database) -> dict[str, Any]:
    """What the database holds, without the moments and ids that differ from run to run."""
    with database.read() as session:
        protocols = [
            (p.precinct, p.contest, p.state.value, p.version, p.content_hash)
            for p in session.scalars(select(ProtocolRecord).order_by(ProtocolRecord.precinct))
        ]
        entries = sorted(
            (
                e.protocol.precinct,
                e.protocol.contest,
                e.entry,
                e.entered_by.username,
                str(e.figures),
            )
            for e in session.scalars(select(ProtocolEntry))
        )
        log = [
            (a.actor, a.action, a.subject, a.payload, a.content_hash)
            for a in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
            if a.action.startswith("protocol.")
        ]
    return {"protocols": sorted(protocols), "entries": entries, "log": log}


def outcome_of(result: workflow.Outcome | ServiceError) -> Any:
    """An entry's own answer. (Its protocol is shown as it stands after the transaction, so
    an entry 1 answered together with the entry 2 that matched it shows it matched.)"""
    if isinstance(result, ServiceError):
        return (type(result).__name__, result.code, result.field, str(result))
    return (
        "stored" if result.created else "unchanged",
        [c.code for c in result.checks],
        [d.field for d in result.differences],
    )


def test_entries_written_together_are_stored_and_refused_as_each_alone(
    database: Database, tiny_election: Election, tmp_path: Any
) -> None:
    api = make_api(database, tiny_election)
    together = a_mixed_night(api)
    with database.write() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        results = workflow.enter_all(session, [in_session(r, users) for r in together])
    batch_outcomes = [outcome_of(result) for result in results]
    batch_state = stored(database)

    alone: list[Any] = []
    second = make_api_in_a_fresh_database(database, tiny_election, tmp_path)
    for r in a_mixed_night(second):
        try:
            with second.database.write() as session:
                users = {u.username: u for u in session.scalars(select(User))}
                mine = in_session(r, users)
                outcome: workflow.Outcome | ServiceError = workflow.enter(
                    session, mine.user, "tiny", r.precinct, r.contest, r.entry, r.figures
                )
                alone.append(outcome_of(outcome))
        except ServiceError as refusal:
            alone.append(outcome_of(refusal))
    assert batch_outcomes == alone
    assert batch_state == stored(second.database)
    kinds = [o[0] for o in batch_outcomes]
    assert kinds == [
        "stored",
        "Forbidden",
        "Invalid",
        "stored",
        "unchanged",
        "stored",
        "Forbidden",
        "Unauthenticated",
        "stored",
    ]


def in_session(r: workflow.EntryRequest, users: dict[str, User]) -> workflow.EntryRequest:
    """The request with its account as the writing session holds it."""
    return replace(r, user=users[r.user.username] if r.user else None)


def make_api_in_a_fresh_database(database: Database, election: Election, tmp_path: Any) -> Api:
    """The same accounts and election in a second, empty database of the same kind."""
    if database.is_sqlite:
        from saylau.service.schema import upgrade

        url = f"sqlite:///{tmp_path / 'alone.db'}"
        upgrade(url)
        return make_api(Database.open(url), election)
    pytest.skip("the comparison database is made on SQLite only")


def test_two_entries_of_one_protocol_in_one_batch_are_logged_with_their_own_versions(
    api: Api,
) -> None:
    with api.database.write() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        first, second = workflow.enter_all(
            session,
            [
                workflow.EntryRequest(
                    users["p1"], "tiny", "P1", "lists", 1, figures("P1", "lists")
                ),
                workflow.EntryRequest(
                    users["p1b"], "tiny", "P1", "lists", 2, figures("P1", "lists")
                ),
            ],
        )
    assert isinstance(first, workflow.Outcome) and isinstance(second, workflow.Outcome)
    with api.database.read() as session:
        payloads = [
            entry.payload
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "protocol.entered")
            )
        ]
        assert verify(session) == []
    assert ['"version":1' in p for p in payloads] == [True, False]
    assert ['"version":2' in p for p in payloads] == [False, True]
    assert '"state":"matched"' in payloads[1]


def test_the_intake_writes_the_entries_waiting_together_in_one_transaction(api: Api) -> None:
    intake = Intake(api.database)
    protocols = [(p, c) for p in ("P1", "P2", "P3") for c in ("lists", "districts")]
    answers: dict[tuple[str, str], Any] = {}

    def send(precinct: str, contest: str) -> None:
        entry = workflow.EntryRequest(
            None, "tiny", precinct, contest, 1, figures(precinct, contest)
        )
        try:
            answers[(precinct, contest)] = intake.enter_and_wait(api.tokens["north"], entry)
        except ServiceError as refusal:
            answers[(precinct, contest)] = refusal

    with api.database.write():  # the writer's first transaction waits for this one
        threads = [threading.Thread(target=send, args=key) for key in protocols]
        threads[0].start()
        deadline = time.monotonic() + WAIT_LIMIT
        while intake.transactions == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        for thread in threads[1:]:
            thread.start()
        while intake.waiting < len(protocols) - 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(WAIT_LIMIT)
    assert all(isinstance(a, workflow.Outcome) and a.created for a in answers.values()), answers
    assert intake.transactions == 2  # the first entry alone, then the five that waited for it
    with api.database.read() as session:
        assert verify(session) == []


def test_an_unknown_token_is_refused_and_holds_back_nobody(api: Api) -> None:
    intake = Intake(api.database)
    entry = workflow.EntryRequest(None, "tiny", "P1", "lists", 1, figures("P1", "lists"))
    with pytest.raises(Unauthenticated):
        intake.enter_and_wait("saylau_nonsense", entry)
    assert intake.enter_and_wait(api.tokens["p1"], entry).created


def test_a_conflict_of_the_whole_transaction_is_retried_one_entry_at_a_time(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = workflow.enter_all

    def clashing(session: Any, requests: Any) -> Any:
        if len(requests) > 1:
            raise Conflict("changed-meanwhile", "someone else got there first", "version")
        return real(session, requests)

    monkeypatch.setattr(workflow, "enter_all", clashing)
    intake = Intake(api.database)
    batch = [
        ("p1", workflow.EntryRequest(None, "tiny", "P1", "lists", 1, figures("P1", "lists"))),
        ("p4", workflow.EntryRequest(None, "tiny", "P4", "lists", 1, figures("P4", "lists"))),
    ]
    from saylau.service.intake import _Waiting

    answers: list[Any] = []
    intake._write([_Waiting(api.tokens[who], r, answers.append) for who, r in batch])
    assert [type(a) for a in answers] == [workflow.Outcome, workflow.Outcome]
    assert intake.transactions == 3  # the two together, refused whole; then each alone


def test_nothing_is_acknowledged_when_the_commit_fails(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session: Any, requests: Any) -> Any:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(workflow, "enter_all", broken)
    intake = Intake(api.database)
    entry = workflow.EntryRequest(None, "tiny", "P1", "lists", 1, figures("P1", "lists"))
    with pytest.raises(RuntimeError, match="the disk is full"):
        intake.enter_and_wait(api.tokens["p1"], entry)
    assert stored(api.database)["entries"] == []


def test_an_idle_writer_stops_and_the_next_entry_starts_another(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saylau.service import intake as intake_module

    monkeypatch.setattr(intake_module, "IDLE_SECONDS", 0.05)
    intake = Intake(api.database)
    first = workflow.EntryRequest(None, "tiny", "P1", "lists", 1, figures("P1", "lists"))
    assert intake.enter_and_wait(api.tokens["p1"], first).created
    deadline = time.monotonic() + WAIT_LIMIT
    while intake._writer is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert intake._writer is None
    second = workflow.EntryRequest(None, "tiny", "P4", "lists", 1, figures("P4", "lists"))
    assert intake.enter_and_wait(api.tokens["p4"], second).created
