"""An election definition: the event, its territory, its contests and ballots, its bodies.

The file (``election.json`` in an election directory, see ``docs/election-dir.md``) says:

- the event and its date;
- the territorial tree, nation -> region -> district, and the precincts with their voter lists;
- the contests: one ballot paper each, with its constituencies (the areas that elect on that
  ballot), the options on each constituency's ballot in ballot order, and which territory each
  constituency covers;
- the bodies that get seats or an office, each with its rulebook and the contests it counts.

A precinct belongs to a constituency of a contest when the constituency covers the precinct
or one of its ancestors. The definition is checked as a whole: every reference resolves, every
precinct is in at most one constituency per contest, and every constituency has at least one
precinct.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from saylau.count.errors import InputError, load_json, read_text
from saylau.law.rulebooks import REGISTRY, Rulebook
from saylau.law.rulebooks.registry import RulebookNotFound

FORMAT = "saylau.election/1"

Count = Annotated[StrictInt, Field(ge=0)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Name = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(StrEnum):
    """A level of the territorial tree."""

    NATION = "nation"
    REGION = "region"
    DISTRICT = "district"


class Unit(_Model):
    """A territorial unit above the precincts: the nation, a region (oblast or city), a
    district (or a city district)."""

    id: Id
    name: Name
    level: Level
    parent: Id | None = None


class Precinct(_Model):
    """A polling station: its place in the tree and its voter list before election day."""

    id: Id
    name: Name
    parent: Id
    voters: Count
    abroad: StrictBool = False


class BallotKind(StrEnum):
    """What a contest's ballot offers: party lists, or candidates in single-member seats."""

    LISTS = "lists"
    CANDIDATES = "candidates"


class Option(_Model):
    """One line of a ballot: a party list (``registration``: order of registration, 1 = first;
    ``candidates``: the list's length) or a candidate (``party``: None for the self-nominated)."""

    name: Name
    party: Name | None = None
    registration: Annotated[StrictInt, Field(ge=1)] | None = None
    candidates: Count | None = None


class Constituency(_Model):
    """An area that elects on a contest's ballot: the whole country for a national list, a
    region for a maslikhat list, a single-member district. ``covers`` names territorial units
    or precincts."""

    id: Id
    name: Name
    covers: Annotated[list[Id], Field(min_length=1)]
    options: Annotated[list[Option], Field(min_length=1)]


class Contest(_Model):
    """One ballot paper: one protocol per precinct that votes on it."""

    id: Id
    name: Name
    ballot: BallotKind
    constituencies: Annotated[list[Constituency], Field(min_length=1)]


class Body(_Model):
    """A body (or office) that the contests elect, and the rulebook that gives its seats.

    ``rulebook`` is a rulebook id (the version in force on the election date is used) or a
    dated reference ``id@YYYY-MM-DD``. ``lists`` and ``districts`` name the contests it
    counts; ``list_seats`` sizes a list tier the law leaves open (maslikhats).
    """

    id: Id
    name: Name
    rulebook: Name
    lists: Id | None = None
    districts: Id | None = None
    list_seats: Annotated[StrictInt, Field(ge=1)] | None = None


class ElectionFile(_Model):
    """The whole definition document."""

    format: str = FORMAT
    id: Id
    name: Name
    date: date
    synthetic: StrictBool = False
    description: str = ""
    sources: list[str] = []
    double_entry: StrictBool = False
    territory: Annotated[list[Unit], Field(min_length=1)]
    precincts: Annotated[list[Precinct], Field(min_length=1)]
    contests: Annotated[list[Contest], Field(min_length=1)]
    bodies: list[Body] = []


@dataclass(frozen=True, eq=False)
class Election:
    """A checked definition, with the indexes the count runs on.

    Expected protocols are numbered ``0 .. expected-1``, precinct by precinct; for each one
    the arrays give its precinct, contest and constituency (constituencies are numbered across
    all contests).
    """

    file: ElectionFile
    source: str
    rulebooks: dict[str, Rulebook]
    constituency_contest: np.ndarray
    slot_precinct: np.ndarray
    slot_contest: np.ndarray
    slot_constituency: np.ndarray
    slot_offsets: np.ndarray

    # -- names and indexes ------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.file.id

    @property
    def date(self) -> date:
        return self.file.date

    @cached_property
    def units(self) -> list[Unit]:
        return list(self.file.territory)

    @cached_property
    def unit_index(self) -> dict[str, int]:
        return {unit.id: i for i, unit in enumerate(self.file.territory)}

    @cached_property
    def precinct_index(self) -> dict[str, int]:
        return {precinct.id: i for i, precinct in enumerate(self.file.precincts)}

    @cached_property
    def contest_index(self) -> dict[str, int]:
        return {contest.id: i for i, contest in enumerate(self.file.contests)}

    @cached_property
    def constituencies(self) -> list[tuple[Contest, Constituency]]:
        """Every constituency with its contest, in global numbering."""
        return [(c, k) for c in self.file.contests for k in c.constituencies]

    @cached_property
    def max_options(self) -> int:
        return max(len(k.options) for _, k in self.constituencies)

    @cached_property
    def option_counts(self) -> np.ndarray:
        """Ballot lines of each constituency."""
        return np.array([len(k.options) for _, k in self.constituencies], dtype=np.int64)

    @cached_property
    def precinct_voters(self) -> np.ndarray:
        return np.array([p.voters for p in self.file.precincts], dtype=np.int64)

    @cached_property
    def precinct_ancestors(self) -> dict[Level, np.ndarray]:
        """For each precinct, the index of its unit at each level (-1 where it has none)."""
        parent_of = {unit.id: unit.parent for unit in self.file.territory}
        level_of = {unit.id: unit.level for unit in self.file.territory}
        out = {level: np.full(len(self.file.precincts), -1, dtype=np.int64) for level in Level}
        cache: dict[str, dict[Level, int]] = {}
        for i, precinct in enumerate(self.file.precincts):
            chain = cache.get(precinct.parent)
            if chain is None:
                chain = {}
                unit_id: str | None = precinct.parent
                while unit_id is not None:
                    chain[level_of[unit_id]] = self.unit_index[unit_id]
                    unit_id = parent_of[unit_id]
                cache[precinct.parent] = chain
            for level, index in chain.items():
                out[level][i] = index
        return out

    @cached_property
    def contest_slots(self) -> list[np.ndarray]:
        """The expected-protocol numbers of each contest, in order."""
        order = np.argsort(self.slot_contest, kind="stable")
        bounds = np.searchsorted(self.slot_contest[order], np.arange(len(self.file.contests) + 1))
        return [order[bounds[c] : bounds[c + 1]] for c in range(len(self.file.contests))]

    @cached_property
    def first_constituency(self) -> np.ndarray:
        """The global number of each contest's first constituency."""
        return np.searchsorted(self.constituency_contest, np.arange(len(self.file.contests)))

    def rulebook_of(self, body: Body) -> Rulebook:
        return self.rulebooks[body.id]

    @property
    def expected(self) -> int:
        """How many protocols the election expects: one per contest per precinct voting on it."""
        return len(self.slot_precinct)

    def slot_of(self, precinct: int, contest: int) -> int:
        """The expected-protocol number of one (precinct, contest) pair, -1 where the precinct
        does not vote on that contest (:meth:`slots_of` for one pair, without numpy's cost per
        call)."""
        start, end = int(self.slot_offsets[precinct]), int(self.slot_offsets[precinct + 1])
        for slot in range(start, end):
            if int(self.slot_contest[slot]) == contest:
                return slot
        return -1

    def slots_of(self, precinct: np.ndarray, contest: np.ndarray) -> np.ndarray:
        """The expected-protocol number of each (precinct, contest) pair, -1 where the precinct
        does not vote on that contest."""
        slots = np.full(len(precinct), -1, dtype=np.int64)
        start = self.slot_offsets[precinct]
        width = self.slot_offsets[precinct + 1] - start
        for j in range(int(width.max(initial=0))):
            candidate = start + j
            inside = j < width
            hit = inside & (self.slot_contest[np.where(inside, candidate, 0)] == contest)
            slots[hit] = candidate[hit]
        return slots


def _located(source: str, error: ValidationError) -> InputError:
    first = error.errors()[0]
    path = [str(part) for part in first["loc"]]
    where = ""
    for part in path[:-1] if len(path) > 1 else []:
        where += f"[{part}]" if part.isdigit() else (f".{part}" if where else part)
    field = path[-1] if path else ""
    expected = first["msg"]
    more = f" (and {error.error_count() - 1} more problem(s))" if error.error_count() > 1 else ""
    return InputError(source, where, field, f"{expected}{more}")


def parse_definition(text: str, source: str) -> Election:
    """Parse and check a definition document; any problem is an :class:`InputError`."""
    load_json(text, source)  # syntax and fields named twice, located
    try:
        file = ElectionFile.model_validate_json(text)
    except ValidationError as error:
        raise _located(source, error) from None
    return compile_definition(file, source)


def read_definition(path: Path) -> Election:
    """Read ``election.json`` (or the file given)."""
    if path.is_dir():
        path = path / "election.json"
    return parse_definition(read_text(path), str(path))


def _unique(source: str, what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise InputError(source, f"{what}[{i}]", "id", f"the id {item!r} is used twice")
        seen.add(item)


def compile_definition(file: ElectionFile, source: str) -> Election:
    """Check the references of a parsed definition and build its indexes."""
    if file.format != FORMAT:
        raise InputError(source, "", "format", f"expected {FORMAT!r}, got {file.format!r}")
    _unique(source, "territory", [u.id for u in file.territory])
    _unique(source, "precincts", [p.id for p in file.precincts])
    _unique(source, "contests", [c.id for c in file.contests])
    _unique(source, "bodies", [b.id for b in file.bodies])
    units = {u.id: u for u in file.territory}
    overlap = sorted(set(units) & {p.id for p in file.precincts})
    if overlap:
        raise InputError(source, "precincts", "id", f"{overlap[0]!r} is also a territorial unit")
    for i, unit in enumerate(file.territory):
        if unit.parent is None:
            if unit.level is not Level.NATION:
                raise InputError(source, f"territory[{i}]", "parent", "only the nation has none")
            continue
        if unit.parent not in units:
            raise InputError(source, f"territory[{i}]", "parent", f"unknown unit {unit.parent!r}")
        depth = list(Level).index(units[unit.parent].level)
        if list(Level).index(unit.level) != depth + 1:
            raise InputError(
                source,
                f"territory[{i}]",
                "level",
                f"a {unit.level.value} cannot sit under a {units[unit.parent].level.value}",
            )
    for i, precinct in enumerate(file.precincts):
        if precinct.parent not in units:
            raise InputError(
                source, f"precincts[{i}]", "parent", f"unknown unit {precinct.parent!r}"
            )
    precinct_index = {p.id: i for i, p in enumerate(file.precincts)}
    children: dict[str, list[str]] = {}
    for unit in file.territory:
        if unit.parent is not None:
            children.setdefault(unit.parent, []).append(unit.id)
    precincts_under: dict[str, list[int]] = {}
    for i, precinct in enumerate(file.precincts):
        precincts_under.setdefault(precinct.parent, []).append(i)

    def covered(unit_id: str) -> list[int]:
        if unit_id in precinct_index:
            return [precinct_index[unit_id]]
        out = list(precincts_under.get(unit_id, []))
        for child in children.get(unit_id, []):
            out.extend(covered(child))
        return out

    pairs: list[tuple[int, int, int]] = []  # precinct, contest, constituency
    constituency_contest: list[int] = []
    number = 0
    for c, contest in enumerate(file.contests):
        _unique(source, f"contests[{c}].constituencies", [k.id for k in contest.constituencies])
        _unique_names(source, c, contest)
        owner: dict[int, str] = {}
        for k, constituency in enumerate(contest.constituencies):
            where = f"contests[{c}].constituencies[{k}]"
            _check_options(source, where, contest, constituency)
            precincts: list[int] = []
            for cover in constituency.covers:
                if cover not in units and cover not in precinct_index:
                    raise InputError(source, where, "covers", f"unknown unit {cover!r}")
                precincts.extend(covered(cover))
            if not precincts:
                raise InputError(source, where, "covers", "the area has no precincts")
            for p in precincts:
                if p in owner:
                    raise InputError(
                        source,
                        where,
                        "covers",
                        f"precinct {file.precincts[p].id!r} is already in constituency"
                        f" {owner[p]!r} of contest {contest.id!r}",
                    )
                owner[p] = constituency.id
                pairs.append((p, c, number))
            constituency_contest.append(c)
            number += 1
    _check_parties(source, file)
    contest_ids = {c.id: c for c in file.contests}
    rulebooks: dict[str, Rulebook] = {}
    for b, body in enumerate(file.bodies):
        rulebooks[body.id] = _body_rulebook(source, b, body, file.date, contest_ids)
    pairs.sort()
    table = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    offsets = np.searchsorted(table[:, 0], np.arange(len(file.precincts) + 1))
    return Election(
        file=file,
        source=source,
        rulebooks=rulebooks,
        constituency_contest=np.array(constituency_contest, dtype=np.int64),
        slot_precinct=table[:, 0].copy(),
        slot_contest=table[:, 1].copy(),
        slot_constituency=table[:, 2].copy(),
        slot_offsets=offsets.astype(np.int64),
    )


def _unique_names(source: str, c: int, contest: Contest) -> None:
    """Results name a contest's constituencies: two may not share a name."""
    seen: set[str] = set()
    for k, constituency in enumerate(contest.constituencies):
        if constituency.name in seen:
            raise InputError(
                source,
                f"contests[{c}].constituencies[{k}]",
                "name",
                f"{constituency.name!r} is already the name of another constituency of this"
                " contest; results are published by name",
            )
        seen.add(constituency.name)


def _check_parties(source: str, file: ElectionFile) -> None:
    """A candidate's party must be one of the election's party lists (when it has any), so
    that a seat never counts for a misspelt party."""
    lists = {
        option.name
        for contest in file.contests
        if contest.ballot is BallotKind.LISTS
        for constituency in contest.constituencies
        for option in constituency.options
    }
    if not lists:
        return
    for c, contest in enumerate(file.contests):
        for k, constituency in enumerate(contest.constituencies):
            for i, option in enumerate(constituency.options):
                if option.party is not None and option.party not in lists:
                    raise InputError(
                        source,
                        f"contests[{c}].constituencies[{k}].options[{i}]",
                        "party",
                        f"{option.party!r} is not one of the election's party lists; expected"
                        f" one of {', '.join(sorted(lists))} (or null for the self-nominated)",
                    )


def _check_options(source: str, where: str, contest: Contest, constituency: Constituency) -> None:
    names = [option.name for option in constituency.options]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError(source, f"{where}.options[{i}]", "name", f"{name!r} is listed twice")
    if contest.ballot is BallotKind.LISTS:
        for i, option in enumerate(constituency.options):
            if option.party is not None:
                raise InputError(
                    source, f"{where}.options[{i}]", "party", "a party list has no party field"
                )


def _body_rulebook(
    source: str, b: int, body: Body, day: date, contests: dict[str, Contest]
) -> Rulebook:
    where = f"bodies[{b}]"
    for field, kind in (("lists", BallotKind.LISTS), ("districts", BallotKind.CANDIDATES)):
        contest_id = getattr(body, field)
        if contest_id is None:
            continue
        if contest_id not in contests:
            raise InputError(source, where, field, f"unknown contest {contest_id!r}")
        if contests[contest_id].ballot is not kind:
            raise InputError(
                source, where, field, f"contest {contest_id!r} does not have a {kind.value} ballot"
            )
    if body.lists is not None and len(contests[body.lists].constituencies) != 1:
        raise InputError(
            source, where, "lists", "a list contest must have exactly one constituency"
        )
    if body.lists is None and body.districts is None:
        raise InputError(source, where, "lists", "a body counts at least one contest")
    try:
        if "@" in body.rulebook:
            return REGISTRY.find(body.rulebook)
        return REGISTRY.on(body.rulebook, day)
    except RulebookNotFound as error:
        raise InputError(source, where, "rulebook", str(error)) from None
