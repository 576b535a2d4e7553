"""The last seat and the votes that would have moved it: exact, and checked by recounting."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.count.ballots_json import read_election
from saylau.law.margins import closest, last_seat, last_seats
from saylau.law.methods import DHONDT, HARE_LR, HUNTINGTON_HILL, SAINTE_LAGUE, DivisorMethod
from saylau.law.rulebooks import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def test_us_2020_new_york_needed_89_more_people_for_seat_435() -> None:
    ballots, _, _ = read_election(ROOT / "examples" / "us-house-2020.json")
    [seat] = last_seats(REGISTRY.find("us.house").composition, ballots)
    assert (seat.seat, seat.winner, seat.runner_up) == (435, "Minnesota", "New York")
    assert seat.votes_needed == 89


def test_mazhilis_2023_last_seat_went_to_amanat_on_its_remainder() -> None:
    ballots, _, _ = read_election(ROOT / "examples" / "kz-mazhilis-2023.json")
    [seat] = last_seats(REGISTRY.find("kz.mazhilis@2023-03-19").composition, ballots)
    assert (seat.seat, seat.winner, seat.runner_up) == (69, "Amanat", "Respublica")
    assert seat.gap is not None and seat.gap > 0
    # The gap is at the count's quota; an added vote also raises the quota, so fewer suffice.
    assert seat.votes_needed is not None and seat.votes_needed < seat.gap


votes_strategy = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.integers(min_value=1, max_value=200_000),
    min_size=2,
)


def _seats_of(method: DivisorMethod, votes: dict[str, int], house: int) -> dict[str, int]:
    return method.allocate(votes, house).seats


@settings(max_examples=60, deadline=None)
@given(
    votes=votes_strategy,
    house=st.integers(min_value=2, max_value=40),
    method=st.sampled_from([DHONDT, SAINTE_LAGUE, HUNTINGTON_HILL]),
)
def test_divisor_votes_needed_is_the_smallest_number_that_moves_the_seat(
    votes: dict[str, int], house: int, method: DivisorMethod
) -> None:
    seat = last_seat("test", method, votes, house)
    if seat is None or seat.tied or seat.votes_needed is None:
        return
    before = _seats_of(method, votes, house)[seat.runner_up]
    more = dict(votes)
    more[seat.runner_up] += seat.votes_needed
    after = method.allocate(more, house)
    assert after.seats[seat.runner_up] == before + 1  # decided, not merely tied
    one_less = dict(votes)
    one_less[seat.runner_up] += seat.votes_needed - 1
    short = method.allocate(one_less, house)
    assert short.seats.get(seat.runner_up, 0) == before or short.tie is not None


@settings(max_examples=60, deadline=None)
@given(votes=votes_strategy, house=st.integers(min_value=2, max_value=40))
def test_largest_remainder_votes_needed_is_the_smallest_number_that_moves_a_seat(
    votes: dict[str, int], house: int
) -> None:
    seat = last_seat("test", HARE_LR, votes, house)
    if seat is None or seat.tied or seat.votes_needed is None:
        return
    before = HARE_LR.allocate(votes, house).seats[seat.runner_up]
    more = dict(votes)
    more[seat.runner_up] += seat.votes_needed
    assert HARE_LR.allocate(more, house).seats[seat.runner_up] > before
    less = dict(votes)
    less[seat.runner_up] += seat.votes_needed - 1
    assert HARE_LR.allocate(less, house).seats.get(seat.runner_up, 0) <= before


def test_closest_picks_the_constituency_decided_by_fewest_votes() -> None:
    far = last_seat("far", DHONDT, {"A": 1000, "B": 100}, 3)
    near = last_seat("near", DHONDT, {"A": 501, "B": 500}, 1)
    assert near is not None and far is not None
    assert near.votes_needed == 2
    assert closest([far, near]) == near
