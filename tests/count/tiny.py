"""A tiny election for count tests: two regions, three districts, six precincts.

It elects the Astana-style city maslikhat (``kz.maslikhat.oblast``: 4 list seats and two
single-member districts) on two ballots. Every protocol of :func:`clean_rows` passes every
check.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

DEFINITION: dict[str, Any] = {
    "format": "saylau.election/1",
    "id": "tiny",
    "name": "A tiny test election",
    "date": "2023-03-19",
    "synthetic": True,
    "territory": [
        {"id": "KZ", "name": "Nation", "level": "nation"},
        {"id": "R1", "name": "North", "level": "region", "parent": "KZ"},
        {"id": "R2", "name": "South", "level": "region", "parent": "KZ"},
        {"id": "R1-A", "name": "North A", "level": "district", "parent": "R1"},
        {"id": "R1-B", "name": "North B", "level": "district", "parent": "R1"},
        {"id": "R2-A", "name": "South A", "level": "district", "parent": "R2"},
    ],
    "precincts": [
        {"id": "P1", "name": "School 1", "parent": "R1-A", "voters": 1000},
        {"id": "P2", "name": "School 2", "parent": "R1-A", "voters": 800},
        {"id": "P3", "name": "School 3", "parent": "R1-B", "voters": 1200},
        {"id": "P4", "name": "School 4", "parent": "R2-A", "voters": 900},
        {"id": "P5", "name": "School 5", "parent": "R2-A", "voters": 1100},
        {"id": "P6", "name": "School 6", "parent": "R2-A", "voters": 700},
    ],
    "contests": [
        {
            "id": "lists",
            "name": "Maslikhat: party lists",
            "ballot": "lists",
            "constituencies": [
                {
                    "id": "ALL",
                    "name": "City-wide",
                    "covers": ["KZ"],
                    "options": [
                        {"name": "Amanat", "registration": 1},
                        {"name": "Ak Zhol", "registration": 2},
                        {"name": "Auyl", "registration": 3},
                    ],
                }
            ],
        },
        {
            "id": "districts",
            "name": "Maslikhat: single-member districts",
            "ballot": "candidates",
            "constituencies": [
                {
                    "id": "D1",
                    "name": "District 1",
                    "covers": ["R1"],
                    "options": [
                        {"name": "Aida Amanova", "party": "Amanat"},
                        {"name": "Bolat Bekov", "party": None},
                    ],
                },
                {
                    "id": "D2",
                    "name": "District 2",
                    "covers": ["R2"],
                    "options": [
                        {"name": "Dana Dosova", "party": "Ak Zhol"},
                        {"name": "Erlan Esov", "party": "Amanat"},
                        {"name": "Gulnar Gabit", "party": None},
                    ],
                },
            ],
        },
    ],
    "bodies": [
        {
            "id": "maslikhat",
            "name": "City maslikhat",
            "rulebook": "kz.maslikhat.oblast",
            "lists": "lists",
            "districts": "districts",
            "list_seats": 4,
        }
    ],
}

VOTES = {
    # precinct: (list lines, district lines)
    "P1": ([300, 100, 50], [320, 110]),
    "P2": ([250, 80, 60], [260, 120]),
    "P3": ([400, 150, 40], [380, 190]),
    "P4": ([200, 180, 30], [190, 200, 20]),
    "P5": ([260, 160, 90], [240, 230, 40]),
    "P6": ([150, 90, 20], [100, 140, 20]),
}


def protocol(precinct: str, contest: str, lines: list[int], **changes: Any) -> dict[str, Any]:
    """A protocol that passes every check: nobody added, no mobile box, 1% invalid or so."""
    voters = next(p["voters"] for p in DEFINITION["precincts"] if p["id"] == precinct)
    valid = sum(lines) + 10
    invalid = 2
    found = valid + invalid
    row: dict[str, Any] = {
        "precinct": precinct,
        "contest": contest,
        "registered": voters,
        "added": 0,
        "received": found + 100,
        "issued_in_room": found,
        "issued_outside": 0,
        "issued_absentee": 0,
        "cancelled": 100,
        "found_stationary": found,
        "found_mobile": 0,
        "invalid": invalid,
        "against_all": 10,
    }
    for k, votes in enumerate(lines, start=1):
        row[f"line_{k}"] = votes
    row.update(changes)
    return row


def clean_rows() -> list[dict[str, Any]]:
    rows = []
    for precinct, (lists, districts) in VOTES.items():
        rows.append(protocol(precinct, "lists", lists))
        rows.append(protocol(precinct, "districts", districts))
    return rows


def write_definition(directory: Path, definition: dict[str, Any] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "election.json"
    path.write_text(json.dumps(definition or DEFINITION, indent=1), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if columns is None:
        columns = []
        for row in rows:
            columns += [key for key in row if key not in columns]
        lines = sorted((c for c in columns if c.startswith("line_")), key=lambda c: int(c[5:]))
        columns = [c for c in columns if not c.startswith("line_")] + lines
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def election_dir(root: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    """A directory with the definition and one protocol file (the clean rows by default)."""
    directory = root / "tiny"
    write_definition(directory)
    write_csv(directory / "protocols" / "entry.csv", clean_rows() if rows is None else rows)
    return directory


# -- helpers for the count tests (additive) ---------------------------------------------------


def balanced(
    precinct: str,
    contest: str,
    lines: list[int],
    *,
    invalid: int = 2,
    against_all: int = 10,
    outside: int = 0,
    **changes: Any,
) -> dict[str, Any]:
    """A protocol whose control relations hold for any votes: ballots issued and found equal
    invalid + valid, ``outside`` of them issued outside the room and found in the mobile box,
    100 cancelled. ``changes`` are applied last."""
    counted = sum(lines) + against_all + invalid
    row = protocol(precinct, contest, lines)
    row.update(
        invalid=invalid,
        against_all=against_all,
        received=counted + 100,
        issued_in_room=counted - outside,
        issued_outside=outside,
        found_stationary=counted - outside,
        found_mobile=outside,
    )
    row.update(changes)
    return row


def definition_copy() -> dict[str, Any]:
    """A deep copy of :data:`DEFINITION` to change in a test."""
    copied: dict[str, Any] = json.loads(json.dumps(DEFINITION))
    return copied


def slot_of(election: Any, precinct: str, contest: str) -> int:
    """The expected-protocol number of (precinct, contest) in a compiled election."""
    import numpy as np

    slots = election.slots_of(
        np.array([election.precinct_index[precinct]]),
        np.array([election.contest_index[contest]]),
    )
    return int(slots[0])
