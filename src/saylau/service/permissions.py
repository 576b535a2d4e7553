"""Who may do what: pure functions of an account, the election's territory and a precinct.

Each function returns a :class:`Permission`: true when allowed; when refused, its ``reason`` is
the sentence to show the person (``permission.require()`` raises :class:`Forbidden` with it).
``None`` as the account means the public, who read results and nothing else.

The rules (issue 4):

- a CEC administrator enters, approves, corrects and certifies anywhere, and defines elections
  and accounts;
- a territorial commission operator enters, approves and corrects the protocols of the
  precincts in its area;
- a precinct operator enters its own precinct's protocols, and nothing else;
- an observer reads every protocol and its history, and writes nothing;
- the two entries of a protocol come from two different people;
- a disabled account may do nothing but what the public may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from saylau.service.roles import Role
from saylau.service.territory import Territory


class Principal(Protocol):
    """An account as the permissions see it (a ``models.User`` is one)."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def area(self) -> str | None: ...

    @property
    def disabled(self) -> bool: ...


class Forbidden(Exception):
    """An action the account may not take; the message says why."""


@dataclass(frozen=True)
class Permission:
    """Allowed, or refused with the reason to show."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise :class:`Forbidden` with the reason unless allowed."""
        if not self.allowed:
            raise Forbidden(self.reason)


ALLOWED = Permission(True)


def refused(reason: str) -> Permission:
    return Permission(False, reason)


def _signed_in(user: Principal | None, doing: str) -> Permission:
    if user is None:
        return refused(f"Sign in to {doing}.")
    if user.disabled:
        return refused(
            f"The account {user.username!r} is disabled; ask the CEC administrator to enable it."
        )
    return ALLOWED


def _precinct_known(territory: Territory, precinct: str) -> Permission:
    if not territory.is_precinct(precinct):
        return refused(f"Election {territory.election} has no precinct {precinct!r}.")
    return ALLOWED


def _covers(user: Principal, territory: Territory, precinct: str) -> bool:
    return user.area is not None and territory.covers(user.area, precinct)


def _outside(user: Principal, precinct: str, doing: str) -> Permission:
    kind = "precinct" if user.role is Role.PRECINCT else "area"
    return refused(
        f"{user.username!r} works for {kind} {user.area}; precinct {precinct} is outside it,"
        f" so {user.username!r} cannot {doing} it."
    )


def may_read_results(user: Principal | None) -> Permission:
    """Everyone reads the results, the public included."""
    return ALLOWED


def may_read_protocols(user: Principal | None) -> Permission:
    """May the account read every protocol and its history (administrators and observers)?"""
    signed_in = _signed_in(user, "read protocols")
    if not signed_in or user is None:
        return signed_in
    if user.role in (Role.ADMINISTRATOR, Role.OBSERVER):
        return ALLOWED
    return refused(f"{user.username!r} reads the protocols of its own area only.")


def may_read_protocol(user: Principal | None, territory: Territory, precinct: str) -> Permission:
    """May the account read this precinct's protocols and their history?"""
    signed_in = _signed_in(user, "read protocols")
    if not signed_in or user is None:
        return signed_in
    known = _precinct_known(territory, precinct)
    if not known:
        return known
    if user.role in (Role.ADMINISTRATOR, Role.OBSERVER) or _covers(user, territory, precinct):
        return ALLOWED
    return _outside(user, precinct, "read")


def may_enter(user: Principal | None, territory: Territory, precinct: str) -> Permission:
    """May the account enter a protocol of this precinct?"""
    signed_in = _signed_in(user, "enter protocols")
    if not signed_in or user is None:
        return signed_in
    known = _precinct_known(territory, precinct)
    if not known:
        return known
    if user.role is Role.OBSERVER:
        return refused(f"{user.username!r} is an observer: observers read, they do not enter.")
    if user.role is Role.ADMINISTRATOR or _covers(user, territory, precinct):
        return ALLOWED
    return _outside(user, precinct, "enter protocols for")


def may_make_entry(
    user: Principal | None,
    territory: Territory,
    precinct: str,
    entry: int,
    other_entry_by: Principal | None,
) -> Permission:
    """May the account make entry ``entry`` (1 or 2) of a protocol whose other entry, if any,
    was made by ``other_entry_by``? The two entries must come from two different people."""
    if entry not in (1, 2):
        return refused(f"A protocol has a first and a second entry; there is no entry {entry}.")
    allowed = may_enter(user, territory, precinct)
    if not allowed or user is None:
        return allowed
    if other_entry_by is not None and other_entry_by.id == user.id:
        other = 2 if entry == 1 else 1
        return refused(
            f"{user.username!r} already made entry {other} of this protocol; entry {entry} must"
            " be made by another person."
        )
    return ALLOWED


def may_approve(user: Principal | None, territory: Territory, precinct: str) -> Permission:
    """May the account approve this precinct's protocols (as the superior commission)?"""
    signed_in = _signed_in(user, "approve protocols")
    if not signed_in or user is None:
        return signed_in
    known = _precinct_known(territory, precinct)
    if not known:
        return known
    if user.role is Role.ADMINISTRATOR:
        return ALLOWED
    if user.role is Role.TERRITORIAL:
        if _covers(user, territory, precinct):
            return ALLOWED
        return _outside(user, precinct, "approve protocols for")
    if user.role is Role.PRECINCT:
        return refused(
            f"{user.username!r} is a precinct operator: the territorial commission above the"
            " precinct approves its protocols."
        )
    return refused(f"{user.username!r} is an observer: observers read, they do not approve.")


def may_correct(
    user: Principal | None, territory: Territory, precinct: str, reason: str
) -> Permission:
    """May the account correct an approved protocol of this precinct, for this reason?

    Those who may approve may correct, and only with a reason (it stays in the history).
    """
    allowed = may_approve(user, territory, precinct)
    if not allowed:
        return allowed
    if not reason.strip():
        return refused("A correction of an approved protocol needs a reason; write it down.")
    return ALLOWED


def _administrator(user: Principal | None, doing: str) -> Permission:
    signed_in = _signed_in(user, doing)
    if not signed_in or user is None:
        return signed_in
    if user.role is Role.ADMINISTRATOR:
        return ALLOWED
    return refused(f"Only a CEC administrator may {doing}; {user.username!r} is not one.")


def may_certify(user: Principal | None) -> Permission:
    """May the account certify a contest's results?"""
    return _administrator(user, "certify results")


def may_record_lots(user: Principal | None) -> Permission:
    """May the account record a drawing of lots?"""
    return _administrator(user, "record drawings of lots")


def may_define_elections(user: Principal | None) -> Permission:
    """May the account load, open and close elections?"""
    return _administrator(user, "define elections")


def may_manage_accounts(user: Principal | None) -> Permission:
    """May the account create, disable and change accounts?"""
    return _administrator(user, "manage accounts")
