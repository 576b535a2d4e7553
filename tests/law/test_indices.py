"""Disproportionality and fragmentation indices: exact, and true to their definitions."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law.indices import (
    IndexInputError,
    Root,
    effective_number,
    gallagher,
    loosemore_hanby,
    measure,
)

counts = st.dictionaries(
    st.sampled_from("ABCDEFGH"), st.integers(min_value=0, max_value=10**7), min_size=1
).filter(lambda d: sum(d.values()) > 0)


@given(seats=counts, scale=st.integers(min_value=1, max_value=1000))
def test_gallagher_and_loosemore_hanby_are_zero_when_seats_are_proportional(
    seats: dict[str, int], scale: int
) -> None:
    votes = {name: n * scale for name, n in seats.items()}
    assert gallagher(votes, seats) == Root(Fraction(0))
    assert loosemore_hanby(votes, seats) == 0


@given(n=st.integers(min_value=1, max_value=60), each=st.integers(min_value=1, max_value=10**9))
def test_effective_number_of_n_equal_parties_is_n(n: int, each: int) -> None:
    assert effective_number({f"party {i}": each for i in range(n)}) == n


@given(votes=counts, seats=counts)
def test_gallagher_never_exceeds_loosemore_hanby(
    votes: dict[str, int], seats: dict[str, int]
) -> None:
    # With shares summing to one, sum(d^2) <= 2 * (sum of positive d)^2.
    assert gallagher(votes, seats).square <= loosemore_hanby(votes, seats) ** 2


@given(votes=counts, seats=counts)
def test_indices_lie_between_0_and_100_points(votes: dict[str, int], seats: dict[str, int]) -> None:
    assert 0 <= loosemore_hanby(votes, seats) <= 100
    assert Root(Fraction(0)) <= gallagher(votes, seats) <= Root(Fraction(100**2))


@given(counts)
def test_effective_number_is_between_one_and_the_number_of_parties(c: dict[str, int]) -> None:
    enp = effective_number(c)
    assert 1 <= enp <= sum(1 for n in c.values() if n > 0)


@given(votes=counts, seats=counts)
def test_gallagher_shown_matches_the_float_value_to_the_last_place(
    votes: dict[str, int], seats: dict[str, int]
) -> None:
    index = gallagher(votes, seats)
    assert abs(float(index.text(2).replace(",", "")) - math.sqrt(index.square)) <= 0.005 + 1e-9


def test_a_root_rounds_half_up_exactly() -> None:
    assert Root(Fraction(4)).text(2) == "2.00"
    assert Root(Fraction(2)).text(4) == "1.4142"
    assert Root(Fraction(1, 64)).text(2) == "0.13"  # sqrt is 0.125 exactly: half up


def test_a_two_party_example_worked_by_hand() -> None:
    votes, seats = {"A": 60, "B": 40}, {"A": 7, "B": 3}
    # vote shares 60/40, seat shares 70/30: differences of 10 points each way.
    assert loosemore_hanby(votes, seats) == 10
    assert gallagher(votes, seats).square == 100
    assert effective_number(votes) == Fraction(1, Fraction(9, 25) + Fraction(4, 25))
    indices = measure(votes, seats)
    assert indices.enp_seats == Fraction(100, 58)
    assert indices.gallagher.text() == "10.00"


def test_a_party_with_seats_and_no_votes_counts_as_zero_votes() -> None:
    assert loosemore_hanby({"A": 1}, {"A": 1, "Self-nominated": 1}) == 50


def test_no_votes_is_an_error() -> None:
    with pytest.raises(IndexInputError):
        effective_number({"A": 0})
