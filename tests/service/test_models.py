"""The tables hold what the domain demands: one protocol per precinct and contest, one current
entry per place, moments in UTC, figures in column order, and no silent overwrite of a
protocol by a writer holding a stale copy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from service_helpers import add_election, add_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from saylau.count.definition import Election
from saylau.count.fields import COUNT_FIELDS
from saylau.service.db import Database
from saylau.service.models import (
    ElectionRecord,
    ProtocolEntry,
    ProtocolRecord,
    ProtocolState,
    User,
    figures_in_order,
)
from saylau.service.roles import Role


@pytest.fixture
def clerk(database: Database, tiny_election: Election) -> User:
    add_election(database, tiny_election)
    return add_user(database, "aigerim", Role.PRECINCT, "P1")


def new_protocol(database: Database, precinct: str = "P1") -> int:
    with database.write() as session:
        protocol = ProtocolRecord(election_id="tiny", precinct=precinct, contest="lists")
        session.add(protocol)
        session.flush()
        return protocol.id


def entry(protocol_id: int, user: User, place: int = 1, **changes: object) -> ProtocolEntry:
    fields: dict[str, object] = {
        "protocol_id": protocol_id,
        "entry": place,
        "figures": figures_in_order({"registered": 1000, "line_1": 300}),
        "entered_by_id": user.id,
    }
    fields.update(changes)
    return ProtocolEntry(**fields)


def test_the_stored_definition_parses_back_into_the_election(
    database: Database, tiny_election: Election
) -> None:
    add_election(database, tiny_election)
    with database.read() as session:
        record = session.get(ElectionRecord, "tiny")
        assert record is not None
        assert record.parsed().file == tiny_election.file


def test_a_protocol_starts_entered_at_version_1(database: Database, clerk: User) -> None:
    with database.read() as session:
        protocol = session.get(ProtocolRecord, new_protocol(database))
        assert protocol is not None
        assert (protocol.state, protocol.version) == (ProtocolState.ENTERED, 1)


def test_each_update_of_a_protocol_raises_its_version(database: Database, clerk: User) -> None:
    protocol_id = new_protocol(database)
    for state in (ProtocolState.MATCHED, ProtocolState.APPROVED):
        with database.write() as session:
            protocol = session.get_one(ProtocolRecord, protocol_id)
            protocol.state = state
    with database.read() as session:
        assert session.get_one(ProtocolRecord, protocol_id).version == 3


def test_an_update_from_a_stale_copy_fails_instead_of_overwriting(
    database: Database, clerk: User
) -> None:
    protocol_id = new_protocol(database)
    with database.read() as session:
        stale = session.get_one(ProtocolRecord, protocol_id)  # read at version 1
    with database.write() as session:  # meanwhile another writer approves it
        fresh = session.get_one(ProtocolRecord, protocol_id)
        fresh.state = ProtocolState.APPROVED
    with pytest.raises(StaleDataError), database.write() as session:
        mine = session.merge(stale, load=False)
        mine.state = ProtocolState.MISMATCH
    with database.read() as session:
        kept = session.get_one(ProtocolRecord, protocol_id)
        assert (kept.state, kept.version) == (ProtocolState.APPROVED, 2)


def test_there_is_one_protocol_per_precinct_and_contest(database: Database, clerk: User) -> None:
    new_protocol(database)
    with pytest.raises(IntegrityError):
        new_protocol(database)


def test_a_place_has_one_current_entry_and_any_number_of_superseded_ones(
    database: Database, clerk: User
) -> None:
    protocol_id = new_protocol(database)
    with database.write() as session:
        session.add(entry(protocol_id, clerk, superseded=True))
        session.add(entry(protocol_id, clerk, superseded=True))
        session.add(entry(protocol_id, clerk, correction="line 1 was mistyped"))
        session.add(entry(protocol_id, clerk, place=2))
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(entry(protocol_id, clerk))
    with database.read() as session:
        protocol = session.get_one(ProtocolRecord, protocol_id)
        current = protocol.current(1)
        assert current is not None
        assert current.correction == "line 1 was mistyped"


def test_an_entry_is_the_first_or_the_second(database: Database, clerk: User) -> None:
    protocol_id = new_protocol(database)
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(entry(protocol_id, clerk, place=3))


def test_an_entry_by_an_unknown_user_is_refused(database: Database, clerk: User) -> None:
    protocol_id = new_protocol(database)
    ghost = User(id=999, username="ghost", password_hash="-", role=Role.OBSERVER)
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(entry(protocol_id, ghost))


def test_figures_are_kept_in_the_column_order_of_the_protocol_form(
    database: Database, clerk: User
) -> None:
    figures = figures_in_order({"line_2": 5, "invalid": 2, "line_10": 1, "registered": 900})
    assert list(figures) == [*COUNT_FIELDS, "line_2", "line_10"]
    assert figures["added"] is None
    protocol_id = new_protocol(database)
    with database.write() as session:
        session.add(entry(protocol_id, clerk, figures=figures))
    with database.read() as session:
        stored = session.scalars(select(ProtocolEntry)).one()
        assert list(stored.figures) == list(figures)
        assert stored.figures == figures


def test_a_name_that_is_not_a_figure_is_refused() -> None:
    with pytest.raises(ValueError, match="'votes' is not a protocol figure"):
        figures_in_order({"votes": 3})
    with pytest.raises(ValueError, match="'line_0'"):
        figures_in_order({"line_0": 3})


def test_moments_come_back_in_utc_on_every_database(database: Database, clerk: User) -> None:
    almaty = timezone(timedelta(hours=5))
    moment = datetime(2023, 3, 19, 23, 30, tzinfo=almaty)
    protocol_id = new_protocol(database)
    with database.write() as session:
        session.add(entry(protocol_id, clerk, entered_at=moment))
    with database.read() as session:
        stored = session.scalars(select(ProtocolEntry)).one().entered_at
        assert stored == moment
        assert stored.tzinfo is not None
        assert stored.utcoffset() == timedelta(0)
        assert stored == datetime(2023, 3, 19, 18, 30, tzinfo=UTC)


def test_a_moment_without_a_time_zone_is_refused(database: Database, clerk: User) -> None:
    protocol_id = new_protocol(database)
    with pytest.raises(Exception, match="without a time zone"), database.write() as session:
        session.add(entry(protocol_id, clerk, entered_at=datetime(2023, 3, 19, 20, 0)))


def test_two_approvals_racing_from_the_same_version_let_exactly_one_through(
    database: Database, clerk: User
) -> None:
    protocol_id = new_protocol(database)
    both_read = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(state: ProtocolState) -> None:
        with database.read() as session:
            copy = session.get_one(ProtocolRecord, protocol_id)
        both_read.wait()  # both now hold version 1
        try:
            with database.write() as session:
                mine = session.merge(copy, load=False)
                mine.state = state
        except StaleDataError:
            outcomes.append("refused")
        else:
            outcomes.append(state.value)

    racers = [
        threading.Thread(target=approve, args=(state,))
        for state in (ProtocolState.APPROVED, ProtocolState.MISMATCH)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert len(outcomes) == 2
    assert outcomes.count("refused") == 1
    with database.read() as session:
        kept = session.get_one(ProtocolRecord, protocol_id)
        assert kept.version == 2
        assert kept.state.value in outcomes
