"""Importing protocol files: a file goes in whole or not at all, each problem says where it is,
importing again changes nothing, and a changed protocol needs a reason and keeps its history.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook
from tiny import (
    balanced,
    clean_rows,
    definition_copy,
    election_dir,
    slot_of,
    write_csv,
    write_definition,
)

from saylau.count.definition import Election, read_definition
from saylau.count.directory import import_file, load, protocol_files
from saylau.count.fields import COUNT_FIELDS
from saylau.count.ledger import Ledger
from saylau.count.protocols import FileRefused, ProtocolTable, read_protocols

Row = dict[str, Any]
HEADER = "row 1 (the header)"
COLUMNS = list(clean_rows()[0])  # the clean rows' columns, lines last (line_1 .. line_3)
COLUMNS += [f"line_{k}" for k in (3,) if f"line_{k}" not in COLUMNS]


def write_raw(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """A CSV file written cell by cell, header included, whatever the names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def cells(row: Row, header: list[str]) -> list[Any]:
    return [row.get(name, "") for name in header]


def p1_only() -> list[Row]:
    """The two protocols of precinct P1 (the clean file's rows 2 and 3)."""
    return clean_rows()[:2]


def snapshot(ledger: Ledger) -> tuple[np.ndarray, ...]:
    return (
        ledger.present.copy(),
        ledger.values.copy(),
        ledger.acknowledged.copy(),
        ledger.entered_by.copy(),
    )


def unchanged(ledger: Ledger, before: tuple[np.ndarray, ...]) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(snapshot(ledger), before, strict=True))


def located(refused: FileRefused) -> set[tuple[str, str]]:
    return {(error.where, error.field) for error in refused.errors}


# --- one malformed file, one problem ---------------------------------------------------------


def with_cell(index: int, column: str, value: Any) -> Callable[[Path], Path]:
    """The twelve clean protocols with one cell changed (row ``index + 2`` of the file)."""

    def write(path: Path) -> Path:
        rows = clean_rows()
        rows[index][column] = value
        return write_csv(path, rows, COLUMNS + [column] * (column not in COLUMNS))

    return write


def with_header(header: list[str]) -> Callable[[Path], Path]:
    """The twelve clean protocols under another header (cells follow the names)."""

    def write(path: Path) -> Path:
        return write_raw(path, header, [cells(row, header) for row in clean_rows()])

    return write


def repeated_row(path: Path) -> Path:
    rows = clean_rows()
    return write_csv(path, [*rows, rows[4]], COLUMNS)  # row 6 again, as row 14


MALFORMED: dict[str, tuple[Callable[[Path], Path], set[tuple[str, str]]]] = {
    "unknown column": (with_header([*COLUMNS, "votes"]), {(HEADER, "votes")}),
    "missing required column": (
        with_header([c for c in COLUMNS if c != "invalid"]),
        {(HEADER, "invalid")},
    ),
    "missing ballot-line column": (
        # District 2 has three candidates: its protocols need line_3
        with_header([c for c in COLUMNS if c != "line_3"]),
        {(HEADER, "line_3")},
    ),
    "duplicate column": (
        with_header([*COLUMNS[:3], "registered", *COLUMNS[3:]]),
        {(HEADER, "registered")},
    ),
    "decimal number": (with_cell(1, "registered", "12.5"), {("row 3", "registered")}),
    "text for a number": (with_cell(2, "line_2", "abc"), {("row 4", "line_2")}),
    "negative number": (with_cell(3, "against_all", "-5"), {("row 5", "against_all")}),
    "unknown precinct": (with_cell(4, "precinct", "P99"), {("row 6", "precinct")}),
    "unknown contest": (with_cell(5, "contest", "senate"), {("row 7", "contest")}),
    "blank precinct": (with_cell(6, "precinct", ""), {("row 8", "precinct")}),
    "same protocol entry twice": (repeated_row, {("row 14", "precinct")}),
    "missing ballot-line value": (with_cell(0, "line_2", ""), {("row 2", "line_2")}),
    "missing third line of District 2": (with_cell(7, "line_3", ""), {("row 9", "line_3")}),
    "entry other than 1 or 2": (with_cell(8, "entry", "3"), {("row 10", "entry")}),
    "unknown warning code": (
        with_cell(9, "acknowledged", "W-NO-SUCH"),
        {("row 11", "acknowledged")},
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_whole_and_names_file_row_and_column(
    tmp_path: Path, case: str
) -> None:
    write, expected = MALFORMED[case]
    directory = election_dir(tmp_path, p1_only())
    loaded = load(directory)
    before = snapshot(loaded.ledger)
    bad = write(tmp_path / "incoming" / "bad.csv")

    with pytest.raises(FileRefused) as refused:
        loaded.ledger.apply(read_protocols(bad, loaded.election))

    assert located(refused.value) == expected
    for error in refused.value.errors:
        assert error.file == str(bad)
        assert str(error).startswith(f"{bad}: {error.where}, field '{error.field}': ")
    assert refused.value.source == str(bad)
    assert "nothing imported" in str(refused.value)
    assert unchanged(loaded.ledger, before)
    assert loaded.ledger.changes == []


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_refused_import_copies_nothing_into_the_directory(tmp_path: Path, case: str) -> None:
    write, _ = MALFORMED[case]
    directory = election_dir(tmp_path, p1_only())
    bad = write(tmp_path / "incoming" / "bad.csv")
    files = sorted((directory / "protocols").iterdir())

    with pytest.raises(FileRefused):
        import_file(directory, bad)

    assert sorted((directory / "protocols").iterdir()) == files
    assert load(directory).ledger.present.sum() == 2


def test_a_precinct_that_does_not_vote_on_a_contest_is_refused(tmp_path: Path) -> None:
    definition = definition_copy()
    definition["contests"][1]["constituencies"][1]["covers"] = ["P4", "P5"]  # not P6
    election = read_definition(write_definition(tmp_path / "tiny", definition))
    ledger = Ledger(election)
    path = write_csv(tmp_path / "bad.csv", clean_rows(), COLUMNS)  # row 13: P6, districts

    with pytest.raises(FileRefused) as refused:
        ledger.apply(read_protocols(path, election))

    (error,) = refused.value.errors
    assert (error.file, error.where, error.field) == (str(path), "row 13", "contest")
    assert "'P6'" in error.message and "'districts'" in error.message
    assert not ledger.present.any()


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[1]["registered"] = "12.5"
    rows[4]["precinct"] = "P99"
    rows[7]["against_all"] = "-5"
    rows[10]["line_2"] = ""
    election = read_definition(write_definition(tmp_path / "tiny"))
    path = write_csv(tmp_path / "bad.csv", rows, COLUMNS)

    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)

    assert located(refused.value) == {
        ("row 3", "registered"),
        ("row 6", "precinct"),
        ("row 9", "against_all"),
        ("row 12", "line_2"),
    }
    assert [error.where for error in refused.value.errors] == ["row 3", "row 6", "row 9", "row 12"]
    lines = refused.value.lines()
    assert "4 problem(s)" in lines[0]
    assert len(lines) == 5


def test_a_row_with_more_cells_than_the_header_is_located(tmp_path: Path) -> None:
    rows = [cells(row, COLUMNS) for row in clean_rows()]
    rows[2].append("7")  # one cell too many on row 4
    path = write_raw(tmp_path / "bad.csv", COLUMNS, rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    (error,) = refused.value.errors
    assert (error.file, error.where) == (str(path), "row 4")


def test_a_row_with_fewer_cells_than_the_header_misses_its_figures(tmp_path: Path) -> None:
    rows = [cells(row, COLUMNS) for row in clean_rows()]
    rows[2] = rows[2][:-1]  # P2's list protocol without its line_3
    path = write_raw(tmp_path / "bad.csv", COLUMNS, rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert located(refused.value) == {("row 4", "line_3")}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_duplicate_column_is_named_as_such(tmp_path: Path, suffix: str) -> None:
    header = [*COLUMNS[:3], "registered", *COLUMNS[3:]]
    rows = clean_rows()
    if suffix == ".csv":
        path = write_raw(tmp_path / "dup.csv", header, [cells(row, header) for row in rows])
    else:
        path = write_xlsx(tmp_path / "dup.xlsx", rows, header)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    (error,) = refused.value.errors
    assert (error.where, error.field) == (HEADER, "registered")
    assert "twice" in error.message


def test_a_very_bad_file_lists_fifty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [{**balanced("P1", "lists", [300, 100, 50]), "precinct": f"X{i}"} for i in range(60)]
    election = read_definition(write_definition(tmp_path / "tiny"))
    with pytest.raises(FileRefused) as refused:
        read_protocols(write_csv(tmp_path / "bad.csv", rows), election)
    assert len(refused.value.errors) == 50
    assert refused.value.more == 10
    assert "and 10 more" in str(refused.value)


def test_a_file_that_is_not_csv_text_is_refused(tmp_path: Path) -> None:
    election = read_definition(write_definition(tmp_path / "tiny"))
    path = tmp_path / "bad.csv"
    path.write_bytes("precinct,contest\nP1,\xff\n".encode("latin-1"))
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    assert refused.value.errors[0].file == str(path)


# --- importing again --------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    election = read_definition(write_definition(tmp_path / "tiny"))
    path = write_csv(tmp_path / "entry.csv", clean_rows())
    ledger = Ledger(election)
    first = ledger.apply(read_protocols(path, election))
    assert (first.rows, first.new, first.unchanged) == (12, 12, 0)
    before = snapshot(ledger)

    again = ledger.apply(read_protocols(path, election))

    assert (again.rows, again.new, again.unchanged, again.corrected, again.acknowledged) == (
        12,
        0,
        12,
        0,
        0,
    )
    assert not again.changed_anything
    assert "nothing changed" in again.describe()
    assert unchanged(ledger, before)
    assert ledger.changes == []


def test_import_file_copies_a_file_once(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    incoming = write_csv(tmp_path / "incoming" / "evening.csv", clean_rows())

    report = import_file(directory, incoming)
    assert (report.new, report.unchanged) == (10, 2)
    names = [path.name for path in protocol_files(directory)]
    assert names == ["entry.csv", "~000001-evening.csv"]
    assert Path(report.source).read_bytes() == incoming.read_bytes()

    again = import_file(directory, incoming)
    assert not again.changed_anything
    assert (again.new, again.unchanged) == (0, 12)
    assert [path.name for path in protocol_files(directory)] == names
    assert load(directory).ledger.present[0].all()


def test_import_file_copies_nothing_already_on_record(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    copy = write_csv(tmp_path / "incoming" / "copy.csv", clean_rows())
    report = import_file(directory, copy)
    assert not report.changed_anything
    assert [path.name for path in protocol_files(directory)] == ["entry.csv"]


def test_later_imports_sort_after_earlier_ones(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    rows = clean_rows()
    import_file(directory, write_csv(tmp_path / "in" / "zz.csv", rows[2:6]))
    import_file(directory, write_csv(tmp_path / "in" / "aa.csv", rows[6:]))
    names = [path.name for path in protocol_files(directory)]
    assert names == ["entry.csv", "~000001-zz.csv", "~000002-aa.csv"]


# --- corrections ------------------------------------------------------------------------------


def swapped(**meta: Any) -> Row:
    """P1's list protocol with 10 votes moved from line 1 to line 2 (still consistent)."""
    return balanced("P1", "lists", [290, 110, 50], **meta)


def test_a_changed_protocol_without_a_reason_is_refused(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    loaded = load(directory)
    before = snapshot(loaded.ledger)
    path = write_csv(tmp_path / "in" / "change.csv", [swapped()])

    with pytest.raises(FileRefused) as refused:
        loaded.ledger.apply(read_protocols(path, loaded.election))

    (error,) = refused.value.errors
    assert (error.file, error.where, error.field) == (str(path), "row 2", "line_1")
    assert "300" in error.message and "290" in error.message
    assert "entry.csv row 2" in error.message  # where the protocol on record came from
    assert "correction" in error.message
    assert unchanged(loaded.ledger, before)
    with pytest.raises(FileRefused):
        import_file(directory, path)
    assert [p.name for p in protocol_files(directory)] == ["entry.csv"]


def test_a_blank_reason_is_no_reason(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    path = write_csv(tmp_path / "in" / "change.csv", [swapped(correction="  ")])
    with pytest.raises(FileRefused):
        import_file(directory, path)


def test_a_correction_replaces_the_numbers_and_keeps_the_history(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    loaded = load(directory)
    ledger = loaded.ledger
    slot = slot_of(ledger.election, "P1", "lists")
    earlier = tuple(int(v) for v in ledger.values[0, slot])
    fixed = swapped(
        correction="recount ordered by the district commission",
        entered_by="A. Clerk",
        entered_at="2023-03-20T10:15:00+05:00",
    )
    path = write_csv(tmp_path / "in" / "fix.csv", [fixed])

    report = ledger.apply(read_protocols(path, loaded.election))

    assert (report.new, report.corrected, report.unchanged) == (0, 1, 0)
    line_1 = len(COUNT_FIELDS)
    assert ledger.values[0, slot, line_1 : line_1 + 3].tolist() == [290, 110, 50]
    (change,) = ledger.changes
    assert change.kind == "corrected"
    assert (change.slot, change.entry) == (slot, 1)
    assert change.by == "A. Clerk"
    assert change.at == "2023-03-20T10:15:00+05:00"
    assert change.reason == "recount ordered by the district commission"
    assert (change.source, change.where) == (str(path), "row 2")
    assert change.before == earlier
    assert change.before[line_1 : line_1 + 3] == (300, 100, 50)
    assert change.after[line_1 : line_1 + 3] == (290, 110, 50)
    assert ledger.review().accepted[slot]


def test_a_correction_in_the_directory_survives_a_reload(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, p1_only())
    fix = write_csv(tmp_path / "in" / "fix.csv", [swapped(correction="recount")])
    assert import_file(directory, fix).corrected == 1
    ledger = load(directory).ledger
    slot = slot_of(ledger.election, "P1", "lists")
    assert ledger.values[0, slot, len(COUNT_FIELDS)] == 290
    assert [change.kind for change in ledger.changes] == ["corrected"]
    # the same correction again is already on record
    assert not import_file(directory, fix).changed_anything


def test_successive_corrections_are_all_kept_in_order(tmp_path: Path) -> None:
    election = read_definition(write_definition(tmp_path / "tiny"))
    ledger = Ledger(election)
    ledger.apply(read_protocols(write_csv(tmp_path / "a.csv", p1_only()), election))
    second = balanced("P1", "lists", [280, 120, 50], correction="second recount")
    ledger.apply(read_protocols(write_csv(tmp_path / "b.csv", [swapped(correction="x")]), election))
    ledger.apply(read_protocols(write_csv(tmp_path / "c.csv", [second]), election))
    line_1 = len(COUNT_FIELDS)
    history = [(c.reason, c.before[line_1], c.after[line_1]) for c in ledger.changes]
    assert history == [("x", 300, 290), ("second recount", 290, 280)]


# --- formats ----------------------------------------------------------------------------------


def json_protocol(row: Row) -> dict[str, Any]:
    """A row as a JSON protocol object: ballot lines as an array, blank cells left out."""
    out: dict[str, Any] = {}
    lines: list[Any] = []
    for name, value in row.items():
        if name.startswith("line_"):
            lines.append(value)
        elif value != "":
            out[name] = value
    out["lines"] = lines
    return out


def write_json(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"protocols": [json_protocol(row) for row in rows]}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[Row], header: list[str] = COLUMNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    book.save(path)
    return path


def same_table(a: ProtocolTable, b: ProtocolTable) -> None:
    for name in ("precinct", "contest", "slot", "values", "entry", "acknowledged"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert (a.entered_by, a.entered_at, a.correction) == (b.entered_by, b.entered_at, b.correction)


def varied_rows() -> list[Row]:
    """The clean protocols with meta columns and a blank optional figure here and there."""
    rows = clean_rows()
    rows[0].update(entered_by="Clerk A", entered_at="2023-03-19T22:00:00+05:00")
    rows[1].update(received="", cancelled="")
    rows[2].update(acknowledged="W-ONE-OPTION")
    rows[3].update(entry=1)
    return rows


def tiny_election(tmp_path: Path) -> Election:
    return read_definition(write_definition(tmp_path / "tiny"))


def test_json_reads_as_the_same_table_as_csv(tmp_path: Path) -> None:
    election = tiny_election(tmp_path)
    header = [*COLUMNS, "entry", "entered_by", "entered_at", "acknowledged"]
    from_csv = read_protocols(write_csv(tmp_path / "p.csv", varied_rows(), header), election)
    from_json = read_protocols(write_json(tmp_path / "p.json", varied_rows()), election)
    same_table(from_csv, from_json)
    assert from_json.where(3) == "protocols[3]"


def test_xlsx_reads_as_the_same_table_as_csv(tmp_path: Path) -> None:
    election = tiny_election(tmp_path)
    header = [*COLUMNS, "entry", "entered_by", "entered_at", "acknowledged"]
    from_csv = read_protocols(write_csv(tmp_path / "p.csv", varied_rows(), header), election)
    rows = [{k: (None if v == "" else v) for k, v in row.items()} for row in varied_rows()]
    from_xlsx = read_protocols(write_xlsx(tmp_path / "p.xlsx", rows, header), election)
    same_table(from_csv, from_xlsx)
    assert from_xlsx.where(3) == "row 5"


@pytest.mark.parametrize(
    ("value", "shown"), [("12", '"12"'), (12.5, "12.5"), (12.0, "12.0"), (True, "true")]
)
def test_json_counts_must_be_json_integers(tmp_path: Path, value: Any, shown: str) -> None:
    election = tiny_election(tmp_path)
    rows = clean_rows()
    rows[2]["invalid"] = value
    path = write_json(tmp_path / "p.json", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    (error,) = refused.value.errors
    assert (error.file, error.where, error.field) == (str(path), "protocols[2]", "invalid")
    assert shown in error.message


def test_json_ballot_lines_must_be_json_integers(tmp_path: Path) -> None:
    election = tiny_election(tmp_path)
    rows = clean_rows()
    rows[0]["line_2"] = "100"
    rows[3]["line_1"] = 12.5
    path = write_json(tmp_path / "p.json", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    assert located(refused.value) == {("protocols[0]", "line_2"), ("protocols[3]", "line_1")}


def test_json_without_a_protocols_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps([json_protocol(clean_rows()[0])]), encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert refused.value.errors[0].field == "protocols"


def test_json_problems_in_the_cells_name_the_protocol(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[5]["precinct"] = "P99"
    rows[8]["against_all"] = -1
    path = write_json(tmp_path / "p.json", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert located(refused.value) == {("protocols[5]", "precinct"), ("protocols[8]", "against_all")}


def test_json_type_problems_and_other_problems_are_listed_together(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0]["registered"] = "1000"
    rows[5]["precinct"] = "P99"
    path = write_json(tmp_path / "p.json", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert located(refused.value) == {("protocols[0]", "registered"), ("protocols[5]", "precinct")}


def test_xlsx_problems_name_the_sheet_row(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[1]["registered"] = 12.5
    rows[4]["line_1"] = "abc"
    path = write_xlsx(tmp_path / "p.xlsx", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert located(refused.value) == {("row 3", "registered"), ("row 6", "line_1")}
    assert all(error.file == str(path) for error in refused.value.errors)


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    election = tiny_election(tmp_path)
    plain = write_csv(tmp_path / "plain.csv", clean_rows())
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    same_table(read_protocols(plain, election), read_protocols(bom, election))
    as_json = write_json(tmp_path / "plain.json", clean_rows())
    bom_json = tmp_path / "bom.json"
    bom_json.write_bytes(b"\xef\xbb\xbf" + as_json.read_bytes())
    same_table(read_protocols(plain, election), read_protocols(bom_json, election))


def test_an_unknown_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("precinct,contest\n", encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, tiny_election(tmp_path))
    assert refused.value.errors[0].file == str(path)


# --- replaying a directory --------------------------------------------------------------------


def test_load_replays_the_files_in_name_order(tmp_path: Path) -> None:
    directory = tmp_path / "tiny"
    write_definition(directory)
    folder = directory / "protocols"
    # written in the opposite order: the correction only makes sense after the original
    write_csv(folder / "2-recount.csv", [swapped(correction="recount")])
    write_json(folder / "1-evening.json", clean_rows())
    steps: list[str] = []

    loaded = load(directory, step=steps.append)

    assert steps == ["1-evening.json", "2-recount.csv"]
    assert [Path(report.source).name for report in loaded.imports] == steps
    assert (loaded.imports[0].new, loaded.imports[1].corrected) == (12, 1)
    slot = slot_of(loaded.election, "P1", "lists")
    assert loaded.ledger.values[0, slot, len(COUNT_FIELDS)] == 290


def test_load_stops_at_a_file_that_should_not_be_there(tmp_path: Path) -> None:
    directory = tmp_path / "tiny"
    write_definition(directory)
    folder = directory / "protocols"
    write_csv(folder / "1-evening.csv", clean_rows())
    write_csv(folder / "2-change.csv", [swapped()])  # no reason given
    with pytest.raises(FileRefused) as refused:
        load(directory)
    assert refused.value.source == str(folder / "2-change.csv")


def test_load_ignores_files_of_other_types(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    (directory / "protocols" / "notes.txt").write_text("not a protocol", encoding="utf-8")
    assert [p.name for p in protocol_files(directory)] == ["entry.csv"]
    assert load(directory).ledger.present[0].all()


def test_a_figure_above_a_billion_is_refused_as_a_typing_error(tmp_path: Path) -> None:
    election = tiny_election(tmp_path)
    rows = clean_rows()
    rows[1]["registered"] = 10**9 + 1
    path = write_csv(tmp_path / "p.csv", rows)
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    (error,) = refused.value.errors
    assert (error.where, error.field) == ("row 3", "registered")
    assert "1,000,000,001 is more than any polling station can count" in error.message
