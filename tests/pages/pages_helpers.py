"""Helpers for the page tests: election directories over the tiny election of
``tests/count/tiny.py``, and a hostile name to escape."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from tiny import DEFINITION, clean_rows, write_csv, write_definition

from saylau.service.pages import pages_router
from saylau.service.sources import DirectorySource

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


def pages_app(*directories: Path) -> FastAPI:
    """An application with nothing but the public pages over the given directories."""
    app = FastAPI()
    app.include_router(pages_router(DirectorySource(directories)))
    return app


def client_of(*directories: Path) -> TestClient:
    return TestClient(pages_app(*directories))


class Tables(HTMLParser):
    """Every table of a page as rows of cell texts (spaces and line breaks collapsed; a
    no-break space kept), keyed by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table is not None and self._cell is not None:
            text = re.sub(r"[ \t\r\n]+", " ", "".join(self._cell))
            self._table[-1].append(text.strip(" "))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables
