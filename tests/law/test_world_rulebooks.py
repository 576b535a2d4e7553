"""The mechanics of the world rulebooks: constituencies, blank ballots, first divisors, pooled
lists and apportionment, each on a small case worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saylau.count.ballots_json import parse_election
from saylau.count.errors import InputError
from saylau.law.ballots import BallotError, Ballots, Constituency, ListVotes
from saylau.law.methods import SAINTE_LAGUE
from saylau.law.rulebooks import REGISTRY
from saylau.law.trail import Excluded, QuotientSeat

SPAIN = REGISTRY.find("es.congreso")
NORWAY = REGISTRY.on("no.storting.county", "2021-09-13")


def one_place(seats: int, votes: dict[str, int], blank: int = 0) -> Ballots:
    return Ballots(constituencies=(Constituency("Place", seats, ListVotes(votes, blank=blank)),))


def test_spain_blank_ballots_count_in_the_three_percent_base() -> None:
    # C has 30 of 1,000 list votes (3%, enough on a lists-only base), but with 10 blank
    # ballots the valid votes are 1,010 and 30 is 2.97%: C takes no part.
    result = SPAIN.elect(one_place(5, {"A": 600, "B": 370, "C": 30}, blank=10))
    [excluded] = [s for s in result.trail if isinstance(s, Excluded)]
    assert (excluded.option, excluded.base) == ("C", 1010)
    assert "blank" in excluded.base_name


def test_spain_exactly_three_percent_passes() -> None:
    result = SPAIN.elect(one_place(3, {"A": 970, "B": 30}))
    assert not [s for s in result.trail if isinstance(s, Excluded)]


def test_spain_equal_quotients_go_to_the_list_with_more_votes() -> None:
    # A 300 / 2 = 150 and B 150 / 1 = 150 tie for the second seat: A has more votes.
    result = SPAIN.elect(one_place(2, {"A": 300, "B": 150}))
    assert result.seats == {"A": 2, "B": 0}
    assert "more votes" in result.trail.explain()


def test_spain_a_one_seat_constituency_goes_to_the_list_with_most_votes() -> None:
    result = SPAIN.elect(one_place(1, {"PP": 11_000, "PSOE": 10_999, "Vox": 5_000}))
    assert result.seats["PP"] == 1


def test_spain_a_partial_return_says_which_constituencies_are_missing() -> None:
    result = SPAIN.elect(one_place(37, {"A": 1}))
    [question] = result.questions
    assert question.code == "constituencies_missing"
    assert question.seats == 350 - 37


def test_spain_more_seats_than_the_house_is_an_error() -> None:
    with pytest.raises(BallotError, match="more than the 350"):
        SPAIN.elect(one_place(351, {"A": 1}))


def test_norway_first_divisor_1_4_keeps_a_small_party_from_the_last_seat() -> None:
    # Pure Sainte-Laguë gives C (100) the fourth seat at quotient 100, ahead of B's second
    # (270 / 3 = 90); with a first divisor of 1.4, C's quotient is 71.43 and B takes it.
    votes = {"A": 350, "B": 270, "C": 100}
    assert SAINTE_LAGUE.allocate(votes, 4).seats == {"A": 2, "B": 1, "C": 1}
    result = NORWAY.elect(one_place(4, votes))
    assert result.seats == {"A": 2, "B": 2, "C": 0}
    quotients = [s for s in result.trail if isinstance(s, QuotientSeat)]
    assert [(s.option, s.divisor) for s in quotients] == [
        ("A", "1.4"),
        ("B", "1.4"),
        ("A", "3"),
        ("B", "3"),
    ]


def test_norway_has_no_threshold_for_county_seats() -> None:
    result = NORWAY.elect(one_place(19, {"Big": 10_000, "Tiny": 400}))
    assert result.seats["Tiny"] == 1
    assert not [s for s in result.trail if isinstance(s, Excluded)]


def test_norway_rulebook_changes_act_in_2024_not_method() -> None:
    later = REGISTRY.on("no.storting.county", "2025-09-08")
    assert later.ref != NORWAY.ref
    votes = {"A": 350, "B": 270, "C": 100}
    assert later.elect(one_place(4, votes)).seats == NORWAY.elect(one_place(4, votes)).seats


def test_israel_an_agreement_wins_the_pair_a_seat_from_the_largest_list() -> None:
    knesset = REGISTRY.find("il.knesset")
    votes = {"A": 5_000, "B": 2_037, "C": 1_963, "D": 1_000}
    alone = knesset.elect(Ballots(lists=ListVotes(votes))).seats
    pooled = knesset.elect(Ballots(lists=ListVotes(votes, agreements=(("B", "C"),)))).seats
    assert alone == {"A": 61, "B": 24, "C": 23, "D": 12}
    # B + C pool 4,000 votes: 48 seats instead of 47, shared 24 / 24 by D'Hondt.
    assert pooled == {"A": 60, "B": 24, "C": 24, "D": 12}


def test_a_list_cannot_be_in_two_agreements() -> None:
    with pytest.raises(BallotError, match="more than one surplus agreement"):
        ListVotes({"A": 1, "B": 1, "C": 1}, agreements=(("A", "B"), ("A", "C")))


def test_us_house_needs_fifty_states() -> None:
    with pytest.raises(BallotError, match="50 states"):
        REGISTRY.find("us.house").elect(Ballots(populations={"A": 1, "B": 2}))


def test_russia_participants_cannot_be_fewer_than_the_ballots_shown() -> None:
    with pytest.raises(BallotError, match="took part"):
        ListVotes({"A": 10}, invalid=5, participants=14)


def document(**parts: object) -> object:
    return json.loads(json.dumps(parts))


def test_json_constituencies_are_read_with_their_seats_and_blank_ballots() -> None:
    ballots, _, _ = parse_election(
        document(
            constituencies=[
                {
                    "name": "Soria",
                    "seats": 2,
                    "lists": {"blank": 7, "parties": [{"name": "A", "votes": 9}]},
                }
            ]
        ),
        "in.json",
    )
    [place] = ballots.constituencies
    assert (place.name, place.seats, place.lists.blank) == ("Soria", 2, 7)


@pytest.mark.parametrize(
    ("parts", "fragment"),
    [
        ({"constituencies": [{"name": "X", "seats": 0, "lists": {"parties": []}}]}, "seats"),
        (
            {
                "constituencies": [
                    {"name": "X", "seats": 1, "lists": {"parties": [{"name": "A", "votes": 1}]}},
                    {"name": "X", "seats": 1, "lists": {"parties": [{"name": "A", "votes": 1}]}},
                ]
            },
            "constituencies[1], field 'name'",
        ),
        (
            {"lists": {"agreements": [["A", "Z"]], "parties": [{"name": "A", "votes": 1}]}},
            "'Z', which is no list",
        ),
        ({"populations": {"Ohio": -1}}, "populations"),
        ({"lists": {"participants": 1, "parties": [{"name": "A", "votes": 2}]}}, "took part"),
    ],
)
def test_bad_world_input_is_located(parts: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError) as error:
        parse_election(document(**parts), "in.json")
    assert fragment in str(error.value)
    assert str(error.value).startswith("in.json")


def test_world_examples_are_real_returns_that_name_their_sources() -> None:
    root = Path(__file__).resolve().parents[2] / "examples"
    for name in ("es-congreso-2023.json", "no-storting-2021.json"):
        example = json.loads((root / name).read_text(encoding="utf-8"))
        assert "WHAT-IF" not in example["description"]
        assert example["source"]
