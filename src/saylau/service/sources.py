"""Where the public pages read results from: a :class:`ResultsSource`.

A source names its elections, gives each one's :class:`~saylau.count.tally.Count`, the count's
progress over time, and one precinct's protocols as they stand. The pages depend on this
protocol only. :class:`DirectorySource` reads election directories (``saylau.count.directory``);
a database-backed source implements the same protocol over the service's tables.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, Protocol

from saylau.count.definition import Election
from saylau.count.directory import LOTS, load, protocol_files
from saylau.count.fields import COUNT_FIELDS, NOT_REPORTED
from saylau.count.ledger import FIRST, SECOND
from saylau.count.tally import Count, count_ledger
from saylau.publish.results import SECOND_ONLY, held_back, overall_progress


class UnknownElection(LookupError):
    """No election of that id in the source."""


class UnknownPrecinct(LookupError):
    """No precinct of that id in the election."""


class ElectionSummary(NamedTuple):
    """An election as listed: its id, name and election day."""

    id: str
    name: str
    date: date


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """How much of the count was in at a moment (UTC)."""

    at: datetime
    protocols_in: int
    protocols_expected: int
    voters_in: int
    voters_expected: int


class ProtocolState(StrEnum):
    """Where a protocol stands, as the public pages name it."""

    AWAITED = "awaited"
    """Nothing entered yet."""
    ENTERED = "entered"
    """Entered once; awaiting the second entry or approval."""
    MISMATCH = "mismatch"
    """The two entries differ."""
    MATCHED = "matched"
    """The two entries agree; awaiting approval."""
    BLOCKED = "blocked"
    """Held back by a check (an error or a warning not acknowledged)."""
    ACCEPTED = "accepted"
    """Counted in the results."""


@dataclass(frozen=True, slots=True)
class ProtocolLine:
    """One ballot line of a protocol: the option's name and its votes (none if not entered)."""

    option: str
    votes: int | None


@dataclass(frozen=True, slots=True)
class PrecinctProtocol:
    """One protocol of a precinct: its contest, constituency, figures, lines and state.

    ``figures`` follow ``COUNT_FIELDS``; a figure left blank, or not entered, is ``None``.
    ``problems`` are the coded messages that hold it back (``CODE: message``).
    """

    contest_id: str
    contest_name: str
    constituency: str
    state: ProtocolState
    figures: dict[str, int | None]
    lines: tuple[ProtocolLine, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PrecinctProtocols:
    """A precinct with the territorial units above it (nearest first) and its protocols."""

    election_id: str
    id: str
    name: str
    voters: int
    units: tuple[tuple[str, str, str], ...]
    """(id, name, level) of each unit above the precinct, nearest first."""
    protocols: tuple[PrecinctProtocol, ...]


class ResultsSource(Protocol):
    """What the public pages read. Unknown ids raise :class:`UnknownElection` or
    :class:`UnknownPrecinct`."""

    def elections(self) -> list[ElectionSummary]: ...

    def count(self, election_id: str) -> Count: ...

    def progress(self, election_id: str) -> list[ProgressPoint]: ...

    def precinct(self, election_id: str, precinct_id: str) -> PrecinctProtocols: ...


# -- reading a count ----------------------------------------------------------------------------


def protocol_state(count: Count, slot: int) -> ProtocolState:
    """The state of one expected protocol in a count read from a ledger."""
    review = count.review
    if review.accepted[slot]:
        return ProtocolState.ACCEPTED
    if review.mismatch[slot]:
        return ProtocolState.MISMATCH
    if review.blocked[slot]:
        return ProtocolState.BLOCKED
    if review.present[slot]:
        return ProtocolState.ENTERED
    return ProtocolState.AWAITED


def _problems(count: Count, slot: int) -> tuple[str, ...]:
    review, ledger = count.review, count.ledger
    problems: list[str] = []
    if review.present[slot]:
        problems += ledger.messages(slot, int(held_back(count)[slot]))
    if review.second_only[slot]:
        problems.append(f"{SECOND_ONLY}: only a second entry is on record")
    if review.mismatch[slot]:
        problems += [
            f"{name}: first entry {first}, second entry {second}"
            for name, first, second in ledger.differences(slot)
        ]
    return tuple(problems)


def _shown(value: int) -> int | None:
    return None if value == NOT_REPORTED else value


def precinct_protocols(count: Count, precinct_id: str) -> PrecinctProtocols:
    """One precinct's protocols in a count read from a ledger: the first entry's figures and
    lines (the second entry's when only that one is on record)."""
    election = count.election
    index = election.precinct_index.get(precinct_id)
    if index is None:
        raise UnknownPrecinct(precinct_id)
    precinct = election.file.precincts[index]
    review, ledger = count.review, count.ledger
    protocols = []
    for slot in range(int(election.slot_offsets[index]), int(election.slot_offsets[index + 1])):
        contest, constituency = election.constituencies[int(election.slot_constituency[slot])]
        entered = review.present[slot] or review.second_only[slot]
        entry = FIRST if review.present[slot] else SECOND
        values = ledger.values[entry, slot]
        figures = {
            name: _shown(int(values[i])) if entered else None for i, name in enumerate(COUNT_FIELDS)
        }
        lines = tuple(
            ProtocolLine(
                option.name,
                _shown(int(values[len(COUNT_FIELDS) + k])) if entered else None,
            )
            for k, option in enumerate(constituency.options)
        )
        protocols.append(
            PrecinctProtocol(
                contest_id=contest.id,
                contest_name=contest.name,
                constituency=constituency.name,
                state=protocol_state(count, slot),
                figures=figures,
                lines=lines,
                problems=_problems(count, slot),
            )
        )
    return PrecinctProtocols(
        election_id=election.id,
        id=precinct.id,
        name=precinct.name,
        voters=precinct.voters,
        units=_units_above(election, precinct.parent),
        protocols=tuple(protocols),
    )


def _units_above(election: Election, unit_id: str | None) -> tuple[tuple[str, str, str], ...]:
    units = []
    while unit_id is not None:
        unit = election.units[election.unit_index[unit_id]]
        units.append((unit.id, unit.name, str(unit.level)))
        unit_id = unit.parent
    return tuple(units)


# -- election directories -----------------------------------------------------------------------


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What a directory's count depends on: its definition, lots and protocol files, each by
    name, modification time and size."""
    paths = [directory / "election.json", directory / LOTS, *protocol_files(directory)]
    out = []
    for path in paths:
        if path.exists():
            stat = path.stat()
            out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def progress_point(count: Count, at: datetime) -> ProgressPoint:
    """How much of ``count`` is in, as a point in time."""
    progress = overall_progress(count)
    return ProgressPoint(
        at,
        progress.protocols_in,
        progress.protocols_expected,
        progress.voters_in,
        progress.voters_expected,
    )


class DirectorySource:
    """Results read from election directories (one election each), keyed by election id.

    A directory is read again when its definition, lots or protocol files change; until then
    its count is kept. The count's progress over time is a single point: now.
    """

    def __init__(self, directories: Iterable[Path], clock: Clock = _utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[Path, tuple[tuple[tuple[str, int, int], ...], Count]] = {}
        self._directories: dict[str, Path] = {}
        for directory in directories:
            count = self._read(Path(directory))
            self._directories[count.election.id] = Path(directory)

    def _read(self, directory: Path) -> Count:
        with self._lock:
            signature = _signature(directory)
            kept = self._counts.get(directory)
            if kept is not None and kept[0] == signature:
                return kept[1]
            loaded = load(directory)
            count = count_ledger(loaded.ledger, loaded.lots)
            self._counts[directory] = (signature, count)
            return count

    def elections(self) -> list[ElectionSummary]:
        summaries = []
        for directory in self._directories.values():
            file = self._read(directory).election.file
            summaries.append(ElectionSummary(file.id, file.name, file.date))
        return summaries

    def count(self, election_id: str) -> Count:
        directory = self._directories.get(election_id)
        if directory is None:
            raise UnknownElection(election_id)
        return self._read(directory)

    def progress(self, election_id: str) -> list[ProgressPoint]:
        return [progress_point(self.count(election_id), self._clock())]

    def precinct(self, election_id: str, precinct_id: str) -> PrecinctProtocols:
        return precinct_protocols(self.count(election_id), precinct_id)


__all__ = [
    "DirectorySource",
    "ElectionSummary",
    "PrecinctProtocol",
    "PrecinctProtocols",
    "ProgressPoint",
    "ProtocolLine",
    "ProtocolState",
    "ResultsSource",
    "UnknownElection",
    "UnknownPrecinct",
    "precinct_protocols",
    "protocol_state",
]
