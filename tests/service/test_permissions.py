"""Who may do what, role by role, including every refusal, with the sentence the person sees.

The tiny election: KZ > R1 (R1-A: P1, P2; R1-B: P3) and R2 (R2-A: P4, P5, P6).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from saylau.count.definition import Election
from saylau.service.models import User
from saylau.service.permissions import (
    Forbidden,
    Permission,
    Principal,
    may_approve,
    may_certify,
    may_correct,
    may_define_elections,
    may_enter,
    may_make_entry,
    may_manage_accounts,
    may_read_protocol,
    may_read_protocols,
    may_read_results,
)
from saylau.service.roles import Role
from saylau.service.territory import Territory


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    role: Role
    area: str | None = None
    disabled: bool = False


ADMIN = Person(1, "cec", Role.ADMINISTRATOR)
NORTH = Person(2, "north", Role.TERRITORIAL, "R1")
NORTH_A = Person(3, "north-a", Role.TERRITORIAL, "R1-A")
P1 = Person(4, "p1-clerk", Role.PRECINCT, "P1")
P1_OTHER = Person(5, "p1-second", Role.PRECINCT, "P1")
OBSERVER = Person(6, "observer", Role.OBSERVER)
PUBLIC = None


@pytest.fixture
def tree(tiny_election: Election) -> Territory:
    return Territory.of(tiny_election)


def test_the_territory_knows_which_units_cover_a_precinct(tree: Territory) -> None:
    assert tree.precincts["P3"] == ("R1-B", "R1", "KZ")
    assert tree.covers("KZ", "P6")
    assert tree.covers("R1", "P2")
    assert tree.covers("P2", "P2")
    assert not tree.covers("R2", "P2")
    assert not tree.covers("P1", "P2")
    assert tree.is_unit("R1-A") and not tree.is_precinct("R1-A")
    assert tree.is_precinct("P1") and not tree.is_unit("P1")


# -- entering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "precinct"),
    [(ADMIN, "P6"), (NORTH, "P1"), (NORTH, "P3"), (NORTH_A, "P2"), (P1, "P1")],
)
def test_those_responsible_for_a_precinct_may_enter_its_protocols(
    tree: Territory, who: Person, precinct: str
) -> None:
    assert may_enter(who, tree, precinct)


def test_a_precinct_operator_may_not_enter_another_precinct(tree: Territory) -> None:
    refusal = may_enter(P1, tree, "P2")
    assert not refusal
    assert refusal.reason == (
        "'p1-clerk' works for precinct P1; precinct P2 is outside it, so 'p1-clerk' cannot"
        " enter protocols for it."
    )


def test_a_territorial_operator_may_not_enter_outside_its_area(tree: Territory) -> None:
    assert not may_enter(NORTH, tree, "P4")
    assert not may_enter(NORTH_A, tree, "P3")
    assert "works for area R1-A; precinct P3 is outside it" in may_enter(NORTH_A, tree, "P3").reason


def test_an_observer_may_not_enter_anything(tree: Territory) -> None:
    refusal = may_enter(OBSERVER, tree, "P1")
    assert not refusal
    assert refusal.reason == "'observer' is an observer: observers read, they do not enter."


def test_the_public_may_not_enter(tree: Territory) -> None:
    assert may_enter(PUBLIC, tree, "P1").reason == "Sign in to enter protocols."


def test_a_disabled_account_may_do_nothing_but_read_results(tree: Territory) -> None:
    disabled = Person(9, "gone", Role.ADMINISTRATOR, disabled=True)
    for permission in (
        may_enter(disabled, tree, "P1"),
        may_approve(disabled, tree, "P1"),
        may_read_protocols(disabled),
        may_certify(disabled),
    ):
        assert not permission
        assert "'gone' is disabled; ask the CEC administrator" in permission.reason
    assert may_read_results(disabled)


def test_an_unknown_precinct_is_named(tree: Territory) -> None:
    assert may_enter(ADMIN, tree, "P99").reason == "Election tiny has no precinct 'P99'."


# -- the two entries ----------------------------------------------------------------------------


def test_the_second_entry_by_another_person_is_allowed(tree: Territory) -> None:
    assert may_make_entry(P1_OTHER, tree, "P1", 2, other_entry_by=P1)
    assert may_make_entry(P1, tree, "P1", 1, other_entry_by=None)


def test_a_second_entry_by_the_same_user_is_refused(tree: Territory) -> None:
    refusal = may_make_entry(P1, tree, "P1", 2, other_entry_by=P1)
    assert not refusal
    assert refusal.reason == (
        "'p1-clerk' already made entry 1 of this protocol; entry 2 must be made by another person."
    )


def test_the_same_user_may_not_redo_the_first_entry_over_their_own_second(
    tree: Territory,
) -> None:
    assert not may_make_entry(ADMIN, tree, "P1", 1, other_entry_by=ADMIN)


def test_there_is_no_third_entry(tree: Territory) -> None:
    assert may_make_entry(ADMIN, tree, "P1", 3, None).reason == (
        "A protocol has a first and a second entry; there is no entry 3."
    )


def test_a_second_entry_still_needs_the_right_to_enter(tree: Territory) -> None:
    assert not may_make_entry(OBSERVER, tree, "P1", 2, other_entry_by=P1)
    assert not may_make_entry(P1, tree, "P2", 2, other_entry_by=NORTH)


# -- approving, correcting, certifying ---------------------------------------------------------


@pytest.mark.parametrize(("who", "precinct"), [(ADMIN, "P5"), (NORTH, "P3"), (NORTH_A, "P1")])
def test_the_superior_commission_may_approve(tree: Territory, who: Person, precinct: str) -> None:
    assert may_approve(who, tree, precinct)


def test_a_precinct_operator_may_not_approve_even_its_own_precinct(tree: Territory) -> None:
    refusal = may_approve(P1, tree, "P1")
    assert not refusal
    assert "the territorial commission above the precinct approves" in refusal.reason


def test_a_territorial_operator_may_not_approve_outside_its_area(tree: Territory) -> None:
    assert not may_approve(NORTH, tree, "P5")


def test_an_observer_and_the_public_may_not_approve(tree: Territory) -> None:
    assert not may_approve(OBSERVER, tree, "P1")
    assert not may_approve(PUBLIC, tree, "P1")


def test_a_correction_after_approval_needs_a_reason(tree: Territory) -> None:
    assert may_correct(NORTH, tree, "P1", "line 2 was typed as 120, the protocol says 210")
    refusal = may_correct(NORTH, tree, "P1", "   ")
    assert refusal.reason == "A correction of an approved protocol needs a reason; write it down."
    assert not may_correct(P1, tree, "P1", "a good reason")


@pytest.mark.parametrize("check", [may_certify, may_define_elections, may_manage_accounts])
def test_only_the_cec_administrator_certifies_defines_elections_and_manages_accounts(
    check: Callable[[Principal | None], Permission],
) -> None:
    assert check(ADMIN)
    for other in (NORTH, P1, OBSERVER):
        refusal = check(other)
        assert not refusal
        assert "Only a CEC administrator may" in refusal.reason
    assert not check(PUBLIC)


# -- reading ----------------------------------------------------------------------------------


def test_everyone_reads_results() -> None:
    for who in (ADMIN, NORTH, P1, OBSERVER, PUBLIC):
        assert may_read_results(who)


def test_an_observer_reads_every_protocol_and_writes_nothing(tree: Territory) -> None:
    assert may_read_protocols(OBSERVER)
    assert all(may_read_protocol(OBSERVER, tree, p) for p in tree.precincts)
    assert not may_enter(OBSERVER, tree, "P1")
    assert not may_approve(OBSERVER, tree, "P1")
    assert not may_certify(OBSERVER)


def test_operators_read_the_protocols_of_their_own_area_only(tree: Territory) -> None:
    assert not may_read_protocols(NORTH)
    assert may_read_protocol(NORTH, tree, "P3")
    assert not may_read_protocol(NORTH, tree, "P4")
    assert may_read_protocol(P1, tree, "P1")
    assert not may_read_protocol(P1, tree, "P2")


def test_the_public_reads_no_protocols(tree: Territory) -> None:
    assert may_read_protocols(PUBLIC).reason == "Sign in to read protocols."
    assert not may_read_protocol(PUBLIC, tree, "P1")


# -- using a permission -----------------------------------------------------------------------


def test_require_raises_forbidden_with_the_reason(tree: Territory) -> None:
    may_enter(P1, tree, "P1").require()
    with pytest.raises(Forbidden, match="observers read, they do not enter"):
        may_enter(OBSERVER, tree, "P1").require()


def test_a_stored_account_is_a_principal(tree: Territory) -> None:
    user = User(id=7, username="p1-clerk", password_hash="-", role=Role.PRECINCT, area="P1")
    user.disabled = False
    assert may_enter(user, tree, "P1") == Permission(True)
    assert not may_enter(user, tree, "P2")
