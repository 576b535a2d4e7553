"""Helpers for the page tests: election directories over the tiny election of
``tests/count/tiny.py``, and a hostile name to escape."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from tiny import DEFINITION, clean_rows, write_csv, write_definition

ESCAPE_ME = '<b>&"x"'
"""A hostile name: markup, an ampersand and quotes."""


def election_directory(
    root: Path,
    rows: list[dict[str, Any]] | None = None,
    definition: dict[str, Any] | None = None,
) -> Path:
    """An election directory: the definition (tiny's by default) and one protocol file (the
    clean rows by default)."""
    directory = root / "election"
    write_definition(directory, definition or DEFINITION)
    write_csv(directory / "protocols" / "a.csv", clean_rows() if rows is None else rows)
    return directory


def hostile_definition() -> dict[str, Any]:
    """Tiny's definition with the hostile name in the election, a region, a precinct, a list,
    a candidate and a district."""
    definition = copy.deepcopy(DEFINITION)
    definition["name"] = f"Election {ESCAPE_ME}"
    definition["territory"][1]["name"] = f"North {ESCAPE_ME}"
    definition["precincts"][0]["name"] = f"School {ESCAPE_ME}"
    definition["contests"][0]["constituencies"][0]["options"][2]["name"] = f"Auyl {ESCAPE_ME}"
    definition["contests"][1]["constituencies"][0]["options"][0]["name"] = ESCAPE_ME
    definition["contests"][1]["constituencies"][1]["name"] = f"District {ESCAPE_ME}"
    return definition
