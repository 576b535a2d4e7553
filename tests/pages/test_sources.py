"""DirectorySource: the results of election directories as the pages read them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pages_helpers import election_directory
from tiny import VOTES, clean_rows, protocol, write_csv

from saylau.count.fields import COUNT_FIELDS
from saylau.publish.results import overall_progress
from saylau.service.sources import (
    DirectorySource,
    ElectionSummary,
    ProgressPoint,
    ProtocolState,
    ResultsSource,
    UnknownElection,
    UnknownPrecinct,
)

NOON = datetime(2023, 3, 19, 12, 0, tzinfo=UTC)


def source_of(directory: Path) -> ResultsSource:
    return DirectorySource([directory], clock=lambda: NOON)


def test_a_directory_source_lists_its_elections_by_id_name_and_date(tmp_path: Path) -> None:
    source = source_of(election_directory(tmp_path))
    [summary] = source.elections()
    assert summary == ElectionSummary("tiny", "A tiny test election", NOON.date())
    assert tuple(summary) == ("tiny", "A tiny test election", NOON.date())


def test_the_count_of_an_election_is_the_directory_counted(tmp_path: Path) -> None:
    count = source_of(election_directory(tmp_path)).count("tiny")
    assert count.election.id == "tiny"
    assert overall_progress(count).complete


def test_an_unknown_election_or_precinct_is_refused_by_name(tmp_path: Path) -> None:
    source = source_of(election_directory(tmp_path))
    with pytest.raises(UnknownElection):
        source.count("nope")
    with pytest.raises(UnknownElection):
        source.progress("nope")
    with pytest.raises(UnknownElection):
        source.precinct("nope", "P1")
    with pytest.raises(UnknownPrecinct):
        source.precinct("tiny", "P99")


def test_progress_is_one_point_now_with_the_count_as_it_stands(tmp_path: Path) -> None:
    rows = [row for row in clean_rows() if row["precinct"] != "P6"]
    source = source_of(election_directory(tmp_path, rows))
    assert source.progress("tiny") == [ProgressPoint(NOON, 10, 12, 5000, 5700)]


def test_a_precinct_gives_every_figure_and_line_of_its_protocols(tmp_path: Path) -> None:
    precinct = source_of(election_directory(tmp_path)).precinct("tiny", "P1")
    assert (precinct.id, precinct.name, precinct.voters) == ("P1", "School 1", 1000)
    assert [unit[0] for unit in precinct.units] == ["R1-A", "R1", "KZ"]
    lists, districts = precinct.protocols
    assert (lists.contest_id, lists.constituency, lists.state) == (
        "lists",
        "City-wide",
        ProtocolState.ACCEPTED,
    )
    expected = protocol("P1", "lists", VOTES["P1"][0])
    assert lists.figures == {name: expected[name] for name in COUNT_FIELDS}
    assert [(line.option, line.votes) for line in lists.lines] == [
        ("Amanat", 300),
        ("Ak Zhol", 100),
        ("Auyl", 50),
    ]
    assert [(line.option, line.votes) for line in districts.lines] == [
        ("Aida Amanova", 320),
        ("Bolat Bekov", 110),
    ]
    assert lists.problems == () and districts.problems == ()


def test_a_protocol_not_entered_is_awaited_with_no_figures(tmp_path: Path) -> None:
    rows = [r for r in clean_rows() if (r["precinct"], r["contest"]) != ("P4", "districts")]
    precinct = source_of(election_directory(tmp_path, rows)).precinct("tiny", "P4")
    awaited = precinct.protocols[1]
    assert awaited.state is ProtocolState.AWAITED
    assert set(awaited.figures.values()) == {None}
    assert [line.votes for line in awaited.lines] == [None, None, None]


def test_a_blocked_protocol_carries_its_coded_problems(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = protocol("P1", "lists", VOTES["P1"][0], invalid=50)
    blocked = source_of(election_directory(tmp_path, rows)).precinct("tiny", "P1").protocols[0]
    assert blocked.state is ProtocolState.BLOCKED
    assert blocked.figures["invalid"] == 50
    assert any(problem.startswith("E-BALLOTS-VALID: ") for problem in blocked.problems)


def test_two_entries_that_differ_are_a_mismatch_with_the_field_named(tmp_path: Path) -> None:
    first = protocol("P2", "lists", VOTES["P2"][0], entered_by="clerk A")
    second = protocol("P2", "lists", VOTES["P2"][0], entry=2, entered_by="clerk B", line_3=61)
    rows = [r for r in clean_rows() if (r["precinct"], r["contest"]) != ("P2", "lists")]
    source = source_of(election_directory(tmp_path, [*rows, first, second]))
    mismatch = source.precinct("tiny", "P2").protocols[0]
    assert mismatch.state is ProtocolState.MISMATCH
    assert "line_3: first entry 60, second entry 61" in mismatch.problems


def test_a_directory_is_read_again_when_a_protocol_file_is_added(tmp_path: Path) -> None:
    rows = [row for row in clean_rows() if row["precinct"] != "P6"]
    directory = election_directory(tmp_path, rows)
    source = source_of(directory)
    before = source.count("tiny")
    assert source.count("tiny") is before
    write_csv(directory / "protocols" / "b.csv", [r for r in clean_rows() if r["precinct"] == "P6"])
    after = source.count("tiny")
    assert after is not before
    assert overall_progress(after).complete
