"""The whole pipeline on the synthetic 2023 election, through the command line: generate,
count, publish. The official 2023 list seats must come out at the end.

The synthetic election is small (600 stations) but keeps the official national totals exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from saylau.cli import EXIT_BLOCKED, app

ROOT = Path(__file__).resolve().parent
OFFICIAL = json.loads((ROOT / "data" / "kz-official-results.json").read_text(encoding="utf-8"))
SCHEMA = ROOT / "data" / "nist" / "NIST_V2_election_results_reporting.json"
runner = CliRunner()


def official(election_id: str) -> dict[str, int]:
    entry = next(e for e in OFFICIAL["elections"] if e["id"] == election_id)
    return {row["name"]: row["seats"] for row in entry["rows"] if row["seats"] is not None}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pipeline") / "kz-2023"
    done = runner.invoke(
        app, ["generate", "kz-2023", str(directory), "--seed", "7", "--precincts", "600"]
    )
    assert done.exit_code == 0, done.stdout + done.stderr
    return directory


@pytest.fixture(scope="module")
def counted(generated: Path) -> dict:
    out = generated.parent / "results.json"
    cdf = generated.parent / "cdf.json"
    done = runner.invoke(
        app, ["count", str(generated), "--out", str(out), "--cdf", str(cdf), "--quiet"]
    )
    assert done.exit_code == 0, done.stdout + done.stderr
    return {"results": json.loads(out.read_text()), "cdf": json.loads(cdf.read_text())}


def test_the_synthetic_election_gives_the_official_2023_list_seats(counted: dict) -> None:
    mazhilis = next(b for b in counted["results"]["bodies"] if b["id"] == "mazhilis")
    list_tier = mazhilis["result"]["tiers"]["Mazhilis list tier"]
    published = official("KZ-MAZHILIS-2023-LIST")
    by_short_name = {
        "Amanat": "Amanat",
        "Auyl": "Auyl (People's Democratic Patriotic Party)",
        "Respublica": "Respublica",
        "Ak Zhol": "Ak Zhol Democratic Party",
        "QHP": "People's Party of Kazakhstan (QHP)",
        "OSDP": "Nationwide Social Democratic Party (OSDP/JSDP)",
        "Baytaq": "Baytaq Green Party",
    }
    assert {by_short_name[p]: n for p, n in list_tier.items()} == published


def test_the_whole_house_is_62_amanat_and_7_self_nominated(counted: dict) -> None:
    mazhilis = next(b for b in counted["results"]["bodies"] if b["id"] == "mazhilis")
    assert mazhilis["provisional"] is False
    seats = mazhilis["result"]["seats"]
    assert sum(seats.values()) == 98
    assert seats["Amanat"] == 62
    assert seats["Self-nominated"] == 7


def test_every_body_is_final_and_every_protocol_accepted(counted: dict) -> None:
    results = counted["results"]
    assert results["status"] == "complete"
    assert results["checks"]["accepted"] == results["checks"]["protocols_expected"]
    assert all(not body["provisional"] for body in results["bodies"])


def test_the_nist_export_of_the_count_validates_against_the_official_schema(
    counted: dict,
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(counted["cdf"])
    assert counted["cdf"]["Status"] == "unofficial-complete"


def test_the_report_is_written(generated: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    done = runner.invoke(app, ["report", str(generated), "-o", str(report), "--quiet"])
    assert done.exit_code == 0, done.stdout + done.stderr
    page = report.read_text(encoding="utf-8")
    assert "SYNTHETIC" in page
    assert "<svg" in page


def test_injected_defects_hold_protocols_back_and_exit_4(tmp_path: Path) -> None:
    directory = tmp_path / "defects"
    done = runner.invoke(
        app,
        [
            "generate",
            "kz-2023",
            str(directory),
            "--precincts",
            "600",
            "--inject",
            "check-error",
            "--inject",
            "double-entry",
            "--inject",
            "stuffing",
        ],
    )
    assert done.exit_code == 0, done.stdout + done.stderr
    done = runner.invoke(app, ["count", str(directory), "--quiet"])
    assert done.exit_code == EXIT_BLOCKED
    assert "E-BALLOTS-RECEIVED" in done.stderr
    assert "D-DOUBLE-ENTRY" in done.stderr
    assert "W-TURNOUT-HIGH" in done.stderr
