"""Thresholds: who may take seats, compared exactly on a declared base."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.law.ballots import Base, ListVotes
from saylau.law.citation import Citation
from saylau.law.thresholds import AnyOf, DistrictWins, Share, VoteCount, admit
from saylau.law.trail import Admitted, Excluded

FIVE = Fraction(5, 100)
LAW = Citation("Elections Law", "art. 97-1", "test citation")


def votes_with(share_of: int, total: int = 100_000, **more: int) -> ListVotes:
    """A list 'X' with ``share_of`` votes and a list 'Rest' making the lists' total ``total``."""
    return ListVotes({"X": share_of, "Rest": total - share_of}, **more)


# --- "X and more" vs "more than X" ----------------------------------------------------------


def test_list_at_exactly_five_percent_is_admitted() -> None:
    votes = votes_with(5_000)
    assert Share(FIVE, Base.OPTIONS).passes("X", votes)
    admitted, _ = admit(Share(FIVE, Base.OPTIONS), votes)
    assert "X" in admitted


def test_list_one_vote_below_five_percent_is_excluded() -> None:
    votes = votes_with(4_999)
    assert not Share(FIVE, Base.OPTIONS).passes("X", votes)
    admitted, steps = admit(Share(FIVE, Base.OPTIONS), votes)
    assert admitted == ["Rest"]
    assert isinstance(steps[0], Excluded)


def test_below_five_percent_by_a_fraction_of_a_vote_is_excluded() -> None:
    # 5% of 100,019 is 5,000.95: 5,000 votes fall short even though it "rounds" to 5.00%.
    votes = ListVotes({"X": 5_000, "Rest": 95_019})
    assert not Share(FIVE, Base.OPTIONS).passes("X", votes)
    # and 5,001 clears it
    assert Share(FIVE, Base.OPTIONS).passes("X", ListVotes({"X": 5_001, "Rest": 95_018}))


def test_more_than_five_percent_excludes_exactly_five_percent() -> None:
    more_than = Share(FIVE, Base.OPTIONS, inclusive=False)
    assert not more_than.passes("X", votes_with(5_000))
    assert more_than.passes("X", votes_with(5_001))
    assert more_than.describe() == "more than 5%"
    assert Share(FIVE, Base.OPTIONS).describe() == "at least 5%"


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (Fraction(5, 100), "5%"),
        (Fraction(7, 100), "7%"),
        (Fraction(10, 100), "10%"),
        (Fraction(1, 2), "50%"),
        (Fraction(325, 10_000), "3.25%"),
        (Fraction(1, 200), "0.5%"),
    ],
)
def test_share_describes_itself_without_trailing_zeros(share: Fraction, shown: str) -> None:
    assert Share(share, Base.OPTIONS).describe() == f"at least {shown}"


# --- bases ------------------------------------------------------------------------------------


def test_base_of_options_is_the_lists_only() -> None:
    votes = ListVotes({"X": 5_000, "Rest": 95_000}, against_all=10_000, invalid=3_000)
    rule = Share(FIVE, Base.OPTIONS)
    assert rule.total(votes) == 100_000
    assert rule.passes("X", votes)


def test_base_of_options_and_against_all_raises_the_bar() -> None:
    votes = ListVotes({"X": 5_000, "Rest": 95_000}, against_all=10_000, invalid=3_000)
    rule = Share(FIVE, Base.OPTIONS_AND_AGAINST_ALL)
    assert rule.total(votes) == 110_000
    assert not rule.passes("X", votes)  # 5,000 < 5,500
    assert rule.passes("X", ListVotes({"X": 5_500, "Rest": 94_500}, against_all=10_000))


def test_base_of_ballots_cast_counts_invalid_ballots_too() -> None:
    votes = ListVotes({"X": 5_500, "Rest": 94_500}, against_all=10_000, invalid=3_000)
    rule = Share(FIVE, Base.BALLOTS_CAST)
    assert rule.total(votes) == 113_000
    assert not rule.passes("X", votes)  # 5,500 < 5,650
    exactly = ListVotes({"X": 5_650, "Rest": 94_350}, against_all=10_000, invalid=3_000)
    assert rule.passes("X", exactly)


def test_declared_int_base_is_used_as_given() -> None:
    votes = ListVotes({"X": 5_000, "Rest": 95_000})
    rule = Share(FIVE, 120_000)
    assert rule.total(votes) == 120_000
    assert rule.base_name() == "the declared base"
    assert not rule.passes("X", votes)  # needs 6,000
    assert rule.passes("X", ListVotes({"X": 6_000, "Rest": 94_000}))


def test_base_names_say_what_is_counted() -> None:
    assert Share(FIVE, Base.OPTIONS).base_name() == "votes for the lists"
    assert (
        Share(FIVE, Base.OPTIONS_AND_AGAINST_ALL).base_name()
        == "votes for the lists and 'against all'"
    )
    assert Share(FIVE, Base.BALLOTS_CAST).base_name() == "ballots cast"


# --- other kinds of threshold ---------------------------------------------------------------


def test_vote_count_at_least_and_more_than() -> None:
    votes = ListVotes({"X": 1_000, "Y": 999, "Z": 1_001})
    at_least = VoteCount(1_000)
    assert [name for name in votes.votes if at_least.passes(name, votes)] == ["X", "Z"]
    more_than = VoteCount(1_000, inclusive=False)
    assert [name for name in votes.votes if more_than.passes(name, votes)] == ["Z"]
    assert at_least.describe() == "at least 1,000 votes"
    assert more_than.describe() == "more than 1,000 votes"


def test_district_wins_counts_constituency_seats() -> None:
    votes = ListVotes({"X": 10, "Y": 10, "Z": 10}, district_wins={"X": 3, "Y": 2})
    rule = DistrictWins(3)
    assert rule.passes("X", votes)
    assert not rule.passes("Y", votes)
    assert not rule.passes("Z", votes)  # no district wins recorded at all


def test_any_of_five_percent_or_three_district_seats() -> None:
    votes = ListVotes(
        {"Big": 60_000, "Local": 3_000, "Small": 4_000, "Five": 5_000, "Rest": 28_000},
        district_wins={"Local": 3, "Small": 2},
    )
    rule = AnyOf((Share(FIVE, Base.OPTIONS), DistrictWins(3)), citation=LAW)
    admitted, steps = admit(rule, votes)
    assert admitted == ["Big", "Local", "Five", "Rest"]
    assert [type(step) for step in steps] == [Admitted, Admitted, Excluded, Admitted, Admitted]
    assert rule.describe() == "at least 5% / or at least 3 district seats"


def test_no_threshold_admits_every_list_without_steps() -> None:
    votes = ListVotes({"A": 1, "B": 0})
    assert admit(None, votes) == (["A", "B"], [])


def test_admitted_lists_keep_input_order_and_every_list_has_a_step() -> None:
    votes = ListVotes({"C": 30_000, "A": 1_000, "B": 69_000})
    admitted, steps = admit(Share(FIVE, Base.OPTIONS), votes)
    assert admitted == ["C", "B"]
    assert [step.option for step in steps] == ["C", "A", "B"]


# --- the trail ------------------------------------------------------------------------------


def test_threshold_steps_carry_exact_numbers_and_the_citation() -> None:
    votes = ListVotes({"X": 5_500, "Y": 5_499}, against_all=99_001)
    rule = Share(FIVE, Base.OPTIONS_AND_AGAINST_ALL, citation=LAW)
    admitted, steps = admit(rule, votes)
    assert admitted == ["X"]
    admitted_step, excluded_step = steps
    assert isinstance(admitted_step, Admitted)
    assert isinstance(excluded_step, Excluded)
    assert (admitted_step.option, admitted_step.votes, admitted_step.base) == ("X", 5_500, 110_000)
    assert (excluded_step.option, excluded_step.votes, excluded_step.base) == ("Y", 5_499, 110_000)
    assert admitted_step.base_name == "votes for the lists and 'against all'"
    assert admitted_step.required == "at least 5%"
    assert admitted_step.citation == LAW
    assert excluded_step.citation == LAW


def test_threshold_steps_render_as_text_and_json() -> None:
    votes = ListVotes({"X": 5_500, "Y": 5_499}, against_all=99_001)
    _, (admitted_step, excluded_step) = admit(
        Share(FIVE, Base.OPTIONS_AND_AGAINST_ALL, citation=LAW), votes
    )
    text = admitted_step.explain()
    assert "X: 5,500 = 5.00% of 110,000" in text
    assert "admitted" in text
    assert str(LAW) in text
    assert excluded_step.explain().endswith(f"not admitted [{LAW}]")
    data = excluded_step.to_json()
    assert data["kind"] == "excluded"
    assert (data["votes"], data["base"]) == (5_499, 110_000)
    assert data["citation"] == LAW.to_json()


def test_declared_base_is_shown_in_the_steps() -> None:
    votes = ListVotes({"X": 6_000, "Y": 94_000})
    _, steps = admit(Share(FIVE, 6_366_441), votes)
    assert {step.base for step in steps} == {6_366_441}
    assert {step.base_name for step in steps} == {"the declared base"}


# --- properties ------------------------------------------------------------------------------

shares = st.builds(Fraction, st.integers(1, 500), st.integers(501, 2_000))


@given(share=shares, base_unit=st.integers(1, 10_000))
def test_a_list_exactly_at_the_threshold_is_admitted_and_one_vote_less_is_not(share, base_unit):
    # A base that the share divides exactly, so that "exactly at the threshold" exists.
    base = share.denominator * base_unit
    at = share.numerator * base_unit
    rule = Share(share, Base.OPTIONS, inclusive=True)
    assert rule.passes("list", ListVotes({"list": at, "others": base - at}))
    assert not rule.passes("list", ListVotes({"list": at - 1, "others": base - at + 1}))


@given(share=shares, votes=st.integers(0, 10**12), base=st.integers(1, 10**12))
def test_the_share_test_is_exact_and_agrees_with_fractions(share, votes, base):
    votes = min(votes, base)
    counted = ListVotes({"list": votes})
    assert Share(share, base, inclusive=True).passes("list", counted) == (
        Fraction(votes, base) >= share
    )
    assert Share(share, base, inclusive=False).passes("list", counted) == (
        Fraction(votes, base) > share
    )
