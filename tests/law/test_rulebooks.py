"""Dated rulebooks: found by date, cited, flagged where unverified, and runnable on examples."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from saylau.count.ballots_json import read_election
from saylau.law.ballots import (
    SELF_NOMINATED,
    BallotError,
    Ballots,
    Candidate,
    ContestVotes,
    ListVotes,
    Party,
    ReferendumVotes,
)
from saylau.law.rulebooks import REGISTRY, Provision, Registry, Rulebook, RulebookNotFound
from saylau.law.ties import Lots
from saylau.law.trail import (
    AdmittedByRule,
    Capped,
    Excluded,
    Measure,
    ProvisionalProvision,
    RemainderSeat,
    TieOpen,
    TieResolved,
    TierHeading,
)

ROOT = Path(__file__).resolve().parents[2]
MAZHILIS_2023 = "kz.mazhilis@2023-03-19"
LIST_TIER = "Mazhilis list tier"


def provision(rulebook: Rulebook, name: str) -> Provision:
    (found,) = [p for p in rulebook.provisions if p.name == name]
    return found


# --- lookup by date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rulebook_id", "day", "ref"),
    [
        ("kz.mazhilis", date(2021, 1, 10), "kz.mazhilis@2009-02-09"),
        ("kz.mazhilis", date(2022, 11, 4), "kz.mazhilis@2009-02-09"),
        ("kz.mazhilis", date(2022, 11, 5), "kz.mazhilis@2022-11-05"),
        ("kz.mazhilis", date(2023, 3, 19), "kz.mazhilis@2022-11-05"),
        ("kz.mazhilis", date(2026, 6, 30), "kz.mazhilis@2022-11-05"),
        ("kz.kurultai", date(2026, 7, 1), "kz.kurultai@2026-07-01"),
        ("kz.president", date(2019, 6, 9), "kz.president@1995-09-28"),
        ("kz.president", date(2022, 11, 20), "kz.president@2022-09-17"),
        ("kz.maslikhat.oblast", date(2023, 3, 19), "kz.maslikhat.oblast@2022-11-05"),
        ("kz.maslikhat.district", date(2023, 3, 19), "kz.maslikhat.district@2022-11-05"),
        ("kz.senate", date(2023, 1, 14), "kz.senate@1995-09-28"),
        ("kz.akim.rural", date(2021, 7, 25), "kz.akim.rural@2021-07-25"),
        ("kz.akim.district", date(2023, 11, 5), "kz.akim.district@2023-11-05"),
        ("kz.referendum", date(2024, 10, 6), "kz.referendum@1995-11-02"),
        ("kz.referendum", date(2026, 3, 15), "kz.referendum@1995-11-02"),
    ],
)
def test_registry_finds_the_rulebook_in_force_on_the_day(
    rulebook_id: str, day: date, ref: str
) -> None:
    assert REGISTRY.on(rulebook_id, day).ref == ref
    assert REGISTRY.find(f"{rulebook_id}@{day.isoformat()}").ref == ref


@pytest.mark.parametrize(
    ("rulebook_id", "day"),
    [
        ("kz.mazhilis", date(2026, 7, 1)),  # the Kurultai replaces the Mazhilis
        ("kz.mazhilis", date(2007, 6, 18)),
        ("kz.kurultai", date(2026, 6, 30)),
        ("kz.senate", date(2026, 7, 1)),  # abolished by the 2026 Constitution
        ("kz.akim.district", date(2023, 11, 4)),
        ("kz.maslikhat.oblast", date(2022, 11, 4)),
    ],
)
def test_no_rulebook_outside_its_validity(rulebook_id: str, day: date) -> None:
    with pytest.raises(RulebookNotFound, match=rulebook_id):
        REGISTRY.on(rulebook_id, day)


def test_mazhilis_ends_where_the_kurultai_begins() -> None:
    last_mazhilis = REGISTRY.on("kz.mazhilis", date(2026, 6, 30))
    kurultai = REGISTRY.on("kz.kurultai", date(2026, 7, 1))
    assert last_mazhilis.valid_to == kurultai.valid_from == date(2026, 7, 1)
    with pytest.raises(RulebookNotFound):
        REGISTRY.find("kz.mazhilis@2026-07-01")


@pytest.mark.parametrize(
    "reference",
    [
        "kz.nothing@2023-03-19",
        "kz.nothing",
        "kz.mazhilis",  # several versions: a date is needed
        "kz.mazhilis@19.03.2023",
        "kz.mazhilis@2023-02-30",
    ],
)
def test_bad_references_raise_rulebook_not_found(reference: str) -> None:
    with pytest.raises(RulebookNotFound):
        REGISTRY.find(reference)


def test_a_single_version_is_found_without_a_date() -> None:
    assert REGISTRY.find("kz.referendum").ref == "kz.referendum@1995-11-02"


def test_unknown_rulebook_error_lists_the_known_ids() -> None:
    with pytest.raises(RulebookNotFound) as error:
        REGISTRY.find("kz.nothing@2023-03-19")
    for rulebook_id in REGISTRY.ids():
        assert rulebook_id in str(error.value)


# --- validity ---------------------------------------------------------------------------------


def test_validity_intervals_of_one_body_do_not_overlap() -> None:
    for rulebook_id in REGISTRY.ids():
        versions = sorted(
            (r for r in REGISTRY.all() if r.id == rulebook_id), key=lambda r: r.valid_from
        )
        for rulebook in versions:
            assert rulebook.valid_to is None or rulebook.valid_from < rulebook.valid_to
        for earlier, later in pairwise(versions):
            assert earlier.valid_to is not None
            assert earlier.valid_to <= later.valid_from


def test_registry_refuses_overlapping_versions() -> None:
    mazhilis = REGISTRY.on("kz.mazhilis", date(2023, 3, 19))
    overlapping = replace(mazhilis, valid_from=date(2025, 1, 1), valid_to=None)
    with pytest.raises(ValueError, match="overlaps"):
        Registry((mazhilis, overlapping))


def test_refs_are_unique() -> None:
    refs = [rulebook.ref for rulebook in REGISTRY.all()]
    assert len(refs) == len(set(refs))


# --- citations and provisional provisions ---------------------------------------------------


@pytest.mark.parametrize("rulebook", REGISTRY.all(), ids=lambda r: r.ref)
def test_every_provision_has_a_citation(rulebook: Rulebook) -> None:
    assert rulebook.provisions
    for item in rulebook.provisions:
        assert item.citation is not None, f"{rulebook.ref}: {item.name}"
        assert str(item.citation).strip()
        assert item.value.strip()


@pytest.mark.parametrize("rulebook", REGISTRY.all(), ids=lambda r: r.ref)
def test_provisional_provisions_say_why(rulebook: Rulebook) -> None:
    for item in rulebook.provisional:
        assert item.note.strip(), f"{rulebook.ref}: {item.name} is provisional without a note"


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("kz.kurultai@2026-07-01", "threshold"),
        ("kz.kurultai@2026-07-01", "method"),
        ("kz.kurultai@2026-07-01", "threshold base"),
        ("kz.mazhilis@2021-01-10", "threshold base"),
        (MAZHILIS_2023, "threshold base"),
        ("kz.maslikhat.oblast@2023-03-19", "threshold base"),
        ("kz.mazhilis@2021-01-10", "short lists"),
        (MAZHILIS_2023, "short lists"),
        ("kz.kurultai@2026-07-01", "short lists"),
        ("kz.maslikhat.oblast@2023-03-19", "short lists"),
        ("kz.akim.district@2023-11-05", "winner"),
        ("kz.akim.rural@2023-11-05", "winner"),
        ("kz.senate@2023-01-14", "runoff"),
        ("kz.mazhilis@2021-01-10", "runner-up list"),
        # Law not read: an assumed article number, a text not read, a translation's summary.
        ("ru.duma@2014-02-24", "threshold"),
        ("ru.duma@2014-02-24", "threshold base"),
        ("ru.duma@2014-02-24", "districts"),
        ("no.storting.county@2024-01-01", "threshold"),
        ("no.storting.county@2024-01-01", "method"),
        ("il.knesset@2014-03-11", "seats"),
        ("il.knesset@2014-03-11", "threshold"),
        ("il.knesset@2014-03-11", "method"),
    ],
)
def test_unverified_provisions_are_flagged_provisional(reference: str, name: str) -> None:
    rulebook = REGISTRY.find(reference)
    assert provision(rulebook, name).provisional
    assert name in [p.name for p in rulebook.provisional]


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        (MAZHILIS_2023, "threshold"),
        (MAZHILIS_2023, "equal remainders"),
        ("kz.president@2022-11-20", "majority"),
        ("kz.referendum", "validity"),
        ("no.storting.county@2005-01-01", "method"),  # the 2002 act, § 11-4
        ("no.storting.county@2005-01-01", "threshold"),
    ],
)
def test_verified_provisions_are_not_flagged(reference: str, name: str) -> None:
    assert not provision(REGISTRY.find(reference), name).provisional


def test_rulebooks_list_their_provisional_parts_in_json() -> None:
    for rulebook in REGISTRY.all():
        data = json.loads(json.dumps(rulebook.to_json()))
        assert data["ref"] == rulebook.ref
        assert data["provisional"] == [p.name for p in rulebook.provisional]
        assert all(p["citation"] for p in data["provisions"])


# --- examples ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rulebook", REGISTRY.all(), ids=lambda r: r.ref)
def test_each_rulebook_example_exists_and_elects(rulebook: Rulebook) -> None:
    assert rulebook.example
    path = ROOT / rulebook.example
    assert path.is_file()
    ballots, lots, _ = read_election(path)
    result = rulebook.elect(ballots, lots)
    assert result.rulebook == rulebook.ref
    assert result.seats or result.winners or result.decisions or result.questions


@pytest.mark.parametrize("rulebook", REGISTRY.all(), ids=lambda r: r.ref)
def test_the_trail_renders_as_text_and_json(rulebook: Rulebook) -> None:
    ballots, lots, _ = read_election(ROOT / rulebook.example)
    result = rulebook.elect(ballots, lots)
    text = result.trail.explain()
    assert len(text.splitlines()) == len(result.trail)
    first = result.trail[0]
    assert isinstance(first, TierHeading)
    assert first.name == rulebook.title
    for item in rulebook.provisional:
        assert f"provisional: {item.name}" in text
    document = json.loads(json.dumps(result.to_json()))
    assert document["rulebook"] == rulebook.ref
    assert document["final"] is result.is_final
    assert len(document["trail"]) == len(result.trail)
    assert all("kind" in step and "text" in step for step in document["trail"])


@pytest.mark.parametrize("rulebook", REGISTRY.all(), ids=lambda r: r.ref)
def test_provisional_provisions_follow_the_heading_as_typed_steps(rulebook: Rulebook) -> None:
    ballots, lots, _ = read_election(ROOT / rulebook.example)
    result = rulebook.elect(ballots, lots)
    doubts = result.trail.of_kind(ProvisionalProvision)
    assert doubts == [
        ProvisionalProvision(p.name, p.value, p.note, p.citation) for p in rulebook.provisional
    ]
    assert list(result.trail[1 : 1 + len(doubts)]) == doubts  # right after the title
    headings = result.trail.of_kind(TierHeading)
    assert not [s for s in headings if isinstance(s, TierHeading) and "provisional" in s.name]
    kinds = [step["kind"] for step in result.to_json()["trail"]]
    assert kinds.count("provisional_provision") == len(rulebook.provisional)


def test_mazhilis_2023_example_reproduces_the_published_seats() -> None:
    rulebook = REGISTRY.find(MAZHILIS_2023)
    ballots, lots, _ = read_election(ROOT / rulebook.example)
    result = rulebook.elect(ballots, lots)
    assert result.tiers[LIST_TIER] == {
        "Amanat": 40,
        "Auyl": 8,
        "Respublica": 6,
        "Ak Zhol": 6,
        "QHP": 5,
        "OSDP": 4,
        "Baytaq": 0,
    }
    assert result.seats["Amanat"] == 62
    assert result.seats[SELF_NOMINATED] == 7  # the district winners of no party, together
    assert SELF_NOMINATED == "Self-nominated"


# --- the Mazhilis list tier through the rulebook ----------------------------------------------
# With 69,000 votes for admitted lists the Hare quota is exactly 1,000.


def mazhilis(votes: dict[str, int], **parties: Party) -> Ballots:
    return Ballots(lists=ListVotes(votes, parties=parties))


def test_short_list_keeps_its_candidates_and_the_next_remainder_takes_the_seat() -> None:
    # A: 3 whole seats + remainder .6 (largest) would take seat 69, but has 3 candidates.
    votes = {"A": 3_600, "B": 5_400, "C": 60_000}
    uncapped = REGISTRY.find(MAZHILIS_2023).elect(mazhilis(votes))
    assert uncapped.tiers[LIST_TIER] == {"A": 4, "B": 5, "C": 60}

    result = REGISTRY.find(MAZHILIS_2023).elect(mazhilis(votes, A=Party("A", candidates=3)))
    assert result.tiers[LIST_TIER] == {"A": 3, "B": 6, "C": 60}
    (capped,) = result.trail.of_kind(Capped)
    assert (capped.option, capped.candidates) == ("A", 3)
    caps = provision(REGISTRY.find(MAZHILIS_2023), "short lists")
    assert capped.citation is not None
    assert (capped.citation.source, capped.citation.article) == (
        caps.citation.source,
        caps.citation.article,
    )
    (seat,) = result.trail.of_kind(RemainderSeat)
    assert (seat.seat, seat.option) == (69, "B")


def test_short_list_with_more_whole_seats_than_candidates_keeps_its_candidates() -> None:
    # A earns 5 whole seats with 3 candidates; 2 seats go to the next remainders (B .7, C .4).
    votes = {"A": 5_100, "B": 3_700, "C": 60_200}
    result = REGISTRY.find(MAZHILIS_2023).elect(mazhilis(votes, A=Party("A", candidates=3)))
    assert result.tiers[LIST_TIER] == {"A": 3, "B": 5, "C": 61}
    (capped,) = result.trail.of_kind(Capped)
    assert (capped.option, capped.candidates, capped.seats_earned) == ("A", 3, 5)


def tied_lists(**parties: Party) -> Ballots:
    # A and B each: 10 whole seats, remainder .5 for the 69th seat.
    return mazhilis({"C": 48_000, "A": 10_500, "B": 10_500}, **parties)


def test_equal_remainders_go_to_the_list_registered_earlier() -> None:
    rulebook = REGISTRY.find(MAZHILIS_2023)
    ballots = tied_lists(
        A=Party("A", registration=2), B=Party("B", registration=1), C=Party("C", registration=3)
    )
    result = rulebook.elect(ballots)
    assert result.tiers[LIST_TIER] == {"C": 48, "A": 10, "B": 11}
    (resolved,) = result.trail.of_kind(TieResolved)
    assert set(resolved.options) == {"A", "B"}
    assert resolved.seats == 1
    assert resolved.rule == "earlier registration"
    assert resolved.order[0] == "B"
    assert resolved.citation == provision(rulebook, "equal remainders").citation
    assert "tie" not in [question.code for question in result.questions]


def test_registration_order_decides_whatever_the_input_order() -> None:
    rulebook = REGISTRY.find(MAZHILIS_2023)
    parties = {"A": Party("A", registration=1), "B": Party("B", registration=2)}
    forward = rulebook.elect(mazhilis({"A": 10_500, "B": 10_500, "C": 48_000}, **parties))
    backward = rulebook.elect(mazhilis({"C": 48_000, "B": 10_500, "A": 10_500}, **parties))
    assert forward.tiers[LIST_TIER]["A"] == backward.tiers[LIST_TIER]["A"] == 11


def test_equal_remainders_without_registration_are_an_open_tie() -> None:
    result = REGISTRY.find(MAZHILIS_2023).elect(tied_lists())
    ties = [question for question in result.questions if question.code == "tie"]
    assert len(ties) == 1
    assert set(ties[0].options) == {"A", "B"}
    assert ties[0].seats == 1
    assert ties[0].contest == LIST_TIER
    assert result.tiers[LIST_TIER] == {"C": 48, "A": 10, "B": 10}  # the 69th seat is open
    assert result.trail.of_kind(TieOpen)
    assert not result.is_final


def test_recorded_lots_decide_a_tie_the_registration_cannot() -> None:
    lots = {LIST_TIER: Lots(("B", "A"), "CEC minutes No. 1")}
    result = REGISTRY.find(MAZHILIS_2023).elect(tied_lists(), lots)
    assert result.tiers[LIST_TIER]["B"] == 11
    assert "tie" not in [question.code for question in result.questions]


def test_pre_2022_runner_up_list_is_admitted_when_only_one_passes_seven_percent() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2021, 1, 10))
    result = rulebook.elect(Ballots(lists=ListVotes({"A": 9_000, "B": 600, "C": 400})))
    assert result.seats == {"A": 92, "B": 6, "C": 0}
    (runner_up,) = result.trail.of_kind(AdmittedByRule)
    assert (runner_up.option, runner_up.votes) == ("B", 600)
    assert runner_up.citation == provision(rulebook, "runner-up list").citation
    assert [step.option for step in result.trail.of_kind(Excluded)] == ["B", "C"]
    assert result.is_final


def test_since_2022_a_single_list_above_five_percent_takes_every_list_seat() -> None:
    result = REGISTRY.find(MAZHILIS_2023).elect(Ballots(lists=ListVotes({"A": 9_600, "B": 400})))
    assert result.tiers[LIST_TIER] == {"A": 69, "B": 0}
    assert not result.trail.of_kind(AdmittedByRule)


def test_runner_up_lists_tied_are_reported_rather_than_chosen_by_input_order() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2021, 1, 10))
    result = rulebook.elect(Ballots(lists=ListVotes({"A": 9_000, "B": 500, "C": 500})))
    (question,) = [q for q in result.questions if q.code == "tie"]
    assert question.options == ("B", "C")
    assert result.seats == {}
    assert not result.is_final


def test_runner_up_tie_goes_to_the_earlier_registered_list() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2021, 1, 10))
    parties = {"A": Party("A", 1), "B": Party("B", 3), "C": Party("C", 2)}
    lists = ListVotes({"A": 9_000, "B": 500, "C": 500}, parties=parties)
    result = rulebook.elect(Ballots(lists=lists))
    assert result.is_final
    assert result.seats["B"] == 0
    assert result.seats["C"] > 0


def test_mazhilis_2023_needs_all_29_districts_when_districts_are_given() -> None:
    contest = ContestVotes("District 1", (Candidate("X", 10, "A"),))
    ballots = Ballots(lists=ListVotes({"A": 100}), contests=(contest,))
    with pytest.raises(BallotError, match="29"):
        REGISTRY.find(MAZHILIS_2023).elect(ballots)


def test_list_rulebook_without_list_votes_is_refused() -> None:
    with pytest.raises(BallotError):
        REGISTRY.find(MAZHILIS_2023).elect(Ballots())


# --- bugs -----------------------------------------------------------------------------------


def test_statutory_69_list_seats_cannot_be_changed_by_the_ballots() -> None:
    ballots = Ballots(lists=ListVotes({"A": 60_000, "B": 9_000}), list_seats=70)
    try:
        result = REGISTRY.find(MAZHILIS_2023).elect(ballots)
    except BallotError:
        return
    assert sum(result.tiers[LIST_TIER].values()) == 69


def test_pre_2022_runner_up_rule_does_not_apply_when_no_list_passes() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2021, 1, 10))
    # 16 lists of 1,000 to 1,015 votes: nobody reaches 7% of 16,120 (1,128.4).
    votes = {f"L{n:02}": 1_000 + n for n in range(16)}
    result = rulebook.elect(Ballots(lists=ListVotes(votes)))
    assert not result.trail.of_kind(AdmittedByRule)
    assert [question.code for question in result.questions] == ["no_list_admitted"]


def test_referendum_adoption_step_cites_the_adoption_provision() -> None:
    rulebook = REGISTRY.find("kz.referendum")
    result = rulebook.elect(Ballots(referendum=ReferendumVotes("Q", 1_000, 800, 600)))
    measures = {step.name: step for step in result.trail.of_kind(Measure)}
    assert measures["turnout"].citation == provision(rulebook, "validity").citation
    assert measures["yes"].citation == provision(rulebook, "adoption").citation


def test_the_2009_runner_up_keeps_at_least_two_seats_taken_from_the_list_that_passed() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2012, 1, 15))
    result = rulebook.elect(Ballots(lists=ListVotes({"A": 996_000, "B": 4_000})))
    assert result.seats == {"A": 96, "B": 2}
    assert rulebook.elect(Ballots(lists=ListVotes({"A": 996_000, "B": 4_000}))).is_final


def test_before_2009_a_lone_list_takes_every_seat() -> None:
    rulebook = REGISTRY.on("kz.mazhilis", date(2007, 8, 18))
    result = rulebook.elect(Ballots(lists=ListVotes({"A": 880_000, "B": 60_000, "C": 60_000})))
    assert result.seats == {"A": 98, "B": 0, "C": 0}
