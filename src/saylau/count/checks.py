"""Coded checks of a polling-station protocol.

Each check has a stable code, a kind (an error blocks acceptance; a warning blocks it until the
commission acknowledges it) and a message that names the numbers involved. The control
relations are those of the post-Soviet protocol form (spec §5: received = issued + cancelled;
found in boxes <= issued; found = invalid + valid; issued <= registered). The warning
thresholds are commission practice, not law: they are the documented parameters of
:class:`CheckPolicy`.

Checks run on many protocols at once: each is a vectorised test over the columns, and messages
are written only for the rows that fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import numpy as np

from saylau.count.fields import (
    ABSENTEE,
    ADDED,
    AGAINST_ALL,
    CANCELLED,
    FIRST_LINE,
    FOUND_MOBILE,
    FOUND_STATIONARY,
    IN_ROOM,
    INVALID,
    OUTSIDE,
    RECEIVED,
    REGISTERED,
)
from saylau.count.fields import NOT_REPORTED as MISSING


class Kind(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    """The warning thresholds, in percent (integers: the comparisons are exact).

    Defaults follow common commission practice; none is set by the Elections Law.
    """

    invalid_share: int = 3
    """W-INVALID-SHARE: invalid ballots at or above this share of ballots counted (spec §5)."""
    mobile_share: int = 15
    """W-MOBILE-SHARE: ballots issued outside the room at or above this share of those issued."""
    added_share: int = 10
    """W-ADDED-SHARE: same-day additions at or above this share of the list."""
    turnout_high: int = 95
    """W-TURNOUT-HIGH: ballots issued at or above this share of the list."""
    one_option: int = 95
    """W-ONE-OPTION: one option at or above this share of the valid votes ..."""
    one_option_minimum: int = 100
    """... where at least this many valid votes were cast."""


@dataclass(frozen=True, eq=False)
class Columns:
    """The figures of the protocols under check, and what the definition says of each.

    Figures are at most ``saylau.count.protocols.MAX_FIGURE`` (the reader refuses larger ones),
    so every sum and every ``part * 100`` comparison stays exact in 64-bit integers."""

    values: np.ndarray
    options: np.ndarray
    voters: np.ndarray

    def __getitem__(self, column: int) -> np.ndarray:
        picked: np.ndarray = self.values[:, column]
        return picked

    def given(self, column: int) -> np.ndarray:
        return np.asarray(self.values[:, column] != MISSING)

    def take(self, rows: np.ndarray) -> Columns:
        """The same columns for some rows only (to describe a few failures cheaply)."""
        return Columns(self.values[rows], self.options[rows], self.voters[rows])

    @cached_property
    def issued(self) -> np.ndarray:
        return np.asarray(self[IN_ROOM] + self[OUTSIDE] + self[ABSENTEE])

    @cached_property
    def found(self) -> np.ndarray:
        return np.asarray(self[FOUND_STATIONARY] + self[FOUND_MOBILE])

    @cached_property
    def lines(self) -> np.ndarray:
        return np.where(self.values[:, FIRST_LINE:] == MISSING, 0, self.values[:, FIRST_LINE:])

    @cached_property
    def valid(self) -> np.ndarray:
        return np.asarray(self.lines.sum(axis=1) + self[AGAINST_ALL])

    @cached_property
    def found_given(self) -> np.ndarray:
        return np.asarray(self.given(FOUND_STATIONARY) & self.given(FOUND_MOBILE))


Test = Callable[[Columns, CheckPolicy], np.ndarray]
Describe = Callable[[Columns, int, CheckPolicy], str]


@dataclass(frozen=True, slots=True)
class Check:
    """One coded check: the test marks failing rows; ``describe`` names their numbers."""

    code: str
    kind: Kind
    rule: str
    test: Test
    describe: Describe


def _n(value: np.integer | int) -> str:
    return f"{int(value):,}"


def _share(part: np.ndarray, whole: np.ndarray, percent: int) -> np.ndarray:
    """``part / whole >= percent%`` exactly, false where ``whole`` is 0."""
    return np.asarray((whole > 0) & (part * 100 >= whole * percent))


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


CHECKS: tuple[Check, ...] = (
    Check(
        "E-BALLOTS-RECEIVED",
        Kind.ERROR,
        "received = issued + cancelled",
        lambda c, p: (
            c.given(RECEIVED) & c.given(CANCELLED) & (c[RECEIVED] != c.issued + c[CANCELLED])
        ),
        lambda c, i, p: (
            f"received {_n(c[RECEIVED][i])} ballots, but issued"
            f" {_n(c.issued[i])} + cancelled {_n(c[CANCELLED][i])}"
            f" = {_n(c.issued[i] + c[CANCELLED][i])}"
        ),
    ),
    Check(
        "E-BALLOTS-FOUND",
        Kind.ERROR,
        "found in the boxes <= issued",
        lambda c, p: c.found_given & (c.found > c.issued),
        lambda c, i, p: (
            f"{_n(c.found[i])} ballots found in the boxes, but only {_n(c.issued[i])} were issued"
        ),
    ),
    Check(
        "E-MOBILE-FOUND",
        Kind.ERROR,
        "found in the mobile boxes <= issued outside the room",
        lambda c, p: c.found_given & (c[FOUND_MOBILE] > c[OUTSIDE]),
        lambda c, i, p: (
            f"{_n(c[FOUND_MOBILE][i])} ballots in the mobile boxes, but only"
            f" {_n(c[OUTSIDE][i])} were issued outside the room"
        ),
    ),
    Check(
        "E-BALLOTS-VALID",
        Kind.ERROR,
        "found in the boxes = invalid + valid",
        lambda c, p: c.found_given & (c.found != c[INVALID] + c.valid),
        lambda c, i, p: (
            f"{_n(c.found[i])} ballots found in the boxes, but invalid"
            f" {_n(c[INVALID][i])} + valid {_n(c.valid[i])} = {_n(c[INVALID][i] + c.valid[i])}"
            " (valid = votes on every line + against all)"
        ),
    ),
    Check(
        "E-BALLOTS-COUNTED",
        Kind.ERROR,
        "invalid + valid <= issued (when found in the boxes is not reported)",
        lambda c, p: ~c.found_given & (c[INVALID] + c.valid > c.issued),
        lambda c, i, p: (
            f"invalid {_n(c[INVALID][i])} + valid {_n(c.valid[i])}"
            f" = {_n(c[INVALID][i] + c.valid[i])} ballots counted, but only {_n(c.issued[i])}"
            " were issued"
        ),
    ),
    Check(
        "E-ISSUED-REGISTERED",
        Kind.ERROR,
        "issued <= voters on the list",
        lambda c, p: c.issued > c[REGISTERED],
        lambda c, i, p: (
            f"{_n(c.issued[i])} ballots issued, but only {_n(c[REGISTERED][i])}"
            " voters are on the list"
        ),
    ),
    Check(
        "E-ADDED-REGISTERED",
        Kind.ERROR,
        "added on the day <= voters on the list",
        lambda c, p: c.given(ADDED) & (c[ADDED] > c[REGISTERED]),
        lambda c, i, p: (
            f"{_n(c[ADDED][i])} voters added on the day, but the whole list has"
            f" {_n(c[REGISTERED][i])}"
        ),
    ),
    Check(
        "E-FOUND-PARTIAL",
        Kind.ERROR,
        "found in the stationary and in the mobile boxes: both or neither",
        lambda c, p: np.asarray(c.given(FOUND_STATIONARY) != c.given(FOUND_MOBILE)),
        lambda c, i, p: "only one of found_stationary and found_mobile is filled in",
    ),
    Check(
        "E-EMPTY-LINE",
        Kind.ERROR,
        "no votes on a line the ballot does not have",
        lambda c, p: np.asarray(
            ((c.lines > 0) & (np.arange(c.lines.shape[1])[None, :] >= c.options[:, None])).any(
                axis=1
            )
        ),
        lambda c, i, p: (
            f"the ballot has {_n(c.options[i])} lines, but votes are entered on"
            f" line {int(np.flatnonzero(c.lines[i])[-1]) + 1}"
        ),
    ),
    Check(
        "W-TURNOUT-OVER-LIST",
        Kind.WARNING,
        "issued <= the list before same-day additions",
        lambda c, p: c.given(ADDED) & (c.issued > c[REGISTERED] - c[ADDED]),
        lambda c, i, p: (
            f"{_n(c.issued[i])} ballots issued, more than the"
            f" {_n(c[REGISTERED][i] - c[ADDED][i])} voters on the list before"
            f" {_n(c[ADDED][i])} were added on the day"
        ),
    ),
    Check(
        "W-INVALID-SHARE",
        Kind.WARNING,
        "invalid ballots below the usual share",
        lambda c, p: _share(c[INVALID], c[INVALID] + c.valid, p.invalid_share),
        lambda c, i, p: (
            f"{_n(c[INVALID][i])} invalid of {_n(c[INVALID][i] + c.valid[i])}"
            f" ballots counted ({_pct(c[INVALID][i], c[INVALID][i] + c.valid[i])}; warning at"
            f" {p.invalid_share}%)"
        ),
    ),
    Check(
        "W-MOBILE-SHARE",
        Kind.WARNING,
        "mobile-box voting below the usual share",
        lambda c, p: _share(c[OUTSIDE], c.issued, p.mobile_share),
        lambda c, i, p: (
            f"{_n(c[OUTSIDE][i])} of {_n(c.issued[i])} ballots issued outside the"
            f" room ({_pct(c[OUTSIDE][i], c.issued[i])}; warning at {p.mobile_share}%)"
        ),
    ),
    Check(
        "W-ADDED-SHARE",
        Kind.WARNING,
        "same-day additions below the usual share",
        lambda c, p: c.given(ADDED) & _share(c[ADDED], c[REGISTERED], p.added_share),
        lambda c, i, p: (
            f"{_n(c[ADDED][i])} of {_n(c[REGISTERED][i])} voters added on the day"
            f" ({_pct(c[ADDED][i], c[REGISTERED][i])}; warning at {p.added_share}%)"
        ),
    ),
    Check(
        "W-TURNOUT-HIGH",
        Kind.WARNING,
        "turnout below the usual ceiling",
        lambda c, p: _share(c.issued, c[REGISTERED], p.turnout_high),
        lambda c, i, p: (
            f"{_n(c.issued[i])} ballots issued to {_n(c[REGISTERED][i])} voters"
            f" on the list ({_pct(c.issued[i], c[REGISTERED][i])}; warning at {p.turnout_high}%)"
        ),
    ),
    Check(
        "W-LIST-CHANGED",
        Kind.WARNING,
        "the list before additions matches the definition",
        lambda c, p: (c[REGISTERED] - np.where(c.given(ADDED), c[ADDED], 0)) != c.voters,
        lambda c, i, p: (
            f"{_n(c[REGISTERED][i])} voters on the list"
            f"{' less ' + _n(c[ADDED][i]) + ' added' if c[ADDED][i] > 0 else ''}, but the"
            f" election definition has {_n(c.voters[i])} for this precinct"
        ),
    ),
    Check(
        "W-ONE-OPTION",
        Kind.WARNING,
        "no option with nearly all the valid votes",
        lambda c, p: (
            (c.valid >= p.one_option_minimum)
            & _share(c.lines.max(axis=1, initial=0), c.valid, p.one_option)
        ),
        lambda c, i, p: (
            f"line {int(np.argmax(c.lines[i])) + 1} has {_n(c.lines[i].max())} of"
            f" {_n(c.valid[i])} valid votes ({_pct(int(c.lines[i].max()), int(c.valid[i]))};"
            f" warning at {p.one_option}%)"
        ),
    ),
)
"""Every check, errors first. Codes are stable: tests, acknowledgements and reports use them."""

BITS = {check.code: 1 << i for i, check in enumerate(CHECKS)}
WARNING_BITS = {check.code: BITS[check.code] for check in CHECKS if check.kind is Kind.WARNING}
ERROR_MASK = sum(BITS[c.code] for c in CHECKS if c.kind is Kind.ERROR)
WARNING_MASK = sum(WARNING_BITS.values())
BY_CODE = {check.code: check for check in CHECKS}


def run_checks(columns: Columns, policy: CheckPolicy | None = None) -> np.ndarray:
    """The bit mask of the checks each protocol fails (bits as in ``BITS``)."""
    policy = policy or CheckPolicy()
    found = np.zeros(len(columns.values), dtype=np.int64)
    for check in CHECKS:
        found |= np.where(check.test(columns, policy), BITS[check.code], 0)
    return found


def codes(mask: int) -> list[str]:
    """The codes set in a bit mask, in check order."""
    return [check.code for check in CHECKS if mask & BITS[check.code]]


def describe(code: str, columns: Columns, row: int, policy: CheckPolicy | None = None) -> str:
    """The message of one failed check for one protocol."""
    one = columns.take(np.array([row]))
    return BY_CODE[code].describe(one, 0, policy or CheckPolicy())
