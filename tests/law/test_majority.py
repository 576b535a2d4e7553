"""Single-winner rules: plurality, absolute majority with a runoff, electors, referendums."""

from __future__ import annotations

from fractions import Fraction

import pytest

from saylau.law.ballots import (
    BallotError,
    Base,
    Candidate,
    ContestVotes,
    ReferendumBase,
    ReferendumVotes,
    RegionReturn,
)
from saylau.law.citation import Citation
from saylau.law.majority import (
    AGAINST_ALL,
    AbsoluteMajority,
    ElectorsMajority,
    Plurality,
    Referendum,
)
from saylau.law.ties import Lots
from saylau.law.trail import (
    Elected,
    Measure,
    OpenOutcome,
    RunoffNeeded,
    Standing,
    TieOpen,
    TieResolved,
)

RULE = Citation("Elections Law", "art. 9", "test")


def contest(*votes: tuple[str, int], against_all: int = 0, invalid: int = 0) -> ContestVotes:
    return ContestVotes(
        "District 1",
        tuple(Candidate(name, count) for name, count in votes),
        against_all=against_all,
        invalid=invalid,
    )


def codes(outcome: object) -> list[str]:
    return [question.code for question in outcome.questions]  # type: ignore[attr-defined]


# --- plurality ------------------------------------------------------------------------------


def test_plurality_most_votes_wins_even_without_a_majority() -> None:
    outcome = Plurality(citation=RULE).decide(
        contest(("A", 400), ("B", 350), ("C", 300), against_all=100)
    )
    assert outcome.winner == "A"
    assert outcome.questions == ()
    elected = outcome.steps[-1]
    assert isinstance(elected, Elected)
    assert (elected.option, elected.votes, elected.base) == ("A", 400, 1_150)
    assert elected.citation == RULE


def test_plurality_winner_does_not_depend_on_input_order() -> None:
    forward = contest(("A", 10), ("B", 30), ("C", 20))
    backward = contest(("C", 20), ("B", 30), ("A", 10))
    assert Plurality().decide(forward).winner == Plurality().decide(backward).winner == "B"


def test_against_all_first_means_repeat_election_and_no_winner() -> None:
    outcome = Plurality().decide(contest(("A", 1_210), ("B", 840), against_all=1_900))
    assert outcome.winner is None
    assert codes(outcome) == ["repeat_election_required"]
    assert isinstance(outcome.steps[-1], OpenOutcome)
    assert outcome.steps[-1].code == "repeat_election_required"


def test_against_all_equal_to_the_leader_is_open() -> None:
    outcome = Plurality().decide(contest(("A", 500), ("B", 300), against_all=500))
    assert outcome.winner is None
    assert codes(outcome) == ["repeat_election_required"]


def test_against_all_one_vote_behind_the_leader_does_not_stop_the_winner() -> None:
    outcome = Plurality().decide(contest(("A", 501), ("B", 300), against_all=500))
    assert outcome.winner == "A"


def test_against_all_is_shown_as_a_standing_but_never_elected() -> None:
    outcome = Plurality().decide(contest(("A", 10), against_all=90))
    standings = [step for step in outcome.steps if isinstance(step, Standing)]
    assert [step.option for step in standings] == ["A", AGAINST_ALL]
    assert not any(isinstance(step, Elected) for step in outcome.steps)


def test_equal_leading_candidates_are_an_open_tie_with_no_winner() -> None:
    outcome = Plurality().decide(contest(("B", 500), ("A", 500), ("C", 100), against_all=50))
    assert outcome.winner is None
    assert codes(outcome) == ["tie"]
    (tie,) = outcome.questions
    assert set(tie.options) == {"A", "B"}
    assert tie.seats == 1
    assert any(isinstance(step, TieOpen) for step in outcome.steps)


def test_equal_leaders_decided_by_recorded_lots() -> None:
    lots = Lots(("B", "A"), "district commission minutes No. 3")
    outcome = Plurality().decide(contest(("A", 500), ("B", 500), ("C", 100)), lots)
    assert outcome.winner == "B"
    assert outcome.questions == ()
    (resolved,) = [step for step in outcome.steps if isinstance(step, TieResolved)]
    assert resolved.rule == "drawing of lots"
    assert resolved.citation is not None
    assert resolved.citation.note == "district commission minutes No. 3"


def test_lots_that_do_not_name_the_tied_candidates_leave_the_tie_open() -> None:
    lots = Lots(("A", "C"), "minutes No. 4")
    outcome = Plurality().decide(contest(("A", 500), ("B", 500), ("C", 100)), lots)
    assert outcome.winner is None
    assert codes(outcome) == ["tie"]


def test_plurality_with_no_candidates_is_open() -> None:
    outcome = Plurality().decide(ContestVotes("Empty", (), against_all=3))
    assert outcome.winner is None
    assert codes(outcome) == ["no_candidates"]


# --- absolute majority and runoff -----------------------------------------------------------


def test_absolute_majority_of_exactly_half_is_not_a_majority() -> None:
    outcome = AbsoluteMajority().decide(contest(("A", 500), ("B", 400), against_all=100))
    assert outcome.winner is None
    assert outcome.runoff == ("A", "B")
    assert codes(outcome) == ["runoff_required"]
    runoff = outcome.steps[-1]
    assert isinstance(runoff, RunoffNeeded)
    assert (runoff.leader_votes, runoff.base) == (500, 1_000)


def test_absolute_majority_half_plus_one_vote_wins() -> None:
    outcome = AbsoluteMajority(citation=RULE).decide(
        contest(("A", 501), ("B", 399), against_all=100)
    )
    assert outcome.winner == "A"
    assert outcome.runoff == ()
    assert outcome.questions == ()
    assert isinstance(outcome.steps[-1], Elected)
    assert outcome.steps[-1].citation == RULE


def test_absolute_majority_with_an_odd_base_needs_more_than_half() -> None:
    # base 1,001: 500.5 is half; 501 is more than half.
    assert AbsoluteMajority().decide(contest(("A", 501), ("B", 500))).winner == "A"
    assert AbsoluteMajority().decide(contest(("A", 500), ("B", 501))).winner == "B"
    assert AbsoluteMajority().decide(contest(("A", 500), ("B", 500), invalid=1)).winner is None


def test_majority_base_with_against_all_counts_against_all() -> None:
    ballots = contest(("A", 520), ("B", 380), against_all=100)
    assert AbsoluteMajority(base=Base.OPTIONS_AND_AGAINST_ALL).decide(ballots).winner == "A"
    tighter = contest(("A", 520), ("B", 380), against_all=150)
    assert AbsoluteMajority(base=Base.OPTIONS_AND_AGAINST_ALL).decide(tighter).winner is None
    assert AbsoluteMajority(base=Base.OPTIONS).decide(tighter).winner == "A"


def test_runoff_finalists_are_the_top_two_whatever_the_input_order() -> None:
    outcome = AbsoluteMajority().decide(contest(("C", 200), ("A", 450), ("D", 50), ("B", 300)))
    assert outcome.winner is None
    assert outcome.runoff == ("A", "B")
    (question,) = outcome.questions
    assert question.code == "runoff_required"
    assert question.options == ("A", "B")


def test_equal_leaders_both_go_to_the_runoff() -> None:
    outcome = AbsoluteMajority().decide(contest(("A", 400), ("B", 400), ("C", 200)))
    assert set(outcome.runoff) == {"A", "B"}
    assert codes(outcome) == ["runoff_required"]


def test_tie_for_second_place_is_reported() -> None:
    outcome = AbsoluteMajority().decide(contest(("A", 400), ("B", 300), ("C", 300)))
    assert outcome.winner is None
    assert "A" in outcome.runoff
    assert "tie" in codes(outcome)
    tie = next(q for q in outcome.questions if q.code == "tie")
    assert set(tie.options) == {"B", "C"}
    assert tie.seats == 1
    assert any(isinstance(step, TieOpen) for step in outcome.steps)


def test_tie_for_second_place_decided_by_lots() -> None:
    lots = Lots(("C", "B"), "CEC minutes No. 9")
    outcome = AbsoluteMajority().decide(contest(("A", 400), ("B", 300), ("C", 300)), lots=lots)
    assert outcome.runoff == ("A", "C")
    assert codes(outcome) == ["runoff_required"]


def test_round_two_is_decided_by_plurality() -> None:
    rule = AbsoluteMajority(runoff_rule=Plurality(citation=RULE))
    outcome = rule.decide(contest(("A", 480), ("B", 470), against_all=50), round=2)
    assert outcome.winner == "A"  # 48% is enough in the runoff
    assert outcome.steps[-1].citation == RULE


def test_round_two_against_all_first_is_open() -> None:
    outcome = AbsoluteMajority().decide(contest(("A", 300), ("B", 200), against_all=500), round=2)
    assert outcome.winner is None
    assert codes(outcome) == ["repeat_election_required"]


def test_round_two_equal_finalists_is_an_open_tie() -> None:
    outcome = AbsoluteMajority().decide(contest(("A", 300), ("B", 300)), round=2)
    assert outcome.winner is None
    assert codes(outcome) == ["tie"]


# --- electors (the Senate) ------------------------------------------------------------------


def senate_rule() -> ElectorsMajority:
    return ElectorsMajority(AbsoluteMajority(base=Base.BALLOTS_CAST, citation=RULE))


def seat(a: int, b: int, invalid: int = 0, electors: int | None = 200) -> ContestVotes:
    return ContestVotes(
        "Region",
        (Candidate("A", a), Candidate("B", b)),
        invalid=invalid,
        electors=electors,
    )


def test_senate_more_than_half_of_electors_who_voted_wins() -> None:
    outcome = senate_rule().decide(seat(91, 89))
    assert outcome.winner == "A"
    measure = outcome.steps[0]
    assert isinstance(measure, Measure)
    assert (measure.part, measure.whole) == (180, 200)


def test_senate_invalid_ballots_count_among_those_who_voted() -> None:
    # 90 of 180 cast (incl. 2 invalid) is exactly half: no majority.
    outcome = senate_rule().decide(seat(90, 88, invalid=2))
    assert outcome.winner is None
    assert outcome.runoff == ("A", "B")
    assert codes(outcome) == ["runoff_required"]


def test_senate_more_ballots_than_electors_is_open() -> None:
    outcome = senate_rule().decide(seat(150, 60, electors=200))
    assert outcome.winner is None
    assert codes(outcome) == ["more_votes_than_electors"]


def test_senate_without_electors_count_is_a_plain_majority() -> None:
    outcome = senate_rule().decide(seat(91, 89, electors=None))
    assert outcome.winner == "A"
    assert not any(isinstance(step, Measure) for step in outcome.steps)


# --- referendums ----------------------------------------------------------------------------


def test_referendum_turnout_of_exactly_half_is_not_valid() -> None:
    decisions, steps, _ = Referendum().decide(ReferendumVotes("Q", 1_000, 500, 400))
    assert decisions["valid"] is False
    assert decisions["adopted"] is False
    assert isinstance(steps[0], Measure)
    assert (steps[0].part, steps[0].whole, steps[0].met) == (500, 1_000, False)


def test_referendum_turnout_of_half_plus_one_is_valid() -> None:
    decisions, _, _ = Referendum().decide(ReferendumVotes("Q", 1_000, 501, 400))
    assert decisions == {"valid": True, "carried_nationally": True, "adopted": True}


def test_referendum_yes_of_exactly_half_of_participants_is_not_adopted() -> None:
    decisions, steps, _ = Referendum().decide(ReferendumVotes("Q", 1_000, 800, 400, 390, 10))
    assert decisions == {"valid": True, "carried_nationally": False, "adopted": False}
    assert (steps[1].part, steps[1].whole) == (400, 800)


def test_referendum_yes_of_half_plus_one_is_adopted() -> None:
    decisions, _, questions = Referendum().decide(ReferendumVotes("Q", 1_000, 800, 401))
    assert decisions["adopted"] is True
    assert questions == []


def test_referendum_adoption_on_valid_ballots_needs_the_no_votes() -> None:
    rule = Referendum(adoption_base=ReferendumBase.VALID)
    decisions, steps, _ = rule.decide(ReferendumVotes("Q", 1_000, 800, 390, 380, 30))
    assert decisions["adopted"] is True  # 390 of 770 valid, though not of 800 who took part
    assert (steps[1].part, steps[1].whole) == (390, 770)
    with pytest.raises(BallotError):
        rule.decide(ReferendumVotes("Q", 1_000, 800, 390))


def regions(carried: int, lost: int) -> tuple[RegionReturn, ...]:
    won = [RegionReturn(f"Won {n}", 40, 21) for n in range(carried)]
    failed = [RegionReturn(f"Lost {n}", 40, 20) for n in range(lost)]  # exactly half: lost
    return (*won, *failed)


def constitutional(region_returns: tuple[RegionReturn, ...]) -> ReferendumVotes:
    return ReferendumVotes(
        "Constitution", 1_000, 800, 600, 200, constitutional=True, regions=region_returns
    )


def test_constitutional_question_carried_in_exactly_two_thirds_of_regions_passes() -> None:
    decisions, steps, questions = Referendum().decide(constitutional(regions(12, 6)))
    assert decisions == {
        "valid": True,
        "carried_nationally": True,
        "carried_in_regions": True,
        "adopted": True,
    }
    assert questions == []
    measure = steps[-1]
    assert (measure.name, measure.part, measure.whole, measure.met) == (
        "regions carried",
        12,
        18,
        True,
    )


def test_constitutional_question_one_region_short_of_two_thirds_fails() -> None:
    decisions, _, _ = Referendum().decide(constitutional(regions(11, 7)))
    assert decisions["carried_in_regions"] is False
    assert decisions["adopted"] is False


def test_region_with_exactly_half_yes_is_not_carried() -> None:
    decisions, steps, _ = Referendum().decide(constitutional(regions(2, 1)))
    assert steps[-1].part == 2
    assert decisions["adopted"] is True  # 2 of 3 is exactly two thirds


def test_constitutional_question_without_regions_reports_regions_missing() -> None:
    votes = ReferendumVotes("Constitution", 1_000, 800, 600, constitutional=True)
    decisions, _, questions = Referendum().decide(votes)
    assert [q.code for q in questions] == ["regions_missing"]
    assert "adopted" not in decisions
    assert decisions["carried_nationally"] is True


def test_referendum_shares_are_exact_fractions() -> None:
    rule = Referendum(turnout=Fraction(2, 3))
    assert rule.decide(ReferendumVotes("Q", 3, 2, 2))[0]["valid"] is False  # exactly 2/3
    assert rule.decide(ReferendumVotes("Q", 300_000, 200_001, 200_001))[0]["valid"] is True
