"""The roles an account can have, and the kind of area each one is tied to.

The permissions themselves are in :mod:`saylau.service.accounts`; the role is here so that the
tables (:mod:`saylau.service.models`) can store it without importing the permissions.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What an account may do. The public (no account) reads results only."""

    ADMINISTRATOR = "cec-administrator"
    """The Central Election Commission: defines elections, approves, accepts and certifies
    results anywhere, manages accounts."""
    TERRITORIAL = "territorial-operator"
    """A territorial commission (region or district): enters and approves the protocols of the
    precincts in its area."""
    PRECINCT = "precinct-operator"
    """A precinct commission: enters its own precinct's protocols only."""
    OBSERVER = "observer"
    """Reads every protocol and its history; writes nothing."""

    @property
    def area_kind(self) -> str | None:
        """What the account's area is: a territorial unit, a precinct, or nothing."""
        return {
            Role.TERRITORIAL: "territorial unit",
            Role.PRECINCT: "precinct",
        }.get(self)
