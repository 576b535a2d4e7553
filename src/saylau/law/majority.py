"""Single-winner rules: plurality, absolute majority with a runoff, electors, referendums.

Each rule returns the winner (or none), the questions it leaves open, and its steps. An outcome
the law leaves open ("against all" first, equal leaders) is reported, never decided silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from saylau.law.ballots import BallotError, Base, ContestVotes, ReferendumBase, ReferendumVotes
from saylau.law.citation import Citation
from saylau.law.numbers import decimal_text
from saylau.law.results import Question
from saylau.law.ties import REPORT_TIES, Lots, TieContext, TieRule
from saylau.law.trail import Elected, Measure, OpenOutcome, RunoffNeeded, Standing, Step

AGAINST_ALL = "Against all"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A single-winner contest's outcome: a winner, a runoff, or an open question."""

    contest: str
    winner: str | None
    runoff: tuple[str, ...]
    questions: tuple[Question, ...]
    steps: tuple[Step, ...]


def _standings(contest: ContestVotes, base: Base) -> list[Step]:
    total = contest.base(base)
    steps: list[Step] = [Standing(c.name, c.votes, total) for c in contest.candidates]
    if contest.against_all or base is not Base.OPTIONS:
        steps.append(Standing(AGAINST_ALL, contest.against_all, total))
    return steps


def _ranked(contest: ContestVotes) -> list[tuple[int, str]]:
    return sorted(((c.votes, c.name) for c in contest.candidates), key=lambda vn: -vn[0])


def _top(
    contest: ContestVotes, places: int, tie_rule: TieRule, lots: Lots | None
) -> tuple[list[str], Step | None, Question | None]:
    """The ``places`` candidates with most votes; a tie across the edge goes to the tie rule."""
    ranked = _ranked(contest)
    if len(ranked) <= places:
        return [name for _, name in ranked], None, None
    edge = ranked[places - 1][0]
    ahead = [name for votes, name in ranked if votes > edge]
    tied = [name for votes, name in ranked if votes == edge]
    if len(ahead) + len(tied) == places:
        return ahead + tied, None, None
    decision = tie_rule.decide(tied, places - len(ahead), TieContext(contest.votes, {}, lots))
    step = decision.steps[-1] if decision.steps else None
    if decision.is_open:
        question = Question(
            "tie",
            contest.name,
            f"{', '.join(decision.open_options)} are equal with {edge:,} votes for"
            f" {decision.open_seats} place(s): a recorded drawing of lots or the law must decide",
            decision.open_options,
            decision.open_seats,
        )
        return ahead + list(decision.winners), step, question
    return ahead + list(decision.winners), step, None


@dataclass(frozen=True, slots=True)
class Plurality:
    """The candidate with the most votes wins. "Against all" cannot win: if it leads, or ties
    the leader, the outcome is open (``repeat_election_required``)."""

    base: Base = Base.OPTIONS_AND_AGAINST_ALL
    tie_rule: TieRule = REPORT_TIES
    citation: Citation | None = None
    against_all_citation: Citation | None = None

    def decide(self, contest: ContestVotes, lots: Lots | None = None) -> Outcome:
        steps = _standings(contest, self.base)
        total = contest.base(self.base)
        if not contest.candidates:
            question = Question("no_candidates", contest.name, "no candidate stood")
            return Outcome(contest.name, None, (), (question,), tuple(steps))
        leaders, tie_step, tie = _top(contest, 1, self.tie_rule, lots)
        if tie_step:
            steps.append(tie_step)
        best = max(c.votes for c in contest.candidates)
        if best == 0 and contest.against_all == 0:
            question = Question("no_votes", contest.name, "no votes were cast for anyone")
            return Outcome(contest.name, None, (), (question,), tuple(steps))
        if contest.against_all >= best:
            text = (
                f"'against all' has {contest.against_all:,} votes, the leading candidate"
                f" {best:,}: nobody is elected; the law's answer is to be confirmed"
            )
            steps.append(OpenOutcome("repeat_election_required", text, self.against_all_citation))
            question = Question("repeat_election_required", contest.name, text, tuple(leaders))
            return Outcome(contest.name, None, (), (question,), tuple(steps))
        if tie is not None:
            steps.append(OpenOutcome("tie", tie.text, self.against_all_citation))
            return Outcome(contest.name, None, (), (tie,), tuple(steps))
        winner = leaders[0]
        votes = contest.votes[winner]
        steps.append(Elected(winner, votes, total, "most votes", self.citation))
        return Outcome(contest.name, winner, (), (), tuple(steps))


@dataclass(frozen=True, slots=True)
class AbsoluteMajority:
    """More than half of ``base`` wins in the first round; otherwise the top two go to a runoff,
    where the higher count wins (``runoff_rule``)."""

    base: Base = Base.OPTIONS_AND_AGAINST_ALL
    share: Fraction = Fraction(1, 2)
    tie_rule: TieRule = REPORT_TIES
    citation: Citation | None = None
    runoff_citation: Citation | None = None
    runoff_rule: Plurality = Plurality()

    def decide(self, contest: ContestVotes, round: int = 1, lots: Lots | None = None) -> Outcome:
        if round > 1:
            return self.runoff_rule.decide(contest, lots)
        if not contest.candidates:
            question = Question("no_candidates", contest.name, "no candidate stood")
            return Outcome(contest.name, None, (), (question,), ())
        steps = _standings(contest, self.base)
        total = contest.base(self.base)
        ranked = _ranked(contest)
        required = (
            f"more than {decimal_text(self.share * 100, 0)}% of {self.base.describe('candidates')}"
        )
        if ranked and ranked[0][0] * self.share.denominator > self.share.numerator * total:
            votes, winner = ranked[0]
            steps.append(Elected(winner, votes, total, required, self.citation))
            return Outcome(contest.name, winner, (), (), tuple(steps))
        finalists, tie_step, tie = _top(contest, 2, self.tie_rule, lots)
        if tie_step:
            steps.append(tie_step)
        leader = ranked[0][0] if ranked else 0
        steps.append(
            RunoffNeeded(
                tuple(finalists), leader, total, f"nobody has {required}", self.runoff_citation
            )
        )
        questions: list[Question] = []
        if tie is not None:
            questions.append(tie)
        text = f"runoff between {' and '.join(finalists)}"
        questions.append(Question("runoff_required", contest.name, text, tuple(finalists)))
        return Outcome(contest.name, None, tuple(finalists), tuple(questions), tuple(steps))


@dataclass(frozen=True, slots=True)
class ElectorsMajority:
    """Electors' vote (the Senate): more than half of the electors who voted, else a runoff."""

    majority: AbsoluteMajority

    def decide(self, contest: ContestVotes, round: int = 1, lots: Lots | None = None) -> Outcome:
        outcome = self.majority.decide(contest, round, lots)
        if contest.electors is None:
            return outcome
        voted = contest.base(Base.BALLOTS_CAST)
        extra = Measure("electors who voted", voted, contest.electors, "", None)
        if voted > contest.electors:
            text = f"{voted:,} ballots but only {contest.electors:,} electors: nobody is declared"
            question = Question("more_votes_than_electors", contest.name, text)
            standings = tuple(step for step in outcome.steps if isinstance(step, Standing))
            return Outcome(
                contest.name,
                None,
                (),
                (question,),
                (extra, *standings, OpenOutcome("more_votes_than_electors", text)),
            )
        return Outcome(
            outcome.contest,
            outcome.winner,
            outcome.runoff,
            outcome.questions,
            (extra, *outcome.steps),
        )


@dataclass(frozen=True, slots=True)
class Referendum:
    """Validity by turnout, adoption by share of participants, and for constitutional
    questions also in a share of the regions."""

    turnout: Fraction = Fraction(1, 2)
    adoption: Fraction = Fraction(1, 2)
    adoption_base: ReferendumBase = ReferendumBase.PARTICIPANTS
    regions_share: Fraction = Fraction(2, 3)
    citation: Citation | None = None
    adoption_citation: Citation | None = None
    regions_citation: Citation | None = None

    def decide(self, votes: ReferendumVotes) -> tuple[dict[str, bool], list[Step], list[Question]]:
        steps: list[Step] = []
        valid = (
            votes.participated * self.turnout.denominator > self.turnout.numerator * votes.eligible
        )
        steps.append(
            Measure(
                "turnout",
                votes.participated,
                votes.eligible,
                f"more than {decimal_text(self.turnout * 100, 0)}% of eligible citizens",
                valid,
                self.citation,
            )
        )
        if self.adoption_base is ReferendumBase.PARTICIPANTS:
            base = votes.participated
        elif votes.no is None:
            raise BallotError("adoption by share of valid ballots needs the number of no votes")
        else:
            base = votes.yes + votes.no
        nationally = votes.yes * self.adoption.denominator > self.adoption.numerator * base
        steps.append(
            Measure(
                "yes",
                votes.yes,
                base,
                f"more than {decimal_text(self.adoption * 100, 0)}% of {self.adoption_base.value}",
                nationally,
                self.adoption_citation,
            )
        )
        decisions = {"valid": valid, "carried_nationally": nationally}
        questions: list[Question] = []
        if not votes.constitutional:
            decisions["adopted"] = valid and nationally
        elif not votes.regions:
            questions.append(
                Question(
                    "regions_missing",
                    votes.question,
                    "a constitutional question must also carry two thirds of the regions;"
                    " the regional returns are not given, so adoption is not decided",
                )
            )
        else:
            carried = [
                r
                for r in votes.regions
                if r.yes * self.adoption.denominator > self.adoption.numerator * r.participated
            ]
            in_regions = len(
                carried
            ) * self.regions_share.denominator >= self.regions_share.numerator * len(votes.regions)
            steps.append(
                Measure(
                    "regions carried",
                    len(carried),
                    len(votes.regions),
                    f"at least {self.regions_share} of the regions",
                    in_regions,
                    self.regions_citation,
                )
            )
            decisions["carried_in_regions"] = in_regions
            decisions["adopted"] = valid and nationally and in_regions
        return decisions, steps, questions
