"""The roll-up and the seats: totals at every level are plain sums of the accepted protocols, a
partial count says how much is in and stays provisional, and held-back protocols count nowhere.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny import (
    DEFINITION,
    VOTES,
    balanced,
    clean_rows,
    election_dir,
    protocol,
    write_csv,
    write_definition,
)

from saylau.count.checks import WARNING_BITS
from saylau.count.definition import read_definition
from saylau.count.directory import import_file, load
from saylau.count.fields import COUNT_FIELDS
from saylau.count.ledger import Ledger
from saylau.count.protocols import read_protocols
from saylau.count.tally import Count, Progress, count_ledger

Row = dict[str, Any]
LEVELS = ("nation", "region", "district", "constituency", "precinct")
CONTESTS = ("lists", "districts")
SELF = "Self-nominated"

# -- a plain-Python reading of the tiny definition (no numpy, no indexes) ----------------------

PARENT = {unit["id"]: unit.get("parent") for unit in DEFINITION["territory"]}
LEVEL = {unit["id"]: unit["level"] for unit in DEFINITION["territory"]}
VOTERS = {p["id"]: p["voters"] for p in DEFINITION["precincts"]}
CONTEST = {c["id"]: c for c in DEFINITION["contests"]}


def ancestors(precinct: str) -> list[str]:
    parent = next(p["parent"] for p in DEFINITION["precincts"] if p["id"] == precinct)
    chain = []
    while parent is not None:
        chain.append(parent)
        parent = PARENT[parent]
    return chain


def constituency_of(precinct: str, contest: str) -> dict[str, Any]:
    area = {precinct, *ancestors(precinct)}
    found: list[dict[str, Any]] = [
        k for k in CONTEST[contest]["constituencies"] if area & set(k["covers"])
    ]
    assert len(found) == 1
    return found[0]


def unit_of(precinct: str, contest: str, level: str) -> str:
    if level == "precinct":
        return precinct
    if level == "constituency":
        return str(constituency_of(precinct, contest)["id"])
    (unit,) = [u for u in ancestors(precinct) if LEVEL[u] == level]
    return unit


def named_votes(row: Row, level: str) -> dict[str, int]:
    """A protocol's votes as the totals name them: by list, by candidate within a constituency,
    by party above the constituencies of a candidate contest."""
    options = constituency_of(row["precinct"], row["contest"])["options"]
    out: dict[str, int] = defaultdict(int)
    for k, option in enumerate(options, start=1):
        by_party = CONTEST[row["contest"]]["ballot"] == "candidates" and level not in (
            "constituency",
            "precinct",
        )
        out[(option["party"] or SELF) if by_party else option["name"]] += int(row[f"line_{k}"])
    return out


def figure(row: Row, name: str) -> int:
    value = row.get(name, "")
    return 0 if value == "" else int(value)


def plain_totals(accepted: list[Row], contest: str, level: str) -> dict[str, dict[str, Any]]:
    """Every unit of the level that votes on the contest, with the plain sums of the accepted
    protocols in it."""
    units = {unit_of(p, contest, level) for p in VOTERS}
    out: dict[str, dict[str, Any]] = {
        unit: {"fields": dict.fromkeys(COUNT_FIELDS, 0), "votes": defaultdict(int), "in": 0}
        for unit in units
    }
    for row in accepted:
        if row["contest"] != contest:
            continue
        total = out[unit_of(row["precinct"], contest, level)]
        total["in"] += 1
        for name in COUNT_FIELDS:
            total["fields"][name] += figure(row, name)
        for label, votes in named_votes(row, level).items():
            total["votes"][label] += votes
    return out


def assert_rolls_up(count: Count, accepted: list[Row]) -> None:
    for contest in CONTESTS:
        for level in LEVELS:
            totals = count.totals(contest, level)
            expected = plain_totals(accepted, contest, level)
            assert sorted(totals.ids) == sorted(expected), (contest, level)
            for i, unit in enumerate(totals.ids):
                want = expected[unit]
                where = (contest, level, unit)
                assert {n: int(totals.field(n)[i]) for n in COUNT_FIELDS} == want["fields"], where
                got = {label: votes for label, votes in totals.named_votes(i).items() if votes}
                assert got == {label: v for label, v in want["votes"].items() if v}, where
                assert totals.protocols_in[i] == want["in"], where


def ledger_with(directory: Path, rows: list[Row]) -> Ledger:
    election = read_definition(write_definition(directory))
    ledger = Ledger(election)
    if rows:
        ledger.apply(read_protocols(write_csv(directory / "entry.csv", rows), election))
    return ledger


# --- the roll-up ------------------------------------------------------------------------------


def test_the_roll_up_is_the_plain_sum_at_every_level(tmp_path: Path) -> None:
    count = count_ledger(load(election_dir(tmp_path)).ledger)
    assert_rolls_up(count, clean_rows())


def test_the_nation_totals_of_the_tiny_election(tmp_path: Path) -> None:
    count = count_ledger(load(election_dir(tmp_path)).ledger)
    lists = count.totals("lists", "nation")
    assert lists.ids == ["KZ"]
    assert lists.named_votes(0) == {"Amanat": 1560, "Ak Zhol": 760, "Auyl": 290}
    assert lists.field("against_all")[0] == 60
    assert lists.field("invalid")[0] == 12
    assert lists.field("registered")[0] == 5700
    districts = count.totals("districts", "nation")
    # Amanat: Aida 960 + Erlan 570; Ak Zhol: Dana 530; self-nominated: Bolat 420 + Gulnar 80
    assert districts.named_votes(0) == {"Amanat": 1530, "Ak Zhol": 530, SELF: 500}


def test_a_candidate_contest_totals_each_constituency_by_candidate(tmp_path: Path) -> None:
    count = count_ledger(load(election_dir(tmp_path)).ledger)
    totals = count.totals("districts", "constituency")
    assert totals.ids == ["D1", "D2"]
    assert totals.named_votes(0) == {"Aida Amanova": 960, "Bolat Bekov": 420}
    assert totals.named_votes(1) == {"Dana Dosova": 530, "Erlan Esov": 570, "Gulnar Gabit": 80}


PROTOCOL = st.fixed_dictionaries(
    {
        "present": st.booleans(),
        "broken": st.booleans(),
        "lines": st.lists(st.integers(0, 150), min_size=3, max_size=3),
        "against_all": st.integers(0, 50),
        "invalid": st.integers(0, 50),
        "blank_received": st.booleans(),
        "blank_found": st.booleans(),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(PROTOCOL, min_size=12, max_size=12))
def test_the_roll_up_is_the_plain_sum_of_whatever_is_accepted(draws: list[dict[str, Any]]) -> None:
    """Random votes, some protocols missing, some held back by an error (received off by
    one); every warning is acknowledged, so exactly the present, unbroken ones are accepted."""
    rows: list[Row] = []
    accepted: list[Row] = []
    slots = [(p, c) for p in VOTERS for c in CONTESTS]
    for (precinct, contest), draw in zip(slots, draws, strict=True):
        width = len(constituency_of(precinct, contest)["options"])
        row = balanced(
            precinct,
            contest,
            draw["lines"][:width],
            invalid=draw["invalid"],
            against_all=draw["against_all"],
            acknowledged=" ".join(WARNING_BITS),
        )
        if draw["blank_received"]:
            row["received"] = ""
        elif draw["broken"]:
            row["received"] += 1
        if draw["blank_found"]:
            row.update(found_stationary="", found_mobile="")
        if draw["present"]:
            rows.append(row)
            if draw["blank_received"] or not draw["broken"]:
                accepted.append(row)
    with tempfile.TemporaryDirectory() as folder:
        count = count_ledger(ledger_with(Path(folder), rows))
        assert count.review.accepted.sum() == len(accepted)
        assert_rolls_up(count, accepted)


# --- seats ------------------------------------------------------------------------------------


def test_the_seats_of_the_tiny_election(tmp_path: Path) -> None:
    """The city maslikhat: 4 list seats by quota and largest remainder, and two districts.

    Lists (P1..P6): Amanat 300+250+400+200+260+150 = 1,560; Ak Zhol 100+80+150+180+160+90 = 760;
    Auyl 50+60+40+30+90+20 = 290; against all 6 x 10 = 60.
    Threshold: 5% of lists + against all = 5% of 2,670 = 133.5: all three lists pass.
    Quota: 2,610 votes of admitted lists / 4 seats = 652.5.
    Amanat 1,560 / 652.5 = 2 rem 255; Ak Zhol 760 / 652.5 = 1 rem 107.5; Auyl 0 rem 290.
    Three seats by quota; the fourth goes to the largest remainder, Auyl (290).
    List tier: Amanat 2, Ak Zhol 1, Auyl 1.

    District 1 (R1: P1, P2, P3): Aida Amanova 320+260+380 = 960, Bolat Bekov 110+120+190 = 420:
    Aida Amanova (Amanat).
    District 2 (R2: P4, P5, P6): Dana Dosova 190+240+100 = 530, Erlan Esov 200+230+140 = 570,
    Gulnar Gabit 20+40+20 = 80: Erlan Esov (Amanat).

    Seats: Amanat 2 + 2 = 4, Ak Zhol 1, Auyl 1.
    """
    count = count_ledger(load(election_dir(tmp_path)).ledger)
    (body,) = count.bodies
    assert body.result is not None
    assert body.result.tiers == {
        "maslikhat list tier": {"Amanat": 2, "Ak Zhol": 1, "Auyl": 1},
        "maslikhat single-member districts": {"Amanat": 2},
    }
    assert body.result.seats == {"Amanat": 4, "Ak Zhol": 1, "Auyl": 1}
    assert body.result.winners == {"District 1": "Aida Amanova", "District 2": "Erlan Esov"}
    assert body.result.questions == ()
    assert body.progress == Progress(12, 12, 11_400, 11_400)
    assert not body.provisional


# --- a partial count --------------------------------------------------------------------------


def partial_rows() -> list[Row]:
    """Everything but District 2 (P4, P5, P6) and P6's list protocol."""
    return [
        row
        for row in clean_rows()
        if not (row["contest"] == "districts" and row["precinct"] in ("P4", "P5", "P6"))
        and not (row["contest"] == "lists" and row["precinct"] == "P6")
    ]


def test_a_partial_count_says_how_much_is_in(tmp_path: Path) -> None:
    count = count_ledger(load(election_dir(tmp_path, partial_rows())).ledger)
    (body,) = count.bodies
    # lists: 5 of 6 protocols, 5,000 of 5,700 voters; districts: 3 of 6, 3,000 of 5,700
    assert body.progress == Progress(8, 12, 8_000, 11_400)
    assert body.progress.protocol_share == Fraction(2, 3)
    assert body.progress.voter_share == Fraction(40, 57)
    assert not body.progress.complete
    lists = count.contest_progress(count.election.file.contests[0])
    assert (lists.protocol_share, lists.voter_share) == (Fraction(5, 6), Fraction(50, 57))
    regions = count.totals("lists", "region")
    south = regions.ids.index("R2")
    assert regions.progress(south) == Progress(2, 3, 2_000, 2_700)
    assert regions.progress(south).voter_share == Fraction(20, 27)


def test_a_partial_count_is_provisional_and_awaits_the_districts_with_no_protocol(
    tmp_path: Path,
) -> None:
    count = count_ledger(load(election_dir(tmp_path, partial_rows())).ledger)
    (body,) = count.bodies
    assert body.provisional
    assert body.result is not None
    awaited = [q for q in body.result.questions if q.code == "results_awaited"]
    assert [q.contest for q in awaited] == ["District 2"]
    assert body.result.winners == {"District 1": "Aida Amanova"}


def test_a_district_with_some_protocols_in_is_counted_provisionally(tmp_path: Path) -> None:
    rows = [r for r in clean_rows() if not (r["contest"] == "districts" and r["precinct"] == "P5")]
    count = count_ledger(load(election_dir(tmp_path, rows)).ledger)
    (body,) = count.bodies
    assert body.result is not None
    # District 2 on P4 and P6 only: Erlan Esov 340, Dana Dosova 290, Gulnar Gabit 40
    assert body.result.winners["District 2"] == "Erlan Esov"
    assert body.result.is_final  # the rulebook leaves nothing open ...
    assert body.provisional  # ... but one protocol is still out
    assert body.progress == Progress(11, 12, 10_300, 11_400)


def test_a_partial_count_becomes_final_once_the_rest_arrives(tmp_path: Path) -> None:
    directory = election_dir(tmp_path, partial_rows())
    rest = [row for row in clean_rows() if row not in partial_rows()]
    report = import_file(directory, write_csv(tmp_path / "in" / "rest.csv", rest))
    assert report.new == 4
    count = count_ledger(load(directory).ledger)
    (body,) = count.bodies
    assert body.progress.complete
    assert body.progress.protocol_share == Fraction(1)
    assert body.progress.voter_share == Fraction(1)
    assert not body.provisional
    assert body.result is not None and body.result.questions == ()
    assert body.result.seats == {"Amanat": 4, "Ak Zhol": 1, "Auyl": 1}


def test_a_count_with_only_district_protocols_in_is_provisional(tmp_path: Path) -> None:
    rows = [row for row in clean_rows() if row["contest"] == "districts"]
    count = count_ledger(load(election_dir(tmp_path, rows)).ledger)
    (body,) = count.bodies  # the list tier has no votes yet: that is a question, not a crash
    assert body.provisional
    assert body.progress == Progress(6, 12, 5_700, 11_400)


def test_a_count_with_no_protocols_in_is_provisional(tmp_path: Path) -> None:
    count = count_ledger(ledger_with(tmp_path / "tiny", []))
    (body,) = count.bodies
    assert body.provisional
    assert body.progress == Progress(0, 12, 0, 11_400)
    assert count.totals("lists", "nation").protocols_in.tolist() == [0]


# --- held-back protocols ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "held_back",
    [
        protocol("P1", "lists", [300, 100, 50], received=600),  # E-BALLOTS-RECEIVED
        protocol("P1", "lists", [300, 100, 50], registered=1010),  # W-LIST-CHANGED, not seen
    ],
    ids=["error", "unacknowledged warning"],
)
def test_a_held_back_protocol_counts_nowhere(tmp_path: Path, held_back: Row) -> None:
    rows = [held_back, *clean_rows()[1:]]
    count = count_ledger(load(election_dir(tmp_path, rows)).ledger)
    slot = int(count.election.contest_slots[0][0])
    assert count.review.blocked[slot]
    assert not count.review.accepted[slot]
    assert_rolls_up(count, clean_rows()[1:])
    nation = count.totals("lists", "nation")
    amanat = VOTES["P2"][0][0] + sum(VOTES[p][0][0] for p in ("P3", "P4", "P5", "P6"))
    assert nation.named_votes(0)["Amanat"] == amanat
    (body,) = count.bodies
    assert body.provisional
    assert body.progress.protocols_in == 11


def test_an_acknowledged_warning_lets_the_protocol_count(tmp_path: Path) -> None:
    seen = protocol("P1", "lists", [300, 100, 50], registered=1010, acknowledged="W-LIST-CHANGED")
    rows = [seen, *clean_rows()[1:]]
    count = count_ledger(load(election_dir(tmp_path, rows)).ledger)
    assert count.review.accepted.all()
    assert_rolls_up(count, rows)
    (body,) = count.bodies
    assert not body.provisional
