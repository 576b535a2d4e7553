"""Reading a votes table from CSV: ``party,votes`` with optional ``registered_order`` and
``candidates`` columns."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from saylau.count.errors import InputError, read_text

REQUIRED = ("party", "votes")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
OPTIONAL = ("registered_order", "candidates")


@dataclass(frozen=True)
class VotesTable:
    """Votes per party, with registration order and list lengths where the file gives them."""

    votes: dict[str, int]
    registration: dict[str, int] = field(default_factory=dict)
    candidates: dict[str, int] = field(default_factory=dict)


def _whole_number(text: str, file: str, row: int, column: str, minimum: int) -> int:
    value = text.strip()
    if not WHOLE_NUMBER.fullmatch(value):
        raise InputError(file, f"row {row}", column, f"expected a whole number, got {text!r}")
    number = int(value)
    if number < minimum:
        raise InputError(
            file,
            f"row {row}",
            column,
            f"expected a whole number of {minimum} or more, got {number}",
        )
    return number


def read_votes_csv(path: Path) -> VotesTable:
    """Read and check a votes file; any error names the row and column, and nothing is kept."""
    file = str(path)
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError(file, "row 1", "", "the file is empty; expected the header party,votes")
    columns = [name.strip() for name in header]
    for name in REQUIRED:
        if name not in columns:
            raise InputError(
                file,
                "row 1",
                name,
                f"missing column; the header must have {', '.join(REQUIRED)}"
                f" (optionally {', '.join(OPTIONAL)}), got {', '.join(columns)}",
            )
    twice = [c for c in columns if columns.count(c) > 1]
    if twice:
        raise InputError(file, "row 1", twice[0], "the column appears twice in the header")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise InputError(
            file, "row 1", unknown[0], f"unknown column; expected {', '.join(REQUIRED + OPTIONAL)}"
        )
    table = VotesTable({})
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(
                file, f"row {row_number}", "", f"expected {len(columns)} cells, got {len(cells)}"
            )
        row = dict(zip(columns, cells, strict=True))
        party = row["party"].strip()
        if not party:
            raise InputError(file, f"row {row_number}", "party", "the party name is empty")
        if party in table.votes:
            raise InputError(
                file,
                f"row {row_number}",
                "party",
                f"{party!r} appears twice; expected one row per party",
            )
        table.votes[party] = _whole_number(row["votes"], file, row_number, "votes", 0)
        if row.get("registered_order", "").strip():
            table.registration[party] = _whole_number(
                row["registered_order"], file, row_number, "registered_order", 1
            )
        if row.get("candidates", "").strip():
            table.candidates[party] = _whole_number(
                row["candidates"], file, row_number, "candidates", 0
            )
    if not table.votes:
        raise InputError(file, "", "", "no party rows after the header")
    orders = list(table.registration.values())
    if len(set(orders)) != len(orders):
        raise InputError(
            file, "", "registered_order", "two parties have the same registration order"
        )
    return table
