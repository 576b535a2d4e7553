"""The counting commands: ``saylau count``, ``saylau import`` and ``saylau report``.

Exit codes: 0 complete and final; 2 bad input (nothing imported); 3 not final (a partial count
or an open question); 4 protocols held back by a check (listed on standard error).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tiny import DEFINITION, clean_rows, election_dir, protocol, write_csv, write_definition
from typer.testing import CliRunner, Result

from saylau.cli import EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OPEN, app

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def test_a_complete_clean_count_exits_0_and_prints_the_seats(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    done = run("count", directory, "--body", "maslikhat", "--quiet")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "count complete: 12/12 protocols" in done.stdout
    assert "Aida Amanova" in done.stdout
    assert "Amanat 4, Ak Zhol 1, Auyl 1" in done.stdout


def test_count_as_json_gives_seats_progress_and_checks(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    done = run("count", directory, "--format", "json", "--quiet")
    assert done.exit_code == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["status"] == "complete"
    assert document["checks"]["accepted"] == 12
    [body] = document["bodies"]
    assert body["result"]["seats"] == {"Amanat": 4, "Ak Zhol": 1, "Auyl": 1}
    assert body["provisional"] is False


def test_count_writes_json_and_csv_files_by_level(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    out = tmp_path / "out" / "results.json"
    csv = tmp_path / "csv"
    done = run("count", directory, "--out", out, "--csv", csv, "--precincts", "--quiet")
    assert done.exit_code == 0, done.stderr
    assert json.loads(out.read_text())["format"] == "saylau.results/1"
    for level in ("nation", "region", "district", "constituency", "precinct"):
        assert (csv / f"{level}.csv").read_text().startswith("contest,level,unit")
    assert sorted(p.name for p in csv.iterdir()) == [
        "constituency.csv",
        "district.csv",
        "nation.csv",
        "precinct.csv",
        "region.csv",
    ]


def test_a_protocol_with_an_error_is_listed_and_the_count_exits_4(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = {**rows[0], "received": 1}
    directory = election_dir(tmp_path, rows)
    done = run("count", directory, "--quiet")
    assert done.exit_code == EXIT_BLOCKED
    assert "blocked: precinct P1, contest lists" in done.stderr
    assert "E-BALLOTS-RECEIVED: received 1 ballots" in done.stderr


def test_a_partial_count_exits_3_and_says_how_much_is_in(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, clean_rows()[:8])
    done = run("count", directory, "--quiet")
    assert done.exit_code == EXIT_OPEN
    assert "count partial: 8/12 protocols (66.67%)" in done.stdout


def test_a_malformed_file_in_the_directory_stops_the_count_with_located_errors(
    tmp_path: Path,
) -> None:
    directory = election_dir(tmp_path)
    write_csv(directory / "protocols" / "zz.csv", [protocol("P1", "lists", [1, 2, 3], line_3="x")])
    done = run("count", directory, "--quiet")
    assert done.exit_code == EXIT_BAD_INPUT
    assert "zz.csv: row 2, field 'line_3': expected a whole number" in done.stderr


def test_import_refuses_a_bad_file_whole_and_copies_nothing(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, clean_rows()[:6])
    before = sorted(p.name for p in (directory / "protocols").iterdir())
    incoming = write_csv(
        tmp_path / "incoming.csv",
        [clean_rows()[6], {**clean_rows()[7], "registered": -3}],
    )
    done = run("import", directory, incoming)
    assert done.exit_code == EXIT_BAD_INPUT
    assert "incoming.csv: row 3, field 'registered': a count cannot be negative" in done.stderr
    assert sorted(p.name for p in (directory / "protocols").iterdir()) == before


def test_import_twice_copies_the_file_once(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, clean_rows()[:6])
    incoming = write_csv(tmp_path / "incoming.csv", clean_rows()[6:])
    first = run("import", directory, incoming)
    second = run("import", directory, incoming)
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    assert "6 new" in first.stdout
    assert "nothing changed" in second.stdout
    assert len(list((directory / "protocols").iterdir())) == 2
    assert run("count", directory, "--quiet").exit_code == 0


def test_import_refuses_a_changed_protocol_without_a_reason(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    changed = {**clean_rows()[0], "invalid": 3, "found_stationary": 463, "issued_in_room": 463}
    incoming = write_csv(tmp_path / "changed.csv", [changed])
    done = run("import", directory, incoming)
    assert done.exit_code == EXIT_BAD_INPUT
    assert "precinct P1, contest lists is already on record" in done.stderr
    assert "'correction' column" in done.stderr


def test_count_leaves_the_directory_as_it_was(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    copy = shutil.copytree(directory, tmp_path / "copy")
    run("count", directory, "--quiet")
    assert sorted(p.name for p in directory.rglob("*")) == sorted(
        p.name for p in Path(copy).rglob("*")
    )


def test_names_with_brackets_are_printed_as_they_are(tmp_path: Path) -> None:
    definition = json.loads(json.dumps(DEFINITION))
    definition["contests"][0]["constituencies"][0]["options"][1]["name"] = "Ak Zhol [/]"
    for constituency in definition["contests"][1]["constituencies"]:
        for option in constituency["options"]:
            if option["party"] == "Ak Zhol":
                option["party"] = "Ak Zhol [/]"
    directory = election_dir(tmp_path)
    write_definition(directory, definition)
    done = run("count", directory, "--body", "maslikhat", "--quiet")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "Ak Zhol [/]" in done.stdout


def test_an_unknown_body_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    out = tmp_path / "results.json"
    done = run("count", directory, "--body", "nope", "--out", out, "--quiet")
    assert done.exit_code == EXIT_BAD_INPUT
    assert "no body 'nope'" in done.stderr
    assert not out.exists()


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run("count", directory, "--out", blocker / "results.json", "--quiet")
    assert done.exit_code == EXIT_BAD_INPUT
    assert "cannot read or write" in done.stderr
