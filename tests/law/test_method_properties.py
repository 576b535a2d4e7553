"""Properties every allocation method keeps, checked on generated votes (hypothesis).

Each property draws its method from every name the command line accepts (``METHOD_NAMES``,
through ``method_by_name``), or from the family it belongs to: house monotonicity holds for
divisor methods only (largest remainder has the Alabama paradox, shown below), and scale
invariance fails for the Droop quota by design (it is rounded to a whole number of votes).
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from saylau.law.methods import HARE_LR, METHOD_NAMES, DivisorMethod, method_by_name
from saylau.law.ties import EARLIER_REGISTRATION, Lots, TieRule

NAMES = ("Amanat", "Auyl", "Respublica", "Ak Zhol", "QHP", "OSDP", "Baytaq", "Nur Otan")
DIVISOR_NAMES = [n for n in METHOD_NAMES if isinstance(method_by_name(n), DivisorMethod)]
SCALE_FREE_NAMES = [n for n in METHOD_NAMES if n != "droop"]

# Small counts make ties and exact quotas common; large ones look like real elections.
counts = st.one_of(st.integers(0, 30), st.integers(0, 3_000_000))
votes_strategy = (
    st.lists(counts, min_size=1, max_size=len(NAMES))
    .filter(lambda c: sum(c) > 0)
    .map(lambda c: dict(zip(NAMES, c, strict=False)))
)
seats_strategy = st.integers(1, 40)

# One example draws one method: 150 examples share the twelve methods, and the whole file runs
# in a few seconds.
PROPERTY = settings(max_examples=150, deadline=None)
all_methods = st.sampled_from(METHOD_NAMES)


def open_seats(allocation):
    return allocation.tie.seats if allocation.tie else 0


# --- the house -------------------------------------------------------------------------------


@PROPERTY
@given(name=all_methods, votes=votes_strategy, seats=seats_strategy)
def test_every_seat_is_given_or_openly_contested(name, votes, seats):
    allocation = method_by_name(name).allocate(votes, seats)

    assert sum(allocation.seats.values()) + open_seats(allocation) == seats
    assert set(allocation.seats) == set(votes)
    assert all(n >= 0 for n in allocation.seats.values())
    assert allocation.is_final == (allocation.tie is None)


@PROPERTY
@given(name=all_methods, votes=votes_strategy, seats=seats_strategy)
def test_a_list_with_no_votes_takes_no_seat_and_is_in_no_tie(name, votes, seats):
    allocation = method_by_name(name).allocate(votes, seats)

    for option, count in votes.items():
        if count == 0:
            assert allocation.seats[option] == 0
            assert allocation.tie is None or option not in allocation.tie.options


# --- input order -----------------------------------------------------------------------------


@PROPERTY
@given(name=all_methods, votes=votes_strategy, seats=seats_strategy, data=st.data())
def test_the_order_of_the_input_never_changes_seats_or_ties(name, votes, seats, data):
    shuffled = dict(data.draw(st.permutations(list(votes.items())), label="shuffled"))
    method = method_by_name(name)

    first, second = method.allocate(votes, seats), method.allocate(shuffled, seats)

    assert first.seats == second.seats
    assert first.tie == second.tie


# --- proportionality -------------------------------------------------------------------------


@PROPERTY
@given(votes=votes_strategy, seats=seats_strategy)
def test_hare_seats_are_the_exact_quota_rounded_down_or_up(votes, seats):
    allocation = HARE_LR.allocate(votes, seats)
    assume(allocation.is_final)

    total = sum(votes.values())
    for option, count in votes.items():
        quota = Fraction(count * seats, total)
        assert math.floor(quota) <= allocation.seats[option] <= math.ceil(quota)


@PROPERTY
@given(
    name=st.sampled_from(SCALE_FREE_NAMES),
    votes=votes_strategy,
    seats=seats_strategy,
    factor=st.integers(2, 1_000),
)
def test_multiplying_every_count_by_the_same_factor_changes_nothing(name, votes, seats, factor):
    method = method_by_name(name)
    scaled = {option: count * factor for option, count in votes.items()}

    plain, bigger = method.allocate(votes, seats), method.allocate(scaled, seats)

    assert plain.seats == bigger.seats
    assert plain.tie == bigger.tie


# --- house monotonicity ----------------------------------------------------------------------


@PROPERTY
@given(name=st.sampled_from(DIVISOR_NAMES), votes=votes_strategy, seats=seats_strategy)
def test_divisor_methods_never_take_a_seat_away_when_the_house_grows(name, votes, seats):
    method = method_by_name(name)

    smaller, larger = method.allocate(votes, seats), method.allocate(votes, seats + 1)
    assume(smaller.is_final and larger.is_final)

    for option in votes:
        assert larger.seats[option] >= smaller.seats[option]


def test_largest_remainder_is_not_house_monotone_the_alabama_paradox():
    # 10 seats, quota 1.4: A 4.29, B 4.29, C 1.43 -> 4 + 4 + 1, C's 0.43 takes the 10th seat.
    # 11 seats, quota 14/11: A 4.71, B 4.71, C 1.57 -> 4 + 4 + 1, A and B take the other two.
    votes = {"A": 6, "B": 6, "C": 2}

    assert HARE_LR.allocate(votes, 10).seats == {"A": 4, "B": 4, "C": 2}
    assert HARE_LR.allocate(votes, 11).seats == {"A": 5, "B": 5, "C": 1}


# --- ties are reported, not broken -----------------------------------------------------------

twin_count = st.one_of(st.integers(1, 30), st.integers(1, 3_000_000))
odd_house = st.integers(0, 20).map(lambda k: 2 * k + 1)


@PROPERTY
@given(name=all_methods, count=twin_count, seats=odd_house, flip=st.booleans())
def test_two_equal_lists_for_an_odd_house_leave_the_last_seat_open(name, count, seats, flip):
    votes = {"Y": count, "X": count} if flip else {"X": count, "Y": count}

    allocation = method_by_name(name).allocate(votes, seats)

    assert allocation.tie is not None
    assert (allocation.tie.options, allocation.tie.seats) == (("X", "Y"), 1)
    assert allocation.seats == {"X": seats // 2, "Y": seats // 2}


@PROPERTY
@given(name=all_methods, count=twin_count, seats=odd_house, flip=st.booleans())
def test_two_equal_lists_for_an_odd_house_are_decided_by_the_tie_rule_not_the_order(
    name, count, seats, flip
):
    votes = {"Y": count, "X": count} if flip else {"X": count, "Y": count}
    method = method_by_name(name)

    by_registration = method.allocate(
        votes, seats, tie_rule=TieRule((EARLIER_REGISTRATION,)), registration={"Y": 1, "X": 2}
    )
    by_lots = method.allocate(votes, seats, lots=Lots(("X", "Y"), "commission minutes"))

    assert by_registration.is_final
    assert by_registration.seats == {"X": seats // 2, "Y": seats // 2 + 1}
    assert by_lots.is_final
    assert by_lots.seats == {"X": seats // 2 + 1, "Y": seats // 2}


@PROPERTY
@given(
    name=all_methods,
    votes=votes_strategy,
    twin=twin_count,
    seats=seats_strategy,
    registration=st.permutations(("X", "Y", *NAMES)),
)
def test_equal_lists_get_equal_seats_unless_a_tie_between_them_is_open_or_decided(
    name, votes, twin, seats, registration
):
    votes = {**votes, "X": twin, "Y": twin}
    method = method_by_name(name)
    rule = TieRule((EARLIER_REGISTRATION,))
    order = {option: position for position, option in enumerate(registration)}

    reported = method.allocate(votes, seats)
    decided = method.allocate(votes, seats, tie_rule=rule, registration=order)

    if reported.seats["X"] != reported.seats["Y"]:
        assert reported.tie is not None
        assert {"X", "Y"} <= set(reported.tie.options)
    assert decided.is_final
    assert sum(decided.seats.values()) == seats
    if decided.seats["X"] != decided.seats["Y"]:
        earlier, later = sorted(("X", "Y"), key=order.__getitem__)
        assert decided.seats[earlier] == decided.seats[later] + 1


@PROPERTY
@given(
    name=all_methods,
    votes=votes_strategy,
    twin=twin_count,
    registration=st.permutations(("X", "Y", *NAMES)),
)
def test_deciding_a_tie_hands_out_the_contested_seats_and_changes_nothing_else(
    name, votes, twin, registration
):
    # Twins X and Y make a tie likely at some house size; every open tie found is checked.
    votes = {**votes, "X": twin, "Y": twin}
    method = method_by_name(name)
    rule = TieRule((EARLIER_REGISTRATION,))
    order = {option: position for position, option in enumerate(registration)}

    for seats in range(1, 16):
        reported = method.allocate(votes, seats)
        if reported.tie is None:
            continue
        decided = method.allocate(votes, seats, tie_rule=rule, registration=order)

        contested = set(reported.tie.options)
        assert decided.is_final
        for option in votes:
            if option not in contested:
                assert decided.seats[option] == reported.seats[option]
        extra = sum(decided.seats[o] - reported.seats[o] for o in contested)
        assert extra == reported.tie.seats
