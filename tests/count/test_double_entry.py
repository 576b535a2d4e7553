"""Double entry: two independent entries of a protocol, by two people, compared field by field
and never merged. A difference holds the protocol back until a correction makes them agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tiny import clean_rows, definition_copy, slot_of, write_csv, write_definition

from saylau.count.definition import Election, read_definition
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.ledger import FIRST, SECOND, Ledger
from saylau.count.protocols import FileRefused, read_protocols
from saylau.count.tally import count_ledger

Row = dict[str, Any]
LINE_1 = len(COUNT_FIELDS)


def election_of(tmp_path: Path, double_entry: bool = False) -> Election:
    definition = definition_copy()
    definition["double_entry"] = double_entry
    return read_definition(write_definition(tmp_path / "tiny", definition))


def entries(rows: list[Row], entry: int, by: str, **changes: Any) -> list[Row]:
    return [{**row, "entry": entry, "entered_by": by, **changes} for row in rows]


def apply(ledger: Ledger, path: Path, rows: list[Row]) -> None:
    ledger.apply(read_protocols(write_csv(path, rows), ledger.election))


def p1_lists() -> Row:
    return clean_rows()[0]  # P1, lists: 300, 100, 50


def test_two_matching_entries_by_different_people_are_accepted(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    apply(ledger, tmp_path / "second.csv", entries(clean_rows(), 2, "Bauyrzhan"))
    review = ledger.review()
    assert review.accepted.all()
    assert not review.mismatch.any()
    assert ledger.present.all()


def test_both_entries_may_come_in_one_file(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=True))
    rows = entries(clean_rows(), 1, "Aigerim") + entries(clean_rows(), 2, "Bauyrzhan")
    apply(ledger, tmp_path / "both.csv", rows)
    assert ledger.review().accepted.all()


def test_a_second_entry_that_differs_in_one_field_holds_the_protocol_back(
    tmp_path: Path,
) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    typo = {**p1_lists(), "line_2": 110}  # 100 on the protocol, typed as 110
    apply(ledger, tmp_path / "second.csv", entries([typo], 2, "Bauyrzhan"))
    slot = slot_of(ledger.election, "P1", "lists")

    review = ledger.review()

    assert review.mismatch[slot]
    assert not review.accepted[slot]
    assert review.blocked[slot]
    assert np.flatnonzero(review.mismatch).tolist() == [slot]
    assert review.accepted.sum() == 11
    assert ledger.differences(slot) == [("line_2", 100, 110)]


def test_differing_entries_are_not_merged(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    typo = {**p1_lists(), "line_2": 110}
    apply(ledger, tmp_path / "second.csv", entries([typo], 2, "Bauyrzhan"))
    slot = slot_of(ledger.election, "P1", "lists")

    assert ledger.values[FIRST, slot, LINE_1 : LINE_1 + 3].tolist() == [300, 100, 50]
    assert ledger.values[SECOND, slot, LINE_1 : LINE_1 + 3].tolist() == [300, 110, 50]

    # neither entry's numbers count anywhere: P1's list protocol is left out of every total
    count = count_ledger(ledger)
    precincts = count.totals("lists", "precinct")
    p1 = precincts.ids.index("P1")
    assert precincts.protocols_in[p1] == 0
    assert (precincts.fields[p1] == 0).all()
    assert (precincts.votes[p1] == 0).all()
    nation = count.totals("lists", "nation")
    others = [row for row in clean_rows() if row["contest"] == "lists" and row["precinct"] != "P1"]
    for k in (1, 2, 3):
        assert nation.votes[0, k - 1] == sum(row[f"line_{k}"] for row in others)
    assert nation.protocols_in[0] == 5
    (body,) = count.bodies
    assert body.provisional


def test_several_differences_are_all_listed_in_field_order(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries([p1_lists()], 1, "Aigerim"))
    second = {**p1_lists(), "line_3": 5, "registered": 1001, "against_all": 11}
    apply(ledger, tmp_path / "second.csv", entries([second], 2, "Bauyrzhan"))
    slot = slot_of(ledger.election, "P1", "lists")
    assert ledger.differences(slot) == [
        ("registered", 1000, 1001),
        ("against_all", 10, 11),
        ("line_3", 50, 5),
    ]


def test_a_blank_against_a_figure_is_a_difference(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries([p1_lists()], 1, "Aigerim"))
    apply(ledger, tmp_path / "second.csv", entries([p1_lists()], 2, "Bauyrzhan", received=""))
    slot = slot_of(ledger.election, "P1", "lists")
    assert ledger.review().mismatch[slot]
    assert ledger.differences(slot) == [("received", 562, NOT_REPORTED)]


@pytest.mark.parametrize("one_file", [True, False])
def test_a_second_entry_by_the_same_person_is_refused(tmp_path: Path, one_file: bool) -> None:
    ledger = Ledger(election_of(tmp_path))
    first = entries([p1_lists()], 1, "Aigerim")
    second = entries([p1_lists()], 2, "Aigerim")
    if one_file:
        path = write_csv(tmp_path / "both.csv", first + second)
        where = "row 3"
    else:
        apply(ledger, tmp_path / "first.csv", first)
        path = write_csv(tmp_path / "second.csv", second)
        where = "row 2"
    before = ledger.present.copy()

    with pytest.raises(FileRefused) as refused:
        ledger.apply(read_protocols(path, ledger.election))

    (error,) = refused.value.errors
    assert (error.file, error.where, error.field) == (str(path), where, "entered_by")
    assert "Aigerim" in error.message
    assert np.array_equal(ledger.present, before)


def test_with_double_entry_required_a_single_entry_waits(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=True))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))

    review = ledger.review()

    assert review.awaiting_second.all()
    assert not review.accepted.any()
    assert not review.blocked.any()  # nothing wrong with it: it waits
    count = count_ledger(ledger)
    assert count.totals("lists", "nation").protocols_in[0] == 0
    assert (count.totals("lists", "nation").votes == 0).all()
    assert count.contest_progress(ledger.election.file.contests[0]).protocols_in == 0


def test_with_double_entry_required_the_second_entry_completes_the_protocol(
    tmp_path: Path,
) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=True))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    apply(ledger, tmp_path / "second.csv", entries(clean_rows()[:4], 2, "Bauyrzhan"))
    review = ledger.review()
    assert review.accepted.sum() == 4
    assert review.awaiting_second.sum() == 8
    for row in clean_rows()[:4]:
        assert review.accepted[slot_of(ledger.election, row["precinct"], row["contest"])]


def test_without_double_entry_required_a_single_entry_is_enough(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=False))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    review = ledger.review()
    assert review.accepted.all()
    assert not review.awaiting_second.any()


def test_a_second_entry_alone_is_not_a_protocol(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=True))
    apply(ledger, tmp_path / "second.csv", entries([p1_lists()], 2, "Bauyrzhan"))
    assert not ledger.review().accepted.any()


def test_a_correction_of_the_second_entry_resolves_the_mismatch(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path, double_entry=True))
    apply(ledger, tmp_path / "first.csv", entries(clean_rows(), 1, "Aigerim"))
    typo = {**p1_lists(), "line_2": 110}
    apply(ledger, tmp_path / "second.csv", entries([*clean_rows()[1:], typo], 2, "Bauyrzhan"))
    slot = slot_of(ledger.election, "P1", "lists")
    assert ledger.review().mismatch[slot]

    # re-entering the same numbers again changes nothing; the fix needs a reason
    with pytest.raises(FileRefused):
        apply(ledger, tmp_path / "retype.csv", entries([p1_lists()], 2, "Bauyrzhan"))
    fixed = entries([p1_lists()], 2, "Bauyrzhan", correction="line 2 mistyped")
    apply(ledger, tmp_path / "fix.csv", fixed)

    review = ledger.review()
    assert not review.mismatch[slot]
    assert review.accepted.all()
    assert ledger.differences(slot) == []
    (change,) = ledger.changes
    assert (change.kind, change.slot, change.entry) == ("corrected", slot, 2)
    assert change.reason == "line 2 mistyped"
    assert change.before[LINE_1 + 1] == 110
    assert change.after[LINE_1 + 1] == 100


def test_a_correction_of_the_first_entry_may_resolve_it_too(tmp_path: Path) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries([p1_lists()], 1, "Aigerim"))
    truth = {**p1_lists(), "line_2": 110, "line_3": 40}  # totals unchanged: 460 valid
    apply(ledger, tmp_path / "second.csv", entries([truth], 2, "Bauyrzhan"))
    slot = slot_of(ledger.election, "P1", "lists")
    assert ledger.review().mismatch[slot]
    apply(ledger, tmp_path / "fix.csv", entries([truth], 1, "Aigerim", correction="recount"))
    assert ledger.review().accepted[slot]
    assert ledger.values[FIRST, slot, LINE_1 : LINE_1 + 3].tolist() == [300, 110, 40]


def test_a_correction_by_the_first_person_of_the_second_entry_is_refused(
    tmp_path: Path,
) -> None:
    ledger = Ledger(election_of(tmp_path))
    apply(ledger, tmp_path / "first.csv", entries([p1_lists()], 1, "Aigerim"))
    typo = {**p1_lists(), "line_2": 110}
    apply(ledger, tmp_path / "second.csv", entries([typo], 2, "Bauyrzhan"))
    fixed = entries([p1_lists()], 2, "Aigerim", correction="I fixed it myself")
    with pytest.raises(FileRefused) as refused:
        apply(ledger, tmp_path / "fix.csv", fixed)
    assert refused.value.errors[0].field == "entered_by"
    assert ledger.review().mismatch[slot_of(ledger.election, "P1", "lists")]
