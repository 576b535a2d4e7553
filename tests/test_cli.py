"""The ``saylau`` command: allocate, elect, rulebooks; bad input is one located line, exit 2.

Typer's CliRunner keeps standard output and standard error apart (``result.stdout`` and
``result.stderr``; there is no ``mix_stderr`` any more). A few tests run the installed command
in a subprocess, to see exactly what a clerk sees: one line, no traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from saylau.cli import EXIT_BAD_INPUT, EXIT_OPEN, app
from saylau.law.methods import METHOD_NAMES
from saylau.law.rulebooks import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
LISTS_CSV = ROOT / "examples" / "mazhilis-2023-lists.csv"
MAZHILIS_JSON = ROOT / "examples" / "kz-mazhilis-2023.json"
MAZHILIS_2023_ARGS = [
    "allocate",
    str(LISTS_CSV),
    "--seats",
    "69",
    "--method",
    "hare",
    "--threshold",
    "5%",
    "--threshold-base",
    "6366441",
]
MAZHILIS_2023_REF = "kz.mazhilis@2023-03-19"
PUBLISHED = {"Amanat": 40, "Auyl": 8, "Respublica": 6, "Ak Zhol": 6, "QHP": 5, "OSDP": 4}

runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_json(tmp_path: Path, document: Any) -> Path:
    return write(tmp_path, "election.json", json.dumps(document))


def assert_bad_input(result: Result, *fragments: str) -> str:
    """Exit 2, one line on stderr starting 'saylau: error:', naming what went wrong."""
    assert result.exit_code == EXIT_BAD_INPUT, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = result.stderr
    assert line.endswith("\n")
    assert line.count("\n") == 1, line
    assert line.startswith("saylau: error: ")
    assert "Traceback" not in result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def row_of(line: str, name: str) -> list[str]:
    """The cells of the table row that starts with ``name``."""
    for text in line.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃|]", text) if cell.strip()]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no row for {name!r}")


# --- allocate -------------------------------------------------------------------------------


def test_allocate_mazhilis_2023_prints_40_8_6_6_5_4() -> None:
    result = run(*MAZHILIS_2023_ARGS)
    assert result.exit_code == 0, result.stderr
    for party, seats in PUBLISHED.items():
        assert row_of(result.stdout, party)[-1] == str(seats)
    assert row_of(result.stdout, "Baytaq")[-1] == "0"
    assert row_of(result.stdout, "Amanat")[2] == "53.90%"
    assert "quota = V / S = 86,546.65" in result.stdout
    assert "seat 68: OSDP" in result.stdout
    excluded = "Baytaq: 146,431 = 2.30% of 6,366,441 (the declared base), at least 5%: not admitted"
    assert excluded in result.stdout


def test_allocate_json_gives_seats_and_trail() -> None:
    result = run(*MAZHILIS_2023_ARGS, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {name: n for name, n in document["seats"].items() if n} == PUBLISHED
    assert document["seats"]["Baytaq"] == 0
    assert isinstance(document["trail"], list)
    assert document["trail"]
    assert all("kind" in step and "text" in step for step in document["trail"])
    quota = next(step for step in document["trail"] if step["kind"] == "quota")
    value = quota["value"]
    assert Fraction(value["numerator"], value["denominator"]) == Fraction(5_971_719, 69)
    assert value["decimal"] == "86546.652174"
    assert document["questions"] == []
    assert "tie" not in document


def test_allocate_no_explain_prints_only_the_table() -> None:
    result = run(*MAZHILIS_2023_ARGS, "--no-explain")
    assert result.exit_code == 0
    assert "quota =" not in result.stdout
    assert "seat 68" not in result.stdout
    assert row_of(result.stdout, "Amanat")[-1] == "40"


def test_allocate_more_than_excludes_a_list_at_exactly_the_threshold(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,95\nB,5\n")
    at_least = json.loads(
        run(
            "allocate",
            str(votes),
            "--seats",
            "20",
            "--method",
            "hare",
            "--threshold",
            "5%",
            "--format",
            "json",
        ).stdout
    )
    assert at_least["seats"] == {"A": 19, "B": 1}
    more_than = json.loads(
        run(
            "allocate",
            str(votes),
            "--seats",
            "20",
            "--method",
            "hare",
            "--threshold",
            "5%",
            "--more-than",
            "--format",
            "json",
        ).stdout
    )
    assert more_than["seats"] == {"A": 20, "B": 0}


@pytest.mark.parametrize("method", METHOD_NAMES)
def test_every_method_name_works(method: str) -> None:
    result = run(*MAZHILIS_2023_ARGS[:5], method, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert sum(document["seats"].values()) == 69
    assert document["seats"]["Amanat"] > document["seats"]["OSDP"] > 0
    assert document["method"]


def test_modified_sainte_lague_takes_a_first_divisor() -> None:
    result = run(
        *MAZHILIS_2023_ARGS[:5],
        "modified-sainte-lague",
        "--first-divisor",
        "1.4",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert sum(json.loads(result.stdout)["seats"].values()) == 69


def test_first_divisor_with_another_method_is_refused() -> None:
    result = run(*MAZHILIS_2023_ARGS[:5], "dhondt", "--first-divisor", "1.4")
    assert_bad_input(result, "--first-divisor")


def test_a_tie_is_reported_in_json_with_exit_code_3(tmp_path: Path) -> None:
    votes = write(tmp_path, "tie.csv", "party,votes\nA,100\nB,100\nC,10\n")
    result = run("allocate", str(votes), "--seats", "1", "--method", "hare", "--format", "json")
    assert result.exit_code == EXIT_OPEN == 3
    document = json.loads(result.stdout)
    assert set(document["tie"]["options"]) == {"A", "B"}
    assert document["tie"]["seats"] == 1
    assert [question["code"] for question in document["questions"]] == ["tie"]
    assert document["seats"] == {"A": 0, "B": 0, "C": 0}


def test_a_tie_in_the_table_is_shown_open_with_exit_code_3(tmp_path: Path) -> None:
    votes = write(tmp_path, "tie.csv", "party,votes\nA,100\nB,100\n")
    result = run("allocate", str(votes), "--seats", "1", "--method", "dhondt")
    assert result.exit_code == EXIT_OPEN
    assert "OPEN (tie)" in result.stdout
    assert "OPEN TIE between A, B" in result.stdout


def test_registration_order_decides_a_tie(tmp_path: Path) -> None:
    votes = write(tmp_path, "tie.csv", "party,votes,registered_order\nA,100,2\nB,100,1\n")
    result = run("allocate", str(votes), "--seats", "1", "--method", "hare", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["seats"] == {"A": 0, "B": 1}
    assert "tie" not in document


# --- bad input: one line, exit 2 --------------------------------------------------------------


def allocate_file(path: Path, *more: str) -> Result:
    return run("allocate", str(path), "--seats", "5", "--method", "hare", *more)


def test_negative_votes_name_the_file_row_and_field(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,100\nB,-5\n")
    assert_bad_input(allocate_file(votes), str(votes), "row 3", "field 'votes'", "-5")


def test_non_integer_votes_name_the_row_and_field(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,100\nB,12.5\n")
    assert_bad_input(
        allocate_file(votes), "row 3", "field 'votes'", "expected a whole number", "'12.5'"
    )


def test_missing_header_column_is_named(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,count\nA,100\n")
    assert_bad_input(allocate_file(votes), "row 1", "field 'votes'", "missing column")


def test_duplicate_party_is_named(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,100\nB,50\nA,7\n")
    assert_bad_input(allocate_file(votes), "row 4", "field 'party'", "'A' appears twice")


def test_missing_file_is_named(tmp_path: Path) -> None:
    assert_bad_input(allocate_file(tmp_path / "nope.csv"), "nope.csv", "no such file")


def test_zero_seats_is_refused() -> None:
    result = run("allocate", str(LISTS_CSV), "--seats", "0", "--method", "hare")
    assert_bad_input(result, "--seats", "got 0")


def test_unknown_method_is_refused() -> None:
    result = run("allocate", str(LISTS_CSV), "--seats", "5", "--method", "borda")
    assert_bad_input(result, "unknown method 'borda'", "dhondt")


@pytest.mark.parametrize("threshold", ["five", "150%", "-1%"])
def test_bad_threshold_is_refused(threshold: str) -> None:
    result = run(*MAZHILIS_2023_ARGS[:5], "hare", "--threshold", threshold)
    assert_bad_input(result, "--threshold")


def test_unknown_rulebook_is_refused() -> None:
    assert_bad_input(
        run("elect", "kz.nothing@2023-03-19", str(MAZHILIS_JSON)), "unknown rulebook 'kz.nothing'"
    )


def test_rulebook_not_in_force_on_the_date_is_refused() -> None:
    assert_bad_input(
        run("elect", "kz.mazhilis@2026-07-01", str(MAZHILIS_JSON)), "no version in force"
    )


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "lists": {\n    "parties": [,]\n  }\n}\n'
    path = write(tmp_path, "broken.json", text)
    with pytest.raises(json.JSONDecodeError) as broken:
        json.loads(text)
    where = f"line {broken.value.lineno}, column {broken.value.colno}"
    assert where.startswith("line 3,")
    assert_bad_input(run("elect", MAZHILIS_2023_REF, str(path)), str(path), where, "not valid JSON")


def test_district_candidate_of_unknown_party_names_the_path_and_field(tmp_path: Path) -> None:
    path = write_json(
        tmp_path,
        {
            "lists": {"parties": [{"name": "Amanat", "votes": 10}, {"name": "Auyl", "votes": 5}]},
            "contests": [
                {
                    "name": "District 1",
                    "candidates": [
                        {"name": "X", "party": "Amanat", "votes": 3},
                        {"name": "Y", "party": "Nur Otan", "votes": 2},
                    ],
                }
            ],
        },
    )
    assert_bad_input(
        run("elect", MAZHILIS_2023_REF, str(path)),
        str(path),
        "contests[0].candidates[1]",
        "field 'party'",
        "'Nur Otan'",
    )


def test_a_float_vote_in_json_is_refused(tmp_path: Path) -> None:
    path = write_json(
        tmp_path,
        {"contests": [{"name": "Akim", "candidates": [{"name": "X", "votes": 10.5}]}]},
    )
    assert_bad_input(
        run("elect", "kz.akim.district@2023-11-05", str(path)),
        "contests[0].candidates[0].votes",
        "field 'votes'",
        "expected a whole number, got 10.5",
    )


def test_a_negative_vote_in_json_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"lists": {"parties": [{"name": "A", "votes": -1}]}})
    assert_bad_input(
        run("elect", MAZHILIS_2023_REF, str(path)), "lists.parties[0].votes", "0 or more"
    )


def test_an_unknown_field_in_json_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"lists": {"parties": [{"name": "A", "vote": 1}]}})
    assert_bad_input(run("elect", MAZHILIS_2023_REF, str(path)), "lists.parties[0]")


def test_ballots_the_rulebook_cannot_count_are_refused(tmp_path: Path) -> None:
    path = write_json(
        tmp_path, {"referendum": {"question": "Q", "eligible": 10, "participated": 6, "yes": 4}}
    )
    assert_bad_input(run("elect", MAZHILIS_2023_REF, str(path)), "list votes")


def run_installed(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saylau.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_installed_command_bad_csv_is_one_line_without_traceback(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,100\nB,-5\n")
    process = run_installed("allocate", str(votes), "--seats", "5", "--method", "hare")
    assert process.returncode == EXIT_BAD_INPUT
    assert process.stdout == ""
    assert process.stderr.count("\n") == 1
    assert process.stderr.startswith(f"saylau: error: {votes}: row 3, field 'votes':")
    assert "Traceback" not in process.stderr


def test_installed_command_bad_json_is_one_line_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", '{\n  "lists": \n')
    process = run_installed("elect", MAZHILIS_2023_REF, str(path))
    assert process.returncode == EXIT_BAD_INPUT
    assert process.stderr.count("\n") == 1
    assert process.stderr.startswith(f"saylau: error: {path}: line ")
    assert "Traceback" not in process.stderr


def test_a_superscript_digit_in_votes_is_a_located_error(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes\nA,100\nB,²\n")
    assert_bad_input(allocate_file(votes), "row 3", "field 'votes'")


@pytest.mark.parametrize("option", ["--threshold", "--first-divisor"])
def test_an_infinite_number_option_is_a_located_error(option: str) -> None:
    result = run(*MAZHILIS_2023_ARGS[:5], "modified-sainte-lague", option, "inf")
    assert_bad_input(result, option)


@pytest.mark.parametrize("command", ["allocate", "elect"])
def test_a_directory_instead_of_a_file_is_a_located_error(tmp_path: Path, command: str) -> None:
    if command == "allocate":
        result = allocate_file(tmp_path)
    else:
        result = run("elect", MAZHILIS_2023_REF, str(tmp_path))
    assert_bad_input(result, str(tmp_path))


# --- elect ----------------------------------------------------------------------------------


def test_elect_mazhilis_2023_explain_prints_seats_and_trail() -> None:
    result = run("elect", MAZHILIS_2023_REF, str(MAZHILIS_JSON), "--explain")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "kz.mazhilis@2022-11-05" in out
    assert row_of(out, "Amanat")[1:] == ["40", "22", "62"]
    assert row_of(out, "Self-nominated")[1:] == ["0", "7", "7"]
    assert row_of(out, "OSDP")[1:] == ["4", "0", "4"]
    assert "Hare quota = V / S = 86,546.65 (5,971,719 votes, 69 seats)" in out
    assert "seat 68: OSDP" in out
    assert "seat 69: Amanat" in out
    assert "provisional: threshold base" in out


def test_elect_without_explain_prints_no_trail() -> None:
    result = run("elect", MAZHILIS_2023_REF, str(MAZHILIS_JSON))
    assert result.exit_code == 0
    assert "86,546.65" not in result.stdout
    assert row_of(result.stdout, "Amanat")[-1] == "62"


def test_elect_json_parses() -> None:
    result = run("elect", MAZHILIS_2023_REF, str(MAZHILIS_JSON), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["rulebook"] == "kz.mazhilis@2022-11-05"
    assert document["final"] is True
    assert document["seats"]["Amanat"] == 62
    assert document["tiers"]["Mazhilis list tier"]["Amanat"] == 40
    assert len(document["winners"]) == 29
    assert document["questions"] == []
    seats = [step for step in document["trail"] if step["kind"] == "remainder_seat"]
    assert [(step["seat"], step["option"]) for step in seats] == [(68, "OSDP"), (69, "Amanat")]


def test_elect_with_open_questions_exits_3() -> None:
    path = ROOT / "examples" / "kz-referendum-2026.json"
    result = run("elect", "kz.referendum", str(path), "--format", "json")
    assert result.exit_code == EXIT_OPEN
    document = json.loads(result.stdout)
    assert [q["code"] for q in document["questions"]] == ["regions_missing"]
    assert document["decisions"] == {"valid": True, "carried_nationally": True}


def test_elect_table_shows_open_questions() -> None:
    path = ROOT / "examples" / "kz-maslikhat-district-2023.json"
    result = run("elect", "kz.maslikhat.district@2023-03-19", str(path))
    assert result.exit_code == EXIT_OPEN
    assert "OPEN (repeat_election_required) District 3" in result.stdout


# --- rulebooks --------------------------------------------------------------------------------


def test_rulebooks_lists_every_rulebook_with_provisional_marks() -> None:
    result = run("rulebooks")
    assert result.exit_code == 0
    for rulebook in REGISTRY.all():
        assert rulebook.ref in result.stdout
        assert rulebook.title in result.stdout
        for item in rulebook.provisional:
            assert f"PROVISIONAL {item.name}:" in result.stdout
    expected = sum(len(rulebook.provisional) for rulebook in REGISTRY.all())
    assert result.stdout.count("PROVISIONAL ") == expected


def test_rulebooks_json_parses() -> None:
    result = run("rulebooks", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [book["ref"] for book in document] == [book.ref for book in REGISTRY.all()]
    for book in document:
        assert all(p["citation"] for p in book["provisions"])
        assert book["provisional"] == [p["name"] for p in book["provisions"] if p["provisional"]]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--seats", "abc", "--method", "hare"), "'--seats'"),
        (("--seats", "3", "--method", "hare", "--bogus"), "--bogus"),
    ],
    ids=["word-for-a-number", "unknown-option"],
)
def test_a_usage_error_is_one_line_without_traceback(args: tuple[str, ...], says: str) -> None:
    process = run_installed("allocate", "examples/mazhilis-2023-lists.csv", *args)
    assert process.returncode == EXIT_BAD_INPUT
    assert process.stderr.count("\n") == 1
    assert process.stderr.startswith("saylau: error:")
    assert says in process.stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"lists": {"parties": [], "parties": []}}', "appears twice"),
        ("[1]", "expected a JSON object"),
        (
            '{"lists": {"parties": [{"name": "A", "votes": 10}]},'
            ' "lots": {"Nope": {"order": ["A"], "record": "minutes 1"}}}',
            "no contest or tier",
        ),
        (
            '{"lists": {"parties": [{"name": "A", "votes": 10, "registration": 1},'
            ' {"name": "B", "votes": 5, "registration": 1}]}}',
            "registration 1 is also given",
        ),
    ],
    ids=["duplicate-key", "not-an-object", "lots-for-nothing", "same-registration"],
)
def test_a_confusing_election_file_is_a_located_error(
    tmp_path: Path, content: str, says: str
) -> None:
    path = write(tmp_path, "election.json", content)
    process = run_installed("elect", "kz.kurultai@2026-08-01", str(path))
    assert process.returncode == EXIT_BAD_INPUT
    assert process.stderr.count("\n") == 1
    assert process.stderr.startswith(f"saylau: error: {path}:")
    assert says in process.stderr


def test_a_duplicate_header_column_is_a_located_error(tmp_path: Path) -> None:
    votes = write(tmp_path, "votes.csv", "party,votes,votes\nA,1,2\n")
    assert_bad_input(allocate_file(votes), "row 1", "field 'votes'")
