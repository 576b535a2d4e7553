"""Logging in: the right password signs in; repeated failures lock a username or an address for
fifteen minutes, with a message that says until when. Every moment is given, never waited for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from saylau.service.accounts import PASSWORDS, create_user
from saylau.service.db import Database
from saylau.service.logins import WRONG, LoginOutcome, attempt_login, forget_attempts
from saylau.service.models import LoginAttempt, User
from saylau.service.roles import Role

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "steppe-horse-battery"
NIGHT = datetime(2023, 3, 19, 20, 0, tzinfo=UTC)
OFFICE = "10.0.0.7"


@pytest.fixture
def aigerim(database: Database) -> User:
    with database.write() as session:
        return create_user(
            session, "aigerim", PASSWORD, Role.PRECINCT, "P1", actor="cli:root", hasher=FAST
        )


def login(
    database: Database,
    password: str,
    *,
    minute: float = 0,
    username: str = "aigerim",
    client: str = OFFICE,
    hasher: PasswordHasher = FAST,
) -> LoginOutcome:
    with database.write() as session:
        return attempt_login(
            session,
            username,
            password,
            client,
            at=NIGHT + timedelta(minutes=minute),
            hasher=hasher,
        )


def fail_times(database: Database, times: int, **where: str) -> None:
    for n in range(times):
        assert not login(database, "wrong password", minute=n, **where).succeeded


def attempts(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(LoginAttempt)) or 0)


def test_the_right_password_signs_in_and_is_recorded(database: Database, aigerim: User) -> None:
    outcome = login(database, PASSWORD)
    assert outcome.succeeded
    assert outcome.user is not None and outcome.user.username == "aigerim"
    with database.read() as session:
        recorded = session.scalars(select(LoginAttempt)).one()
        assert (recorded.username, recorded.client, recorded.succeeded) == ("aigerim", OFFICE, True)


def test_the_username_is_not_case_sensitive(database: Database, aigerim: User) -> None:
    assert login(database, PASSWORD, username=" Aigerim ").succeeded


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    database: Database, aigerim: User
) -> None:
    wrong = login(database, "wrong password")
    unknown = login(database, PASSWORD, username="nobody")
    assert (wrong.user, wrong.refusal) == (None, WRONG)
    assert (unknown.user, unknown.refusal) == (None, WRONG)
    assert WRONG == "Wrong username or password."


def test_five_failures_lock_the_username_for_fifteen_minutes(
    database: Database, aigerim: User
) -> None:
    fail_times(database, 5)  # at 20:00, 20:01, ..., 20:04
    locked = login(database, PASSWORD, minute=10)
    assert not locked.succeeded
    assert locked.refusal == (
        "Too many failed logins for 'aigerim': 5 in 15 minutes. Try again after 20:15 UTC on"
        " 19 March 2023, or ask the CEC administrator to check the account."
    )
    assert locked.retry_after == NIGHT + timedelta(minutes=15)


def test_the_lock_ends_when_the_window_has_passed(database: Database, aigerim: User) -> None:
    fail_times(database, 5)
    assert not login(database, PASSWORD, minute=14.9).succeeded
    assert login(database, PASSWORD, minute=15).succeeded


def test_attempts_refused_while_locked_are_not_counted_and_do_not_extend_the_lock(
    database: Database, aigerim: User
) -> None:
    fail_times(database, 5)
    before = attempts(database)
    for minute in range(5, 15):
        assert login(database, "guess", minute=minute).retry_after is not None
    assert attempts(database) == before
    assert login(database, PASSWORD, minute=15).succeeded


def test_four_failures_do_not_lock(database: Database, aigerim: User) -> None:
    fail_times(database, 4)
    assert login(database, PASSWORD, minute=5).succeeded


def test_a_success_starts_the_count_again(database: Database, aigerim: User) -> None:
    fail_times(database, 4)
    assert login(database, PASSWORD, minute=4.5).succeeded
    for n in range(4):
        login(database, "wrong password", minute=5 + n)
    assert login(database, PASSWORD, minute=10).succeeded


def test_another_users_failures_do_not_lock_this_username(
    database: Database, aigerim: User
) -> None:
    fail_times(database, 5, username="bauyrzhan", client="10.0.0.8")
    assert login(database, PASSWORD, minute=6).succeeded


def test_twenty_failures_from_one_address_lock_the_address_for_every_username(
    database: Database, aigerim: User
) -> None:
    for n in range(20):  # five usernames, four failures each: no username is locked
        login(database, "wrong", username=f"guess{n % 5}", client="192.0.2.1", minute=n / 2)
    locked = login(database, PASSWORD, client="192.0.2.1", minute=11)
    assert not locked.succeeded
    assert locked.refusal.startswith("Too many failed logins from this address: 20 in 15 minutes")
    assert "after 20:15 UTC" in locked.refusal
    assert login(database, PASSWORD, client=OFFICE, minute=11).succeeded


def test_a_disabled_account_is_refused_but_only_told_so_with_the_right_password(
    database: Database, aigerim: User
) -> None:
    with database.write() as session:
        session.get_one(User, aigerim.id).disabled = True
    assert login(database, "wrong password").refusal == WRONG
    refused = login(database, PASSWORD, minute=1)
    assert not refused.succeeded
    assert refused.refusal == (
        "The account 'aigerim' is disabled; ask the CEC administrator to enable it."
    )


def test_a_login_rehashes_a_password_stored_with_older_parameters(
    database: Database, aigerim: User
) -> None:
    assert login(database, PASSWORD, hasher=PASSWORDS).succeeded
    with database.read() as session:
        stored = session.get_one(User, aigerim.id).password_hash
    assert not PASSWORDS.check_needs_rehash(stored)
    assert login(database, PASSWORD, hasher=PASSWORDS, minute=1).succeeded


def test_old_attempts_can_be_forgotten(database: Database, aigerim: User) -> None:
    fail_times(database, 3)
    with database.write() as session:
        assert forget_attempts(session, NIGHT + timedelta(minutes=2)) == 2
    assert attempts(database) == 1
