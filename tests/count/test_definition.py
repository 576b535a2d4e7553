"""The election definition is checked as a whole: every reference resolves, every precinct is
in at most one constituency per contest, every constituency has precincts, ids are unique; each
problem is an InputError naming the file, the path in the document and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tiny import DEFINITION, definition_copy, write_definition

from saylau.count.definition import Level, parse_definition, read_definition
from saylau.count.errors import InputError

Definition = dict[str, Any]
SOURCE = "elections/tiny/election.json"


def refused(definition: Definition) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_definition(json.dumps(definition), SOURCE)
    return caught.value


def changed(change: Callable[[Definition], None]) -> Definition:
    definition = definition_copy()
    change(definition)
    return definition


def set_path(*path: Any, value: Any) -> Callable[[Definition], None]:
    def change(definition: Definition) -> None:
        target = definition
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def add_empty_district(definition: Definition) -> None:
    definition["territory"].append(
        {"id": "R2-B", "name": "South B", "level": "district", "parent": "R2"}
    )
    definition["contests"][1]["constituencies"].append(
        {"id": "D3", "name": "District 3", "covers": ["R2-B"], "options": [{"name": "X"}]}
    )


def two_list_constituencies(definition: Definition) -> None:
    lists = definition["contests"][0]["constituencies"]
    lists[0]["covers"] = ["R1"]
    lists.append({**lists[0], "id": "SOUTH", "name": "South", "covers": ["R2"]})


CASES: dict[str, tuple[Callable[[Definition], None], str, str, tuple[str, ...]]] = {
    # name: (change, where, field, words the message must contain)
    "unknown parent of a unit": (
        set_path("territory", 3, "parent", value="R9"),
        "territory[3]",
        "parent",
        ("'R9'",),
    ),
    "unknown parent of a precinct": (
        set_path("precincts", 2, "parent", value="R9"),
        "precincts[2]",
        "parent",
        ("'R9'",),
    ),
    "a unit at the wrong level": (
        set_path("territory", 3, "parent", value="KZ"),  # a district right under the nation
        "territory[3]",
        "level",
        ("district", "nation"),
    ),
    "a region with no parent": (
        set_path("territory", 1, "parent", value=None),
        "territory[1]",
        "parent",
        ("nation",),
    ),
    "a precinct in two constituencies of one contest": (
        set_path("contests", 1, "constituencies", 1, "covers", value=["R2", "P1"]),
        "contests[1].constituencies[1]",
        "covers",
        ("'P1'", "'D1'", "'districts'"),
    ),
    "a constituency covering no precinct": (
        add_empty_district,
        "contests[1].constituencies[2]",
        "covers",
        ("no precincts",),
    ),
    "a constituency covering an unknown unit": (
        set_path("contests", 1, "constituencies", 0, "covers", value=["R1", "R7"]),
        "contests[1].constituencies[0]",
        "covers",
        ("'R7'",),
    ),
    "an unknown rulebook": (
        set_path("bodies", 0, "rulebook", value="kz.no-such-body"),
        "bodies[0]",
        "rulebook",
        ("kz.no-such-body",),
    ),
    "a rulebook not in force on the date": (
        set_path("date", value="2001-01-01"),
        "bodies[0]",
        "rulebook",
        ("kz.maslikhat.oblast",),
    ),
    "a body naming a candidates contest as lists": (
        set_path("bodies", 0, "lists", value="districts"),
        "bodies[0]",
        "lists",
        ("'districts'", "lists"),
    ),
    "a body naming a lists contest as districts": (
        set_path("bodies", 0, "districts", value="lists"),
        "bodies[0]",
        "districts",
        ("'lists'", "candidates"),
    ),
    "a body naming an unknown contest": (
        set_path("bodies", 0, "districts", value="senate"),
        "bodies[0]",
        "districts",
        ("'senate'",),
    ),
    "a body counting no contest": (
        lambda d: d["bodies"][0].update(lists=None, districts=None),
        "bodies[0]",
        "lists",
        (),
    ),
    "a list contest with two constituencies": (
        two_list_constituencies,
        "bodies[0]",
        "lists",
        ("one constituency",),
    ),
    "two constituencies of a contest with one name": (
        set_path("contests", 1, "constituencies", 1, "name", value="District 1"),
        "contests[1].constituencies[1]",
        "name",
        ("'District 1'",),
    ),
    "a candidate of a party that has no list": (
        set_path("contests", 1, "constituencies", 0, "options", 0, "party", value="Amanat "),
        "contests[1].constituencies[0].options[0]",
        "party",
        ("'Amanat '", "Ak Zhol, Amanat, Auyl"),
    ),
    "a duplicate unit id": (
        set_path("territory", 4, "id", value="R1-A"),
        "territory[4]",
        "id",
        ("'R1-A'",),
    ),
    "a duplicate precinct id": (
        set_path("precincts", 1, "id", value="P1"),
        "precincts[1]",
        "id",
        ("'P1'",),
    ),
    "a duplicate contest id": (
        set_path("contests", 1, "id", value="lists"),
        "contests[1]",
        "id",
        ("'lists'",),
    ),
    "a duplicate body id": (
        lambda d: d["bodies"].append(dict(d["bodies"][0])),
        "bodies[1]",
        "id",
        ("'maslikhat'",),
    ),
    "a duplicate constituency id in a contest": (
        set_path("contests", 1, "constituencies", 1, "id", value="D1"),
        "contests[1].constituencies[1]",
        "id",
        ("'D1'",),
    ),
    "a precinct with a unit's id": (
        set_path("precincts", 0, "id", value="R1-B"),
        "precincts",
        "id",
        ("'R1-B'",),
    ),
    "an option listed twice on a ballot": (
        set_path("contests", 0, "constituencies", 0, "options", 2, "name", value="Amanat"),
        "contests[0].constituencies[0].options[2]",
        "name",
        ("'Amanat'",),
    ),
    "a party list with a party field": (
        set_path("contests", 0, "constituencies", 0, "options", 0, "party", value="Amanat"),
        "contests[0].constituencies[0].options[0]",
        "party",
        (),
    ),
    "a negative voter list": (
        set_path("precincts", 3, "voters", value=-1),
        "precincts[3]",
        "voters",
        (),
    ),
    "a voter list given as text": (
        set_path("precincts", 3, "voters", value="900"),
        "precincts[3]",
        "voters",
        (),
    ),
    "an unknown key": (
        set_path("precincts", 3, "electors", value=900),
        "precincts[3]",
        "electors",
        (),
    ),
    "an unknown ballot kind": (
        set_path("contests", 1, "ballot", value="people"),
        "contests[1]",
        "ballot",
        (),
    ),
    "an unknown format": (
        set_path("format", value="saylau.election/2"),
        "",
        "format",
        ("saylau.election/1",),
    ),
}


def test_the_tiny_definition_is_sound() -> None:
    election = parse_definition(json.dumps(DEFINITION), SOURCE)
    assert election.expected == 12  # six precincts, two ballots each
    assert election.id == "tiny"
    assert [k.id for _, k in election.constituencies] == ["ALL", "D1", "D2"]
    assert election.option_counts.tolist() == [3, 2, 3]
    p4 = election.precinct_index["P4"]
    assert election.precinct_ancestors[Level.REGION][p4] == election.unit_index["R2"]
    assert election.precinct_ancestors[Level.DISTRICT][p4] == election.unit_index["R2-A"]


def test_a_precinct_is_in_the_constituency_covering_one_of_its_ancestors() -> None:
    election = parse_definition(json.dumps(DEFINITION), SOURCE)
    precincts = np.array([election.precinct_index[p] for p in ("P1", "P3", "P4", "P6")])
    districts = np.full(4, election.contest_index["districts"])
    slots = election.slots_of(precincts, districts)
    names = [election.constituencies[k][1].id for k in election.slot_constituency[slots]]
    assert names == ["D1", "D1", "D2", "D2"]


def test_a_constituency_may_cover_precincts_by_id() -> None:
    definition = changed(set_path("contests", 1, "constituencies", 1, "covers", value=["P4"]))
    election = parse_definition(json.dumps(definition), SOURCE)
    assert election.expected == 6 + 3 + 1  # P5 and P6 do not vote on the districts ballot
    p6 = np.array([election.precinct_index["P6"]])
    assert election.slots_of(p6, np.array([election.contest_index["districts"]])).tolist() == [-1]


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_definition_is_refused_naming_the_path_and_field(case: str) -> None:
    change, where, field, words = CASES[case]
    error = refused(changed(change))
    assert (error.file, error.where, error.field) == (SOURCE, where, field)
    text = str(error)
    assert text.startswith(f"{SOURCE}: ")
    assert where in text
    assert f"field '{field}'" in text
    for word in words:
        assert word in error.message, error.message


def test_a_definition_that_is_not_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "election.json"
    path.write_text('{"format": "saylau.election/1",\n "id": tiny}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_definition(path)
    assert caught.value.file == str(path)
    assert caught.value.where.startswith("line 2, column ")


def test_reading_a_directory_reads_its_election_json(tmp_path: Path) -> None:
    directory = tmp_path / "tiny"
    write_definition(directory, changed(set_path("bodies", 0, "rulebook", value="kz.nope")))
    with pytest.raises(InputError) as caught:
        read_definition(directory)
    assert caught.value.file == str(directory / "election.json")
    assert (caught.value.where, caught.value.field) == ("bodies[0]", "rulebook")


def test_a_missing_definition_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_definition(tmp_path)
    assert caught.value.file == str(tmp_path / "election.json")


def test_a_dated_rulebook_reference_is_accepted() -> None:
    definition = changed(set_path("bodies", 0, "rulebook", value="kz.maslikhat.oblast@2023-03-19"))
    election = parse_definition(json.dumps(definition), SOURCE)
    assert election.rulebook_of(election.file.bodies[0]).id == "kz.maslikhat.oblast"


def test_the_slot_of_one_pair_is_the_slot_of_the_pair_among_many() -> None:
    definition = changed(set_path("contests", 1, "constituencies", 1, "covers", value=["P4"]))
    election = parse_definition(json.dumps(definition), SOURCE)
    pairs = [(p, c) for p in range(len(election.file.precincts)) for c in (0, 1)]
    many = election.slots_of(np.array([p for p, _ in pairs]), np.array([c for _, c in pairs]))
    assert [election.slot_of(p, c) for p, c in pairs] == many.tolist()
    assert -1 in many.tolist()
