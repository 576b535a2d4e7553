"""The count as a NIST SP 1500-100 v2 election report (the Election Results Common Data Format).

:func:`election_report` builds one ``ElectionResults.ElectionReport`` in the JSON form of the
standard; the tests validate it against NIST's schema (``NIST_V2_election_results_reporting.json``,
draft-04). The mapping:

- ``Status``: ``pre-election`` before the first protocol is accepted, ``unofficial-complete``
  once every expected protocol is, ``unofficial-partial`` in between. The count never certifies,
  so a report is never ``certified``. ``Format`` is ``summary-contest``, or ``precinct-level``
  when precincts are exported (NIST ``ReportDetailLevel``).
- ``GpUnit``: the territory as ``ReportingUnit``\\ s (nation ``country``; region and district
  ``other`` with ``OtherType`` ``region``/``district``) linked by ``ComposingGpUnitIds``; each
  constituency as a ``ReportingUnit`` of ``Type`` ``other``, ``OtherType`` ``constituency``,
  ``IsDistricted``, composed of the units it covers; on request each precinct (``precinct``).
  ``SubUnitsReported``/``TotalSubUnits`` count precincts with all their protocols in; for a
  constituency, its protocols in and expected.
- ``Party``: the lists of list ballots and the parties candidates stand for, one per name.
  ``Candidate``: one per candidate ballot line (``BallotName``, ``PartyId``; none for the
  self-nominated).
- ``Contest``: one per constituency of each contest. A list constituency is a ``PartyContest``
  of ``PartySelection``\\ s; a single-member constituency is a ``CandidateContest`` of
  ``CandidateSelection``\\ s with ``NumberElected`` 1 and ``VotesAllowed`` 1. Its
  ``ElectionDistrictId`` is the constituency's unit; ``SubUnitsReported``/``TotalSubUnits`` are
  its protocols in and expected, and ``CountStatus`` (``Type`` ``total``) is ``not-processed``,
  ``in-process`` or ``completed`` by the same numbers.
- ``VoteCounts`` (``Type`` ``total``, integer ``Count``) on every selection, for the
  constituency's unit and, where the constituency spans several, for each region and each
  district (and each precinct on request). A unit gets counts once one of its protocols is in:
  before that its counts are absent, not zero.

"Against all" is a ballot line of every contest, and its votes are valid votes (a rulebook may
count them in the base of a share, see :class:`saylau.law.ballots.Base`). It is exported as a
``BallotMeasureSelection`` whose ``Selection`` reads "Against all", marked by an
``ExternalIdentifier`` (``OtherType`` ``saylau-field``, ``Value`` ``against_all``), last in
``SequenceOrder`` as on the ballot. The schema admits any of the three selection types in any
contest (``ContestSelection`` is a ``oneOf`` of ``PartySelection``, ``BallotMeasureSelection``
and ``CandidateSelection``), and this is the only one whose meaning is its own text: a
``PartySelection`` needs a party (``PartyIds``, at least one) and would invent an "against all"
party; a ``CandidateSelection`` without candidates reads as an unnamed candidate (or, with
``IsWriteIn``, as write-ins); ``OtherCounts`` only has ``Overvotes``, ``Undervotes`` and
``WriteIns``, which these votes are not.

Invalid ballots and ballots cast go in ``Election.BallotCounts`` (``Type`` ``total``):
``BallotsCast`` = votes on all lines + against all + invalid (the ballots counted, as
:class:`saylau.law.ballots.ListVotes` defines them) and ``BallotsRejected`` = invalid ballots
(NIST's UML documentation of ``BallotCounts``: "Number of ballots rejected"). Each contest has
its own ballot paper, but ``BallotCounts`` names no contest, only a ``GpUnitId``; the
constituency's own unit belongs to one contest, so the ballot counts are given there and not by
region, district or precinct, where both ballots share the unit. ``OtherCounts`` is not used: an
invalid ballot may be over-marked, unmarked or not of the official form, and the protocol does
not say which, so invalid ballots cannot be split into ``Overvotes`` and ``Undervotes``.

Ids (``@id``) are built from the definition's ids, which never contain ``_``: ``unit_<id>``,
``precinct_<id>``, ``constituency_<contest>_<constituency>``,
``contest_<contest>_<constituency>``, ``candidate_<contest>_<constituency>_<line>``,
``selection_<contest>_<constituency>_<line>`` (``..._against-all``), and for parties, which
have only names, ``party_<slug>_<digest>`` (12 hex digits of the name's SHA-256). They are
unique, and the same definition gives the same ids whatever the count has reached.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from saylau.count.definition import BallotKind, Constituency, Contest, Election, Level, Unit
from saylau.count.fields import AGAINST_ALL, COUNT_FIELDS, INVALID
from saylau.count.tally import Count, Progress, Totals, group_sum
from saylau.publish.results import overall_progress, software

AGAINST_ALL_TEXT = "Against all"
AGAINST_ALL_LANGUAGE = "en"
UNIT_TYPES = {Level.NATION: "country", Level.REGION: "other", Level.DISTRICT: "other"}
"""NIST ``ReportingUnitType`` by level; ``other`` levels name themselves in ``OtherType``."""
BREAKDOWN_LEVELS = (Level.REGION, Level.DISTRICT)

JSON = dict[str, Any]


# -- ids ------------------------------------------------------------------------------------------


def unit_id(unit: str) -> str:
    return f"unit_{unit}"


def precinct_id(precinct: str) -> str:
    return f"precinct_{precinct}"


def constituency_id(contest: Contest, constituency: Constituency) -> str:
    return f"constituency_{contest.id}_{constituency.id}"


def contest_id(contest: Contest, constituency: Constituency) -> str:
    return f"contest_{contest.id}_{constituency.id}"


def candidate_id(contest: Contest, constituency: Constituency, line: int) -> str:
    return f"candidate_{contest.id}_{constituency.id}_{line}"


def selection_id(contest: Contest, constituency: Constituency, line: int | None) -> str:
    """The selection on ballot ``line`` (1 = first), or "against all" for ``None``."""
    last = "against-all" if line is None else str(line)
    return f"selection_{contest.id}_{constituency.id}_{last}"


def party_id(name: str) -> str:
    """A party's id from its name: an ASCII slug for people, a digest for uniqueness."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))[:40]
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return f"party_{slug}_{digest}" if slug else f"party_{digest}"


# -- NIST value types -----------------------------------------------------------------------------


def typed(name: str, **fields: Any) -> JSON:
    """A NIST object: ``@type`` is ``ElectionResults.<name>``."""
    return {"@type": f"ElectionResults.{name}", **fields}


def entity(name: str, key: str, **fields: Any) -> JSON:
    """A NIST object that others refer to by its ``@id``."""
    return typed(name, **{"@id": key}, **fields)


def text(content: str, language: str) -> JSON:
    """An ``InternationalizedText`` with one ``LanguageString``."""
    return typed(
        "InternationalizedText", Text=[typed("LanguageString", Content=content, Language=language)]
    )


def generated_date(generated: datetime | None) -> str:
    """A NIST ``DateTimeWithZone``: a time zone is required and fractions of a second are not
    allowed."""
    moment = datetime.now(UTC) if generated is None else generated
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the generated date needs a time zone (NIST DateTimeWithZone)")
    return moment.replace(microsecond=0).isoformat()


def results_status(progress: Progress) -> str:
    """NIST ``ResultsStatus`` of the whole count (never ``certified``: the count does not
    certify)."""
    if progress.protocols_in == 0:
        return "pre-election"
    return "unofficial-complete" if progress.complete else "unofficial-partial"


def count_item_status(protocols_in: int, protocols_expected: int) -> str:
    """NIST ``CountItemStatus`` from the protocols in and expected."""
    if protocols_in == 0:
        return "not-processed"
    return "completed" if protocols_in == protocols_expected else "in-process"


def count_status(protocols_in: int, protocols_expected: int) -> list[JSON]:
    status = count_item_status(protocols_in, protocols_expected)
    return [typed("CountStatus", Type="total", Status=status)]


# -- figures --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """One constituency's figures in one reporting unit: votes by ballot line, against all,
    invalid ballots, and the protocols in and expected."""

    gp_unit: str
    lines: tuple[int, ...]
    against_all: int
    invalid: int
    protocols_in: int
    protocols_expected: int

    @property
    def ballots_cast(self) -> int:
        return sum(self.lines) + self.against_all + self.invalid

    @property
    def reported(self) -> bool:
        return self.protocols_in > 0


def figures_of(
    gp_unit: str, width: int, fields: np.ndarray, votes: np.ndarray, progress: tuple[int, int]
) -> Figures:
    return Figures(
        gp_unit,
        tuple(int(v) for v in votes[:width]),
        int(fields[AGAINST_ALL]),
        int(fields[INVALID]),
        int(progress[0]),
        int(progress[1]),
    )


def row_figures(totals: Totals, row: int, gp_unit: str, width: int) -> Figures:
    """The figures of one row of :meth:`saylau.count.tally.Count.totals`."""
    progress = (int(totals.protocols_in[row]), int(totals.protocols_expected[row]))
    return figures_of(gp_unit, width, totals.fields[row], totals.votes[row], progress)


def constituency_of_precinct(election: Election, contest: Contest) -> np.ndarray:
    """For each precinct, the number of its constituency within ``contest`` (-1: none)."""
    c = election.contest_index[contest.id]
    slots = election.contest_slots[c]
    out = np.full(len(election.file.precincts), -1, dtype=np.int64)
    out[election.slot_precinct[slots]] = (
        election.slot_constituency[slots] - election.first_constituency[c]
    )
    return out


def breakdown(
    by_precinct: Totals, constituency: np.ndarray, unit: np.ndarray
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, tuple[int, int]]]:
    """Precinct rows added up by (constituency, unit), for constituencies that span two units
    or more: ``(constituency, unit, fields, votes, (protocols in, expected))``."""
    keep = unit >= 0
    if not keep.any():
        return
    keys = np.stack([constituency[keep], unit[keep]], axis=1)
    pairs, inverse = np.unique(keys, axis=0, return_inverse=True)
    table = np.hstack(
        [
            by_precinct.fields,
            by_precinct.votes,
            by_precinct.protocols_in.reshape(-1, 1),
            by_precinct.protocols_expected.reshape(-1, 1),
        ]
    )[keep]
    sums = group_sum(inverse.reshape(-1), table, len(pairs))
    spans = np.bincount(pairs[:, 0])
    lines = len(COUNT_FIELDS)
    for (k, u), row in zip(pairs.tolist(), sums, strict=True):
        if spans[k] >= 2:
            yield k, u, row[:lines], row[lines:-2], (int(row[-2]), int(row[-1]))


def contest_figures(count: Count, contest: Contest, *, precincts: bool) -> list[list[Figures]]:
    """For each constituency of ``contest``, in order: its own figures first, then by region and
    by district where it spans several, then by precinct if asked."""
    election = count.election
    widths = [len(k.options) for k in contest.constituencies]
    order = {k.id: i for i, k in enumerate(contest.constituencies)}
    out: list[list[Figures]] = [[] for _ in contest.constituencies]
    own = count.totals(contest.id, "constituency")
    for row, key in enumerate(own.ids):
        k = order[key]
        gp = constituency_id(contest, contest.constituencies[k])
        out[k].append(row_figures(own, row, gp, widths[k]))
    by_precinct = count.totals(contest.id, "precinct")
    index = np.array([election.precinct_index[p] for p in by_precinct.ids], dtype=np.int64)
    constituency = constituency_of_precinct(election, contest)[index]
    for level in BREAKDOWN_LEVELS:
        unit = election.precinct_ancestors[level][index]
        for k, u, fields, votes, progress in breakdown(by_precinct, constituency, unit):
            gp = unit_id(election.units[u].id)
            out[k].append(figures_of(gp, widths[k], fields, votes, progress))
    if precincts:
        for row, precinct in enumerate(by_precinct.ids):
            k = int(constituency[row])
            out[k].append(row_figures(by_precinct, row, precinct_id(precinct), widths[k]))
    return out


# -- GpUnit ---------------------------------------------------------------------------------------


def precincts_reported(count: Count) -> tuple[dict[Level, np.ndarray], dict[Level, np.ndarray]]:
    """By level, for each territorial unit: precincts with every protocol in, and precincts."""
    election = count.election
    size = len(election.file.precincts)
    expected = np.bincount(election.slot_precinct, minlength=size)
    accepted = np.bincount(election.slot_precinct[count.accepted], minlength=size)
    complete = (expected > 0) & (accepted == expected)
    reported: dict[Level, np.ndarray] = {}
    total: dict[Level, np.ndarray] = {}
    for level in Level:
        ancestor = election.precinct_ancestors[level]
        inside = (ancestor >= 0) & (expected > 0)
        total[level] = np.bincount(ancestor[inside], minlength=len(election.units))
        reported[level] = np.bincount(ancestor[inside & complete], minlength=len(election.units))
    return reported, total


def territory_units(count: Count, *, precincts: bool, language: str) -> list[JSON]:
    """The nation, regions and districts (NIST ``ReportingUnit``), each composed of the units
    and (when exported) the precincts directly under it."""
    election = count.election
    parts: dict[str, list[str]] = {}
    for unit in election.units:
        if unit.parent is not None:
            parts.setdefault(unit.parent, []).append(unit_id(unit.id))
    if precincts:
        for precinct in election.file.precincts:
            parts.setdefault(precinct.parent, []).append(precinct_id(precinct.id))
    reported, total = precincts_reported(count)
    out = []
    for i, unit in enumerate(election.units):
        entry = reporting_unit(unit, language)
        if unit.id in parts:
            entry["ComposingGpUnitIds"] = parts[unit.id]
        entry["SubUnitsReported"] = int(reported[unit.level][i])
        entry["TotalSubUnits"] = int(total[unit.level][i])
        out.append(entry)
    return out


def reporting_unit(unit: Unit, language: str) -> JSON:
    entry = entity(
        "ReportingUnit",
        unit_id(unit.id),
        Name=text(unit.name, language),
        Type=UNIT_TYPES[unit.level],
    )
    if entry["Type"] == "other":
        entry["OtherType"] = unit.level.value
    return entry


def constituency_units(count: Count, *, precincts: bool, language: str) -> list[JSON]:
    """Each constituency of each contest (NIST ``ReportingUnit``, ``OtherType``
    ``constituency``), composed of what it covers. Without the precincts in the report, a
    constituency that covers precincts one by one lists no composition rather than part of it."""
    election = count.election
    protocols_in, protocols_expected = count.constituency_progress[:2]
    out = []
    for contest in election.file.contests:
        c = election.contest_index[contest.id]
        first = int(election.first_constituency[c])
        for i, constituency in enumerate(contest.constituencies):
            entry = entity(
                "ReportingUnit",
                constituency_id(contest, constituency),
                Name=text(constituency.name, language),
                Type="other",
                OtherType="constituency",
                IsDistricted=True,
            )
            composing = covered_units(election, constituency, precincts=precincts)
            if composing is not None:
                entry["ComposingGpUnitIds"] = composing
            entry["SubUnitsReported"] = int(protocols_in[first + i])
            entry["TotalSubUnits"] = int(protocols_expected[first + i])
            out.append(entry)
    return out


def covered_units(
    election: Election, constituency: Constituency, *, precincts: bool
) -> list[str] | None:
    out = []
    for cover in constituency.covers:
        if cover in election.unit_index:
            out.append(unit_id(cover))
        elif precincts:
            out.append(precinct_id(cover))
        else:
            return None
    return out


def precinct_units(count: Count, language: str) -> list[JSON]:
    return [
        entity(
            "ReportingUnit",
            precinct_id(precinct.id),
            Name=text(precinct.name, language),
            Type="precinct",
        )
        for precinct in count.election.file.precincts
    ]


# -- parties, candidates, contests ----------------------------------------------------------------


def party_names(election: Election) -> list[str]:
    """The lists of list ballots and the parties of candidates, in order of first appearance."""
    names: list[str] = []
    for contest in election.file.contests:
        for constituency in contest.constituencies:
            for option in constituency.options:
                name = option.name if contest.ballot is BallotKind.LISTS else option.party
                if name is not None and name not in names:
                    names.append(name)
    return names


def parties(election: Election, language: str) -> list[JSON]:
    out = []
    seen: dict[str, str] = {}
    for name in party_names(election):
        key = party_id(name)
        if key in seen:
            raise ValueError(f"parties {seen[key]!r} and {name!r} have the same id {key!r}")
        seen[key] = name
        out.append(entity("Party", key, Name=text(name, language)))
    return out


def candidates(election: Election, language: str) -> list[JSON]:
    """One NIST ``Candidate`` per ballot line of each single-member constituency."""
    out = []
    for contest in election.file.contests:
        if contest.ballot is not BallotKind.CANDIDATES:
            continue
        for constituency in contest.constituencies:
            for line, option in enumerate(constituency.options, start=1):
                entry = entity(
                    "Candidate",
                    candidate_id(contest, constituency, line),
                    BallotName=text(option.name, language),
                )
                if option.party is not None:
                    entry["PartyId"] = party_id(option.party)
                out.append(entry)
    return out


def vote_counts(rows: list[Figures], line: int | None) -> list[JSON]:
    """``VoteCounts`` of ballot ``line`` (0 = first; ``None``: against all) in each reporting
    unit with a protocol in."""
    return [
        typed(
            "VoteCounts",
            GpUnitId=row.gp_unit,
            Type="total",
            Count=row.against_all if line is None else row.lines[line],
        )
        for row in rows
        if row.reported
    ]


def against_all_selection(
    contest: Contest, constituency: Constituency, rows: list[Figures]
) -> JSON:
    marker = typed(
        "ExternalIdentifier", Type="other", OtherType="saylau-field", Value="against_all"
    )
    return entity(
        "BallotMeasureSelection",
        selection_id(contest, constituency, None),
        Selection=text(AGAINST_ALL_TEXT, AGAINST_ALL_LANGUAGE),
        SequenceOrder=len(constituency.options) + 1,
        ExternalIdentifier=[marker],
        VoteCounts=vote_counts(rows, None),
    )


def option_selection(
    contest: Contest, constituency: Constituency, line: int, rows: list[Figures]
) -> JSON:
    """The ``PartySelection`` (list ballot) or ``CandidateSelection`` on ballot ``line``."""
    option = constituency.options[line - 1]
    key = selection_id(contest, constituency, line)
    counts = vote_counts(rows, line - 1)
    if contest.ballot is BallotKind.LISTS:
        return entity(
            "PartySelection",
            key,
            PartyIds=[party_id(option.name)],
            SequenceOrder=line,
            VoteCounts=counts,
        )
    return entity(
        "CandidateSelection",
        key,
        CandidateIds=[candidate_id(contest, constituency, line)],
        SequenceOrder=line,
        VoteCounts=counts,
    )


def contest_entry(
    contest: Contest, constituency: Constituency, rows: list[Figures], sequence: int
) -> JSON:
    """One NIST contest for one constituency: ``PartyContest`` or ``CandidateContest``."""
    own = rows[0]
    name = contest.name
    if len(contest.constituencies) > 1:
        name = f"{contest.name}: {constituency.name}"
    selections = [
        option_selection(contest, constituency, line, rows)
        for line in range(1, len(constituency.options) + 1)
    ]
    selections.append(against_all_selection(contest, constituency, rows))
    kind = "PartyContest" if contest.ballot is BallotKind.LISTS else "CandidateContest"
    entry = entity(
        kind,
        contest_id(contest, constituency),
        Name=name,
        ElectionDistrictId=constituency_id(contest, constituency),
        SequenceOrder=sequence,
        ContestSelection=selections,
        CountStatus=count_status(own.protocols_in, own.protocols_expected),
        SubUnitsReported=own.protocols_in,
        TotalSubUnits=own.protocols_expected,
    )
    if contest.ballot is BallotKind.CANDIDATES:
        entry["NumberElected"] = 1
        entry["VotesAllowed"] = 1
    return entry


def ballot_counts(rows: list[Figures]) -> JSON | None:
    """Ballots cast and invalid (``BallotsRejected``) at the constituency's own unit."""
    own = rows[0]
    if not own.reported:
        return None
    return typed(
        "BallotCounts",
        GpUnitId=own.gp_unit,
        Type="total",
        BallotsCast=own.ballots_cast,
        BallotsRejected=own.invalid,
    )


# -- the report -----------------------------------------------------------------------------------


def nation(election: Election) -> Unit:
    return next(unit for unit in election.units if unit.level is Level.NATION)


def election_report(
    count: Count,
    *,
    generated: datetime | None = None,
    precincts: bool = False,
    issuer: str | None = None,
    issuer_abbreviation: str | None = None,
    language: str = "en",
) -> JSON:
    """The count as a NIST SP 1500-100 v2 ``ElectionReport`` (JSON), see the module docstring.

    ``generated`` is the report's ``GeneratedDate`` (now, in UTC, by default; it needs a time
    zone). ``precincts`` adds each precinct as a ``ReportingUnit`` with its counts. ``issuer``
    and ``issuer_abbreviation`` default to the nation's name and id (NIST's example of an
    ``IssuerAbbreviation`` is the code of the jurisdiction whose results are reported).
    ``language`` is the language of the definition's names (``LanguageString.Language``).
    """
    election = count.election
    file = election.file
    country = nation(election)
    contests: list[JSON] = []
    ballots: list[JSON] = []
    for contest in file.contests:
        by_constituency = contest_figures(count, contest, precincts=precincts)
        for constituency, rows in zip(contest.constituencies, by_constituency, strict=True):
            contests.append(contest_entry(contest, constituency, rows, len(contests) + 1))
            counted = ballot_counts(rows)
            if counted is not None:
                ballots.append(counted)
    progress = overall_progress(count)
    body = typed(
        "Election",
        Name=text(file.name, language),
        StartDate=file.date.isoformat(),
        EndDate=file.date.isoformat(),
        Type="general",
        ElectionScopeId=unit_id(country.id),
        ExternalIdentifier=[
            typed("ExternalIdentifier", Type="other", OtherType="saylau-election", Value=file.id)
        ],
        CountStatus=count_status(progress.protocols_in, progress.protocols_expected),
        Contest=contests,
    )
    people = candidates(election, language)
    if people:
        body["Candidate"] = people
    if ballots:
        body["BallotCounts"] = ballots
    units = territory_units(count, precincts=precincts, language=language)
    units += constituency_units(count, precincts=precincts, language=language)
    if precincts:
        units += precinct_units(count, language)
    report = typed(
        "ElectionReport",
        Format="precinct-level" if precincts else "summary-contest",
        GeneratedDate=generated_date(generated),
        Issuer=issuer if issuer is not None else country.name,
        IssuerAbbreviation=issuer_abbreviation if issuer_abbreviation is not None else country.id,
        VendorApplicationId=software(),
        SequenceStart=1,
        SequenceEnd=1,
        Status=results_status(progress),
        GpUnit=units,
        Party=parties(election, language),
        Election=[body],
    )
    if file.synthetic:
        report["IsTest"] = True
        report["TestType"] = "synthetic election data"
    if file.description:
        report["Notes"] = file.description
    return report
