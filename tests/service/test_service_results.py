"""Results from the database are the results of ``saylau count`` on the same protocols; they
follow approvals and corrections; progress is recorded; two approvals racing let one through."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_helpers import SUPERIOR, Api, figures, make_api
from service_helpers import add_election
from tiny import clean_rows, election_dir

from saylau.count.definition import Election
from saylau.count.directory import load
from saylau.count.tally import count_ledger
from saylau.publish.results import count_document
from saylau.service import workflow
from saylau.service.audit import verify
from saylau.service.db import Database
from saylau.service.errors import Conflict
from saylau.service.loading import load_directory
from saylau.service.models import AuditEntry, ProgressSnapshot, ProtocolState, User
from saylau.service.results import ResultsCache, count_from_database
from saylau.service.roles import Role

CONTESTS = ("lists", "districts")


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def saylau_count(tmp_path: Path) -> dict[str, Any]:
    """What ``saylau count`` makes of the tiny election's clean protocols."""
    loaded = load(election_dir(tmp_path))
    return count_document(count_ledger(loaded.ledger))


def without_software(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "software"}


def test_results_from_the_api_equal_saylau_count_on_the_same_protocols(
    api: Api, tmp_path: Path
) -> None:
    for precinct in SUPERIOR:
        for contest in CONTESTS:
            api.through(precinct, contest)
    served = api.client.get("/api/elections/tiny/results").json()
    assert served["status"] == "complete"
    assert without_software(served) == without_software(saylau_count(tmp_path))


def test_results_from_a_loaded_directory_equal_saylau_count(
    database: Database, tmp_path: Path
) -> None:
    report = load_directory(database, election_dir(tmp_path), actor="test", step=None)
    assert (report.protocols, report.approved, report.entries) == (12, 12, 12)
    with database.read() as session:
        assert verify(session) == []
        counted = count_from_database(session, load(tmp_path / "tiny").election)
    assert without_software(count_document(counted)) == without_software(saylau_count(tmp_path))


def test_a_loaded_protocol_held_back_by_a_check_waits_for_a_person(
    database: Database, tmp_path: Path
) -> None:
    rows = clean_rows()
    rows[0]["received"] += 1  # P1 lists: E-BALLOTS-RECEIVED
    report = load_directory(database, election_dir(tmp_path, rows), actor="test", step=None)
    assert (report.protocols, report.approved) == (12, 11)
    with database.read() as session:
        held = workflow.find_protocol(session, "tiny", "P1", "lists")
        assert held is not None and held.state is ProtocolState.ENTERED


def test_the_cache_is_made_again_only_when_the_results_change(api: Api) -> None:
    cache = ResultsCache()
    with api.database.read() as session:
        first = cache.get(session, "tiny")
    with api.database.read() as session:
        assert cache.get(session, "tiny") is first
    api.through("P1", "lists")
    with api.database.read() as session:
        second = cache.get(session, "tiny")
    assert second is not first
    assert second.version == first.version + 1
    assert second.document()["progress"]["protocols_in"] == 1


def test_progress_is_snapshotted_at_most_once_per_interval(
    database: Database, tiny_election: Election
) -> None:
    add_election(database, tiny_election)
    start = datetime(2023, 3, 19, 20, 0, tzinfo=UTC)
    every = timedelta(seconds=30)
    with database.write() as session:
        first = User(username="first", password_hash="-", role=Role.ADMINISTRATOR)
        second = User(username="second", password_hash="-", role=Role.ADMINISTRATOR)
        session.add_all([first, second])
    moments = [start, start + timedelta(seconds=10), start + timedelta(seconds=40)]
    for precinct, moment in zip(["P1", "P2", "P3"], moments, strict=True):
        with database.write() as session:
            workflow.enter(session, first, "tiny", precinct, "lists", 1, figures(precinct, "lists"))
            outcome = workflow.enter(
                session, second, "tiny", precinct, "lists", 2, figures(precinct, "lists")
            )
            workflow.approve(
                session,
                first,
                "tiny",
                precinct,
                "lists",
                outcome.protocol.version,
                at=moment,
                snapshot_every=every,
            )
    with database.read() as session:
        snapshots = session.query(ProgressSnapshot).order_by(ProgressSnapshot.at).all()
    assert [(s.at, s.protocols_approved) for s in snapshots] == [(moments[0], 1), (moments[2], 3)]


def test_two_approvals_of_the_same_protocol_at_once_let_exactly_one_through(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    api.enter("p1b", "P1", "lists", 2)
    seen = api.version("P1", "lists")
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(who: str) -> None:
        ready.wait()
        try:
            with api.database.write() as session:
                user = session.get(User, api.users[who].id)
                workflow.approve(session, user, "tiny", "P1", "lists", seen)
        except Conflict as conflict:
            outcomes.append(conflict.code)
        else:
            outcomes.append("approved")

    racers = [threading.Thread(target=approve, args=(who,)) for who in ("north", "cec")]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    # SQLite runs the two one after the other: the second sees the new version. On PostgreSQL
    # both may read the same version; the UPDATE ... WHERE version = ... of the second then
    # changes nothing, and it is refused just the same.
    assert outcomes.count("approved") == 1
    assert len(outcomes) == 2
    assert set(outcomes) - {"approved"} <= {"stale-version", "changed-meanwhile"}
    with api.database.read() as session:
        assert verify(session) == []
        approvals = [
            entry
            for entry in session.query(AuditEntry).all()
            if entry.action == "protocol.approved"
        ]
    assert len(approvals) == 1
