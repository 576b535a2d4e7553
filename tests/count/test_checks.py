"""Coded checks: each code fires on a protocol crafted for it, stays silent on a clean one, and
says which numbers disagree; warnings wait for an acknowledgement, errors cannot be waved through.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny import balanced, clean_rows, protocol, slot_of, write_csv, write_definition

from saylau.count.checks import (
    BITS,
    CHECKS,
    ERROR_MASK,
    WARNING_BITS,
    CheckPolicy,
    Columns,
    Kind,
    codes,
    run_checks,
)
from saylau.count.definition import read_definition
from saylau.count.ledger import Ledger, Review
from saylau.count.protocols import MAX_FIGURE, FileRefused, read_protocols

Row = dict[str, Any]


def reviewed(
    tmp_path: Path, rows: list[Row], policy: CheckPolicy | None = None
) -> tuple[Ledger, Review]:
    """A ledger holding ``rows`` (one CSV file) and its review."""
    election = read_definition(write_definition(tmp_path / "tiny"))
    ledger = Ledger(election)
    ledger.apply(read_protocols(write_csv(tmp_path / "entry.csv", rows), election))
    return ledger, ledger.review(policy)


def findings_of(tmp_path: Path, row: Row, policy: CheckPolicy | None = None) -> set[str]:
    """The codes one protocol fails."""
    ledger, review = reviewed(tmp_path, [row], policy)
    slot = slot_of(ledger.election, row["precinct"], row["contest"])
    return set(codes(int(review.findings[slot])))


def numbers_in(text: str) -> set[int]:
    """Every whole number written in ``text`` (thousands separated by commas or not)."""
    return {int(token.replace(",", "")) for token in re.findall(r"\d+(?:,\d{3})*", text)}


# Each code: a protocol that fails it, the other codes that necessarily fail with it, and the
# numbers its message must name. Adding a check without adding a case here fails the tests.
CRAFTED: dict[str, tuple[Row, set[str], set[int]]] = {
    "E-BALLOTS-RECEIVED": (
        # received 600, but issued 462 + cancelled 100 = 562
        balanced("P1", "lists", [300, 100, 50], received=600),
        set(),
        {600, 462, 100, 562},
    ),
    "E-BALLOTS-FOUND": (
        # 462 found in the boxes (= 2 invalid + 460 valid), only 450 issued
        balanced("P1", "lists", [300, 100, 50], issued_in_room=450, received=550),
        set(),
        {462, 450},
    ),
    "E-MOBILE-FOUND": (
        # 10 issued outside the room, 15 found in the mobile box
        balanced("P1", "lists", [300, 100, 50], outside=10, found_stationary=447, found_mobile=15),
        set(),
        {15, 10},
    ),
    "E-BALLOTS-VALID": (
        # 461 found, but invalid 2 + valid 460 = 462
        balanced("P1", "lists", [300, 100, 50], found_stationary=461),
        set(),
        {461, 2, 460, 462},
    ),
    "E-BALLOTS-COUNTED": (
        # no found-in-boxes figures; invalid 2 + valid 460 = 462 counted, only 450 issued
        balanced(
            "P1",
            "lists",
            [300, 100, 50],
            issued_in_room=450,
            received=550,
            found_stationary="",
            found_mobile="",
        ),
        set(),
        {2, 460, 462, 450},
    ),
    "E-ISSUED-REGISTERED": (
        # 1,062 issued to a list of 1,000: turnout over the list necessarily warns too
        balanced("P1", "lists", [900, 100, 50]),
        {"W-TURNOUT-HIGH", "W-TURNOUT-OVER-LIST"},
        {1062, 1000},
    ),
    "E-ADDED-REGISTERED": (
        # 1,001 added to a list of 1,000: the list before additions is then -1
        balanced("P1", "lists", [300, 100, 50], added=1001),
        {"W-LIST-CHANGED", "W-ADDED-SHARE", "W-TURNOUT-OVER-LIST"},
        {1001, 1000},
    ),
    "E-FOUND-PARTIAL": (
        balanced("P1", "lists", [300, 100, 50], found_mobile=""),
        set(),
        set(),
    ),
    "E-EMPTY-LINE": (
        # District 1 has two candidates; 5 votes on line 3
        balanced("P1", "districts", [320, 110, 5]),
        set(),
        {2, 3},
    ),
    "W-TURNOUT-OVER-LIST": (
        # 1,012 issued; 1,100 on the list, of whom 100 added on the day: 1,000 before
        balanced("P1", "lists", [900, 100, 0], added=100, registered=1100),
        set(),
        {1012, 1000, 100},
    ),
    "W-INVALID-SHARE": (
        # 30 invalid of 1,000 counted: exactly 3%
        balanced("P3", "lists", [600, 250, 110], invalid=30),
        set(),
        {30, 1000, 3},
    ),
    "W-MOBILE-SHARE": (
        # 70 of 462 issued outside the room: 15.2%
        balanced("P1", "lists", [300, 100, 50], outside=70),
        set(),
        {70, 462, 15},
    ),
    "W-ADDED-SHARE": (
        # 120 of 1,120 added on the day: 10.7%
        balanced("P1", "lists", [300, 100, 50], added=120, registered=1120),
        set(),
        {120, 1120, 10},
    ),
    "W-TURNOUT-HIGH": (
        # 665 issued to 700 on the list: exactly 95%
        balanced("P6", "lists", [400, 200, 53]),
        set(),
        {665, 700, 95},
    ),
    "W-LIST-CHANGED": (
        # 1,010 on the list, nobody added; the definition has 1,000
        balanced("P1", "lists", [300, 100, 50], registered=1010),
        set(),
        {1010, 1000},
    ),
    "W-ONE-OPTION": (
        # line 1 has 450 of 470 valid votes (460 on the lines + 10 against all): 95.7%
        balanced("P1", "lists", [450, 5, 5]),
        set(),
        {1, 450, 470, 95},
    ),
}

ALL_CODES = [check.code for check in CHECKS]


def test_every_check_has_a_crafted_case() -> None:
    assert set(CRAFTED) == set(ALL_CODES)


def test_codes_are_unique_and_errors_come_first() -> None:
    assert len(set(ALL_CODES)) == len(ALL_CODES)
    kinds = [check.kind for check in CHECKS]
    assert kinds == sorted(kinds, key=lambda kind: kind is Kind.WARNING)
    for check in CHECKS:
        assert check.code.startswith("E-" if check.kind is Kind.ERROR else "W-")


def test_clean_protocols_pass_every_check(tmp_path: Path) -> None:
    _, review = reviewed(tmp_path, clean_rows())
    assert review.present.all()
    assert (review.findings == 0).all()
    assert review.accepted.all()


@pytest.mark.parametrize("code", ALL_CODES)
def test_check_fires_on_its_crafted_protocol_only(tmp_path: Path, code: str) -> None:
    row, also, _ = CRAFTED[code]
    assert findings_of(tmp_path, row) == {code} | also
    _, review = reviewed(tmp_path / "clean", clean_rows())
    assert not (review.findings & BITS[code]).any()


@pytest.mark.parametrize("code", ALL_CODES)
def test_check_message_names_the_numbers_involved(tmp_path: Path, code: str) -> None:
    row, _, numbers = CRAFTED[code]
    ledger, _ = reviewed(tmp_path, [row])
    slot = slot_of(ledger.election, row["precinct"], row["contest"])
    (message,) = ledger.messages(slot, BITS[code])
    assert message.startswith(f"{code}: ")
    assert numbers <= numbers_in(message), message


def test_partial_found_message_names_both_fields(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["E-FOUND-PARTIAL"]
    ledger, _ = reviewed(tmp_path, [row])
    (message,) = ledger.messages(slot_of(ledger.election, "P1", "lists"), BITS["E-FOUND-PARTIAL"])
    assert "found_stationary" in message
    assert "found_mobile" in message


def test_ballots_received_message_reads_as_the_control_relation(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["E-BALLOTS-RECEIVED"]
    ledger, _ = reviewed(tmp_path, [row])
    (message,) = ledger.messages(
        slot_of(ledger.election, "P1", "lists"), BITS["E-BALLOTS-RECEIVED"]
    )
    assert message == (
        "E-BALLOTS-RECEIVED: received 600 ballots, but issued 462 + cancelled 100 = 562"
    )


# --- thresholds -------------------------------------------------------------------------------


def test_invalid_share_of_exactly_three_percent_warns(tmp_path: Path) -> None:
    # 30 invalid of 30 + 970 = 1,000 counted
    row = balanced("P3", "lists", [600, 250, 110], invalid=30)
    assert findings_of(tmp_path, row) == {"W-INVALID-SHARE"}


def test_invalid_share_just_under_three_percent_is_silent(tmp_path: Path) -> None:
    # 30 invalid of 30 + 971 = 1,001 counted: 2.997%
    row = balanced("P3", "lists", [601, 250, 110], invalid=30)
    assert findings_of(tmp_path, row) == set()


@settings(max_examples=200, deadline=None)
@given(
    invalid=st.integers(0, 2_000),
    valid=st.integers(0, 2_000),
)
def test_invalid_share_warns_exactly_from_three_percent(invalid: int, valid: int) -> None:
    values = np.full((1, 14), -1, dtype=np.int64)
    values[0, :11] = [5_000, 0, -1, invalid + valid, 0, 0, -1, -1, -1, invalid, 0]
    values[0, 11] = valid
    columns = Columns(values, np.array([3]), np.array([5_000]))
    warned = bool(run_checks(columns)[0] & BITS["W-INVALID-SHARE"])
    counted = invalid + valid
    assert warned == (counted > 0 and Fraction(invalid, counted) >= Fraction(3, 100))


def test_shares_are_exact_for_every_figure_the_reader_accepts() -> None:
    """The reader takes whole numbers up to MAX_FIGURE (10**9); a share must not wrap around."""
    registered = MAX_FIGURE
    quarter = MAX_FIGURE // 4
    values = np.full((2, 14), -1, dtype=np.int64)
    # 452 issued to a list of a billion: nowhere near 95%, and nobody added
    values[0, :11] = [registered, 0, -1, 452, 0, 0, -1, -1, -1, 2, 10]
    values[0, 11:] = [300, 100, 40]
    # a quarter of the list added on the day: 25%, above the 10% threshold
    values[1, :11] = [registered, quarter, -1, 452, 0, 0, -1, -1, -1, 2, 10]
    values[1, 11:] = [300, 100, 40]
    columns = Columns(values, np.array([3, 3]), np.array([registered, registered - quarter]))
    found = run_checks(columns)
    assert codes(int(found[0])) == []
    assert codes(int(found[1])) == ["W-ADDED-SHARE"]


def test_one_option_needs_a_hundred_valid_votes(tmp_path: Path) -> None:
    row = balanced("P1", "lists", [99, 0, 0], against_all=0)
    assert findings_of(tmp_path / "99", row) == set()
    row = balanced("P1", "lists", [100, 0, 0], against_all=0)
    assert findings_of(tmp_path / "100", row) == {"W-ONE-OPTION"}


def test_mobile_share_just_under_fifteen_percent_is_silent(tmp_path: Path) -> None:
    # 69 of 462 issued outside: 14.9%
    row = balanced("P1", "lists", [300, 100, 50], outside=69)
    assert findings_of(tmp_path, row) == set()


def test_warning_thresholds_are_policy_parameters(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["W-INVALID-SHARE"]
    assert findings_of(tmp_path / "strict", row, CheckPolicy()) == {"W-INVALID-SHARE"}
    assert findings_of(tmp_path / "lenient", row, CheckPolicy(invalid_share=4)) == set()


# --- acceptance -------------------------------------------------------------------------------


def test_a_warning_blocks_acceptance_until_acknowledged(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["W-LIST-CHANGED"]
    ledger, review = reviewed(tmp_path / "silent", [row])
    slot = slot_of(ledger.election, "P1", "lists")
    assert not review.accepted[slot]
    assert review.blocked[slot]
    assert codes(int(review.unacknowledged[slot])) == ["W-LIST-CHANGED"]

    _, review = reviewed(tmp_path / "seen", [{**row, "acknowledged": "W-LIST-CHANGED"}])
    assert review.accepted[slot]
    assert not review.blocked[slot]
    assert review.unacknowledged[slot] == 0
    assert codes(int(review.findings[slot])) == ["W-LIST-CHANGED"]  # still reported


def test_acknowledging_another_warning_does_not_accept(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["W-LIST-CHANGED"]
    ledger, review = reviewed(tmp_path, [{**row, "acknowledged": "W-ONE-OPTION W-TURNOUT-HIGH"}])
    assert not review.accepted[slot_of(ledger.election, "P1", "lists")]


def test_each_of_several_warnings_must_be_acknowledged(tmp_path: Path) -> None:
    # 120 of 1,130 added on the day, and the list before them is 1,010, not 1,000
    row = balanced("P1", "lists", [300, 100, 50], added=120, registered=1130)
    ledger, review = reviewed(tmp_path / "one", [{**row, "acknowledged": "W-ADDED-SHARE"}])
    slot = slot_of(ledger.election, "P1", "lists")
    assert codes(int(review.findings[slot])) == ["W-ADDED-SHARE", "W-LIST-CHANGED"]
    assert not review.accepted[slot]
    both = {**row, "acknowledged": "W-ADDED-SHARE W-LIST-CHANGED"}
    _, review = reviewed(tmp_path / "both", [both])
    assert review.accepted[slot]


def test_an_acknowledgement_may_come_in_a_later_file(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["W-MOBILE-SHARE"]
    ledger, review = reviewed(tmp_path, [row])
    slot = slot_of(ledger.election, "P1", "lists")
    assert not review.accepted[slot]
    later = write_csv(tmp_path / "seen.csv", [{**row, "acknowledged": "W-MOBILE-SHARE"}])
    report = ledger.apply(read_protocols(later, ledger.election))
    assert (report.new, report.corrected, report.acknowledged) == (0, 0, 1)
    assert ledger.changes[-1].kind == "acknowledged"
    assert ledger.changes[-1].acknowledged == ("W-MOBILE-SHARE",)
    assert ledger.review().accepted[slot]


def test_an_error_code_cannot_be_acknowledged(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["E-BALLOTS-RECEIVED"]
    election = read_definition(write_definition(tmp_path / "tiny"))
    path = write_csv(tmp_path / "entry.csv", [{**row, "acknowledged": "E-BALLOTS-RECEIVED"}])
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    (error,) = refused.value.errors
    assert (error.where, error.field) == ("row 2", "acknowledged")
    assert "E-BALLOTS-RECEIVED" in error.message


def test_an_error_blocks_acceptance_whatever_is_acknowledged(tmp_path: Path) -> None:
    row, _, _ = CRAFTED["E-ISSUED-REGISTERED"]
    every_warning = " ".join(WARNING_BITS)
    ledger, review = reviewed(tmp_path, [{**row, "acknowledged": every_warning}])
    slot = slot_of(ledger.election, "P1", "lists")
    assert review.findings[slot] & ERROR_MASK
    assert review.unacknowledged[slot] == 0
    assert not review.accepted[slot]
    assert review.blocked[slot]


# --- optional figures -------------------------------------------------------------------------


def test_blank_received_skips_the_ballots_received_check(tmp_path: Path) -> None:
    # received would be off by 38 (600 vs 562); blank, there is nothing to compare
    row = balanced("P1", "lists", [300, 100, 50], received="")
    assert findings_of(tmp_path, row) == set()


def test_blank_cancelled_skips_the_ballots_received_check(tmp_path: Path) -> None:
    row = balanced("P1", "lists", [300, 100, 50], received=600, cancelled="")
    assert findings_of(tmp_path, row) == set()


def test_blank_found_figures_skip_the_box_checks(tmp_path: Path) -> None:
    # 462 counted, 450 issued: with the boxes reported it is the boxes that disagree ...
    short: Row = {"issued_in_room": 450, "received": 550}
    row = balanced("P1", "lists", [300, 100, 50], **short)
    assert findings_of(tmp_path / "boxes", row) == {"E-BALLOTS-FOUND"}
    # ... without them, the count itself exceeds the ballots issued
    blank: Row = {"found_stationary": "", "found_mobile": ""}
    row = balanced("P1", "lists", [300, 100, 50], **short, **blank)
    assert findings_of(tmp_path / "count", row) == {"E-BALLOTS-COUNTED"}
    # and a consistent protocol without them passes
    row = balanced("P1", "lists", [300, 100, 50], **blank)
    assert findings_of(tmp_path / "clean", row) == set()


def test_a_file_without_the_optional_columns_passes_the_checks(tmp_path: Path) -> None:
    row = balanced("P1", "lists", [300, 100, 50])
    optional = ("added", "received", "cancelled", "found_stationary", "found_mobile")
    row = {key: value for key, value in row.items() if key not in optional}
    assert findings_of(tmp_path, row) == set()


def test_blank_added_skips_the_checks_on_additions(tmp_path: Path) -> None:
    row = balanced("P1", "lists", [300, 100, 50], added="")
    assert findings_of(tmp_path / "clean", row) == set()
    # the list is then compared with the definition as it stands
    row = balanced("P1", "lists", [300, 100, 50], added="", registered=1010)
    assert findings_of(tmp_path / "changed", row) == {"W-LIST-CHANGED"}


def test_a_blank_figure_in_a_required_column_is_not_a_skip(tmp_path: Path) -> None:
    election = read_definition(write_definition(tmp_path / "tiny"))
    row = protocol("P1", "lists", [300, 100, 50], invalid="")
    with pytest.raises(FileRefused) as refused:
        read_protocols(write_csv(tmp_path / "entry.csv", [row]), election)
    assert [(e.where, e.field) for e in refused.value.errors] == [("row 2", "invalid")]
