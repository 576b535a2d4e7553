"""The last seat and the votes that would have moved it: every option without the last seat is
tried, the fewest votes win, and the numbers are checked by counting again."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.count.ballots_json import read_election
from saylau.law.margins import LastSeat, closest, last_seat, last_seats
from saylau.law.methods import (
    ADAMS,
    DHONDT,
    DROOP_LR,
    HARE_LR,
    HUNTINGTON_HILL,
    SAINTE_LAGUE,
    Method,
)
from saylau.law.rulebooks import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def wins(method: Method, votes: dict[str, int], house: int, name: str, extra: int) -> bool:
    """Whether ``extra`` more votes win ``name`` a seat more, outright (a tie is not enough)."""
    before = method.allocate(votes, house).seats.get(name, 0)
    more = dict(votes)
    more[name] += extra
    return method.allocate(more, house).seats.get(name, 0) > before


# --- the published cases ------------------------------------------------------------------------


def test_us_2020_new_york_needed_89_more_people_for_seat_435() -> None:
    ballots, _, _ = read_election(ROOT / "examples" / "us-house-2020.json")
    [seat] = last_seats(REGISTRY.find("us.house").composition, ballots)
    assert (seat.seat, seat.winner, seat.runners_up) == (435, "Minnesota", ("New York",))
    assert seat.votes_needed == 89
    assert seat.unit == "people"


def test_mazhilis_2023_last_seat_went_to_amanat_on_its_remainder() -> None:
    ballots, _, _ = read_election(ROOT / "examples" / "kz-mazhilis-2023.json")
    [seat] = last_seats(REGISTRY.find("kz.mazhilis@2023-03-19").composition, ballots)
    assert (seat.seat, seat.winner, seat.runners_up) == (69, "Amanat", ("Respublica",))
    assert seat.gap is not None and seat.gap > 0
    # The gap is at the count's quota; an added vote also raises the quota, so fewer suffice.
    assert seat.votes_needed is not None and seat.votes_needed < seat.gap


# --- the fewest votes, whoever needs them -------------------------------------------------------


def test_the_runner_up_is_the_list_needing_fewest_votes_not_the_next_quotient() -> None:
    # D'Hondt, 8 seats: A 5, C 3; the last seat is C's third (3,000 / 3 = 1,000). A's next
    # quotient 5,900 / 6 = 983.33 is the highest not given, and A needs 101 votes to pass
    # 1,000; B (950 / 1) is lower but needs only 51.
    seat = last_seat("test", DHONDT, {"A": 5900, "B": 950, "C": 3000}, 8)
    assert seat is not None
    assert (seat.winner, seat.runners_up, seat.votes_needed) == ("C", ("B",), 51)
    assert wins(DHONDT, {"A": 5900, "B": 950, "C": 3000}, 8, "B", 51)
    assert not wins(DHONDT, {"A": 5900, "B": 950, "C": 3000}, 8, "B", 50)
    assert seat.explain() == (
        "test: seat 8 to C; B needed 51 more votes to take it"
        " (last quotient 3,000 / 3 = 1,000.00; next: B 950 / 1)"
    )


@pytest.mark.parametrize("method", [DHONDT, SAINTE_LAGUE, HARE_LR], ids=lambda m: m.name)
def test_lists_needing_equally_few_votes_are_all_named_by_name_not_input_order(
    method: Method,
) -> None:
    # A takes every seat; B and C have equal votes, so each needs as many more as the other.
    votes = {"C": 100, "B": 100, "A": 2400}
    seat = last_seat("test", method, votes, 3)
    assert seat is not None and seat.votes_needed is not None
    assert seat.runners_up == ("B", "C")
    assert seat.runner_up == "B / C"
    assert "B / C each needed" in seat.explain()
    assert seat.to_json()["runners_up"] == ["B", "C"]
    reordered = last_seat("test", method, dict(sorted(votes.items())), 3)
    assert reordered == seat


def test_a_list_without_votes_is_tried_like_any_other() -> None:
    # Sainte-Laguë, 2 seats: A and B one each; B's seat is the last (999 / 1). A's next
    # quotient needs 3 x 999 votes; C, with none, needs only 1,000.
    seat = last_seat("test", SAINTE_LAGUE, {"A": 1000, "B": 999, "C": 0}, 2)
    assert seat is not None
    assert (seat.winner, seat.runners_up, seat.votes_needed) == ("B", ("C",), 1000)


def test_an_infinite_last_quotient_is_passed_only_by_a_first_seat_with_more_votes() -> None:
    # Adams: every list's first seat has an infinite quotient; more votes come first.
    seat = last_seat("test", ADAMS, {"A": 1000, "B": 999, "C": 10}, 2)
    assert seat is not None
    assert (seat.winner, seat.runners_up, seat.votes_needed) == ("B", ("C",), 990)


def test_no_number_of_votes_moves_a_first_seat_every_list_keeps() -> None:
    # Adams with one seat per list: nobody can take a list's first seat.
    seat = last_seat("test", ADAMS, {"A": 1000, "B": 999}, 2)
    assert seat is not None
    assert (seat.votes_needed, seat.runners_up) == (None, ())
    assert "no number of added votes" in seat.explain()


def test_a_tied_last_seat_needs_no_votes_and_says_so() -> None:
    for method in (DHONDT, HARE_LR):
        seat = last_seat("test", method, {"A": 100, "B": 100}, 1)
        assert seat is not None
        assert seat.tied and seat.votes_needed == 0
        assert seat.runners_up == ("A", "B")
        assert "the seat is tied" in seat.explain()


def test_under_droop_the_first_win_is_found_though_one_vote_more_ties_the_seat_again() -> None:
    # Droop, 3 seats, A 14, B 42 (quota 15): B wins A's seat with 3 more votes (quota still
    # 15), but a fourth vote raises the quota to 16 and ties the seat again; from 5 B wins
    # for good. Doubling and bisection alone would report 5.
    votes = {"A": 14, "B": 42}
    assert [wins(DROOP_LR, votes, 3, "B", extra) for extra in range(1, 6)] == [
        False,
        False,
        True,
        False,
        True,
    ]
    seat = last_seat("test", DROOP_LR, votes, 3)
    assert seat is not None
    assert (seat.winner, seat.runners_up, seat.votes_needed) == ("A", ("B",), 3)


def test_closest_picks_the_constituency_decided_by_fewest_votes() -> None:
    far = last_seat("far", DHONDT, {"A": 1000, "B": 100}, 3)
    near = last_seat("near", DHONDT, {"A": 501, "B": 500}, 1)
    assert near is not None and far is not None
    assert near.votes_needed == 2
    assert closest([far, near]) == near


# --- properties ---------------------------------------------------------------------------------


def check_against_brute_force(
    seat: LastSeat, method: Method, votes: dict[str, int], house: int
) -> None:
    """Every option without the last seat, every number of votes below the one reported: none
    wins a seat; at that number, exactly the runners-up do."""
    assert seat.votes_needed is not None
    others = [name for name in votes if name != seat.winner]
    for extra in range(1, seat.votes_needed):
        assert not [name for name in others if wins(method, votes, house, name, extra)], extra
    winning = sorted(name for name in others if wins(method, votes, house, name, seat.votes_needed))
    assert seat.runners_up == tuple(winning)


small_votes = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D"]), st.integers(min_value=1, max_value=120), min_size=2
)


@settings(max_examples=80, deadline=None)
@given(
    votes=small_votes,
    house=st.integers(min_value=1, max_value=8),
    method=st.sampled_from([DHONDT, SAINTE_LAGUE, HARE_LR, DROOP_LR]),
)
def test_the_votes_needed_are_the_fewest_by_brute_force(
    votes: dict[str, int], house: int, method: Method
) -> None:
    seat = last_seat("test", method, votes, house)
    if seat is None or seat.tied:
        return
    check_against_brute_force(seat, method, votes, house)


large_votes = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.integers(min_value=1, max_value=200_000),
    min_size=2,
)


@settings(max_examples=60, deadline=None)
@given(
    votes=large_votes,
    house=st.integers(min_value=2, max_value=40),
    method=st.sampled_from([DHONDT, SAINTE_LAGUE, HUNTINGTON_HILL, HARE_LR]),
)
def test_the_runners_up_win_with_the_votes_needed_and_nobody_wins_with_one_fewer(
    votes: dict[str, int], house: int, method: Method
) -> None:
    # These methods never take a seat back from a list that gets more votes, so one vote
    # fewer winning nobody a seat means that no smaller number does either.
    seat = last_seat("test", method, votes, house)
    if seat is None or seat.tied:
        return
    if seat.votes_needed is None:  # first seats (Huntington-Hill) no list can take
        assert method is HUNTINGTON_HILL and "infinite" in seat.detail
        return
    for name in votes:
        if name == seat.winner:
            continue
        assert not wins(method, votes, house, name, seat.votes_needed - 1)
        assert wins(method, votes, house, name, seat.votes_needed) == (name in seat.runners_up)
