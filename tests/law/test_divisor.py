"""Divisor (highest averages) methods: seats go to the highest quotients ``votes / d(k)``.

The small cases are computed by hand; the quotients are in the comments. Quotients are exact
fractions (squares of them for Huntington–Hill), never floats.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from saylau.law.methods import (
    ADAMS,
    DANISH,
    DEAN,
    DHONDT,
    HUNTINGTON_HILL,
    IMPERIALI,
    SAINTE_LAGUE,
    AllocationInputError,
    method_by_name,
    modified_sainte_lague,
)
from saylau.law.ties import EARLIER_REGISTRATION, MORE_VOTES, Lots, TieRule
from saylau.law.trail import (
    Capped,
    MinimumSeats,
    QuotientSeat,
    SeatsTotal,
    SeatsVacant,
    TieOpen,
    TieResolved,
)

MAZHILIS_2023 = {
    "Amanat": 3_431_510,
    "Auyl": 693_938,
    "Respublica": 547_154,
    "Ak Zhol": 535_139,
    "QHP": 432_920,
    "OSDP": 331_058,
}
MAZHILIS_2023_OFFICIAL = {
    "Amanat": 40,
    "Auyl": 8,
    "Respublica": 6,
    "Ak Zhol": 6,
    "QHP": 5,
    "OSDP": 4,
}


# --- D'Hondt on the Mazhilis 2023 ------------------------------------------------------------


def test_dhondt_on_mazhilis_2023_gives_amanat_41_and_osdp_3():
    allocation = DHONDT.allocate(MAZHILIS_2023, 69)

    assert allocation.seats == {
        "Amanat": 41,
        "Auyl": 8,
        "Respublica": 6,
        "Ak Zhol": 6,
        "QHP": 5,
        "OSDP": 3,
    }
    assert allocation.is_final


def test_dhondt_does_not_reproduce_the_official_mazhilis_2023_result():
    # The law uses quota + largest remainder; D'Hondt moves OSDP's 4th seat to Amanat.
    assert DHONDT.allocate(MAZHILIS_2023, 69).seats != MAZHILIS_2023_OFFICIAL


def test_dhondt_trail_numbers_every_seat_1_to_69_in_quotient_order():
    allocation = DHONDT.allocate(MAZHILIS_2023, 69)

    steps = allocation.trail.of_kind(QuotientSeat)
    assert [step.seat for step in steps] == list(range(1, 70))
    quotients = [step.quotient for step in steps]
    assert quotients == sorted(quotients, reverse=True)
    for option, seats in allocation.seats.items():
        assert sum(1 for step in steps if step.option == option) == seats


def test_dhondt_trail_quotients_are_exact_fractions_of_votes_over_divisors():
    steps = DHONDT.allocate(MAZHILIS_2023, 69).trail.of_kind(QuotientSeat)

    assert (steps[0].option, steps[0].divisor, steps[0].quotient) == ("Amanat", "1", 3_431_510)
    assert steps[2].quotient == Fraction(3_431_510, 3)
    for step in steps:
        assert isinstance(step.quotient, int | Fraction)
        assert step.quotient == Fraction(step.votes, int(step.divisor))


def test_dhondt_last_seat_quotient_beats_every_next_quotient():
    allocation = DHONDT.allocate(MAZHILIS_2023, 69)

    last = allocation.trail.of_kind(QuotientSeat)[-1]
    assert (last.seat, last.option) == (69, "Amanat")
    for option, seats in allocation.seats.items():
        assert Fraction(MAZHILIS_2023[option], seats + 1) < last.quotient


def test_dhondt_trail_renders_as_text_and_json():
    allocation = DHONDT.allocate(MAZHILIS_2023, 69)

    lines = allocation.trail.explain().splitlines()
    assert lines[0] == "seat 1: Amanat, 3,431,510 / 1 = 3,431,510.00"
    assert lines[-1].startswith("seats by D'Hondt: Amanat 41")
    data = json.loads(json.dumps(allocation.to_json()))
    assert data["seats"]["Amanat"] == 41
    assert data["trail"][2]["quotient"]["numerator"] == 3_431_510
    assert data["trail"][2]["quotient"]["denominator"] == 3
    assert data["trail"][-1]["kind"] == "seats_total"


# --- every method on one small case ----------------------------------------------------------

# 55 / 32 / 13 votes, 5 seats. Quotients (seats marked *, the first one left out in brackets):
SMALL = {"A": 55, "B": 32, "C": 13}
SMALL_CASES = [
    # 1, 2, 3: A 55* 27.5* 18.33* (13.75); B 32* 16*; C 13
    ("dhondt", {"A": 3, "B": 2, "C": 0}),
    # 1, 3, 5: A 55* 18.33* 11* (7.86); B 32* (10.67); C 13*
    ("sainte-lague", {"A": 3, "B": 1, "C": 1}),
    # 1.4, 3, 5: A 39.29* 18.33* 11*; B 22.86* 10.67*; C (9.29)
    ("modified-sainte-lague", {"A": 3, "B": 2, "C": 0}),
    # 0, sqrt 2, sqrt 6: A inf* 38.89* (22.45); B inf* 22.63*; C inf*
    ("huntington-hill", {"A": 2, "B": 2, "C": 1}),
    # 0, 1, 2: A inf* 55* (27.5); B inf* 32*; C inf*
    ("adams", {"A": 2, "B": 2, "C": 1}),
    # 0, 4/3, 12/5: A inf* 41.25* (22.92); B inf* 24*; C inf*
    ("dean", {"A": 2, "B": 2, "C": 1}),
    # 1, 4, 7: A 55* 13.75* (7.86); B 32* 8*; C 13*
    ("danish", {"A": 2, "B": 2, "C": 1}),
    # 2, 3, 4, 5, 6: A 27.5* 18.33* 13.75* 11* (9.17); B 16* (10.67); C (6.5)
    ("imperiali", {"A": 4, "B": 1, "C": 0}),
]


@pytest.mark.parametrize(("name", "expected"), SMALL_CASES, ids=[c[0] for c in SMALL_CASES])
def test_each_divisor_method_on_the_small_case_matches_the_hand_count(name, expected):
    allocation = method_by_name(name).allocate(SMALL, 5)

    assert allocation.seats == expected
    assert allocation.is_final
    assert len(allocation.trail.of_kind(QuotientSeat)) == 5


@pytest.mark.parametrize(
    ("method", "divisors"),
    [
        (DHONDT, ["1", "2", "3", "4"]),
        (SAINTE_LAGUE, ["1", "3", "5", "7"]),
        (ADAMS, ["0", "1", "2", "3"]),
        (DANISH, ["1", "4", "7", "10"]),
        (IMPERIALI, ["2", "3", "4", "5"]),
        (DEAN, ["0", "1.33", "2.4", "3.43"]),
        (HUNTINGTON_HILL, ["sqrt(0)", "sqrt(2)", "sqrt(6)", "sqrt(12)"]),
        (modified_sainte_lague(), ["1.4", "3", "5", "7"]),
    ],
    ids=lambda value: getattr(value, "name", None),
)
def test_each_divisor_sequence_is_the_textbook_one(method, divisors):
    assert [method.divisor_text(k) for k in range(4)] == divisors


def test_huntington_hill_and_dean_divisors_are_exact_ratios_not_roots():
    assert HUNTINGTON_HILL.ratio(2) == (6, 1)  # sqrt(6) squared
    assert HUNTINGTON_HILL.power == 2
    assert Fraction(*DEAN.ratio(2)) == Fraction(12, 5)


# --- modified Sainte-Laguë -------------------------------------------------------------------


def test_modified_sainte_lague_defaults_to_a_first_divisor_of_1_4():
    method = method_by_name("modified-sainte-lague")

    assert method.ratio(0) == (7, 5)
    assert method.name == "modified Sainte-Laguë (first divisor 1.40)"
    assert method.allocate(SMALL, 5).seats == modified_sainte_lague().allocate(SMALL, 5).seats


def test_a_smaller_first_divisor_lets_the_small_list_in():
    # 1.2: C's 13 / 1.2 = 10.83 now beats B's 32 / 3 = 10.67 for the 5th seat.
    method = method_by_name("modified-sainte-lague", first_divisor=Fraction(6, 5))

    assert method.allocate(SMALL, 5).seats == {"A": 3, "B": 1, "C": 1}
    assert method.name == "modified Sainte-Laguë (first divisor 1.20)"


def test_a_first_divisor_of_39_32_ties_the_small_list_exactly_with_the_next_seat():
    # 13 / (39/32) = 416/39 = 32/3 = B's 32 / 3: an exact tie for the 5th seat.
    allocation = modified_sainte_lague(Fraction(39, 32)).allocate(SMALL, 5)

    assert allocation.seats == {"A": 3, "B": 1, "C": 0}
    assert allocation.tie is not None
    assert allocation.tie.options == ("B", "C")
    assert allocation.tie.seats == 1


def test_a_first_divisor_of_1_is_plain_sainte_lague():
    assert modified_sainte_lague(Fraction(1)).allocate(MAZHILIS_2023, 69).seats == (
        SAINTE_LAGUE.allocate(MAZHILIS_2023, 69).seats
    )


@pytest.mark.parametrize("first", [Fraction(0), Fraction(-7, 5), Fraction(3), Fraction(5)])
def test_a_first_divisor_outside_zero_to_three_is_an_input_error(first):
    # The divisors must increase: 1.4, 3, 5, ... A first divisor of 3 or more would not.
    with pytest.raises(AllocationInputError, match="first divisor must be more than 0"):
        modified_sainte_lague(first)


# --- Huntington–Hill, Adams, Dean: zero first divisors ---------------------------------------

STATES = {"A": 5_000_000, "B": 3_000_000, "C": 1_500_000, "D": 500_000}


def test_huntington_hill_with_one_seat_each_first_matches_the_priority_list():
    # Each state first gets one seat; then priority values P / sqrt(n(n + 1)):
    #   A/sqrt2 3.536M*, B/sqrt2 2.121M*, A/sqrt6 2.041M*, A/sqrt12 1.443M*, B/sqrt6 1.225M*,
    #   A/sqrt20 1.118M*, (C/sqrt2 1.061M, B/sqrt12 0.866M, D/sqrt2 0.354M).
    allocation = HUNTINGTON_HILL.allocate(STATES, 10, min_seats=1)

    assert allocation.seats == {"A": 5, "B": 3, "C": 1, "D": 1}
    assert allocation.is_final


def test_huntington_hill_trail_gives_the_minimum_then_seats_5_to_10_with_squared_quotients():
    trail = HUNTINGTON_HILL.allocate(STATES, 10, min_seats=1).trail

    assert isinstance(trail[0], MinimumSeats)
    assert (trail[0].seats_each, trail[0].options) == (1, ("A", "B", "C", "D"))
    steps = trail.of_kind(QuotientSeat)
    assert [(step.seat, step.option) for step in steps] == [
        (5, "A"),
        (6, "B"),
        (7, "A"),
        (8, "A"),
        (9, "B"),
        (10, "A"),
    ]
    assert steps[0].power == 2
    assert steps[0].quotient == Fraction(5_000_000**2, 2)  # (P / sqrt 2) squared, exactly
    assert "seat 5: A, 5,000,000 / sqrt(2) = sqrt(12,500,000,000,000.00)" in trail.explain()


@pytest.mark.parametrize("method", [HUNTINGTON_HILL, ADAMS, DEAN], ids=lambda m: m.name)
def test_zero_first_divisor_seats_every_list_first_ordered_by_votes(method):
    allocation = method.allocate({"D": 20, "B": 50, "A": 100, "C": 30}, 3)

    assert allocation.seats == {"A": 1, "B": 1, "C": 1, "D": 0}
    steps = allocation.trail.of_kind(QuotientSeat)
    assert [step.option for step in steps] == ["A", "B", "C"]
    assert all(step.quotient is None for step in steps)
    first_line = (
        f"seat 1: A, 100 / {method.divisor_text(0)} = infinite"
        " (zero divisor; among these, more votes first: saylau convention)"
    )
    assert first_line in allocation.trail.explain().splitlines()


@pytest.mark.parametrize("method", [HUNTINGTON_HILL, ADAMS, DEAN], ids=lambda m: m.name)
def test_equal_votes_with_infinite_quotients_leave_the_last_seat_open(method):
    allocation = method.allocate({"A": 100, "B": 30, "C": 30}, 2)

    assert allocation.seats == {"A": 1, "B": 0, "C": 0}
    assert allocation.tie is not None
    assert (allocation.tie.options, allocation.tie.seats) == (("B", "C"), 1)


def test_a_list_with_no_votes_gets_no_infinite_quotient():
    assert ADAMS.allocate({"A": 100, "B": 0}, 2).seats == {"A": 2, "B": 0}


def test_adams_seats_after_the_infinite_quotients_go_by_votes_over_seats_held():
    # A inf, B inf, C inf, then A 70 / 1 = 70, A 70 / 2 = 35 (B 20 / 1 = 20, C 10 / 1 = 10).
    allocation = ADAMS.allocate({"A": 70, "B": 20, "C": 10}, 5)

    assert allocation.seats == {"A": 3, "B": 1, "C": 1}
    steps = allocation.trail.of_kind(QuotientSeat)
    assert [(step.option, step.quotient) for step in steps[3:]] == [("A", 70), ("A", 35)]


# --- ties ------------------------------------------------------------------------------------

# D'Hondt: A 50* 25* (16.67); B 20 and C 20 tie for the 3rd seat.
TIED = {"A": 50, "B": 20, "C": 20}


def test_equal_quotients_at_the_last_seat_leave_the_tie_open():
    allocation = DHONDT.allocate(TIED, 3)

    assert not allocation.is_final
    assert allocation.tie is not None
    assert (allocation.tie.options, allocation.tie.seats) == (("B", "C"), 1)
    assert allocation.seats == {"A": 2, "B": 0, "C": 0}
    assert len(allocation.trail.of_kind(QuotientSeat)) == 2
    assert allocation.trail.of_kind(TieOpen) == [allocation.tie]


def test_open_divisor_tie_is_the_same_whatever_the_input_order():
    forward = DHONDT.allocate({"A": 50, "B": 20, "C": 20}, 3)
    backward = DHONDT.allocate({"C": 20, "B": 20, "A": 50}, 3)

    assert (forward.seats, forward.tie) == (backward.seats, backward.tie)


def test_divisor_tie_is_decided_by_earlier_registration():
    allocation = DHONDT.allocate(
        TIED,
        3,
        tie_rule=TieRule((EARLIER_REGISTRATION,)),
        registration={"A": 1, "C": 2, "B": 3},
    )

    assert allocation.is_final
    assert allocation.seats == {"A": 2, "B": 0, "C": 1}
    (resolved,) = allocation.trail.of_kind(TieResolved)
    assert resolved.rule == "earlier registration"


def test_divisor_tie_is_decided_by_a_recorded_drawing_of_lots():
    lots = Lots(order=("C", "B"), record="CEC minutes No. 7")

    allocation = DHONDT.allocate(TIED, 3, lots=lots)

    assert allocation.is_final
    assert allocation.seats == {"A": 2, "B": 0, "C": 1}
    (resolved,) = allocation.trail.of_kind(TieResolved)
    assert resolved.citation is not None
    assert resolved.citation.note == "CEC minutes No. 7"


def test_a_tie_between_a_seat_holder_and_a_newcomer_is_a_tie_too():
    # D'Hondt: A 40* then A's 40 / 2 = 20 and B's 20 / 1 = 20 for the 2nd seat.
    votes = {"A": 40, "B": 20}

    open_tie = DHONDT.allocate(votes, 2)
    decided = DHONDT.allocate(votes, 2, tie_rule=TieRule((MORE_VOTES,)))

    assert open_tie.seats == {"A": 1, "B": 0}
    assert open_tie.tie is not None
    assert (open_tie.tie.options, open_tie.tie.seats) == (("A", "B"), 1)
    assert decided.seats == {"A": 2, "B": 0}


def test_a_three_way_tie_for_two_seats_stays_open_for_both():
    # D'Hondt: A 60* then A 30, B 30, C 30 for the last 2 seats.
    allocation = DHONDT.allocate({"A": 60, "B": 30, "C": 30}, 3)

    assert allocation.seats == {"A": 1, "B": 0, "C": 0}
    assert allocation.tie is not None
    assert (allocation.tie.options, allocation.tie.seats) == (("A", "B", "C"), 2)


# --- caps ------------------------------------------------------------------------------------

# D'Hondt: A 70* 35* 23.3* 17.5* (14); B 22* (11); C (8).
CAPPED = {"A": 70, "B": 22, "C": 8}


def test_without_caps_dhondt_gives_the_large_list_four():
    assert DHONDT.allocate(CAPPED, 5).seats == {"A": 4, "B": 1, "C": 0}


def test_a_list_out_of_candidates_gives_its_next_seats_to_the_next_quotients():
    # A keeps 2; then B 22, B 11, C 8.
    allocation = DHONDT.allocate(CAPPED, 5, caps={"A": 2})

    assert allocation.seats == {"A": 2, "B": 2, "C": 1}
    (capped,) = allocation.trail.of_kind(Capped)
    assert (capped.option, capped.candidates, capped.seats_earned) == ("A", 2, 3)
    assert [step.option for step in allocation.trail.of_kind(QuotientSeat)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
    ]


def test_a_cap_the_list_does_not_reach_is_not_in_the_trail():
    allocation = DHONDT.allocate(CAPPED, 5, caps={"A": 4, "C": 0})

    assert allocation.seats == {"A": 4, "B": 1, "C": 0}
    assert allocation.trail.of_kind(Capped) == []


def test_trail_ends_with_the_seats_total():
    allocation = DHONDT.allocate(CAPPED, 5, caps={"A": 2})

    assert isinstance(allocation.trail[-1], SeatsTotal)
    assert allocation.trail[-1].seats == allocation.seats


# --- bad input -------------------------------------------------------------------------------


def test_a_minimum_the_house_cannot_give_every_list_is_an_input_error():
    with pytest.raises(AllocationInputError, match="3 seats cannot give 1 seat"):
        HUNTINGTON_HILL.allocate(STATES, 3, min_seats=1)


def test_a_negative_minimum_is_an_input_error():
    with pytest.raises(AllocationInputError):
        DHONDT.allocate(SMALL, 5, min_seats=-1)


def test_a_list_with_fewer_candidates_than_the_minimum_is_an_input_error():
    with pytest.raises(AllocationInputError, match="'D' has 0 candidates"):
        HUNTINGTON_HILL.allocate(STATES, 10, min_seats=1, caps={"D": 0})


@pytest.mark.parametrize(
    ("votes", "seats", "message"),
    [
        pytest.param({"A": -1, "B": 5}, 3, "votes for 'A'", id="negative-votes"),
        pytest.param({"A": 10, "B": 5}, 0, "seats must be", id="zero-seats"),
        pytest.param({"A": 10, "B": 5}, 2.0, "seats must be", id="float-seats"),
        pytest.param({"A": 10, "B": 5}, True, "seats must be", id="bool-seats"),
        pytest.param({"A": 10.0, "B": 5}, 3, "votes for 'A'", id="float-votes"),
        pytest.param({"A": True, "B": 5}, 3, "votes for 'A'", id="bool-votes"),
        pytest.param({"A": 0, "B": 0}, 3, "every count is 0", id="all-zero-votes"),
        pytest.param({}, 3, "no lists", id="no-lists"),
    ],
)
@pytest.mark.parametrize(
    "method",
    [DHONDT, modified_sainte_lague(), HUNTINGTON_HILL],
    ids=["dhondt", "modified-sainte-lague", "huntington-hill"],
)
def test_bad_input_is_an_allocation_input_error(method, votes, seats, message):
    with pytest.raises(AllocationInputError, match=message):
        method.allocate(votes, seats)


# --- lists with no votes, vacant seats -------------------------------------------------------


def test_a_list_with_no_votes_takes_no_seat_even_when_every_other_list_is_out_of_candidates():
    # A has one candidate; B has no votes. Seats 2 and 3 stay vacant: B neither takes them
    # nor ties with itself for them.
    allocation = DHONDT.allocate({"A": 10, "B": 0}, 3, caps={"A": 1})

    assert allocation.seats == {"A": 1, "B": 0}
    assert allocation.tie is None
    (vacant,) = allocation.trail.of_kind(SeatsVacant)
    assert vacant.seats == 2


def test_a_list_with_no_votes_keeps_its_minimum_seat():
    allocation = HUNTINGTON_HILL.allocate({"A": 100, "B": 0}, 4, min_seats=1)

    assert allocation.seats == {"A": 3, "B": 1}
