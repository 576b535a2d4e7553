"""What a rulebook counts: list votes, district and single-office contests, referendum returns.

These are plain, validated records of totals. Where they come from (protocols, a summary file,
a what-if) is not the law's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

SELF_NOMINATED = "Self-nominated"
"""The party a seat counts for when its winner stands for no party: the self-nominated (and
independents) count together, as one."""


class BallotError(ValueError):
    """Totals that cannot be counted: negative numbers, unknown parties, duplicate names."""


def _check_count(what: str, value: int) -> None:
    if type(value) is not int or value < 0:
        raise BallotError(f"{what} must be a whole number of 0 or more, got {value!r}")


class Base(Enum):
    """The base a percentage or a majority is taken of."""

    OPTIONS = "votes for the {}"
    OPTIONS_AND_AGAINST_ALL = "votes for the {} and 'against all'"
    BALLOTS_CAST = "ballots cast"
    VALID = "valid votes (the {}, 'against all' and blank ballots)"
    PARTICIPANTS = "voters who took part"

    def describe(self, options: str) -> str:
        """The base in words, e.g. ``votes for the lists and 'against all'``."""
        return self.value.format(options)


@dataclass(frozen=True, slots=True)
class Party:
    """A registered list: its registration order (1 = first) and how many candidates it has."""

    name: str
    registration: int | None = None
    candidates: int | None = None


@dataclass(frozen=True, slots=True)
class ListVotes:
    """Votes in a party-list contest.

    ``unlisted`` are votes for lists that are not itemised (each too small for any seat); they
    count in every base. ``invalid`` are ballots found in the boxes that count for nothing;
    ``blank`` are valid
    ballots marked for nobody (Spain counts them in the threshold base); ballots cast are the
    votes for lists, against all, blank and invalid ballots together. ``participants`` is the
    number of voters who took part as the protocol records it, where the law takes a share of
    it (Russia); it may exceed the ballots shown when lists are left out of the input.
    ``agreements`` are surplus-vote agreements between two lists (Israel). ``district_wins``
    serves thresholds with a district path (e.g. three constituency seats).
    """

    votes: Mapping[str, int]
    against_all: int = 0
    invalid: int = 0
    parties: Mapping[str, Party] = field(default_factory=dict)
    district_wins: Mapping[str, int] = field(default_factory=dict)
    unlisted: int = 0
    blank: int = 0
    participants: int | None = None
    agreements: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name, count in self.votes.items():
            _check_count(f"votes for {name!r}", count)
        for name, count in self.district_wins.items():
            _check_count(f"district seats of {name!r}", count)
        _check_count("votes for lists not itemised", self.unlisted)
        _check_count("votes against all", self.against_all)
        _check_count("invalid ballots", self.invalid)
        _check_count("blank ballots", self.blank)
        unknown = set(self.parties) - set(self.votes)
        if unknown:
            raise BallotError(f"party details given for lists with no votes: {sorted(unknown)}")
        if self.participants is not None:
            _check_count("voters who took part", self.participants)
            cast = self.base(Base.BALLOTS_CAST)
            if self.participants < cast:
                raise BallotError(
                    f"{self.participants:,} voters took part but the ballots shown add up to"
                    f" {cast:,}"
                )
        paired: list[str] = []
        for pair in self.agreements:
            if len(pair) != 2 or pair[0] == pair[1]:
                raise BallotError(f"a surplus agreement joins two different lists, got {pair!r}")
            for name in pair:
                if name not in self.votes:
                    raise BallotError(f"surplus agreement names {name!r}, which is no list")
                if name in paired:
                    raise BallotError(f"{name!r} is in more than one surplus agreement")
                paired.append(name)

    def base(self, base: Base) -> int:
        lists = sum(self.votes.values()) + self.unlisted
        if base is Base.OPTIONS:
            return lists
        if base is Base.OPTIONS_AND_AGAINST_ALL:
            return lists + self.against_all
        if base is Base.VALID:
            return lists + self.against_all + self.blank
        cast = lists + self.against_all + self.blank + self.invalid
        if base is Base.PARTICIPANTS and self.participants is not None:
            return self.participants
        return cast

    @property
    def registration(self) -> dict[str, int]:
        return {
            name: party.registration
            for name, party in self.parties.items()
            if party.registration is not None
        }

    @property
    def caps(self) -> dict[str, int]:
        return {
            name: party.candidates
            for name, party in self.parties.items()
            if party.candidates is not None
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate in a single-winner contest; ``party`` is None for the self-nominated."""

    name: str
    votes: int
    party: str | None = None

    def __post_init__(self) -> None:
        _check_count(f"votes for {self.name!r}", self.votes)


@dataclass(frozen=True, slots=True)
class ContestVotes:
    """A single-winner contest: a district, an office, or one Senate seat.

    ``electors`` is the number of electors entitled to vote where the voters are electors
    (the Senate); ``invalid`` counts ballots that count for nothing; ``blank`` ballots marked
    for nobody (France records them apart from the null ones).
    """

    name: str
    candidates: tuple[Candidate, ...]
    against_all: int = 0
    invalid: int = 0
    electors: int | None = None
    blank: int = 0

    def __post_init__(self) -> None:
        names = [candidate.name for candidate in self.candidates]
        if len(set(names)) != len(names):
            raise BallotError(f"contest {self.name!r} names a candidate twice")
        _check_count(f"votes against all in {self.name!r}", self.against_all)
        _check_count(f"invalid ballots in {self.name!r}", self.invalid)
        _check_count(f"blank ballots in {self.name!r}", self.blank)

    @property
    def votes(self) -> dict[str, int]:
        return {candidate.name: candidate.votes for candidate in self.candidates}

    def base(self, base: Base) -> int:
        candidates = sum(candidate.votes for candidate in self.candidates)
        if base is Base.OPTIONS:
            return candidates
        if base is Base.OPTIONS_AND_AGAINST_ALL:
            return candidates + self.against_all
        if base is Base.VALID:
            return candidates + self.against_all + self.blank
        return candidates + self.against_all + self.blank + self.invalid


class ReferendumBase(Enum):
    """Who a referendum share is taken of."""

    PARTICIPANTS = "citizens who took part"
    VALID = "valid ballots"


@dataclass(frozen=True, slots=True)
class RegionReturn:
    """One region's referendum return: those who took part and the yes votes."""

    name: str
    participated: int
    yes: int

    def __post_init__(self) -> None:
        _check_count(f"participants in {self.name!r}", self.participated)
        _check_count(f"yes votes in {self.name!r}", self.yes)
        if self.yes > self.participated:
            raise BallotError(
                f"region {self.name!r}: {self.yes:,} yes votes but only"
                f" {self.participated:,} took part"
            )


@dataclass(frozen=True, slots=True)
class ReferendumVotes:
    """A referendum question's return, nationwide and (for constitutional questions) by region."""

    question: str
    eligible: int
    participated: int
    yes: int
    no: int | None = None
    invalid: int | None = None
    constitutional: bool = False
    regions: tuple[RegionReturn, ...] = ()

    def __post_init__(self) -> None:
        for what in ("eligible", "participated", "yes", "no", "invalid"):
            if getattr(self, what) is not None:
                _check_count(what, getattr(self, what))
        if self.participated > self.eligible:
            raise BallotError(
                f"{self.participated:,} took part but only {self.eligible:,} are eligible"
            )
        counted = self.yes + (self.no or 0) + (self.invalid or 0)
        if counted > self.participated:
            raise BallotError(
                f"yes + no + invalid = {counted:,} exceeds the {self.participated:,} who took part"
            )
        names = [region.name for region in self.regions]
        if len(set(names)) != len(names):
            raise BallotError("a region is listed twice in the referendum return")
        for what, national in (("took part", self.participated), ("voted yes", self.yes)):
            field = "participated" if what == "took part" else "yes"
            regional = sum(getattr(region, field) for region in self.regions)
            if self.regions and regional > national:
                raise BallotError(
                    f"the regions add up to {regional:,} who {what}, more than the national"
                    f" {national:,}"
                )


@dataclass(frozen=True, slots=True)
class DistrictWinner:
    """A constituency won by a party's candidate, with the winner's first-vote share
    (``votes`` of ``valid``), which ranks the winners where second votes cover only some."""

    name: str
    party: str | None
    votes: int
    valid: int

    def __post_init__(self) -> None:
        _check_count(f"votes of the winner in {self.name!r}", self.votes)
        _check_count(f"valid votes in {self.name!r}", self.valid)
        if self.votes > self.valid:
            raise BallotError(f"{self.name!r}: the winner has more votes than were valid")


@dataclass(frozen=True, slots=True)
class RegionVotes:
    """One region's returns in a regional list system (a German Land).

    ``lists`` are the region's list votes (``district_wins`` the constituencies won, by party);
    ``population`` the figure regions share seats by, where the law does; ``districts`` the
    constituencies won, where the law ranks their winners.
    """

    name: str
    lists: ListVotes
    population: int | None = None
    districts: tuple[DistrictWinner, ...] = ()

    def __post_init__(self) -> None:
        if self.population is not None:
            _check_count(f"population of {self.name!r}", self.population)
        if self.districts:
            counted: dict[str, int] = {}
            for district in self.districts:
                party = party_of_winner(district)
                counted[party] = counted.get(party, 0) + 1
            declared = {p: n for p, n in self.lists.district_wins.items() if n}
            if counted != declared:
                raise BallotError(
                    f"region {self.name!r}: the districts listed ({counted}) do not match the"
                    f" district seats declared ({declared})"
                )


def party_of_winner(district: DistrictWinner) -> str:
    """The party a constituency counts for; winners without a party count as such."""
    return district.party or SELF_NOMINATED


@dataclass(frozen=True, slots=True)
class Constituency:
    """One multi-member constituency: its seats and its list votes (a Spanish province, a
    Norwegian county)."""

    name: str
    seats: int
    lists: ListVotes

    def __post_init__(self) -> None:
        if type(self.seats) is not int or self.seats < 1:
            raise BallotError(
                f"constituency {self.name!r}: seats must be a whole number of at least 1,"
                f" got {self.seats!r}"
            )


@dataclass(frozen=True, slots=True)
class Ballots:
    """Everything one election's rulebook may count. Unused parts stay empty.

    In a partial count, ``awaited`` names the contests with no returns yet: they count towards
    the number of contests the law expects, and each stays an open question.
    ``constituencies`` serve rulebooks that share seats list by list in many constituencies;
    ``populations`` serve apportionment (US House seats among the states).
    """

    lists: ListVotes | None = None
    contests: tuple[ContestVotes, ...] = ()
    referendum: ReferendumVotes | None = None
    list_seats: int | None = None
    round: int = 1
    regions: tuple[RegionVotes, ...] = ()
    awaited: tuple[str, ...] = ()
    """Contests whose returns are not in yet (a partial count): named, never decided."""
    constituencies: tuple[Constituency, ...] = ()
    populations: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        names = [contest.name for contest in self.contests]
        if len(set(names + list(self.awaited))) != len(names) + len(self.awaited):
            raise BallotError("two contests have the same name")
        regions = [region.name for region in self.regions]
        if len(set(regions)) != len(regions):
            raise BallotError("two regions have the same name")
        places = [constituency.name for constituency in self.constituencies]
        if len(set(places)) != len(places):
            raise BallotError("two constituencies have the same name")
        for name, count in (self.populations or {}).items():
            _check_count(f"population of {name!r}", count)
        if self.list_seats is not None and (
            type(self.list_seats) is not int or self.list_seats < 1
        ):
            raise BallotError(
                f"list_seats must be a whole number of at least 1, got {self.list_seats!r}"
            )


def party_of(candidate: Candidate) -> str:
    """The party a district seat counts for; the self-nominated count as such."""
    return candidate.party or SELF_NOMINATED


__all__ = [
    "SELF_NOMINATED",
    "BallotError",
    "Ballots",
    "Base",
    "Candidate",
    "Constituency",
    "ContestVotes",
    "DistrictWinner",
    "ListVotes",
    "Party",
    "ReferendumBase",
    "ReferendumVotes",
    "RegionReturn",
    "RegionVotes",
    "party_of",
    "party_of_winner",
]
