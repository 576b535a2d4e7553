"""Largest-remainder methods: a quota, whole seats per quota, then the largest remainders.

Every expected number here is computed by hand (the working is in the comments) or is an
official result. Seats are exact: quotas and remainders are fractions, never floats.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import saylau.law.methods.quota
from saylau.law.methods import (
    DROOP_LR,
    HAGENBACH_BISCHOFF_LR,
    HARE_LR,
    IMPERIALI_LR,
    AllocationInputError,
    method_by_name,
)
from saylau.law.methods.quota import DROOP, HAGENBACH_BISCHOFF, HARE, IMPERIALI_QUOTA
from saylau.law.ties import EARLIER_REGISTRATION, MORE_VOTES, Lots, TieRule
from saylau.law.trail import (
    Capped,
    Quota,
    RemainderSeat,
    SeatReturned,
    SeatsTotal,
    SeatsVacant,
    TieOpen,
    TieResolved,
    WholeSeats,
)

# --- official results ------------------------------------------------------------------------

MAZHILIS_2023 = {
    "Amanat": 3_431_510,
    "Auyl": 693_938,
    "Respublica": 547_154,
    "Ak Zhol": 535_139,
    "QHP": 432_920,
    "OSDP": 331_058,
}
MAZHILIS_2023_SEATS = {
    "Amanat": 40,
    "Auyl": 8,
    "Respublica": 6,
    "Ak Zhol": 6,
    "QHP": 5,
    "OSDP": 4,
}
MAZHILIS_2023_QUOTA = Fraction(5_971_719, 69)

ASTANA_MASLIKHAT_2023 = {"Amanat": 227_307, "Ak Zhol": 56_045, "QHP": 18_174, "Baytaq": 18_154}
MAZHILIS_2021 = {"Nur Otan": 5_148_074, "Ak Zhol": 792_828, "QHP": 659_019}


def test_mazhilis_2023_list_tier_gives_40_8_6_6_5_4_of_69_seats_by_hare():
    allocation = HARE_LR.allocate(MAZHILIS_2023, 69)

    assert allocation.seats == MAZHILIS_2023_SEATS
    assert allocation.is_final
    assert allocation.tie is None
    assert allocation.house == 69
    assert allocation.method == "largest remainder (Hare quota)"


def test_astana_maslikhat_2023_gives_12_3_1_1_of_17_seats_by_hare():
    allocation = HARE_LR.allocate(ASTANA_MASLIKHAT_2023, 17)

    assert allocation.seats == {"Amanat": 12, "Ak Zhol": 3, "QHP": 1, "Baytaq": 1}
    assert allocation.is_final


def test_astana_maslikhat_2023_remainder_seats_go_to_ak_zhol_qhp_and_baytaq():
    # quota 319,680 / 17 = 18,804.71: Amanat 12.09, Ak Zhol 2.98, QHP 0.966, Baytaq 0.965
    # -> whole 12 + 2 + 0 + 0 = 14; three seats left for the three largest remainders.
    allocation = HARE_LR.allocate(ASTANA_MASLIKHAT_2023, 17)

    whole = {step.option: step.seats for step in allocation.trail.of_kind(WholeSeats)}
    awarded = [(step.seat, step.option) for step in allocation.trail.of_kind(RemainderSeat)]
    assert whole == {"Amanat": 12, "Ak Zhol": 2, "QHP": 0, "Baytaq": 0}
    assert awarded == [(15, "Ak Zhol"), (16, "QHP"), (17, "Baytaq")]


def test_mazhilis_2021_gives_76_12_10_of_98_seats_by_hare():
    allocation = HARE_LR.allocate(MAZHILIS_2021, 98)

    assert allocation.seats == {"Nur Otan": 76, "Ak Zhol": 12, "QHP": 10}
    assert allocation.is_final


def test_input_order_does_not_change_the_mazhilis_2023_result():
    reversed_votes = dict(reversed(MAZHILIS_2023.items()))

    assert HARE_LR.allocate(reversed_votes, 69).seats == MAZHILIS_2023_SEATS


# --- the quota formulas ----------------------------------------------------------------------


def test_hare_quota_is_votes_over_seats_exactly():
    assert HARE.value(100, 6) == Fraction(50, 3)
    assert HARE.value(5_971_719, 69) == MAZHILIS_2023_QUOTA


def test_droop_quota_is_the_whole_part_of_votes_over_seats_plus_one_then_one_more():
    assert DROOP.value(100, 6) == 15  # floor(100 / 7) + 1
    assert DROOP.value(70, 6) == 11  # 70 / 7 is whole: the quota is still one more


def test_hagenbach_bischoff_quota_is_votes_over_seats_plus_one_unrounded():
    assert HAGENBACH_BISCHOFF.value(100, 6) == Fraction(100, 7)
    assert HAGENBACH_BISCHOFF.value(70, 6) == 10


def test_imperiali_quota_is_votes_over_seats_plus_two():
    assert IMPERIALI_QUOTA.value(100, 6) == Fraction(25, 2)


# One small case, 68 / 24 / 8 votes for 6 seats, that every quota shares differently.
SMALL = {"A": 68, "B": 24, "C": 8}


def test_hare_quota_on_the_small_case_gives_the_last_seat_to_the_smallest_list():
    # quota 100 / 6: A 4.08, B 1.44, C 0.48 -> whole 4 + 1 + 0 = 5; the 6th seat goes to
    # the largest remainder, C's 0.48 (B 0.44, A 0.08).
    allocation = HARE_LR.allocate(SMALL, 6)

    assert allocation.seats == {"A": 4, "B": 1, "C": 1}
    assert allocation.trail.of_kind(Quota)[0].value == Fraction(50, 3)
    assert [step.option for step in allocation.trail.of_kind(RemainderSeat)] == ["C"]


def test_droop_quota_on_the_small_case_gives_the_last_seat_to_the_middle_list():
    # quota floor(100 / 7) + 1 = 15: A 68 = 4 x 15 + 8, B 24 = 1 x 15 + 9, C 8 = 0 x 15 + 8
    # -> whole 5; the 6th seat goes to B's remainder 9/15 (A and C have 8/15).
    allocation = DROOP_LR.allocate(SMALL, 6)

    assert allocation.seats == {"A": 4, "B": 2, "C": 0}
    assert allocation.trail.of_kind(RemainderSeat)[0].remainder == Fraction(9, 15)


def test_hagenbach_bischoff_quota_on_the_small_case_gives_the_last_seat_to_the_largest_list():
    # quota 100 / 7: A 4.76, B 1.68, C 0.56 -> whole 5; the 6th seat goes to A's 0.76.
    allocation = HAGENBACH_BISCHOFF_LR.allocate(SMALL, 6)

    assert allocation.seats == {"A": 5, "B": 1, "C": 0}
    assert allocation.trail.of_kind(RemainderSeat)[0].remainder == Fraction(76, 100)


def test_imperiali_quota_on_the_small_case_fills_the_house_with_whole_seats():
    # quota 100 / 8 = 12.5: A 5.44, B 1.92, C 0.64 -> whole 5 + 1 + 0 = 6 = the house.
    allocation = IMPERIALI_LR.allocate(SMALL, 6)

    assert allocation.seats == {"A": 5, "B": 1, "C": 0}
    assert allocation.trail.of_kind(RemainderSeat) == []
    assert allocation.trail.of_kind(SeatReturned) == []


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("hare", HARE_LR),
        ("droop", DROOP_LR),
        ("hagenbach-bischoff", HAGENBACH_BISCHOFF_LR),
        ("imperiali-quota", IMPERIALI_LR),
    ],
)
def test_each_quota_method_is_found_by_its_command_line_name(name, method):
    assert method_by_name(name) is method


def test_an_unknown_method_name_is_an_input_error_that_lists_the_choices():
    with pytest.raises(AllocationInputError, match="hagenbach-bischoff"):
        method_by_name("hamilton")


# --- over-filled house (Imperiali quota) -----------------------------------------------------


def test_imperiali_quota_overfilling_the_house_takes_a_seat_back_from_the_smallest_remainder():
    # quota 100 / 7: A 3.5, B 2.1, C 1.4 -> whole 3 + 2 + 1 = 6 seats for a house of 5;
    # B has the smallest remainder (0.1) and gives one back.
    allocation = IMPERIALI_LR.allocate({"A": 50, "B": 30, "C": 20}, 5)

    assert allocation.seats == {"A": 3, "B": 1, "C": 1}
    assert allocation.is_final
    (returned,) = allocation.trail.of_kind(SeatReturned)
    assert returned.option == "B"
    assert returned.remainder == Fraction(1, 10)
    assert returned.citation is not None
    assert "saylau convention" in returned.citation.source


def test_overfilled_house_with_equal_smallest_remainders_leaves_the_tie_open():
    # two equal lists, 3 seats, quota 100 / 5 = 20: 50 = 2.5 quotas each -> whole 2 + 2 = 4;
    # one of them must give a seat back and their remainders are equal.
    allocation = IMPERIALI_LR.allocate({"A": 50, "B": 50}, 3)

    assert allocation.seats == {"A": 1, "B": 1}
    assert allocation.tie is not None
    assert allocation.tie.options == ("A", "B")
    assert allocation.tie.seats == 1
    assert allocation.trail.of_kind(SeatReturned) == []


def test_a_lone_list_under_the_imperiali_quota_gives_back_every_seat_over_the_house():
    # quota 100 / 5 = 20: A has 5 whole quotas for a house of 3, so two seats go back.
    allocation = IMPERIALI_LR.allocate({"A": 100, "B": 0}, 3)

    assert allocation.seats == {"A": 3, "B": 0}
    assert allocation.is_final
    assert [step.option for step in allocation.trail.of_kind(SeatReturned)] == ["A", "A"]


# --- ties ------------------------------------------------------------------------------------

# quota 10,000 / 3: A 1.8, B 0.6, C 0.6 -> whole 1; seat 2 goes to A (0.8), then B and C tie.
TIED = {"A": 6_000, "B": 2_000, "C": 2_000}


def test_equal_remainders_at_the_last_seat_leave_the_tie_open():
    allocation = HARE_LR.allocate(TIED, 3)

    assert not allocation.is_final
    assert allocation.tie is not None
    assert allocation.tie.options == ("B", "C")
    assert allocation.tie.seats == 1
    assert allocation.seats == {"A": 2, "B": 0, "C": 0}  # the contested seat is in no one's
    assert sum(allocation.seats.values()) + allocation.tie.seats == allocation.house


def test_open_tie_is_the_same_whatever_the_input_order():
    forward = HARE_LR.allocate({"A": 6_000, "B": 2_000, "C": 2_000}, 3)
    backward = HARE_LR.allocate({"C": 2_000, "B": 2_000, "A": 6_000}, 3)

    assert forward.seats == backward.seats
    assert forward.tie == backward.tie


def test_open_tie_is_written_in_the_trail_and_says_lots_must_decide():
    allocation = HARE_LR.allocate(TIED, 3)

    (open_tie,) = allocation.trail.of_kind(TieOpen)
    assert open_tie == allocation.tie
    assert "OPEN TIE between B, C for 1 seat(s)" in allocation.trail.explain()
    assert "drawing of lots must decide" in allocation.trail.explain()


def test_tie_is_decided_by_earlier_registration_when_the_rule_says_so():
    # C registered before B: C takes the seat though B comes first in the input and alphabet.
    allocation = HARE_LR.allocate(
        TIED,
        3,
        tie_rule=TieRule((EARLIER_REGISTRATION,)),
        registration={"A": 1, "C": 2, "B": 3},
    )

    assert allocation.is_final
    assert allocation.seats == {"A": 2, "B": 0, "C": 1}
    (resolved,) = allocation.trail.of_kind(TieResolved)
    assert resolved.options == ("B", "C")
    assert resolved.rule == "earlier registration"
    assert resolved.order[:1] == ("C",)


def test_registration_that_does_not_cover_every_tied_list_leaves_the_tie_open():
    allocation = HARE_LR.allocate(
        TIED,
        3,
        tie_rule=TieRule((EARLIER_REGISTRATION,)),
        registration={"A": 1, "C": 2},
    )

    assert allocation.tie is not None
    assert allocation.tie.options == ("B", "C")
    assert allocation.tie.reason == "the tie rule does not decide it"


def test_tie_is_decided_by_a_recorded_drawing_of_lots():
    lots = Lots(order=("C", "B"), record="CEC minutes No. 12, 2023-03-21")

    allocation = HARE_LR.allocate(TIED, 3, lots=lots)

    assert allocation.is_final
    assert allocation.seats == {"A": 2, "B": 0, "C": 1}
    (resolved,) = allocation.trail.of_kind(TieResolved)
    assert resolved.rule == "drawing of lots"
    assert resolved.citation is not None
    assert resolved.citation.note == "CEC minutes No. 12, 2023-03-21"


def test_equal_remainders_go_to_more_votes_when_the_rule_says_so():
    # quota 600 / 3 = 200: A 1.5, B 0.5, C 1.0 -> whole 2; A and B both have half a quota left.
    votes = {"A": 300, "B": 100, "C": 200}

    open_tie = HARE_LR.allocate(votes, 3)
    decided = HARE_LR.allocate(votes, 3, tie_rule=TieRule((MORE_VOTES,)))

    assert open_tie.tie is not None
    assert open_tie.tie.options == ("A", "B")
    assert decided.seats == {"A": 2, "B": 0, "C": 1}


# --- candidates caps -------------------------------------------------------------------------

# quota 1,000: A 4.6, B 3.3, C 2.1 -> whole 4 + 3 + 2 = 9; the 10th seat is A's (0.6).
CAPPED = {"A": 4_600, "B": 3_300, "C": 2_100}


def test_without_caps_the_last_seat_goes_to_the_largest_remainder():
    assert HARE_LR.allocate(CAPPED, 10).seats == {"A": 5, "B": 3, "C": 2}


def test_a_list_out_of_candidates_keeps_as_many_seats_as_it_has_and_the_next_remainder_takes_one():
    allocation = HARE_LR.allocate(CAPPED, 10, caps={"A": 4})

    assert allocation.seats == {"A": 4, "B": 4, "C": 2}
    (capped,) = allocation.trail.of_kind(Capped)
    assert (capped.option, capped.candidates, capped.seats_earned) == ("A", 4, 5)
    assert [(step.seat, step.option) for step in allocation.trail.of_kind(RemainderSeat)] == [
        (10, "B")
    ]


def test_a_list_with_fewer_candidates_than_whole_quotas_gives_the_rest_to_the_remainders():
    allocation = HARE_LR.allocate(CAPPED, 10, caps={"A": 3})

    assert allocation.seats == {"A": 3, "B": 4, "C": 3}
    (capped,) = allocation.trail.of_kind(Capped)
    assert (capped.option, capped.candidates, capped.seats_earned) == ("A", 3, 4)
    assert [step.option for step in allocation.trail.of_kind(RemainderSeat)] == ["B", "C"]


def test_a_cap_the_list_does_not_reach_changes_nothing():
    allocation = HARE_LR.allocate(CAPPED, 10, caps={"A": 9, "C": 2})

    assert allocation.seats == {"A": 5, "B": 3, "C": 2}
    assert allocation.trail.of_kind(Capped) == []


# --- the trail -------------------------------------------------------------------------------


def test_mazhilis_trail_starts_with_the_exact_hare_quota():
    trail = HARE_LR.allocate(MAZHILIS_2023, 69).trail

    quota = trail[0]
    assert isinstance(quota, Quota)
    assert quota.value == MAZHILIS_2023_QUOTA
    assert type(quota.value) is Fraction
    assert (quota.votes, quota.seats, quota.formula) == (5_971_719, 69, "V / S")


def test_mazhilis_trail_gives_67_whole_seats_with_exact_remainders():
    trail = HARE_LR.allocate(MAZHILIS_2023, 69).trail

    whole = trail.of_kind(WholeSeats)
    assert [(step.option, step.seats) for step in whole] == [
        ("Amanat", 39),
        ("Auyl", 8),
        ("Respublica", 6),
        ("Ak Zhol", 6),
        ("QHP", 5),
        ("OSDP", 3),
    ]
    for step in whole:
        assert step.remainder == Fraction(step.votes) / MAZHILIS_2023_QUOTA - step.seats


def test_mazhilis_seats_68_and_69_go_to_osdp_then_amanat_by_remainder():
    trail = HARE_LR.allocate(MAZHILIS_2023, 69).trail

    seats = trail.of_kind(RemainderSeat)
    assert [(step.seat, step.option, step.rank) for step in seats] == [
        (68, "OSDP", 1),
        (69, "Amanat", 2),
    ]
    assert seats[0].remainder == Fraction(331_058) / MAZHILIS_2023_QUOTA - 3
    assert seats[1].remainder == Fraction(3_431_510) / MAZHILIS_2023_QUOTA - 39


def test_mazhilis_trail_ends_with_the_seats_total():
    trail = HARE_LR.allocate(MAZHILIS_2023, 69).trail

    assert isinstance(trail[-1], SeatsTotal)
    assert trail[-1].seats == MAZHILIS_2023_SEATS


def test_trail_numbers_are_exact_never_floats():
    trail = HARE_LR.allocate(MAZHILIS_2023, 69).trail

    for step in trail:
        for field in ("value", "remainder"):
            if hasattr(step, field):
                assert isinstance(getattr(step, field), int | Fraction), step


def test_mazhilis_trail_renders_as_text_one_step_a_line():
    text = HARE_LR.allocate(MAZHILIS_2023, 69).trail.explain()

    lines = text.splitlines()
    assert lines[0] == "Hare quota = V / S = 86,546.65 (5,971,719 votes, 69 seats)"
    assert "OSDP: 331,058 / quota = 3 whole seats, remainder 0.8252 of a quota" in lines
    assert "seat 68: OSDP, remainder 0.8252 (rank 1)" in lines
    assert "seat 69: Amanat, remainder 0.6493 (rank 2)" in lines
    assert lines[-1].startswith("seats by largest remainder (Hare quota): Amanat 40, Auyl 8")


def test_mazhilis_allocation_renders_as_json_with_exact_numbers():
    data = json.loads(json.dumps(HARE_LR.allocate(MAZHILIS_2023, 69).to_json()))

    assert data["method"] == "largest remainder (Hare quota)"
    assert data["house"] == 69
    assert data["seats"] == MAZHILIS_2023_SEATS
    assert "tie" not in data
    quota = data["trail"][0]
    assert quota["kind"] == "quota"
    assert Fraction(quota["value"]["numerator"], quota["value"]["denominator"]) == (
        MAZHILIS_2023_QUOTA
    )
    assert quota["value"]["decimal"] == "86546.652174"
    kinds = [step["kind"] for step in data["trail"]]
    assert kinds == ["quota", *["whole_seats"] * 6, *["remainder_seat"] * 2, "seats_total"]
    assert all("text" in step for step in data["trail"])


def test_an_open_tie_is_in_the_json():
    data = json.loads(json.dumps(HARE_LR.allocate(TIED, 3).to_json()))

    assert data["tie"]["kind"] == "tie_open"
    assert data["tie"]["options"] == ["B", "C"]
    assert data["tie"]["seats"] == 1


# --- bad input -------------------------------------------------------------------------------


# LargestRemainder.allocate is compiled by mypyc in the default build. Its ``seats: int``
# parameter is checked and unboxed before the body runs: a float is a TypeError, not an
# AllocationInputError, and a bool arrives as a plain int and passes as 1 seat. The pure-Python
# source (SAYLAU_PURE=1) rejects both with AllocationInputError, as the divisor methods do.
COMPILED = not saylau.law.methods.quota.__file__.endswith(".py")
MYPYC_SEATS_TYPE = pytest.mark.xfail(
    COMPILED,
    strict=True,
    raises=TypeError,
    reason="BUG (mypyc build): compiled LargestRemainder.allocate raises TypeError for "
    "non-int seats instead of AllocationInputError",
)
MYPYC_SEATS_BOOL = pytest.mark.xfail(
    COMPILED,
    strict=True,
    reason="BUG (mypyc build): compiled LargestRemainder.allocate takes seats=True as 1 seat",
)


@pytest.mark.parametrize(
    ("votes", "seats", "message"),
    [
        pytest.param({"A": -1, "B": 5}, 3, "votes for 'A'", id="negative-votes"),
        pytest.param({"A": 10, "B": 5}, 0, "seats must be", id="zero-seats"),
        pytest.param({"A": 10, "B": 5}, -2, "seats must be", id="negative-seats"),
        pytest.param({"A": 10.0, "B": 5}, 3, "votes for 'A'", id="float-votes"),
        pytest.param({"A": 10, "B": Fraction(5)}, 3, "votes for 'B'", id="fraction-votes"),
        pytest.param({"A": True, "B": 5}, 3, "votes for 'A'", id="bool-votes"),
        pytest.param({"A": 0, "B": 0}, 3, "every count is 0", id="all-zero-votes"),
        pytest.param({}, 3, "no lists", id="no-lists"),
        pytest.param(
            {"A": 10, "B": 5}, 2.0, "seats must be", id="float-seats", marks=MYPYC_SEATS_TYPE
        ),
        pytest.param(
            {"A": 10, "B": 5}, True, "seats must be", id="bool-seats", marks=MYPYC_SEATS_BOOL
        ),
    ],
)
@pytest.mark.parametrize("method", [HARE_LR, DROOP_LR], ids=["hare", "droop"])
def test_bad_input_is_an_allocation_input_error(method, votes, seats, message):
    with pytest.raises(AllocationInputError, match=message):
        method.allocate(votes, seats)


# --- lists with no votes, vacant seats -------------------------------------------------------


def test_a_list_with_no_votes_takes_no_remainder_seat_even_when_seats_outnumber_the_lists():
    # Droop quota floor(3 / 11) + 1 = 1: A has 3 whole seats and 7 are left; B has no votes,
    # so every one of them goes to A, round after round.
    allocation = DROOP_LR.allocate({"A": 3, "B": 0}, 10)

    assert allocation.seats == {"A": 10, "B": 0}
    assert allocation.is_final


def test_a_list_with_no_votes_is_not_in_a_tie_between_lists_with_zero_remainders():
    # Droop quota floor(816 / 70) + 1 = 12: A and B have 34 whole quotas each and nothing over;
    # they tie for the 69th seat. Z, with no votes, has a zero remainder too but is no rival.
    allocation = DROOP_LR.allocate({"A": 408, "B": 408, "Z": 0}, 69)

    assert allocation.tie is not None
    assert (allocation.tie.options, allocation.tie.seats) == (("A", "B"), 1)
    assert allocation.seats == {"A": 34, "B": 34, "Z": 0}


def test_seats_no_list_with_votes_can_take_stay_vacant_and_the_trail_says_so():
    # quota 15 / 5 = 3: A 3.33, B 1.67; A has one candidate, B one; C has no votes.
    allocation = HARE_LR.allocate({"A": 10, "B": 5, "C": 0}, 5, caps={"A": 1, "B": 1})

    assert allocation.seats == {"A": 1, "B": 1, "C": 0}
    assert allocation.tie is None
    (vacant,) = allocation.trail.of_kind(SeatsVacant)
    assert vacant.seats == 3
    assert "3 seat(s) stay vacant" in allocation.trail.explain()
