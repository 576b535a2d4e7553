"""The figures of a polling-station protocol, in the column order every part of the count uses.

A protocol is a row of integers: the figures below (spec §5), then the votes on each ballot
line. An optional figure left blank is ``NOT_REPORTED``. Readers, checks, the ledger, the
roll-up and the exports all index rows by these positions.
"""

from __future__ import annotations

COUNT_FIELDS = (
    "registered",
    "added",
    "received",
    "issued_in_room",
    "issued_outside",
    "issued_absentee",
    "cancelled",
    "found_stationary",
    "found_mobile",
    "invalid",
    "against_all",
)
"""The protocol's figures other than the votes on each ballot line, in column order."""
(
    REGISTERED,
    ADDED,
    RECEIVED,
    IN_ROOM,
    OUTSIDE,
    ABSENTEE,
    CANCELLED,
    FOUND_STATIONARY,
    FOUND_MOBILE,
    INVALID,
    AGAINST_ALL,
) = range(len(COUNT_FIELDS))
FIRST_LINE = len(COUNT_FIELDS)
"""The position of ballot line 1; line k is at ``FIRST_LINE + k - 1``."""
REQUIRED_FIELDS = frozenset(
    {"registered", "issued_in_room", "issued_outside", "issued_absentee", "invalid", "against_all"}
)
"""Figures every protocol must report; the others may be left blank."""
NOT_REPORTED = -1
"""The value of an optional figure left blank."""
