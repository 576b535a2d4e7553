"""Polling-station protocols as a table: one row per protocol entry, numbers in integer arrays.

A :class:`ProtocolTable` is what one file holds once every cell has been checked: ids resolved
to indexes, counts as ``int64`` (``NOT_REPORTED`` where an optional figure is blank), ballot
lines as a matrix. Reading is all-or-nothing: :func:`read_protocols` returns a whole table or
raises :class:`FileRefused` with every problem it found, each naming the file, row and column.
The columns are documented in ``docs/election-dir.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from saylau.count.checks import WARNING_BITS
from saylau.count.definition import Election
from saylau.count.errors import InputError, load_json, read_text
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED, REQUIRED_FIELDS

META_FIELDS = ("entry", "entered_by", "entered_at", "correction", "acknowledged")
ID_FIELDS = ("precinct", "contest")
MAX_FIGURE = 10**9
"""No polling station counts a billion of anything; a larger figure is a typing error. The cap
also keeps every sum and every exact share comparison inside 64-bit integers."""
UNREADABLE = -2
"""A cell already reported as wrong; never left in a table (the file is refused)."""
FIELD = {name: i for i, name in enumerate(COUNT_FIELDS)}
LINE = re.compile(r"^line_([1-9][0-9]{0,3})$")
MAX_ERRORS = 50
"""A refused file lists at most this many problems (and says how many more there were)."""


class FileRefused(Exception):
    """A protocol file that cannot be imported. Nothing of it is kept."""

    def __init__(self, source: str, errors: Sequence[InputError], more: int = 0) -> None:
        self.source = source
        self.errors = tuple(errors)
        self.more = more
        super().__init__(self.summary())

    def summary(self) -> str:
        extra = f" (and {self.more} more)" if self.more else ""
        return f"{self.source}: refused, nothing imported: {len(self.errors)} problem(s){extra}"

    def lines(self) -> list[str]:
        out = [self.summary(), *(f"  {error}" for error in self.errors)]
        if self.more:
            out.append(f"  ... and {self.more} more problem(s) of the same kinds")
        return out


@dataclass(frozen=True, eq=False)
class ProtocolTable:
    """The protocol entries of one file.

    ``values`` holds the count fields (``COUNT_FIELDS`` order) followed by the ballot lines;
    ``slot`` is the expected-protocol number in the election; ``where`` turns a row into its
    location in the file (``row 7``, ``protocols[5]``).
    """

    source: str
    labels: np.ndarray
    label_style: str
    precinct: np.ndarray
    contest: np.ndarray
    slot: np.ndarray
    values: np.ndarray
    entry: np.ndarray
    entered_by: list[str]
    entered_at: list[str]
    correction: list[str]
    acknowledged: np.ndarray

    def __len__(self) -> int:
        return len(self.slot)

    def where(self, row: int) -> str:
        return self.label_style.format(int(self.labels[row]))

    @property
    def lines(self) -> np.ndarray:
        return self.values[:, len(COUNT_FIELDS) :]


# -- raw cells --------------------------------------------------------------------------------

_Early = tuple[int, str, str, str]
"""A problem found while reading, before the cells are checked: order, where, field, message."""
ITEM_KEYS = "the object keys"
"""Where the problems with the keys of protocol objects are reported."""


@dataclass(frozen=True, eq=False)
class _Raw:
    """Cells as text, column by column, before any check. ``labels`` locate the rows."""

    source: str
    header: list[str]
    columns: dict[str, pl.Series]
    labels: np.ndarray
    label_style: str
    header_where: str
    early: tuple[_Early, ...] = ()
    """Problems found while reading (order, where, field, message), listed with the rest."""


class Problems:
    """The problems found in a file, listed by row when the file is refused."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[tuple[int, int, InputError]] = []
        self.more = 0

    def add(self, where: str, field: str, message: str, order: int = 0) -> None:
        if len(self.errors) < MAX_ERRORS:
            error = InputError(self.source, where, field, message)
            self.errors.append((order, len(self.errors), error))
        else:
            self.more += 1

    def rows(self, raw: _Raw, mask: np.ndarray, field: str, message: Callable[[int], str]) -> None:
        for row in np.flatnonzero(mask):
            label = int(raw.labels[row])
            self.add(raw.label_style.format(label), field, message(int(row)), label + 1)

    def raise_if_any(self) -> None:
        if self.errors:
            ordered = [error for _, _, error in sorted(self.errors, key=lambda e: e[:2])]
            raise FileRefused(self.source, ordered, self.more)


def _csv_raw(path: Path) -> _Raw:
    source = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileRefused(source, [InputError(source, "", "", "no such file")]) from None
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        raise FileRefused(source, [InputError(source, "", "", message)]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused(
            source, [InputError(source, "", "", "the file is not UTF-8 text")]
        ) from None
    text = data.decode("utf-8")
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]), [])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileRefused(
            source,
            [
                InputError(source, "row 1 (the header)", name, "this column appears twice")
                for name in repeated
            ],
        )
    try:
        frame = pl.read_csv(data, infer_schema=False, has_header=True)
    except pl.exceptions.PolarsError as error:
        raise FileRefused(source, [_locate_csv_problem(source, text, error)]) from None
    labels = np.arange(2, frame.height + 2, dtype=np.int64)
    if frame.height and frame.width:
        filled = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series().to_numpy()
        if not filled.all():
            frame, labels = frame.filter(pl.Series(filled)), labels[filled]
    return _Raw(
        source,
        list(frame.columns),
        {name: frame[name] for name in frame.columns},
        labels,
        "row {}",
        "row 1 (the header)",
    )


def _locate_csv_problem(source: str, text: str, error: Exception) -> InputError:
    """Find the row that the fast reader could not read (e.g. more cells than the header)."""
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows, [])
        for number, row in enumerate(rows, start=2):
            if len(row) > len(header):
                return InputError(
                    source,
                    f"row {number}",
                    "",
                    f"this row has {len(row)} cells, but the header names {len(header)} columns",
                )
    except csv.Error as problem:
        return InputError(source, f"line {rows.line_num}", "", f"not readable as CSV: {problem}")
    first = str(error).strip().splitlines()[0]
    return InputError(source, "", "", f"not a readable CSV file: {first}")


def cell_text(value: object) -> str | None:
    """A JSON or spreadsheet cell as text; whole numbers only, so 5.0 from a spreadsheet is 5."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _records_raw(
    source: str, records: list[dict[str, Any]], labels: np.ndarray, style: str, where: str
) -> _Raw:
    header: list[str] = []
    for record in records:
        for key in record:
            if key not in header:
                header.append(key)
    columns = {
        name: pl.Series(name, [cell_text(r.get(name)) for r in records], dtype=pl.String)
        for name in header
    }
    return _Raw(source, header, columns, labels, style, where)


def _json_raw(path: Path) -> _Raw:
    source = str(path)
    try:
        text = read_text(path)
    except InputError as error:
        raise FileRefused(source, [error]) from None
    try:
        document = load_json(text, source)
    except InputError as error:
        raise FileRefused(source, [error]) from None
    if not isinstance(document, dict) or not isinstance(document.get("protocols"), list):
        raise FileRefused(
            source, [InputError(source, "", "protocols", 'expected {"protocols": [...]}')]
        )
    return _items_raw(source, document["protocols"], "protocols[{}]")


def item_record(item: Any, where: str, order: int) -> tuple[dict[str, Any] | None, list[_Early]]:
    """One protocol object as JSON gives it (``lines`` as an array, or ``line_k`` keys): its
    cells, each kept as the JSON text of what came when it is not a plain value, so that the
    reader says what it got (``"12"``, ``12.5``, ``true``); and the problems seen already."""
    early: list[_Early] = []
    if not isinstance(item, dict):
        return None, [(order, where, "", "expected an object")]
    record = {k: v for k, v in item.items() if k != "lines"}
    lines = item.get("lines", [])
    written_out = sorted(k for k in record if LINE.match(k))
    if "lines" in item and written_out:
        early.append(
            (order, where, written_out[0], "give the votes either as 'lines' or as line_k")
        )
    if not isinstance(lines, list):
        early.append((order, where, "lines", "expected an array of vote counts"))
        lines = []
    for j, value in enumerate(lines, start=1):
        record[f"line_{j}"] = value
    for key, value in record.items():
        numeric = key in COUNT_FIELDS or key.startswith("line_") or key == "entry"
        if isinstance(value, bool | float | list | dict) or (numeric and isinstance(value, str)):
            record[key] = json.dumps(value)
    return record, early


def _items_raw(source: str, items: list[Any], style: str) -> _Raw:
    """Protocol objects as JSON gives them, column by column."""
    records: list[dict[str, Any]] = []
    early: list[_Early] = []
    labels: list[int] = []
    for i, item in enumerate(items):
        record, seen = item_record(item, style.format(i), i + 1)
        early.extend(seen)
        if record is not None:
            records.append(record)
            labels.append(i)
    raw = _records_raw(source, records, np.array(labels, dtype=np.int64), style, ITEM_KEYS)
    return _Raw(
        source, raw.header, raw.columns, raw.labels, raw.label_style, raw.header_where, tuple(early)
    )


def read_items(
    source: str, items: list[Any], election: Election, style: str = "protocols[{}]"
) -> ProtocolTable:
    """Protocol objects already in memory (as in a JSON protocol file's ``protocols`` array),
    checked exactly as a file is: a whole table, or :class:`FileRefused` with every problem.
    ``style`` names a row in the problems (``protocols[{}]``)."""
    return assemble(_items_raw(source, items, style), election)


def _xlsx_raw(path: Path) -> _Raw:
    from openpyxl import load_workbook

    source = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(
            source, [InputError(source, "", "", f"not a readable XLSX workbook: {error}")]
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise FileRefused(source, [InputError(source, "row 1", "", "the sheet is empty")])
    header = [str(cell).strip() if cell is not None else "" for cell in header_row]
    while header and not header[-1]:
        header.pop()
    records: list[dict[str, Any]] = []
    labels: list[int] = []
    for number, values in enumerate(rows, start=2):
        if all(value is None for value in values):
            continue
        records.append({name: values[i] for i, name in enumerate(header) if i < len(values)})
        labels.append(number)
    book.close()
    raw = _records_raw(
        source, records, np.array(labels, dtype=np.int64), "row {}", "row 1 (the header)"
    )
    return _Raw(source, header, raw.columns, raw.labels, raw.label_style, raw.header_where)


READERS: dict[str, Callable[[Path], _Raw]] = {
    ".csv": _csv_raw,
    ".json": _json_raw,
    ".xlsx": _xlsx_raw,
}
"""The formats a protocol file may have, by suffix."""


# -- what the problems say ---------------------------------------------------------------------

REQUIRED_EMPTY = "this figure is required; the cell is empty"
TOO_MANY_LINES = "no ballot in this election has that many lines"
LINE_COLUMN_MISSING = "this ballot-line column is missing"


def not_whole(cell: str) -> str:
    return f"expected a whole number of 0 or more, got {cell!r}"


def out_of_range(value: int) -> str:
    if value < 0:
        return f"a count cannot be negative, got {value}"
    return f"{value:,} is more than any polling station can count (at most {MAX_FIGURE:,})"


def unknown_id(what: str, given: str) -> str:
    return f"unknown {what} {given!r}" if given else f"the {what} is missing"


def not_a_warning(code: str) -> str:
    return f"{code!r} is not a warning code; expected some of {', '.join(WARNING_BITS)}"


def wrong_entry_number(entry: int) -> str:
    return f"expected 1 or 2, got {entry}"


def not_voted(precinct: str, contest: str) -> str:
    return f"precinct {precinct!r} does not vote on contest {contest!r}"


def needs_votes(options: int) -> str:
    return f"the ballot has {options} lines; this one needs its votes"


# -- checking the cells -----------------------------------------------------------------------


def check_header(header: list[str], where: str, election: Election, problems: Problems) -> int:
    """Check the column names (reported at ``where``); return the number of ballot-line
    columns."""
    known = set(ID_FIELDS) | set(COUNT_FIELDS) | set(META_FIELDS)
    lines: list[int] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(where, name, "this column appears twice")
        seen.add(name)
        match = LINE.match(name)
        if match:
            lines.append(int(match.group(1)))
        elif name not in known:
            problems.add(
                where,
                name,
                "unknown column; expected precinct, contest, the protocol figures"
                f" ({', '.join(COUNT_FIELDS)}), line_1 ... line_{election.max_options},"
                f" or {', '.join(META_FIELDS)}",
            )
    for name in (*ID_FIELDS, *sorted(REQUIRED_FIELDS, key=COUNT_FIELDS.index)):
        if name not in seen:
            problems.add(where, name, "this required column is missing")
    width = max(lines, default=0)
    missing = sorted(set(range(1, width + 1)) - set(lines))
    if missing:
        problems.add(where, f"line_{missing[0]}", "ballot-line columns must not skip")
    if "found_stationary" in seen and "found_mobile" not in seen:
        problems.add(where, "found_mobile", "found_stationary is given without it")
    if "found_mobile" in seen and "found_stationary" not in seen:
        problems.add(where, "found_stationary", "found_mobile is given without it")
    return width


def _integers(
    raw: _Raw, names: list[str], required: frozenset[str], problems: Problems
) -> np.ndarray:
    """Columns of whole numbers >= 0 as one ``int64`` matrix, parsed in a single pass.

    A blank cell is ``NOT_REPORTED`` (an error where the figure is required); text that is
    not a whole number, and negative numbers, are errors naming the cell."""
    n = len(raw.labels)
    out = np.full((n, len(names)), NOT_REPORTED, dtype=np.int64)
    present = [name for name in names if name in raw.columns]
    if not present or n == 0:
        return out
    frame = pl.DataFrame([raw.columns[name] for name in present])
    numbers: list[pl.Expr] = []
    states: list[pl.Expr] = []
    for name in present:
        text = pl.col(name).str.strip_chars()
        number = text.cast(pl.Int64, strict=False)
        empty = text.is_null() | (text == "")
        numbers.append(number.fill_null(NOT_REPORTED).alias(name))
        # 1: blank, 2: not a whole number, 0: a number
        state = pl.when(empty).then(1).when(number.is_null()).then(2).otherwise(0)
        states.append(state.cast(pl.Int64).alias(f"{name} state"))
    parsed = frame.select(numbers + states).to_numpy()
    values = parsed[:, : len(present)]
    blank = parsed[:, len(present) :] == 1
    bad = parsed[:, len(present) :] == 2
    negative = ~blank & ~bad & (values < 0)
    huge = ~blank & ~bad & (values > MAX_FIGURE)
    missing = blank & np.array([name in required for name in present])[None, :]
    if bad.any() or negative.any() or missing.any() or huge.any():
        for j, name in enumerate(present):
            _cell_problems(raw, problems, name, j, values, bad, negative | huge, missing)
    values = values.astype(np.int64, copy=True)
    values[blank] = NOT_REPORTED
    values[bad | negative | huge] = UNREADABLE
    for j, name in enumerate(present):
        out[:, names.index(name)] = values[:, j]
    return out


def _cell_problems(
    raw: _Raw,
    problems: Problems,
    name: str,
    j: int,
    values: np.ndarray,
    bad: np.ndarray,
    negative: np.ndarray,
    missing: np.ndarray,
) -> None:
    cells = raw.columns[name]

    problems.rows(raw, bad[:, j], name, lambda row: not_whole(cells[row]))
    problems.rows(raw, negative[:, j], name, lambda row: out_of_range(int(values[row, j])))
    problems.rows(raw, missing[:, j], name, lambda row: REQUIRED_EMPTY)


def _all_texts(raw: _Raw, names: list[str]) -> dict[str, list[str]]:
    """Text columns, trimmed, in one pass; a missing column is all empty."""
    present = [name for name in names if name in raw.columns]
    out = {name: [""] * len(raw.labels) for name in names}
    if present and len(raw.labels):
        frame = pl.DataFrame([raw.columns[name] for name in present])
        trimmed = frame.select(pl.col(name).str.strip_chars().fill_null("") for name in present)
        out.update({name: trimmed[name].to_list() for name in present})
    return out


def _texts(raw: _Raw, name: str) -> list[str]:
    if name not in raw.columns:
        return [""] * len(raw.labels)
    return [value or "" for value in raw.columns[name].str.strip_chars().to_list()]


def _ids(raw: _Raw, name: str, index: dict[str, int], problems: Problems, what: str) -> np.ndarray:
    texts = _texts(raw, name)
    found = np.fromiter((index.get(t, -1) for t in texts), dtype=np.int64, count=len(texts))
    for row in np.flatnonzero(found < 0):
        label = int(raw.labels[row])
        problems.add(raw.label_style.format(label), name, unknown_id(what, texts[row]), label + 1)
    return found


def _acknowledged(raw: _Raw, problems: Problems) -> np.ndarray:
    out = np.zeros(len(raw.labels), dtype=np.int64)
    if "acknowledged" not in raw.columns:
        return out
    cells = raw.columns["acknowledged"].str.strip_chars()
    for row in np.flatnonzero((cells.is_not_null() & (cells != "")).fill_null(False).to_numpy()):
        text = cells[int(row)]
        for code in text.replace(",", " ").replace(";", " ").split():
            bit = WARNING_BITS.get(code)
            if bit is None:
                label = int(raw.labels[row])
                problems.add(
                    raw.label_style.format(label), "acknowledged", not_a_warning(code), label + 1
                )
            else:
                out[row] |= bit
    return out


def assemble(raw: _Raw, election: Election) -> ProtocolTable:
    """Check every cell of a raw file against the election and build its table."""
    problems = Problems(raw.source)
    for order, where, field, message in raw.early:
        problems.add(where, field, message, order)
    width = check_header(raw.header, raw.header_where, election, problems)
    problems.raise_if_any()
    n = len(raw.labels)
    precinct = _ids(raw, "precinct", election.precinct_index, problems, "precinct")
    contest = _ids(raw, "contest", election.contest_index, problems, "contest")
    line_names = [f"line_{k}" for k in range(1, width + 1)]
    numbers = _integers(raw, [*COUNT_FIELDS, *line_names, "entry"], REQUIRED_FIELDS, problems)
    counts = numbers[:, : len(COUNT_FIELDS)]
    lines = numbers[:, len(COUNT_FIELDS) : len(COUNT_FIELDS) + width]
    entry = numbers[:, -1]
    wrong_entry = (entry != NOT_REPORTED) & (entry != UNREADABLE) & (entry != 1) & (entry != 2)
    problems.rows(raw, wrong_entry, "entry", lambda row: wrong_entry_number(int(entry[row])))
    entry = np.where(entry == NOT_REPORTED, 1, entry).astype(np.int8)
    acknowledged = _acknowledged(raw, problems)
    known = (precinct >= 0) & (contest >= 0)
    slot = np.full(n, -1, dtype=np.int64)
    slot[known] = election.slots_of(precinct[known], contest[known])
    contests = election.file.contests
    precincts = election.file.precincts
    problems.rows(
        raw,
        known & (slot < 0),
        "contest",
        lambda row: not_voted(precincts[precinct[row]].id, contests[contest[row]].id),
    )
    matrix = np.full((n, election.max_options), NOT_REPORTED, dtype=np.int64)
    shown = min(width, election.max_options)
    matrix[:, :shown] = lines[:, :shown]
    for k in range(election.max_options, width):
        beyond = lines[:, k] > 0
        problems.rows(
            raw,
            beyond,
            f"line_{k + 1}",
            lambda row: TOO_MANY_LINES,
        )
    ok = slot >= 0
    options = np.zeros(n, dtype=np.int64)
    options[ok] = election.option_counts[election.slot_constituency[slot[ok]]]
    for k in range(election.max_options):
        needed = ok & (k < options) & (matrix[:, k] == NOT_REPORTED)
        line = f"line_{k + 1}"
        if line in raw.columns:
            problems.rows(
                raw,
                needed,
                line,
                lambda row: needs_votes(int(options[row])),
            )
        elif needed.any():
            problems.add(raw.header_where, line, LINE_COLUMN_MISSING)
    problems.raise_if_any()
    texts = _all_texts(raw, ["entered_by", "entered_at", "correction"])
    return ProtocolTable(
        source=raw.source,
        labels=raw.labels,
        label_style=raw.label_style,
        precinct=precinct,
        contest=contest,
        slot=slot,
        values=np.concatenate([counts, matrix], axis=1),
        entry=entry,
        entered_by=texts["entered_by"],
        entered_at=texts["entered_at"],
        correction=texts["correction"],
        acknowledged=acknowledged,
    )


def read_protocols(path: Path, election: Election) -> ProtocolTable:
    """Read one protocol file (CSV, JSON or XLSX), whole or not at all."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise FileRefused(
            str(path),
            [
                InputError(
                    str(path), "", "", f"unknown file type; expected {', '.join(sorted(READERS))}"
                )
            ],
        )
    return assemble(reader(path), election)
