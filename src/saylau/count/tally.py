"""The roll-up: accepted protocols summed by constituency and by territory, then the seats.

Sums are grouped in one vectorised pass per level (integers only). Each body's rulebook then
turns its constituencies' totals into seats or winners, with the trail. A partial count works:
every figure says what share of the protocols (and of the registered voters) is in, and a
body's result stays provisional until all of its protocols are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

from saylau.count.checks import CheckPolicy
from saylau.count.definition import BallotKind, Body, Contest, Election, Level
from saylau.count.fields import AGAINST_ALL, COUNT_FIELDS, INVALID, NOT_REPORTED
from saylau.count.ledger import Ledger, Review
from saylau.law.ballots import (
    SELF_NOMINATED,
    BallotError,
    Ballots,
    Candidate,
    ContestVotes,
    ListVotes,
    Party,
)
from saylau.law.methods import AllocationInputError
from saylau.law.results import Result
from saylau.law.ties import Lots

LINES = len(COUNT_FIELDS)


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
class _Rolled:
    """Sums at one level: a row per (contest, unit), ordered by contest."""

    contest: np.ndarray
    unit: np.ndarray
    constituency: np.ndarray
    sums: np.ndarray


@dataclass(frozen=True, eq=False)
class Count:
    """The count of an election: the ledger's review, the totals, and each body's result."""

    election: Election
    ledger: Ledger
    review: Review
    lots: Mapping[str, Mapping[str, Lots]]
    _levels: dict[str, _Rolled] = field(default_factory=dict, repr=False)

    @cached_property
    def accepted(self) -> np.ndarray:
        return np.flatnonzero(self.review.accepted)

    @cached_property
    def _by_constituency_all(self) -> np.ndarray:
        """Every constituency's sums (figures, lines, then protocols and voters in and
        expected), indexed by the global constituency number."""
        rolled = self._rolled_up("constituency")
        out = np.zeros((len(self.election.constituencies), rolled.sums.shape[1]), np.int64)
        out[rolled.unit] = rolled.sums
        return out

    @property
    def by_constituency(self) -> np.ndarray:
        """The accepted protocols' figures and lines, summed by constituency."""
        width: np.ndarray = self._by_constituency_all[:, : LINES + self.election.max_options]
        return width

    @property
    def constituency_progress(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Protocols in and expected, voters in and expected, by constituency."""
        start = LINES + self.election.max_options
        sums = self._by_constituency_all
        return sums[:, start], sums[:, start + 1], sums[:, start + 2], sums[:, start + 3]

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
        c = election.contest_index[contest_id]
        contest = election.file.contests[c]
        level = str(level)
        rolled = self._rolled_up(level)
        first, last = np.searchsorted(rolled.contest, [c, c + 1])
        units = rolled.unit[first:last]
        sums = rolled.sums[first:last]
        if level == "constituency":
            ids = [election.constituencies[u][1].id for u in units]
            names = [election.constituencies[u][1].name for u in units]
        elif level == "precinct":
            ids = [election.file.precincts[u].id for u in units]
            names = [election.file.precincts[u].name for u in units]
        else:
            ids = [election.units[u].id for u in units]
            names = [election.units[u].name for u in units]
        width = LINES + election.max_options
        fields, lines, extra = sums[:, :LINES], sums[:, LINES:width], sums[:, width : width + 4]
        if contest.ballot is BallotKind.LISTS:
            options = tuple(o.name for o in contest.constituencies[0].options)
            votes, labels = lines[:, : len(options)], [options] * len(units)
        elif level in ("constituency", "precinct"):
            votes = lines
            ballots = rolled.constituency[first:last]
            labels = [tuple(o.name for o in election.constituencies[k][1].options) for k in ballots]
        else:
            parties, columns = self._contest_parties(contest)
            votes = sums[:, width + 4 :][:, columns]
            labels = [parties] * len(units)
        return Totals(
            contest=contest,
            level=level,
            ids=ids,
            names=names,
            fields=fields,
            votes=votes,
            labels=labels,
            protocols_in=extra[:, 0],
            protocols_expected=extra[:, 1],
            voters_in=extra[:, 2],
            voters_expected=extra[:, 3],
        )

    @cached_property
    def _per_protocol(self) -> np.ndarray:
        """One row per expected protocol: its figures and lines if accepted (else 0), then
        accepted (0/1), expected (1), voters if accepted, voters, then the votes by party
        (candidate ballots; columns as in ``_parties``)."""
        election = self.election
        accepted = self.review.accepted
        values = self.ledger.values[0]
        counted = np.where(accepted[:, None] & (values != NOT_REPORTED), values, 0)
        voters = election.precinct_voters[election.slot_precinct]
        extra = np.stack(
            [
                accepted.astype(np.int64),
                np.ones_like(voters),
                np.where(accepted, voters, 0),
                voters,
            ],
            axis=1,
        )
        parties, line_party = self._parties
        by_party = np.zeros((len(accepted), len(parties)), dtype=np.int64)
        flat = by_party.reshape(-1)
        column = line_party[election.slot_constituency]
        rows = np.arange(len(accepted)) * len(parties)
        for k in range(election.max_options):
            mine = column[:, k] >= 0
            flat[rows[mine] + column[mine, k]] += counted[mine, LINES + k]
        return np.concatenate([counted, extra, by_party], axis=1)

    @cached_property
    def _parties(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The parties of all candidate ballots (the self-nominated together), and for each
        constituency and ballot line the party column it counts for (-1: none)."""
        election = self.election
        parties: list[str] = []
        line_party = np.full((len(election.constituencies), election.max_options), -1, np.int64)
        for k, (contest, constituency) in enumerate(election.constituencies):
            if contest.ballot is not BallotKind.CANDIDATES:
                continue
            for line, option in enumerate(constituency.options):
                party = option.party or SELF_NOMINATED
                if party not in parties:
                    parties.append(party)
                line_party[k, line] = parties.index(party)
        return tuple(parties), line_party

    def _contest_parties(self, contest: Contest) -> tuple[tuple[str, ...], list[int]]:
        """The parties standing in a candidate contest, in ballot order of first appearance,
        with their columns among all parties."""
        every = self._parties[0]
        mine: list[str] = []
        for constituency in contest.constituencies:
            for option in constituency.options:
                party = option.party or SELF_NOMINATED
                if party not in mine:
                    mine.append(party)
        return tuple(mine), [every.index(party) for party in mine]

    def _rolled_up(self, level: str) -> _Rolled:
        """Every contest's sums at one level, in one sorted pass: groups ordered by contest."""
        if level not in self._levels:
            self._levels[level] = self._roll_up(level)
        return self._levels[level]

    def _roll_up(self, level: str) -> _Rolled:
        election = self.election
        if level == "constituency":
            unit = election.slot_constituency
            size = len(election.constituencies)
        elif level == "precinct":
            unit = election.slot_precinct
            size = len(election.file.precincts)
        else:
            unit = election.precinct_ancestors[Level(level)][election.slot_precinct]
            size = len(election.units)
        keep = np.flatnonzero(unit >= 0)
        key = election.slot_contest[keep] * size + unit[keep]
        order = keep[np.argsort(key, kind="stable")]
        sorted_key = election.slot_contest[order] * size + unit[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        sums = np.add.reduceat(self._per_protocol[order], starts, axis=0)
        groups = sorted_key[starts]
        return _Rolled(
            contest=groups // size,
            unit=groups % size,
            constituency=election.slot_constituency[order[starts]],
            sums=sums,
        )

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
