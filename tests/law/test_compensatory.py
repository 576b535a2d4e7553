"""Compensatory composition: district seats counted against the list entitlement."""

from fractions import Fraction

import pytest

from saylau.law.ballots import Base, ListVotes
from saylau.law.methods import HARE_LR, SAINTE_LAGUE, AllocationInputError
from saylau.law.thresholds import AnyOf, DistrictWins, Share
from saylau.law.tiers import Compensatory, OverhangPolicy, leveled_house
from saylau.law.trail import Leveling, Overhang

VOTES = {"A": 50_000, "B": 30_000, "C": 20_000}


def tier(policy: OverhangPolicy, house: int = 10) -> Compensatory:
    return Compensatory("list tier", SAINTE_LAGUE, None, house, policy)


def test_without_overhang_the_list_tier_tops_up_district_seats():
    result = tier(OverhangPolicy.KEEP).run(ListVotes(VOTES), {"A": 3, "B": 1})
    assert result.seats == {"A": 5, "B": 3, "C": 2}
    assert not [step for step in result.steps if isinstance(step, Overhang)]


def test_kept_overhang_grows_the_house_by_the_overhang():
    result = tier(OverhangPolicy.KEEP).run(ListVotes(VOTES), {"A": 7})
    assert result.seats == {"A": 7, "B": 3, "C": 2}
    overhang = [step for step in result.steps if isinstance(step, Overhang)]
    assert [(step.option, step.entitled, step.won) for step in overhang] == [("A", 5, 7)]


def test_levelling_finds_the_smallest_house_that_covers_every_district_seat():
    # A's 7th seat needs a divisor of at most 50,000 / 13; 14 quotients reach it.
    assert leveled_house(SAINTE_LAGUE, VOTES, {"A": 7}) == 14
    result = tier(OverhangPolicy.LEVEL).run(ListVotes(VOTES), {"A": 7})
    assert result.seats == {"A": 7, "B": 4, "C": 3}
    (leveling,) = [step for step in result.steps if isinstance(step, Leveling)]
    assert (leveling.base_size, leveling.house_size) == (10, 14)


def test_levelled_house_is_the_smallest_one_that_works():
    won = {"A": 7}
    house = leveled_house(SAINTE_LAGUE, VOTES, won)
    smaller = SAINTE_LAGUE.allocate(VOTES, house - 1)
    assert smaller.seats["A"] < won["A"]
    assert SAINTE_LAGUE.allocate(VOTES, house).seats["A"] >= won["A"]


def test_denied_overhang_seats_only_the_entitlement():
    result = tier(OverhangPolicy.DENY).run(ListVotes(VOTES), {"A": 7})
    assert result.seats["A"] == 5


def test_district_seats_won_outside_the_list_tier_are_taken_off_the_house_first():
    threshold = AnyOf((Share(Fraction(5, 100), Base.OPTIONS), DistrictWins(3)))
    votes = ListVotes({**VOTES, "D": 1_000}, district_wins={"D": 1})  # D passes neither path
    result = Compensatory("list tier", SAINTE_LAGUE, threshold, 10, OverhangPolicy.KEEP).run(
        votes, {"D": 1}
    )
    assert result.seats["D"] == 1
    assert sum(result.seats.values()) == 10


def test_levelling_needs_a_divisor_method():
    with pytest.raises(AllocationInputError, match="divisor method"):
        leveled_house(HARE_LR, VOTES, {"A": 7})
