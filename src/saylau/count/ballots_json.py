"""Reading the input of ``saylau elect``: an election's totals as JSON.

The document (see ``docs/elect-input.md`` and ``examples/``)::

    {
      "description": "...", "source": "...",
      "list_seats": 17,            # only where the rulebook leaves the size open
      "round": 1,                  # 2 for a runoff
      "lists": {"against_all": 0, "invalid": 0, "blank": 0, "participants": null,
                "agreements": [["...", "..."]],
                "parties": [{"name": "...", "votes": 0, "registration": 1, "candidates": 80}]},
      "contests": [{"name": "...", "against_all": 0, "invalid": 0, "blank": 0, "electors": null,
                    "candidates": [{"name": "...", "party": "...", "votes": 0}]}],
      "constituencies": [{"name": "...", "seats": 37, "lists": {...as above...}}],
      "populations": {"<state>": 0},
      "referendum": {"question": "...", "eligible": 0, "participated": 0, "yes": 0, "no": 0,
                     "invalid": 0, "constitutional": false,
                     "regions": [{"name": "...", "participated": 0, "yes": 0}]},
      "lots": {"<contest or tier>": {"order": ["..."], "record": "minutes ..."}},
      "regions": [{"name": "...", "population": 0, "unlisted": 0, "independent_seats": 0,
                   "parties": [{"name": "...", "votes": 0, "district_seats": 0}],
                   "districts": [{"name": "...", "party": "...", "votes": 0, "valid": 0}]}]
    }

``district_seats`` (on a list) and ``unlisted`` (votes for lists not itemised) serve
compensatory rulebooks; ``regions`` carries a regional list system's returns (German Länder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from saylau.count.errors import InputError, load_json, read_text
from saylau.law.ballots import (
    SELF_NOMINATED,
    BallotError,
    Ballots,
    Candidate,
    Constituency,
    ContestVotes,
    DistrictWinner,
    ListVotes,
    Party,
    ReferendumVotes,
    RegionReturn,
    RegionVotes,
)
from saylau.law.ties import Lots, TieInputError

Count = Annotated[StrictInt, Field(ge=0)]
Name = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartyIn(_Model):
    name: Name
    votes: Count
    registration: Annotated[StrictInt, Field(ge=1)] | None = None
    candidates: Count | None = None
    district_seats: Count | None = None


class ListsIn(_Model):
    parties: list[PartyIn]
    against_all: Count = 0
    invalid: Count = 0
    unlisted: Count = 0
    blank: Count = 0
    participants: Count | None = None
    agreements: list[tuple[Name, Name]] = []


class DistrictWinIn(_Model):
    name: Name
    party: Name | None
    votes: Count
    valid: Count


class RegionListsIn(_Model):
    name: Name
    population: Count | None = None
    parties: list[PartyIn]
    unlisted: Count = 0
    independent_seats: Count = 0
    districts: list[DistrictWinIn] = []


class CandidateIn(_Model):
    name: Name
    votes: Count
    party: Name | None = None


class ContestIn(_Model):
    name: Name
    candidates: list[CandidateIn]
    against_all: Count = 0
    invalid: Count = 0
    electors: Count | None = None
    blank: Count = 0


class RegionIn(_Model):
    name: Name
    participated: Count
    yes: Count


class ReferendumIn(_Model):
    question: Name
    eligible: Count
    participated: Count
    yes: Count
    no: Count | None = None
    invalid: Count | None = None
    constitutional: StrictBool = False
    regions: list[RegionIn] = []


class LotsIn(_Model):
    order: list[Name]
    record: Name


class ConstituencyIn(_Model):
    name: Name
    seats: Annotated[StrictInt, Field(ge=1)]
    lists: ListsIn


class ElectionIn(_Model):
    description: str = ""
    source: str | list[str] = ""
    rulebook: str | None = None
    list_seats: Annotated[StrictInt, Field(ge=1)] | None = None
    round: Annotated[StrictInt, Field(ge=1, le=2)] = 1
    lists: ListsIn | None = None
    contests: list[ContestIn] = []
    referendum: ReferendumIn | None = None
    lots: dict[str, LotsIn] = {}
    regions: list[RegionListsIn] = []
    constituencies: list[ConstituencyIn] = []
    populations: dict[Name, Count] | None = None


def _list_votes(
    parties: list[PartyIn],
    against_all: int,
    invalid: int,
    unlisted: int,
    independents: int = 0,
    *,
    blank: int = 0,
    participants: int | None = None,
    agreements: tuple[tuple[str, str], ...] = (),
) -> ListVotes:
    wins = {p.name: p.district_seats for p in parties if p.district_seats}
    if independents:
        wins[SELF_NOMINATED] = independents
    return ListVotes(
        votes={p.name: p.votes for p in parties},
        against_all=against_all,
        invalid=invalid,
        parties={p.name: Party(p.name, p.registration, p.candidates) for p in parties},
        district_wins=wins,
        unlisted=unlisted,
        blank=blank,
        participants=participants,
        agreements=agreements,
    )


def _path(location: tuple[int | str, ...]) -> tuple[str, str]:
    """A pydantic location as a readable path and the field it ends in."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    field = next((str(p) for p in reversed(location) if isinstance(p, str)), "")
    return text, field


def _expected(error: dict[str, object]) -> str:
    kind = str(error.get("type", ""))
    given = error.get("input")
    if kind in {"model_type", "dict_type"}:
        return "expected a JSON object { ... }"
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        return "unknown field; check the spelling against docs/elect-input.md"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {given!r}"
    if kind == "greater_than_equal":
        context = error.get("ctx")
        limit = context.get("ge", 0) if isinstance(context, dict) else 0
        return f"expected a whole number of {limit} or more, got {given!r}"
    return str(error.get("msg", "invalid value"))


def parse_election(document: object, file: str) -> tuple[Ballots, dict[str, Lots], ElectionIn]:
    """Check a decoded JSON document and turn it into ballots and recorded lots."""
    try:
        model = ElectionIn.model_validate(document)
    except ValidationError as invalid:
        error = invalid.errors()[0]
        where, field = _path(tuple(error["loc"]))
        raise InputError(file, where, field, _expected(dict(error))) from None
    known_parties = {party.name for party in model.lists.parties} if model.lists else set()
    for c_index, contest in enumerate(model.contests):
        for k_index, candidate in enumerate(contest.candidates):
            if (
                candidate.party is not None
                and known_parties
                and (candidate.party not in known_parties)
            ):
                raise InputError(
                    file,
                    f"contests[{c_index}].candidates[{k_index}]",
                    "party",
                    f"unknown party {candidate.party!r}; expected one of the lists:"
                    f" {', '.join(sorted(known_parties))}, or null for the self-nominated",
                )
    if model.lists:
        names = [party.name for party in model.lists.parties]
        orders = [party.registration for party in model.lists.parties]
        for index, name in enumerate(names):
            if names.index(name) != index:
                raise InputError(
                    file,
                    f"lists.parties[{index}]",
                    "name",
                    f"{name!r} appears twice; expected one entry per list",
                )
            order = orders[index]
            if order is not None and orders.index(order) != index:
                raise InputError(
                    file,
                    f"lists.parties[{index}]",
                    "registration",
                    f"registration {order} is also given to {names[orders.index(order)]!r};"
                    " expected each list's own place in the order of registration",
                )
    try:
        ballots = Ballots(
            lists=_list_votes(
                model.lists.parties,
                model.lists.against_all,
                model.lists.invalid,
                model.lists.unlisted,
                blank=model.lists.blank,
                participants=model.lists.participants,
                agreements=tuple(model.lists.agreements),
            )
            if model.lists
            else None,
            contests=tuple(
                ContestVotes(
                    c.name,
                    tuple(Candidate(k.name, k.votes, k.party) for k in c.candidates),
                    c.against_all,
                    c.invalid,
                    c.electors,
                    c.blank,
                )
                for c in model.contests
            ),
            referendum=ReferendumVotes(
                model.referendum.question,
                model.referendum.eligible,
                model.referendum.participated,
                model.referendum.yes,
                model.referendum.no,
                model.referendum.invalid,
                model.referendum.constitutional,
                tuple(
                    RegionReturn(r.name, r.participated, r.yes) for r in model.referendum.regions
                ),
            )
            if model.referendum
            else None,
            list_seats=model.list_seats,
            round=model.round,
            regions=tuple(
                RegionVotes(
                    r.name,
                    _list_votes(r.parties, 0, 0, r.unlisted, r.independent_seats),
                    r.population,
                    tuple(DistrictWinner(d.name, d.party, d.votes, d.valid) for d in r.districts),
                )
                for r in model.regions
            ),
            constituencies=_constituencies(model.constituencies, file),
            populations=dict(model.populations) if model.populations is not None else None,
        )
        lots = {name: Lots(tuple(entry.order), entry.record) for name, entry in model.lots.items()}
    except (BallotError, TieInputError) as invalid:
        raise InputError(file, "", "", str(invalid)) from None
    return ballots, lots, model


def _constituency_lists(lists: ListsIn, where: str, file: str) -> ListVotes:
    """One constituency's list votes, with its errors located at ``where``."""
    names = [party.name for party in lists.parties]
    for index, name in enumerate(names):
        if names.index(name) != index:
            raise InputError(
                file, f"{where}.parties[{index}]", "name", f"{name!r} appears twice in {where}"
            )
    try:
        return _list_votes(
            lists.parties,
            lists.against_all,
            lists.invalid,
            lists.unlisted,
            blank=lists.blank,
            participants=lists.participants,
            agreements=tuple(lists.agreements),
        )
    except BallotError as invalid:
        raise InputError(file, where, "", str(invalid)) from None


def _constituencies(places: list[ConstituencyIn], file: str) -> tuple[Constituency, ...]:
    """Constituencies with their seats and list votes; errors name the constituency."""
    built: list[Constituency] = []
    for index, place in enumerate(places):
        where = f"constituencies[{index}]"
        if any(other.name == place.name for other in places[:index]):
            raise InputError(file, where, "name", f"{place.name!r} appears twice")
        built.append(
            Constituency(
                place.name, place.seats, _constituency_lists(place.lists, f"{where}.lists", file)
            )
        )
    return tuple(built)


def read_election(path: Path) -> tuple[Ballots, dict[str, Lots], ElectionIn]:
    """Read an election file; any error names the file and the path of the bad field."""
    file = str(path)
    document = load_json(read_text(path), file)
    return parse_election(document, file)
