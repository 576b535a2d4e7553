"""The quick reader of one protocol object agrees with the file reader, problem for problem."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import VOTES, definition_copy, protocol

from saylau.count.definition import Election, parse_definition
from saylau.count.fields import COUNT_FIELDS
from saylau.count.item import WHITE_SPACE, read_item
from saylau.count.protocols import FileRefused, ProtocolTable, read_items

ELECTION: Election = parse_definition(json.dumps(definition_copy()), "tiny")
STYLE = "the entry"


def outcome(read: Any, item: Any) -> Any:
    """What a reader makes of the item: the table's contents, or the problems it lists."""
    try:
        table: ProtocolTable = read(
            "an entry", [item] if read is read_items else item, ELECTION, STYLE
        )
    except FileRefused as refused:
        return ("refused", [str(error) for error in refused.errors], refused.more)
    return (
        "read",
        table.labels.tolist(),
        table.precinct.tolist(),
        table.contest.tolist(),
        table.slot.tolist(),
        table.values.tolist(),
        table.entry.tolist(),
        table.entered_by,
        table.entered_at,
        table.correction,
        table.acknowledged.tolist(),
        table.values.dtype,
        table.entry.dtype,
    )


def assert_same(item: Any) -> None:
    assert outcome(read_item, item) == outcome(read_items, item)


def valid_item() -> dict[str, Any]:
    return protocol("P1", "lists", VOTES["P1"][0])


def test_a_valid_protocol_reads_the_same() -> None:
    assert outcome(read_item, valid_item())[0] == "read"
    assert_same(valid_item())


@pytest.mark.parametrize(
    "cell",
    [
        "+5",
        " 5 ",
        "05",
        "5.0",
        "1_000",
        "١٢",
        "-0",
        "-1",
        "-2",
        "+-1",
        "0x10",
        "1e3",
        "",
        "99999999999999999999",
        "9223372036854775807",
        "9223372036854775808",
        "\x1c7",
        "\u200b7",
        "\u00a07",
        "\u30007",
        "1000000000",
        "1000000001",
    ],
)
def test_a_figure_typed_as_text_reads_the_same(cell: str) -> None:
    item = valid_item()
    item["registered"] = cell
    assert_same(item)
    item["line_1"] = cell
    assert_same(item)


def test_text_cells_are_trimmed_of_unicode_white_space_as_polars_trims_them() -> None:
    item = valid_item()
    item["entered_by"] = WHITE_SPACE + "clerk\x1c" + WHITE_SPACE
    assert_same(item)
    assert outcome(read_item, item)[7] == ["clerk\x1c"]


def test_something_that_is_not_an_object_reads_the_same() -> None:
    for item in (None, 5, "P1", [1, 2], True):
        assert_same(item)


KEYS = [
    "precinct",
    "contest",
    *COUNT_FIELDS,
    *(f"line_{k}" for k in range(1, ELECTION.max_options + 3)),
    "lines",
    "entry",
    "entered_by",
    "entered_at",
    "correction",
    "acknowledged",
    "colour",
    "line_0",
]
CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789+-., _eéP١ \t\xa0\x1c\u200b")), max_size=12
)
VALUES = st.one_of(
    st.integers(min_value=-3, max_value=1200),
    st.integers(min_value=-(2**70), max_value=2**70),
    CELL_TEXT,
    st.sampled_from(
        [
            "P1",
            "P4",
            "P9",
            " P2 ",
            "lists",
            "districts",
            "nope",
            "W-TURNOUT-HIGH",
            "W-TURNOUT-HIGH, E-NONE",
            "1",
            "2",
            "3",
            "",
        ]
    ),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=1e4),
    st.lists(st.integers(min_value=-1, max_value=500), max_size=5),
    st.dictionaries(st.just("a"), st.integers(), max_size=1),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6),
    dropped=st.lists(st.sampled_from(KEYS), max_size=3),
    precinct=st.sampled_from(sorted(VOTES)),
    contest=st.sampled_from(["lists", "districts"]),
)
def test_any_object_reads_the_same_with_both_readers(
    changes: dict[str, Any], dropped: list[str], precinct: str, contest: str
) -> None:
    lines = VOTES[precinct][0 if contest == "lists" else 1]
    item = protocol(precinct, contest, lines)
    for key in dropped:
        item.pop(key, None)
    item.update(changes)
    assert_same(item)


def test_the_quick_reader_returns_a_one_row_table_in_the_form_order() -> None:
    table = read_item("an entry", valid_item(), ELECTION, STYLE)
    assert len(table) == 1
    assert table.values.shape == (1, len(COUNT_FIELDS) + ELECTION.max_options)
    assert np.array_equal(table.lines[0, :3], VOTES["P1"][0])
