"""Accounts: argon2 passwords (rehashed when the parameters change), account creation with its
area checked and audited, API tokens shown once and stored only as a hash."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from service_helpers import add_election
from sqlalchemy import select

from saylau.count.definition import Election
from saylau.service import audit
from saylau.service.accounts import (
    PASSWORDS,
    TOKEN_PREFIX,
    AccountError,
    check_password,
    check_password_rules,
    create_user,
    find_user,
    hash_password,
    issue_token,
    revoke_token,
    token_hash,
    user_for_token,
)
from saylau.service.db import Database
from saylau.service.models import ApiToken, AuditEntry, User
from saylau.service.roles import Role

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Cheap argon2 parameters, so the tests run quickly; the service uses argon2-cffi's defaults."""
PASSWORD = "steppe-horse-battery"


def add(database: Database, username: str, role: Role, area: str | None = None) -> User:
    with database.write() as session:
        return create_user(session, username, PASSWORD, role, area, actor="cli:root", hasher=FAST)


# -- passwords --------------------------------------------------------------------------------


def test_a_password_is_stored_as_an_argon2id_hash_that_matches_it_only() -> None:
    stored = hash_password(PASSWORD, FAST)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert check_password(stored, PASSWORD, FAST).matches
    assert not check_password(stored, PASSWORD + "!", FAST).matches


def test_a_hash_made_with_older_parameters_is_rehashed_when_the_password_is_checked() -> None:
    old = hash_password(PASSWORD, FAST)
    check = check_password(old, PASSWORD, PASSWORDS)
    assert check.matches
    assert check.rehashed is not None
    assert not PASSWORDS.check_needs_rehash(check.rehashed)
    assert check_password(check.rehashed, PASSWORD).matches
    assert check_password(check.rehashed, PASSWORD).rehashed is None


def test_a_wrong_password_is_never_rehashed() -> None:
    check = check_password(hash_password(PASSWORD, FAST), "wrong password", PASSWORDS)
    assert (check.matches, check.rehashed) == (False, None)


def test_a_stored_value_that_is_not_a_hash_matches_nothing() -> None:
    assert not check_password("-", PASSWORD).matches


def test_a_short_password_is_refused_with_the_minimum() -> None:
    with pytest.raises(AccountError, match="too short: use at least 10 characters"):
        check_password_rules("astana")


# -- creating accounts ------------------------------------------------------------------------


def test_an_account_is_created_with_its_role_and_area_and_audited(database: Database) -> None:
    add(database, "  Aigerim.S ", Role.PRECINCT, "P1")
    with database.read() as session:
        user = find_user(session, "AIGERIM.s")
        assert user is not None
        assert (user.username, user.role, user.area, user.disabled) == (
            "aigerim.s",
            Role.PRECINCT,
            "P1",
            False,
        )
        assert check_password(user.password_hash, PASSWORD, FAST).matches
        logged = session.scalars(select(AuditEntry)).one()
        assert (logged.actor, logged.action, logged.subject) == (
            "cli:root",
            "user.created",
            "user/aigerim.s",
        )
        assert logged.payload_document() == {"role": "precinct-operator", "area": "P1"}
        assert PASSWORD not in logged.payload
        assert audit.verify(session) == []


def test_a_username_is_taken_once(database: Database) -> None:
    add(database, "aigerim", Role.OBSERVER)
    with pytest.raises(AccountError, match="there is already an account named 'aigerim'"):
        add(database, "Aigerim", Role.OBSERVER)


@pytest.mark.parametrize("name", ["a", "two words", "ақмола", "-dash", "x" * 65])
def test_a_malformed_username_is_refused_with_the_rule(database: Database, name: str) -> None:
    with pytest.raises(AccountError, match="use 2 to 64 characters, letters a-z"):
        add(database, name, Role.OBSERVER)


def test_an_operator_needs_an_area_and_the_others_have_none(database: Database) -> None:
    with pytest.raises(AccountError, match="needs an area: give the precinct id with --area"):
        add(database, "clerk", Role.PRECINCT)
    with pytest.raises(AccountError, match="needs an area: give the territorial unit id"):
        add(database, "north", Role.TERRITORIAL)
    with pytest.raises(AccountError, match="works everywhere: leave out the area"):
        add(database, "watcher", Role.OBSERVER, "R1")


def test_the_area_must_be_of_the_right_kind_in_a_loaded_election(
    database: Database, tiny_election: Election
) -> None:
    add_election(database, tiny_election)
    add(database, "north", Role.TERRITORIAL, "R1")
    add(database, "clerk", Role.PRECINCT, "P3")
    with pytest.raises(AccountError, match="'R1' is not a precinct of any election loaded"):
        add(database, "clerk2", Role.PRECINCT, "R1")
    with pytest.raises(AccountError, match="'P1' is not a territorial unit of any election"):
        add(database, "north2", Role.TERRITORIAL, "P1")
    with pytest.raises(AccountError, match=r"'R9' is not a territorial unit .* \(tiny\)"):
        add(database, "north3", Role.TERRITORIAL, "R9")


def test_before_any_election_is_loaded_any_area_is_taken(database: Database) -> None:
    assert add(database, "clerk", Role.PRECINCT, "P00001").area == "P00001"


# -- API tokens -------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_stored(database: Database) -> None:
    user = add(database, "north", Role.TERRITORIAL, "R1")
    with database.write() as session:
        token = issue_token(session, session.get_one(User, user.id), "laptop", actor="north")
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) >= len(TOKEN_PREFIX) + 43
    with database.read() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == token_hash(token)
        assert token not in stored.token_hash
        found = user_for_token(session, token)
        assert found is not None and found.username == "north"
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
        assert actions == ["user.created", "token.issued"]


def test_two_tokens_are_never_the_same(database: Database) -> None:
    user = add(database, "north", Role.TERRITORIAL, "R1")
    with database.write() as session:
        account = session.get_one(User, user.id)
        tokens = {issue_token(session, account, actor="north") for _ in range(20)}
    assert len(tokens) == 20


def test_an_unknown_or_malformed_token_belongs_to_nobody(database: Database) -> None:
    add(database, "north", Role.TERRITORIAL, "R1")
    with database.read() as session:
        assert user_for_token(session, TOKEN_PREFIX + "x" * 43) is None
        assert user_for_token(session, "Bearer nonsense") is None
        assert user_for_token(session, "") is None


def test_a_revoked_token_no_longer_works(database: Database) -> None:
    user = add(database, "north", Role.TERRITORIAL, "R1")
    with database.write() as session:
        token = issue_token(session, session.get_one(User, user.id), actor="north")
    with database.write() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
        revoke_token(session, token_id, actor="cec")
        revoke_token(session, token_id, actor="cec")  # again: nothing more happens
    with database.read() as session:
        assert user_for_token(session, token) is None
        revoked = session.scalars(select(AuditEntry).where(AuditEntry.action == "token.revoked"))
        assert len(revoked.all()) == 1


def test_a_disabled_accounts_tokens_stop_working_and_it_gets_no_new_ones(
    database: Database,
) -> None:
    user = add(database, "north", Role.TERRITORIAL, "R1")
    with database.write() as session:
        token = issue_token(session, session.get_one(User, user.id), actor="north")
        session.get_one(User, user.id).disabled = True
    with database.read() as session:
        assert user_for_token(session, token) is None
    with pytest.raises(AccountError, match="'north' is disabled"), database.write() as session:
        issue_token(session, session.get_one(User, user.id), actor="cec")


def test_revoking_a_token_that_does_not_exist_says_so(database: Database) -> None:
    with pytest.raises(AccountError, match="no API token number 42"), database.write() as session:
        revoke_token(session, 42, actor="cec")
