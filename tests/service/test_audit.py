"""The audit log: an intact chain verifies; an entry altered, deleted or moved with raw SQL is
named; two writers at once never fork the chain; an entry commits with its change or not at
all."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from saylau.service import audit
from saylau.service.audit import AuditError, AuditProblem, ProblemKind, entry_hash
from saylau.service.db import Database
from saylau.service.hashing import canonical_json, content_hash
from saylau.service.models import GENESIS, AuditEntry, AuditHead, User
from saylau.service.roles import Role
from saylau.service.schema import upgrade

PROTOCOL = {"figures": {"registered": 1000, "line_1": 300}, "acknowledged": []}


def write_chain(database: Database, entries: int = 5) -> None:
    """Entries 1..n, each its own transaction, as a night of work would write them."""
    for n in range(1, entries + 1):
        with database.write() as session:
            audit.append(
                session,
                f"clerk{n}",
                "protocol.entered",
                f"tiny/P{n}/lists",
                {"entry": 1, "note": "Ақмола"},
                {**PROTOCOL, "n": n},
                at=datetime(2023, 3, 19, 20, n, tzinfo=UTC),
            )


def tamper(database: Database, *statements: str) -> None:
    """Change the log behind saylau's back, as someone with database access could."""
    with database.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def problems(database: Database) -> list[AuditProblem]:
    with database.read() as session:
        return audit.verify(session)


def kinds(found: list[AuditProblem]) -> list[tuple[ProblemKind, int | None]]:
    return [(problem.kind, problem.seq) for problem in found]


def swap(first: int, second: int) -> tuple[str, ...]:
    return (
        f"UPDATE audit_log SET seq = -1 WHERE seq = {first}",
        f"UPDATE audit_log SET seq = {first} WHERE seq = {second}",
        f"UPDATE audit_log SET seq = {second} WHERE seq = -1",
    )


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": [1, "Ақмола"]}) == '{"a":[1,"Ақмола"],"b":1}'
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})


def test_canonical_json_refuses_a_number_that_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        canonical_json({"share": float("nan")})


def test_an_empty_log_verifies(database: Database) -> None:
    assert problems(database) == []


def test_a_chain_written_entry_by_entry_verifies(database: Database) -> None:
    write_chain(database)
    assert problems(database) == []
    with database.read() as session:
        assert audit.summary(session)[0] == 5


def test_each_entry_holds_the_previous_hash_and_the_content_hash(database: Database) -> None:
    write_chain(database, 3)
    with database.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        head = session.get_one(AuditHead, 1)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert entries[1].content_hash == content_hash({**PROTOCOL, "n": 2})
    assert entries[1].payload == '{"entry":1,"note":"Ақмола"}'
    assert entries[1].at == "2023-03-19T20:02:00.000000+00:00"
    assert entries[1].hash == entry_hash(
        at=entries[1].at,
        actor="clerk2",
        action="protocol.entered",
        subject="tiny/P2/lists",
        payload=entries[1].payload,
        content_hash=entries[1].content_hash,
        prev_hash=entries[0].hash,
    )
    assert (head.seq, head.hash) == (3, entries[2].hash)


def test_an_altered_payload_is_reported_at_its_entry(database: Database) -> None:
    write_chain(database)
    tamper(database, """UPDATE audit_log SET payload = '{"entry":2}' WHERE seq = 3""")
    found = problems(database)
    assert kinds(found) == [(ProblemKind.ALTERED, 3)]
    assert "entry 3 (2023-03-19T20:03:00.000000+00:00, clerk3: protocol.entered" in str(found[0])
    assert "was altered" in str(found[0])


@pytest.mark.parametrize("column", ["actor", "action", "subject", "content_hash", "at"])
def test_any_altered_field_is_reported(database: Database, column: str) -> None:
    write_chain(database)
    tamper(database, f"UPDATE audit_log SET {column} = 'x' WHERE seq = 2")
    assert kinds(problems(database)) == [(ProblemKind.ALTERED, 2)]


def test_a_deleted_entry_is_reported_with_its_number(database: Database) -> None:
    write_chain(database)
    tamper(database, "DELETE FROM audit_log WHERE seq = 3")
    found = problems(database)
    assert kinds(found) == [(ProblemKind.DELETED, 4)]
    assert str(found[0]).startswith("entry 3 is missing from the log: deleted before entry 4")


def test_a_deleted_entry_is_reported_even_when_the_rest_are_renumbered(
    database: Database,
) -> None:
    write_chain(database)
    tamper(
        database,
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq = 4",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq = 5",
        "UPDATE audit_head SET seq = 4",
    )
    found = problems(database)
    assert kinds(found) == [(ProblemKind.DELETED, 3)]
    assert "an entry before entry 3" in str(found[0])
    assert "matches no entry in the log" in str(found[0])


def test_entries_deleted_at_the_end_are_reported_from_the_chain_head(
    database: Database,
) -> None:
    write_chain(database)
    tamper(database, "DELETE FROM audit_log WHERE seq >= 4")
    found = problems(database)
    assert kinds(found) == [(ProblemKind.DELETED, 5)]
    assert str(found[0]).startswith("entries 4 to 5 are missing from the end of the log")


def test_the_first_entry_deleted_is_reported(database: Database) -> None:
    write_chain(database)
    tamper(database, "DELETE FROM audit_log WHERE seq = 1")
    assert kinds(problems(database)) == [(ProblemKind.DELETED, 2)]


def test_a_reordered_pair_is_reported_as_out_of_order(database: Database) -> None:
    write_chain(database)
    tamper(database, *swap(2, 3))
    found = problems(database)
    assert kinds(found) == [(ProblemKind.REORDERED, 2), (ProblemKind.REORDERED, 3)]
    assert "entry 2 (2023-03-19T20:03:00.000000+00:00, clerk3" in str(found[0])
    assert "by the chain it follows entry 3" in str(found[0])
    assert "by the chain it follows entry 1" in str(found[1])


def test_the_last_two_entries_swapped_are_reported_as_out_of_order(database: Database) -> None:
    write_chain(database)
    tamper(database, *swap(4, 5))
    assert kinds(problems(database)) == [(ProblemKind.REORDERED, 4), (ProblemKind.REORDERED, 5)]


def test_an_entry_moved_to_the_end_is_the_one_reported(database: Database) -> None:
    write_chain(database)
    tamper(
        database,
        "UPDATE audit_log SET seq = 6 WHERE seq = 2",
        *(f"UPDATE audit_log SET seq = {n - 1} WHERE seq = {n}" for n in (3, 4, 5, 6)),
    )
    found = problems(database)
    assert kinds(found) == [(ProblemKind.REORDERED, 5)]
    assert "clerk2" in str(found[0])
    assert "by the chain it follows entry 1" in str(found[0])


def test_an_entry_altered_and_rehashed_breaks_the_link_to_the_next(database: Database) -> None:
    write_chain(database)
    with database.read() as session:
        second = session.get_one(AuditEntry, 2)
        forged = entry_hash(
            at=second.at,
            actor="someone-else",
            action=second.action,
            subject=second.subject,
            payload=second.payload,
            content_hash=second.content_hash,
            prev_hash=second.prev_hash,
        )
    tamper(
        database, f"UPDATE audit_log SET actor = 'someone-else', hash = '{forged}' WHERE seq = 2"
    )
    found = problems(database)
    assert kinds(found) == [(ProblemKind.DELETED, 3)]
    assert "or that entry was altered and its hash recomputed" in str(found[0])


def test_an_entry_commits_with_its_change_or_not_at_all(database: Database) -> None:
    with pytest.raises(RuntimeError), database.write() as session:
        session.add(User(username="aigerim", password_hash="-", role=Role.OBSERVER))
        audit.append(session, "admin", "user.created", "user/aigerim")
        raise RuntimeError("the clerk's browser went away")
    with database.read() as session:
        assert session.scalars(select(User)).all() == []
        assert session.scalars(select(AuditEntry)).all() == []
        assert audit.summary(session) == (0, GENESIS)


def test_writers_at_once_never_fork_the_chain(database: Database) -> None:
    writers, each = 4, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(each):
                with database.write() as session:
                    audit.append(session, f"worker{worker}", "test.appended", f"n/{n}")
        except BaseException as error:  # reported below, with the chain
            failures.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert problems(database) == []
    with database.read() as session:
        seqs = session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)).all()
    assert seqs == list(range(1, writers * each + 1))


def test_on_sqlite_an_entry_outside_a_write_transaction_is_refused(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    upgrade(database)
    with pytest.raises(AuditError, match="write transactions only"), database.read() as session:
        audit.append(session, "admin", "user.created", "user/aigerim")
    database.dispose()


def test_a_database_without_the_chain_head_says_how_to_create_it(database: Database) -> None:
    tamper(database, "DELETE FROM audit_head")
    with pytest.raises(AuditError, match="saylau db upgrade"), database.write() as session:
        audit.append(session, "admin", "user.created", "user/aigerim")
    assert [problem.message for problem in problems(database)] == [
        "the chain head (table audit_head) was deleted"
    ]
