"""One protocol object, read in plain Python: the quick path of ``read_items`` for one entry.

A protocol typed at a commission's desk arrives as one JSON object. :func:`read_items` would
read it as a file of one row, and pays polars' fixed cost per call (several milliseconds) for
it. :func:`read_item` checks the same object cell by cell in Python: the same rules, the same
problems in the same order, the same one-row :class:`~saylau.count.protocols.ProtocolTable`.
A property test holds the two readers equal on generated objects, valid and invalid.

Two details make the readers agree, and are written down here because they are easy to miss:

- a cell is trimmed of Unicode white space as polars trims it (Rust's ``char::is_whitespace``,
  which, unlike Python's ``str.strip()``, keeps the information separators U+001C-U+001F);
- a whole number is an optional sign and ASCII digits that fit in 64 bits (``"+5"`` and
  ``"05"`` are numbers; ``"5.0"``, ``"1_000"`` and Arabic-Indic digits are not), as polars
  casts text to ``Int64``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from saylau.count.checks import WARNING_BITS
from saylau.count.definition import Election
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED, REQUIRED_FIELDS
from saylau.count.protocols import (
    ITEM_KEYS,
    LINE_COLUMN_MISSING,
    MAX_FIGURE,
    REQUIRED_EMPTY,
    TOO_MANY_LINES,
    UNREADABLE,
    Problems,
    ProtocolTable,
    cell_text,
    check_header,
    item_record,
    needs_votes,
    not_a_warning,
    not_voted,
    not_whole,
    out_of_range,
    unknown_id,
    wrong_entry_number,
)

WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters with Unicode's White_Space property: what polars trims from a cell."""
_WHOLE = re.compile(r"[+-]?[0-9]+")
_INT64 = 2**63
_ORDER = 1
"""Where the row's problems sort among the object's: after the problems with its keys."""


def trimmed(cell: str | None) -> str:
    """A cell as polars trims it; a missing cell is empty."""
    return "" if cell is None else cell.strip(WHITE_SPACE)


def whole_number(text: str) -> int | None:
    """The number a trimmed, non-blank cell holds; ``None`` when it is not a whole number that
    fits in 64 bits."""
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if -_INT64 <= value < _INT64 else None


def read_item(
    source: str, item: Any, election: Election, style: str = "protocols[{}]"
) -> ProtocolTable:
    """One protocol object, checked exactly as :func:`~saylau.count.protocols.read_items`
    checks ``[item]``: a one-row table, or ``FileRefused`` with every problem."""
    where = style.format(0)
    problems = Problems(source)
    record, early = item_record(item, where, _ORDER)
    for order, at, field, message in early:
        problems.add(at, field, message, order)
    cells = {name: cell_text(value) for name, value in (record or {}).items()}
    width = check_header(list(cells), ITEM_KEYS, election, problems)
    problems.raise_if_any()

    def add(field: str, message: str) -> None:
        problems.add(where, field, message, _ORDER)

    ids: list[int] = []
    for name, index in (("precinct", election.precinct_index), ("contest", election.contest_index)):
        given = trimmed(cells.get(name))
        found = index.get(given, -1)
        if found < 0:
            add(name, unknown_id(name, given))
        ids.append(found)
    precinct, contest = ids

    names = [*COUNT_FIELDS, *(f"line_{k}" for k in range(1, width + 1)), "entry"]
    numbers: list[int] = []
    for name in names:
        if name not in cells:
            numbers.append(NOT_REPORTED)
            continue
        text = trimmed(cells[name])
        value = whole_number(text) if text else NOT_REPORTED
        if value is None:
            add(name, not_whole(str(cells[name])))
            value = UNREADABLE
        elif text and not 0 <= value <= MAX_FIGURE:
            add(name, out_of_range(value))
            value = UNREADABLE
        elif not text and name in REQUIRED_FIELDS:
            add(name, REQUIRED_EMPTY)
        numbers.append(value)
    counts, lines, entry = (
        numbers[: len(COUNT_FIELDS)],
        numbers[len(COUNT_FIELDS) : -1],
        numbers[-1],
    )
    if entry not in (NOT_REPORTED, UNREADABLE, 1, 2):
        add("entry", wrong_entry_number(entry))

    acknowledged = 0
    for code in trimmed(cells.get("acknowledged")).replace(",", " ").replace(";", " ").split():
        bit = WARNING_BITS.get(code)
        if bit is None:
            add("acknowledged", not_a_warning(code))
        else:
            acknowledged |= bit

    slot = -1
    if precinct >= 0 and contest >= 0:
        slot = election.slot_of(precinct, contest)
        if slot < 0:
            file = election.file
            add("contest", not_voted(file.precincts[precinct].id, file.contests[contest].id))
    matrix = [NOT_REPORTED] * election.max_options
    shown = min(width, election.max_options)
    matrix[:shown] = lines[:shown]
    for k in range(election.max_options, width):
        if lines[k] > 0:
            add(f"line_{k + 1}", TOO_MANY_LINES)
    if slot >= 0:
        options = int(election.option_counts[election.slot_constituency[slot]])
        for k in range(min(options, election.max_options)):
            if matrix[k] != NOT_REPORTED:
                continue
            if f"line_{k + 1}" in cells:
                add(f"line_{k + 1}", needs_votes(options))
            else:
                problems.add(ITEM_KEYS, f"line_{k + 1}", LINE_COLUMN_MISSING)
    problems.raise_if_any()

    return ProtocolTable(
        source=source,
        labels=np.zeros(1, dtype=np.int64),
        label_style=style,
        precinct=np.array([precinct], dtype=np.int64),
        contest=np.array([contest], dtype=np.int64),
        slot=np.array([slot], dtype=np.int64),
        values=np.array([counts + matrix], dtype=np.int64),
        entry=np.array([1 if entry == NOT_REPORTED else entry], dtype=np.int8),
        entered_by=[trimmed(cells.get("entered_by"))],
        entered_at=[trimmed(cells.get("entered_at"))],
        correction=[trimmed(cells.get("correction"))],
        acknowledged=np.array([acknowledged], dtype=np.int64),
    )
