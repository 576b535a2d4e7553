"""Outcomes the law leaves open are reported, and contests the law does not allow are refused."""

import pytest

from saylau.law.ballots import BallotError, Ballots, Candidate, ContestVotes, ListVotes, Party
from saylau.law.methods import HARE_LR
from saylau.law.rulebooks import REGISTRY
from saylau.law.trail import Elected, RemainderSeat


def contest(name: str, *votes: int, **options: int) -> ContestVotes:
    candidates = tuple(Candidate(f"{name} {i}", count) for i, count in enumerate(votes))
    return ContestVotes(name, candidates, **options)


def test_seats_no_list_can_fill_leave_the_result_open():
    lists = ListVotes(
        {"A": 1_000, "B": 500}, parties={"A": Party("A", 1, 3), "B": Party("B", 2, 2)}
    )
    result = REGISTRY.on("kz.kurultai", "2026-08-01").elect(Ballots(lists=lists))
    assert result.seats == {"A": 3, "B": 2}
    (vacant,) = [q for q in result.questions if q.code == "seats_vacant"]
    assert vacant.seats == 140
    assert not result.is_final


def test_more_senate_ballots_than_electors_elect_nobody():
    seat = contest("Akmola region", 10, 5, electors=12)
    result = REGISTRY.on("kz.senate", "2023-01-14").elect(Ballots(contests=(seat,)))
    assert result.winners == {}
    assert [q.code for q in result.questions] == ["more_votes_than_electors"]
    assert not result.trail.of_kind(Elected)


def test_a_presidential_election_is_one_contest():
    ballots = Ballots(contests=(contest("one", 10, 5), contest("two", 8, 1)))
    with pytest.raises(BallotError, match="expected 1 contest"):
        REGISTRY.on("kz.president", "2022-11-20").elect(ballots)


def test_a_runoff_has_exactly_two_candidates():
    ballots = Ballots(contests=(contest("President", 10, 5, 3),), round=2)
    with pytest.raises(BallotError, match="exactly two candidates"):
        REGISTRY.on("kz.president", "2022-11-20").elect(ballots)


def test_a_district_akim_election_with_one_candidate_declares_nobody():
    ballots = Ballots(contests=(contest("Akim of a district", 900, against_all=50),))
    result = REGISTRY.on("kz.akim.district", "2024-06-01").elect(ballots)
    assert result.winners == {}
    assert [q.code for q in result.questions] == ["too_few_candidates"]


def test_a_presidential_election_without_candidates_is_open():
    ballots = Ballots(contests=(ContestVotes("President", ()),))
    result = REGISTRY.on("kz.president", "2022-11-20").elect(ballots)
    assert [q.code for q in result.questions] == ["too_few_candidates"]


@pytest.mark.parametrize("order", [("A", "B", "C"), ("B", "A", "C")])
def test_seats_for_equal_remainders_are_numbered_by_name_not_input_order(order):
    votes = {"A": 2, "B": 2, "C": 1}
    allocation = HARE_LR.allocate({name: votes[name] for name in order}, 2)
    seats = [(step.seat, step.option) for step in allocation.trail.of_kind(RemainderSeat)]
    assert seats == [(1, "A"), (2, "B")]
