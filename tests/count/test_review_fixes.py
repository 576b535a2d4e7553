"""Defects found in review, each pinned by a test: a concurrent import, unnamed double entries,
a second entry without a first, bad recorded lots, fields named twice, a bad entry number."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from tiny import DEFINITION, clean_rows, election_dir, write_csv, write_definition

from saylau.count.directory import import_files, load, protocol_files
from saylau.count.errors import InputError
from saylau.count.protocols import FileRefused, read_protocols
from saylau.count.tally import count_ledger
from saylau.publish.results import checks_json, code_summary


def test_two_imports_at_once_never_leave_the_directory_unreadable(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, clean_rows()[:6])
    original = write_csv(tmp_path / "x1.csv", clean_rows()[6:])
    changed_rows = clean_rows()[6:]
    changed_rows[0] = {
        **changed_rows[0],
        "against_all": 11,
        "found_stationary": 473,
        "issued_in_room": 473,
        "received": 573,
    }
    changed = write_csv(tmp_path / "x2.csv", changed_rows)
    outcomes: list[str] = []

    def run(path: Path) -> None:
        try:
            list(import_files(directory, [path]))
            outcomes.append("imported")
        except FileRefused:
            outcomes.append("refused")

    threads = [threading.Thread(target=run, args=(p,)) for p in (original, changed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["imported", "refused"]
    load(directory)  # the record still reads whole
    assert len(protocol_files(directory)) == 2


def test_hidden_files_in_the_protocol_folder_are_not_read(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    (directory / "protocols" / "._entry.csv").write_bytes(b"\x00\x05 mac resource fork")
    assert [p.name for p in protocol_files(directory)] == ["entry.csv"]


def test_two_entries_must_each_say_who_made_them(tmp_path: Path) -> None:
    rows = clean_rows()
    second = {**rows[0], "entry": 2}
    directory = election_dir(tmp_path, [{**rows[0], "entered_by": ""}, *rows[1:], second])
    with pytest.raises(FileRefused) as refused:
        load(directory)
    (error,) = refused.value.errors
    assert error.field == "entered_by"
    assert "each must say who made it" in error.message


def test_double_entry_elections_need_a_name_on_every_entry(tmp_path: Path) -> None:
    definition = {**json.loads(json.dumps(DEFINITION)), "double_entry": True}
    directory = election_dir(tmp_path)
    write_definition(directory, definition)
    with pytest.raises(FileRefused) as refused:
        load(directory)
    assert {e.field for e in refused.value.errors} == {"entered_by"}
    assert "requires double entry" in refused.value.errors[0].message


def test_a_second_entry_without_a_first_is_held_back_and_named(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = {**rows[0], "entry": 2, "entered_by": "clerk-2"}
    count = count_ledger(load(election_dir(tmp_path, rows)).ledger)
    assert int(count.review.blocked.sum()) == 1
    [item] = checks_json(count)["blocked_protocols"]
    assert item["precinct"] == "P1"
    assert item["problems"][0].startswith("D-FIRST-ENTRY-MISSING: only a second entry")
    assert code_summary(count) == {"D-FIRST-ENTRY-MISSING": 1}


def test_recorded_lots_that_repeat_a_name_are_a_located_error(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    (directory / "lots.json").write_text(
        json.dumps({"maslikhat": {"lists": {"order": ["Amanat", "Amanat"], "record": "m"}}})
    )
    with pytest.raises(InputError) as located:
        load(directory)
    assert located.value.where == "maslikhat.lists"


def test_a_protocol_field_named_twice_in_json_is_refused(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    election = load(directory).election
    text = json.dumps({"protocols": [clean_rows()[0]]})
    path = tmp_path / "twice.json"
    path.write_text(text.replace('"invalid": 2', '"invalid": 2, "invalid": 0'))
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    assert refused.value.errors[0].field == "invalid"
    assert "appears twice" in refused.value.errors[0].message


def test_lines_and_line_k_together_are_refused(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    election = load(directory).election
    row = {k: v for k, v in clean_rows()[0].items() if not k.startswith("line_")}
    row["lines"] = [300, 100, 50]
    row["line_1"] = 999
    path = tmp_path / "both.json"
    path.write_text(json.dumps({"protocols": [row]}))
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    assert ("protocols[0]", "line_1") in {(e.where, e.field) for e in refused.value.errors}


def test_a_definition_field_named_twice_is_refused(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    text = (directory / "election.json").read_text()
    (directory / "election.json").write_text(
        text.replace('"voters": 1000', '"voters": 1000, "voters": 1')
    )
    with pytest.raises(InputError) as located:
        load(directory)
    assert located.value.field == "voters"


def test_an_unreadable_entry_number_is_reported_once(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    election = load(directory).election
    path = write_csv(tmp_path / "bad.csv", [{**clean_rows()[0], "entry": "x"}])
    with pytest.raises(FileRefused) as refused:
        read_protocols(path, election)
    assert [(e.where, e.field) for e in refused.value.errors] == [("row 2", "entry")]
