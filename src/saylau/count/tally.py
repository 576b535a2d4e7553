"""The roll-up: accepted protocols summed by constituency and by territory, then the seats.

Sums are grouped in one vectorised pass per level (integers only). Each body's rulebook then
turns its constituencies' totals into seats or winners, with the trail. A partial count works:
every figure says what share of the protocols (and of the registered voters) is in, and a
body's result stays provisional until all of its protocols are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from saylau.count.checks import AGAINST_ALL, INVALID, CheckPolicy
from saylau.count.definition import BallotKind, Body, Contest, Election, Level
from saylau.count.ledger import Ledger, Review
from saylau.count.protocols import COUNT_FIELDS, NOT_REPORTED
from saylau.law.ballots import (
    BallotError,
    Ballots,
    Candidate,
    ContestVotes,
    ListVotes,
    Party,
    party_of,
)
from saylau.law.methods import AllocationInputError
from saylau.law.results import Result
from saylau.law.ties import Lots

LINES = len(COUNT_FIELDS)
SELF_NOMINATED = party_of(Candidate("", 0))


def group_sum(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Rows of ``values`` added up by group (``0 .. size-1``); blanks count as 0."""
    out = np.zeros((size, values.shape[1]), dtype=np.int64)
    if len(groups) == 0:
        return out
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    rows = np.where(values[order] == NOT_REPORTED, 0, values[order])
    out[sorted_groups[starts]] = np.add.reduceat(rows, starts, axis=0)
    return out


def group_count(groups: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``weights`` added up by group (integers)."""
    return group_sum(groups, weights.reshape(-1, 1), size)[:, 0]


@dataclass(frozen=True, slots=True)
class Progress:
    """How much of a count is in: protocols accepted, and the voters on their lists."""

    protocols_in: int
    protocols_expected: int
    voters_in: int
    voters_expected: int

    @property
    def complete(self) -> bool:
        return self.protocols_in == self.protocols_expected

    @property
    def protocol_share(self) -> Fraction:
        return Fraction(self.protocols_in, self.protocols_expected or 1)

    @property
    def voter_share(self) -> Fraction:
        return Fraction(self.voters_in, self.voters_expected or 1)

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.protocols_in + other.protocols_in,
            self.protocols_expected + other.protocols_expected,
            self.voters_in + other.voters_in,
            self.voters_expected + other.voters_expected,
        )


@dataclass(frozen=True, eq=False)
class Totals:
    """One contest's figures at one level, a row per unit.

    ``fields`` are the protocol figures (``COUNT_FIELDS`` order). ``votes`` are named by
    ``labels``: the lists of a list contest; the candidates of the unit's constituency at the
    constituency and precinct levels; and, above the constituencies of a candidate contest,
    the parties the candidates stand for (the self-nominated together), since a ballot line
    means a different candidate in each constituency.
    """

    contest: Contest
    level: str
    ids: list[str]
    names: list[str]
    fields: np.ndarray
    votes: np.ndarray
    labels: list[tuple[str, ...]]
    protocols_in: np.ndarray
    protocols_expected: np.ndarray
    voters_in: np.ndarray
    voters_expected: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def field(self, name: str) -> np.ndarray:
        column: np.ndarray = self.fields[:, COUNT_FIELDS.index(name)]
        return column

    def named_votes(self, row: int) -> dict[str, int]:
        return {label: int(v) for label, v in zip(self.labels[row], self.votes[row], strict=False)}

    def progress(self, row: int) -> Progress:
        return Progress(
            int(self.protocols_in[row]),
            int(self.protocols_expected[row]),
            int(self.voters_in[row]),
            int(self.voters_expected[row]),
        )


@dataclass(frozen=True, eq=False)
class BodyResult:
    """A body's result from the accepted protocols: final only when the count is complete and
    the rulebook leaves nothing open. ``refused`` says why the rulebook could not decide."""

    body: Body
    result: Result | None
    progress: Progress
    refused: str = ""

    @property
    def provisional(self) -> bool:
        return not self.progress.complete or self.result is None or not self.result.is_final


@dataclass(frozen=True, eq=False)
class Count:
    """The count of an election: the ledger's review, the totals, and each body's result."""

    election: Election
    ledger: Ledger
    review: Review
    lots: Mapping[str, Mapping[str, Lots]]

    @cached_property
    def accepted(self) -> np.ndarray:
        return np.flatnonzero(self.review.accepted)

    @cached_property
    def by_constituency(self) -> np.ndarray:
        groups = self.election.slot_constituency[self.accepted]
        return group_sum(
            groups, self.ledger.values[0][self.accepted], len(self.election.constituencies)
        )

    @cached_property
    def constituency_progress(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Protocols in and expected, voters in and expected, by constituency."""
        election = self.election
        voters = election.precinct_voters[election.slot_precinct]
        size = len(election.constituencies)
        every = election.slot_constituency
        taken = every[self.accepted]
        return (
            np.bincount(taken, minlength=size).astype(np.int64),
            np.bincount(every, minlength=size).astype(np.int64),
            group_count(taken, voters[self.accepted], size),
            group_count(every, voters, size),
        )

    def contest_progress(self, contest: Contest) -> Progress:
        c = self.election.contest_index[contest.id]
        mine = self.election.constituency_contest == c
        protocols_in, protocols_expected, voters_in, voters_expected = (
            int(array[mine].sum()) for array in self.constituency_progress
        )
        return Progress(protocols_in, protocols_expected, voters_in, voters_expected)

    def totals(self, contest_id: str, level: Level | str) -> Totals:
        """The contest's figures by ``nation``, ``region``, ``district``, ``constituency`` or
        ``precinct``; units with no precinct voting on the contest are left out."""
        election = self.election
        contest = election.file.contests[election.contest_index[contest_id]]
        c = election.contest_index[contest_id]
        slots = election.contest_slots[c]
        level = str(level)
        if level == "constituency":
            first = int(election.first_constituency[c])
            groups = election.slot_constituency[slots] - first
            ids = [k.id for k in contest.constituencies]
            names = [k.name for k in contest.constituencies]
        elif level == "precinct":
            groups = election.slot_precinct[slots]
            ids = [p.id for p in election.file.precincts]
            names = [p.name for p in election.file.precincts]
        else:
            groups = election.precinct_ancestors[Level(level)][election.slot_precinct[slots]]
            ids = [u.id for u in election.units]
            names = [u.name for u in election.units]
        known = groups >= 0
        slots, groups = slots[known], groups[known]
        used, compact = np.unique(groups, return_inverse=True)
        size = len(used)
        accepted = self.review.accepted[slots]
        voters = election.precinct_voters[election.slot_precinct[slots]]
        values = group_sum(compact[accepted], self.ledger.values[0][slots[accepted]], size)
        constituency = election.slot_constituency[slots]
        if contest.ballot is BallotKind.LISTS:
            options = tuple(o.name for o in contest.constituencies[0].options)
            votes, labels = values[:, LINES : LINES + len(options)], [options] * size
        elif level in ("constituency", "precinct"):
            where = np.zeros(size, dtype=np.int64)
            where[compact] = constituency
            votes = values[:, LINES:]
            labels = [tuple(o.name for o in election.constituencies[k][1].options) for k in where]
        else:
            parties, by_party = self._party_columns(contest)
            lines = self.ledger.values[0][slots[accepted], LINES:]
            mapped = by_party[constituency[accepted] - self._constituency_number(contest)]
            votes = np.zeros((size, len(parties)), dtype=np.int64)
            for k in range(lines.shape[1]):
                np.add.at(
                    votes,
                    (compact[accepted], mapped[:, k]),
                    np.where(lines[:, k] > 0, lines[:, k], 0),
                )
            labels = [parties] * size
        return Totals(
            contest=contest,
            level=level,
            ids=[ids[u] for u in used],
            names=[names[u] for u in used],
            fields=values[:, :LINES],
            votes=votes,
            labels=labels,
            protocols_in=group_count(compact, accepted.astype(np.int64), size),
            protocols_expected=group_count(compact, np.ones(len(slots), np.int64), size),
            voters_in=group_count(compact, np.where(accepted, voters, 0), size),
            voters_expected=group_count(compact, voters, size),
        )

    def _party_columns(self, contest: Contest) -> tuple[tuple[str, ...], np.ndarray]:
        """The parties of a candidate contest, and for each constituency and ballot line the
        party column it counts for (lines beyond a ballot point at column 0 and hold 0)."""
        parties: list[str] = []
        for constituency in contest.constituencies:
            for option in constituency.options:
                party = option.party or SELF_NOMINATED
                if party not in parties:
                    parties.append(party)
        by_party = np.zeros((len(contest.constituencies), self.election.max_options), np.int64)
        for k, constituency in enumerate(contest.constituencies):
            for line, option in enumerate(constituency.options):
                by_party[k, line] = parties.index(option.party or SELF_NOMINATED)
        return tuple(parties), by_party

    # -- seats ---------------------------------------------------------------------------------

    @cached_property
    def bodies(self) -> list[BodyResult]:
        return [self.body_result(body) for body in self.election.file.bodies]

    def body_result(self, body: Body) -> BodyResult:
        election = self.election
        contests = [
            election.file.contests[election.contest_index[contest_id]]
            for contest_id in (body.lists, body.districts)
            if contest_id is not None
        ]
        progress = Progress(0, 0, 0, 0)
        for contest in contests:
            progress = progress + self.contest_progress(contest)
        if progress.protocols_in == 0:
            return BodyResult(body, None, progress, refused="no protocols are in yet")
        try:
            ballots = self.ballots(body)
            result = election.rulebook_of(body).elect(ballots, self.lots.get(body.id, {}))
        except (BallotError, AllocationInputError) as error:
            return BodyResult(body, None, progress, refused=str(error))
        return BodyResult(body, result, progress)

    def _constituency_number(self, contest: Contest) -> int:
        return int(self.election.first_constituency[self.election.contest_index[contest.id]])

    def ballots(self, body: Body) -> Ballots:
        """The body's constituencies' totals as the ballots its rulebook counts."""
        election = self.election
        protocols_in = self.constituency_progress[0]
        lists = None
        if body.lists is not None:
            contest = election.file.contests[election.contest_index[body.lists]]
            k = self._constituency_number(contest)
            row = self.by_constituency[k]
            options = contest.constituencies[0].options
            lists = ListVotes(
                votes={o.name: int(row[LINES + i]) for i, o in enumerate(options)},
                against_all=int(row[AGAINST_ALL]),
                invalid=int(row[INVALID]),
                parties={o.name: Party(o.name, o.registration, o.candidates) for o in options},
            )
        contests: list[ContestVotes] = []
        awaited: list[str] = []
        if body.districts is not None:
            contest = election.file.contests[election.contest_index[body.districts]]
            first = self._constituency_number(contest)
            for i, constituency in enumerate(contest.constituencies):
                if protocols_in[first + i] == 0:
                    awaited.append(constituency.name)
                    continue
                row = self.by_constituency[first + i]
                contests.append(
                    ContestVotes(
                        constituency.name,
                        tuple(
                            Candidate(o.name, int(row[LINES + j]), o.party)
                            for j, o in enumerate(constituency.options)
                        ),
                        against_all=int(row[AGAINST_ALL]),
                        invalid=int(row[INVALID]),
                    )
                )
        return Ballots(
            lists=lists,
            contests=tuple(contests),
            list_seats=body.list_seats,
            awaited=tuple(awaited),
        )


def count_ledger(
    ledger: Ledger,
    lots: Mapping[str, Mapping[str, Lots]] | None = None,
    policy: CheckPolicy | None = None,
) -> Count:
    """Review a ledger and set up its count (totals and seats are computed when asked)."""
    return Count(ledger.election, ledger, ledger.review(policy), lots or {})
