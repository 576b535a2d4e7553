"""NIST SP 1500-100 v2 export: the report validates against NIST's own schema (draft-04, with
its date formats checked), every reference points at an object of a type the schema allows, the
status follows the count, and every vote count is the count's total for that unit."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker
from tiny import DEFINITION, clean_rows, election_dir, write_csv, write_definition

from saylau.count.directory import load
from saylau.count.tally import Count, count_ledger
from saylau.publish.cdf import election_report, party_id

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "nist"
SCHEMA_FILE = SCHEMA / "NIST_V2_election_results_reporting.json"
GENERATED = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

JSON = dict[str, Any]


# -- the schema and its checker -------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> JSON:
    loaded: JSON = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def nist_formats() -> FormatChecker:
    """Draft-04 formats, with ``date`` (RFC 3339 full-date) and ``date-time`` checked by the
    standard library: jsonschema checks ``date-time`` only with an optional package."""
    checker = FormatChecker(Draft4Validator.FORMAT_CHECKER.checkers)

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(DATE.match(value)) and date.fromisoformat(value) is not None

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(DATE_TIME.match(value)) and datetime.fromisoformat(value) is not None

    return checker


@pytest.fixture(scope="module")
def validator(schema: JSON) -> Draft4Validator:
    return Draft4Validator(schema, format_checker=nist_formats())


def problems(validator: Draft4Validator, report: JSON) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:300]}" for e in validator.iter_errors(report)]


# -- counts of the tiny election ------------------------------------------------------------------


def counted(root: Path, rows: list[JSON] | None = None) -> Count:
    return count_ledger(load(election_dir(root, rows)).ledger)


def nothing_counted(root: Path) -> Count:
    write_definition(root / "tiny")
    return count_ledger(load(root / "tiny").ledger)


def without(*precincts: str) -> list[JSON]:
    return [row for row in clean_rows() if row["precinct"] not in precincts]


def scenario(name: str, root: Path) -> Count:
    if name == "complete":
        return counted(root)
    if name == "partial":
        return counted(root, without("P4"))
    return nothing_counted(root)


# -- walking a report -----------------------------------------------------------------------------


def objects(node: Any) -> Iterator[JSON]:
    """Every NIST object in a report, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def references(schema: JSON, report: JSON) -> Iterator[tuple[str, str, list[str]]]:
    """``(property, id, allowed types)`` for every ``...Id``/``...Ids`` value in the report, the
    allowed types read from the schema's ``refTypes``."""
    for node in objects(report):
        definition = schema["definitions"][node["@type"]]
        for name, value in node.items():
            spec = definition["properties"][name]
            allowed = spec.get("refTypes") or spec.get("items", {}).get("refTypes")
            if allowed:
                for target in value if isinstance(value, list) else [value]:
                    yield name, target, allowed


def contests(report: JSON) -> list[JSON]:
    contest_list: list[JSON] = report["Election"][0]["Contest"]
    return contest_list


def contest(report: JSON, contest_id: str, constituency_id: str) -> JSON:
    key = f"contest_{contest_id}_{constituency_id}"
    return next(entry for entry in contests(report) if entry["@id"] == key)


def by_unit(selection: JSON) -> dict[str, int]:
    return {v["GpUnitId"]: v["Count"] for v in selection.get("VoteCounts", [])}


def is_against_all(selection: JSON) -> bool:
    markers = selection.get("ExternalIdentifier", [])
    return any(marker["Value"] == "against_all" for marker in markers)


# -- the official schema --------------------------------------------------------------------------


def test_the_stored_schema_is_nists_draft_04_schema_of_the_election_report(schema: JSON) -> None:
    Draft4Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["$ref"] == "#/definitions/ElectionResults.ElectionReport"


@pytest.mark.parametrize("precincts", [False, True])
@pytest.mark.parametrize("state", ["complete", "partial", "nothing"])
def test_export_validates_against_the_official_nist_schema(
    tmp_path: Path, validator: Draft4Validator, state: str, precincts: bool
) -> None:
    report = election_report(scenario(state, tmp_path), generated=GENERATED, precincts=precincts)
    assert problems(validator, report) == []


def test_the_validator_checks_formats_and_the_report_keeps_to_them(
    tmp_path: Path, validator: Draft4Validator
) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    assert report["Election"][0]["StartDate"] == DEFINITION["date"]
    report["Election"][0]["StartDate"] = "2023-02-30"
    assert any("date" in problem for problem in problems(validator, report))


def test_every_reference_points_at_an_object_of_a_type_the_schema_allows(
    tmp_path: Path, schema: JSON
) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED, precincts=True)
    types = {node["@id"]: node["@type"] for node in objects(report) if "@id" in node}
    found = list(references(schema, report))
    assert {name for name, _, _ in found} >= {
        "ElectionScopeId",
        "ElectionDistrictId",
        "ComposingGpUnitIds",
        "PartyIds",
        "CandidateIds",
        "PartyId",
        "GpUnitId",
    }
    for name, target, allowed in found:
        assert target in types, f"{name} points at {target!r}, which is not in the report"
        assert types[target] in allowed, f"{name} points at a {types[target]}"


# -- ids ------------------------------------------------------------------------------------------


def test_ids_are_unique(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED, precincts=True)
    ids = [node["@id"] for node in objects(report) if "@id" in node]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+_\S+", key) for key in ids)


def test_party_ids_are_distinct_for_distinct_names_in_any_script() -> None:
    names = ["Ak Zhol", "Ak-Zhol", "ak zhol", "Аманат", "Ауыл", "Amanat"]
    ids = [party_id(name) for name in names]
    assert len(set(ids)) == len(names)
    assert ids[0].startswith("party_ak-zhol_")
    assert re.fullmatch(r"party_[0-9a-f]{12}", ids[3])
    assert party_id("Ak Zhol") == ids[0]


def test_ids_stay_the_same_whatever_the_count_has_reached(tmp_path: Path) -> None:
    def ids(report: JSON) -> list[str]:
        return [node["@id"] for node in objects(report) if "@id" in node]

    complete = election_report(counted(tmp_path / "a"), generated=GENERATED)
    partial = election_report(counted(tmp_path / "b", without("P4")), generated=GENERATED)
    empty = election_report(nothing_counted(tmp_path / "c"), generated=GENERATED)
    assert ids(complete) == ids(partial) == ids(empty)
    again = election_report(counted(tmp_path / "d"), generated=GENERATED)
    assert again == complete


# -- status ---------------------------------------------------------------------------------------


def test_a_complete_count_is_unofficial_complete_and_every_contest_completed(
    tmp_path: Path,
) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    assert report["Status"] == "unofficial-complete"
    assert report["Format"] == "summary-contest"
    for entry in contests(report):
        assert entry["CountStatus"] == [
            {"@type": "ElectionResults.CountStatus", "Type": "total", "Status": "completed"}
        ]
        assert entry["SubUnitsReported"] == entry["TotalSubUnits"]


def test_a_partial_count_is_unofficial_partial_with_each_contest_as_far_as_its_protocols(
    tmp_path: Path,
) -> None:
    report = election_report(counted(tmp_path, without("P4")), generated=GENERATED)
    assert report["Status"] == "unofficial-partial"
    status = {entry["@id"]: entry["CountStatus"][0]["Status"] for entry in contests(report)}
    assert status == {
        "contest_lists_ALL": "in-process",
        "contest_districts_D1": "completed",
        "contest_districts_D2": "in-process",
    }
    lists = contest(report, "lists", "ALL")
    assert (lists["SubUnitsReported"], lists["TotalSubUnits"]) == (5, 6)
    units = {unit["@id"]: unit for unit in report["GpUnit"]}
    assert (units["unit_R2-A"]["SubUnitsReported"], units["unit_R2-A"]["TotalSubUnits"]) == (2, 3)


def test_before_the_first_protocol_the_report_is_pre_election_and_has_no_counts(
    tmp_path: Path,
) -> None:
    report = election_report(nothing_counted(tmp_path), generated=GENERATED)
    assert report["Status"] == "pre-election"
    assert "BallotCounts" not in report["Election"][0]
    for entry in contests(report):
        assert entry["CountStatus"][0]["Status"] == "not-processed"
        assert all(selection["VoteCounts"] == [] for selection in entry["ContestSelection"])


def test_the_count_never_certifies(tmp_path: Path) -> None:
    statuses = {
        election_report(scenario(state, tmp_path / state), generated=GENERATED)["Status"]
        for state in ("complete", "partial", "nothing")
    }
    assert statuses == {"unofficial-complete", "unofficial-partial", "pre-election"}


def test_a_unit_gets_counts_only_once_one_of_its_protocols_is_in(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path, without("P1", "P2", "P3")), generated=GENERATED)
    assert all(
        s["VoteCounts"] == [] for s in contest(report, "districts", "D1")["ContestSelection"]
    )
    amanat = contest(report, "lists", "ALL")["ContestSelection"][0]
    assert set(by_unit(amanat)) == {"constituency_lists_ALL", "unit_R2", "unit_R2-A"}


# -- the figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["complete", "partial"])
def test_vote_counts_equal_the_counts_totals_by_constituency(tmp_path: Path, state: str) -> None:
    count = scenario(state, tmp_path)
    report = election_report(count, generated=GENERATED)
    for c in DEFINITION["contests"]:
        totals = count.totals(c["id"], "constituency")
        for row, constituency in enumerate(totals.ids):
            selections = contest(report, c["id"], constituency)["ContestSelection"]
            gp = f"constituency_{c['id']}_{constituency}"
            named = [by_unit(s)[gp] for s in selections if not is_against_all(s)]
            assert named == list(totals.named_votes(row).values())
            against = next(s for s in selections if is_against_all(s))
            assert by_unit(against)[gp] == int(totals.field("against_all")[row])


@pytest.mark.parametrize("level", ["region", "district"])
def test_list_vote_counts_equal_the_counts_totals_by_region_and_district(
    tmp_path: Path, level: str
) -> None:
    count = counted(tmp_path, without("P4"))
    report = election_report(count, generated=GENERATED)
    selections = contest(report, "lists", "ALL")["ContestSelection"]
    totals = count.totals("lists", level)
    for row, unit in enumerate(totals.ids):
        gp = f"unit_{unit}"
        named = [by_unit(s)[gp] for s in selections if not is_against_all(s)]
        assert named == list(totals.named_votes(row).values())
        against = next(s for s in selections if is_against_all(s))
        assert by_unit(against)[gp] == int(totals.field("against_all")[row])


def test_candidate_vote_counts_by_district_add_up_to_the_constituency(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    for selection in contest(report, "districts", "D1")["ContestSelection"]:
        counts = by_unit(selection)
        assert set(counts) == {"constituency_districts_D1", "unit_R1-A", "unit_R1-B"}
        assert counts["unit_R1-A"] + counts["unit_R1-B"] == counts["constituency_districts_D1"]
    # District 2 lies within one region and one district: no breakdown to give.
    for selection in contest(report, "districts", "D2")["ContestSelection"]:
        assert set(by_unit(selection)) == {"constituency_districts_D2"}


def test_precinct_vote_counts_equal_the_counts_totals_by_precinct(tmp_path: Path) -> None:
    count = counted(tmp_path, without("P4"))
    report = election_report(count, generated=GENERATED, precincts=True)
    assert report["Format"] == "precinct-level"
    for c in DEFINITION["contests"]:
        totals = count.totals(c["id"], "precinct")
        entries = [
            entry for entry in contests(report) if entry["@id"].startswith(f"contest_{c['id']}_")
        ]
        seen: dict[str, list[int]] = {}
        for entry in entries:
            for selection in entry["ContestSelection"]:
                if is_against_all(selection):
                    continue
                for gp, value in by_unit(selection).items():
                    if gp.startswith("precinct_"):
                        seen.setdefault(gp.removeprefix("precinct_"), []).append(value)
        expected = {
            precinct: list(totals.named_votes(row).values())
            for row, precinct in enumerate(totals.ids)
            if totals.protocols_in[row] > 0
        }
        assert seen == expected


def test_counts_are_integers(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED, precincts=True)
    for node in objects(report):
        for name in ("Count", "BallotsCast", "BallotsRejected", "SubUnitsReported"):
            if name in node:
                assert type(node[name]) is int


def test_ballots_cast_and_invalid_ballots_are_ballot_counts_of_each_constituency(
    tmp_path: Path,
) -> None:
    count = counted(tmp_path, without("P4"))
    report = election_report(count, generated=GENERATED)
    ballots = {entry["GpUnitId"]: entry for entry in report["Election"][0]["BallotCounts"]}
    for c in DEFINITION["contests"]:
        totals = count.totals(c["id"], "constituency")
        for row, constituency in enumerate(totals.ids):
            entry = ballots.pop(f"constituency_{c['id']}_{constituency}")
            invalid = int(totals.field("invalid")[row])
            against_all = int(totals.field("against_all")[row])
            votes = sum(totals.named_votes(row).values())
            assert entry["Type"] == "total"
            assert entry["BallotsRejected"] == invalid
            assert entry["BallotsCast"] == votes + against_all + invalid
    assert ballots == {}


# -- the structure --------------------------------------------------------------------------------


def test_a_candidate_contest_per_single_member_constituency(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    candidate_contests = [e for e in contests(report) if e["@type"].endswith("CandidateContest")]
    districts = next(c for c in DEFINITION["contests"] if c["id"] == "districts")
    assert [e["ElectionDistrictId"] for e in candidate_contests] == [
        f"constituency_districts_{k['id']}" for k in districts["constituencies"]
    ]
    candidates = {c["@id"]: c for c in report["Election"][0]["Candidate"]}
    parties = {p["@id"]: p["Name"]["Text"][0]["Content"] for p in report["Party"]}
    for entry, constituency in zip(candidate_contests, districts["constituencies"], strict=True):
        assert (entry["NumberElected"], entry["VotesAllowed"]) == (1, 1)
        *named, against = entry["ContestSelection"]
        assert is_against_all(against)
        assert against["@type"] == "ElectionResults.BallotMeasureSelection"
        for selection, option in zip(named, constituency["options"], strict=True):
            (candidate,) = (candidates[key] for key in selection["CandidateIds"])
            assert candidate["BallotName"]["Text"][0]["Content"] == option["name"]
            assert parties.get(candidate.get("PartyId", "")) == option["party"]


def test_the_list_constituency_is_a_party_contest_with_against_all_last(tmp_path: Path) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    entry = contest(report, "lists", "ALL")
    assert entry["@type"] == "ElectionResults.PartyContest"
    parties = {p["@id"]: p["Name"]["Text"][0]["Content"] for p in report["Party"]}
    *named, against = entry["ContestSelection"]
    options = DEFINITION["contests"][0]["constituencies"][0]["options"]
    assert [parties[s["PartyIds"][0]] for s in named] == [o["name"] for o in options]
    assert [s["SequenceOrder"] for s in entry["ContestSelection"]] == [1, 2, 3, 4]
    assert against["Selection"]["Text"][0] == {
        "@type": "ElectionResults.LanguageString",
        "Content": "Against all",
        "Language": "en",
    }


def test_the_territory_is_a_tree_of_reporting_units_under_the_election_scope(
    tmp_path: Path,
) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    units = {unit["@id"]: unit for unit in report["GpUnit"]}
    scope = units[report["Election"][0]["ElectionScopeId"]]
    assert scope["Type"] == "country"
    assert scope["ComposingGpUnitIds"] == ["unit_R1", "unit_R2"]
    assert units["unit_R1"]["OtherType"] == "region"
    assert units["unit_R1"]["ComposingGpUnitIds"] == ["unit_R1-A", "unit_R1-B"]
    assert units["unit_R1-A"]["OtherType"] == "district"
    assert units["constituency_districts_D1"]["ComposingGpUnitIds"] == ["unit_R1"]
    assert not any(unit["Type"] == "precinct" for unit in report["GpUnit"])


def test_a_constituency_of_single_precincts_lists_them_only_when_they_are_exported(
    tmp_path: Path, validator: Draft4Validator
) -> None:
    definition = copy.deepcopy(DEFINITION)
    definition["contests"][1]["constituencies"][1]["covers"] = ["P4", "P5", "P6"]
    directory = tmp_path / "tiny"
    write_definition(directory, definition)
    write_csv(directory / "protocols" / "entry.csv", clean_rows())
    count = count_ledger(load(directory).ledger)
    for precincts, composing in [
        (False, None),
        (True, ["precinct_P4", "precinct_P5", "precinct_P6"]),
    ]:
        report = election_report(count, generated=GENERATED, precincts=precincts)
        units = {unit["@id"]: unit for unit in report["GpUnit"]}
        assert units["constituency_districts_D2"].get("ComposingGpUnitIds") == composing
        assert problems(validator, report) == []


def test_the_report_header_names_the_issuer_the_software_and_a_synthetic_election(
    tmp_path: Path,
) -> None:
    report = election_report(counted(tmp_path), generated=GENERATED)
    assert (report["Issuer"], report["IssuerAbbreviation"]) == ("Nation", "KZ")
    assert re.fullmatch(r"saylau \S+", report["VendorApplicationId"])
    assert (report["SequenceStart"], report["SequenceEnd"]) == (1, 1)
    assert report["IsTest"] is True
    assert report["Election"][0]["Type"] == "general"
    named = election_report(
        counted(tmp_path / "again"), generated=GENERATED, issuer="CEC", issuer_abbreviation="CEC"
    )
    assert (named["Issuer"], named["IssuerAbbreviation"]) == ("CEC", "CEC")


def test_the_generated_date_keeps_its_zone_and_drops_fractions_of_a_second(
    tmp_path: Path,
) -> None:
    count = counted(tmp_path)
    almaty = timezone(timedelta(hours=5))
    moment = datetime(2023, 3, 20, 8, 30, 15, 123456, tzinfo=almaty)
    assert election_report(count, generated=moment)["GeneratedDate"] == "2023-03-20T08:30:15+05:00"
    with pytest.raises(ValueError, match="time zone"):
        election_report(count, generated=datetime(2023, 3, 20, 8, 30))
