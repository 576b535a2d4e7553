"""The count as one self-contained HTML page, for people.

The page is built from the JSON document of the count (:func:`count_document`), so it shows
exactly what the open data says: the election and the state of the count, the main body in
detail (a hemicycle of the whole house, seats by party with list and district seats, the
district winners, the list vote by region, the progress of its contests, its open questions and
the trail of its allocation with the rulebook's provisions), every other body in a compact
table grouped by rulebook, the checks with the blocked protocols and what blocks them, and the
corrections with their history.

The page loads nothing: the CSS and the SVG are inline and there is no script. Every text that
comes from the election (names, messages, reasons) is escaped by the template. Shares are
computed from exact integers and shown rounded for display only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from saylau.count.definition import Body, Constituency, Contest
from saylau.count.tally import BodyResult, Count, Progress
from saylau.law.ballots import SELF_NOMINATED
from saylau.law.compose import ListElection, ParallelElection, SingleWinnerElection, tier_names
from saylau.law.numbers import percent_text
from saylau.law.rulebooks import Rulebook
from saylau.publish.hemicycle import hemicycle_svg, party_colour, seating_order
from saylau.publish.results import count_document, progress_json

TEMPLATE = "report.html.j2"
REPORT_LEVELS = ("nation", "region", "constituency")
"""The levels of the count document the page reads."""
MANY_OF_A_KIND = 8
"""Bodies under one rulebook beyond this number are summed up in a line, with the table of the
bodies themselves folded away beneath it."""
OPEN_STEPS = frozenset({"tie_open", "open_outcome", "runoff_needed"})
"""Trail steps that leave something to people: highlighted like provisional provisions."""


# -- the main body ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyRow:
    """One party of the main body: its list votes and share, and its seats by tier."""

    party: str
    colour: str
    list_votes: int | None
    list_share: str
    list_seats: int
    district_seats: int
    seats: int


@dataclass(frozen=True, slots=True)
class DistrictRow:
    """One single-member district: its winner and margin, or why nobody is declared."""

    constituency: str
    progress: dict[str, Any]
    winner: str | None
    party: str
    votes: int
    share: str
    margin: int | None
    note: str

    @property
    def provisional(self) -> bool:
        return not self.progress["complete"] or self.winner is None


@dataclass(frozen=True, slots=True)
class RegionRow:
    """The list vote in one region: protocols in, turnout and the leading list."""

    region_id: str
    region: str
    progress: dict[str, Any]
    turnout: str
    leader: str | None
    leader_share: str


@dataclass(frozen=True, slots=True)
class TrailLine:
    """One step of a trail as a line, with how to show it: ``heading``, ``provisional``
    (a provision that could not be verified), ``open`` (left to people) or ``step``."""

    kind: str
    text: str
    style: str


@dataclass(frozen=True)
class MainBody:
    """Everything the page shows of the main body."""

    document: dict[str, Any]
    rulebook: Rulebook
    hemicycle: Markup | None
    seats: int
    undecided: int
    parties: list[PartyRow]
    against_all: int | None
    against_all_share: str
    districts: list[DistrictRow]
    regions: list[RegionRow]
    contests: list[dict[str, Any]]
    trail: list[TrailLine]


def issued(figures: Mapping[str, int]) -> int:
    """Ballots issued: in the room, outside it and by absentee certificate."""
    return figures["issued_in_room"] + figures["issued_outside"] + figures["issued_absentee"]


def leading(votes: Mapping[str, int]) -> str | None:
    """The option with the most votes (the first on the ballot among equals); none without
    votes."""
    if not votes or max(votes.values()) == 0:
        return None
    return max(votes, key=lambda option: votes[option])


def contest_document(document: dict[str, Any], contest_id: str | None) -> dict[str, Any] | None:
    """The document's entry for a contest, if the body counts one."""
    if contest_id is None:
        return None
    contests: list[dict[str, Any]] = document["contests"]
    return next(c for c in contests if c["id"] == contest_id)


def party_of_winner(constituency: Constituency, winner: str) -> str:
    """The party a district winner stands for (the self-nominated count as such)."""
    return next(
        (o.party or SELF_NOMINATED for o in constituency.options if o.name == winner),
        SELF_NOMINATED,
    )


def district_seats(result: BodyResult, count: Count) -> dict[str, int]:
    """Seats won in the single-member districts, by party, as the rulebook's result gives them
    (its district tier; the last tier of the composition)."""
    if result.body.districts is None or result.result is None:
        return {}
    names = tier_names(count.election.rulebook_of(result.body).composition)
    return dict(result.result.tiers.get(names[-1], {})) if names else {}


def party_rows(
    result: BodyResult, count: Count, list_votes: Mapping[str, int], base: int
) -> list[PartyRow]:
    """The main body's parties: those with seats in the hemicycle's order, then those without
    by list votes (most first, equal votes by name). List seats are the seats not won in a
    district."""
    won = result.result.seats if result.result else {}
    in_districts = district_seats(result, count)
    total = dict(won) or in_districts
    seated = seating_order(total)
    unseated = sorted((p for p in list_votes if p not in seated), key=lambda p: (-list_votes[p], p))
    rows = []
    for party in [*seated, *unseated]:
        seats = total.get(party, 0)
        votes = list_votes.get(party) if result.body.lists is not None else None
        rows.append(
            PartyRow(
                party=party,
                colour=party_colour(party),
                list_votes=votes,
                list_share=percent_text(votes, base) if votes is not None else "",
                list_seats=seats - in_districts.get(party, 0) if result.body.lists else 0,
                district_seats=in_districts.get(party, 0),
                seats=seats,
            )
        )
    return rows


def district_rows(
    contest: Contest, document: dict[str, Any] | None, result: BodyResult
) -> list[DistrictRow]:
    """Each district of the contest in definition order, with its winner's votes and margin
    over the runner-up, or the open question that keeps it undeclared."""
    if document is None:
        return []
    by_id = {row["id"]: row for row in document["levels"]["constituency"]}
    winners = result.result.winners if result.result else {}
    questions = result.result.questions if result.result else ()
    rows = []
    for constituency in contest.constituencies:
        row = by_id.get(constituency.id)
        votes: dict[str, int] = row["votes"] if row else {}
        base = sum(votes.values()) + (row["figures"]["against_all"] if row else 0)
        progress = row["progress"] if row else progress_json(Progress(0, 0, 0, 0))
        winner = winners.get(constituency.name)
        note = "; ".join(q.text for q in questions if q.contest == constituency.name)
        if winner is None:
            rows.append(DistrictRow(constituency.name, progress, None, "", 0, "", None, note))
            continue
        party = party_of_winner(constituency, winner)
        mine = votes.get(winner, 0)
        others = [v for name, v in votes.items() if name != winner]
        margin = mine - max(others) if others else None
        rows.append(
            DistrictRow(
                constituency.name,
                progress,
                winner,
                party,
                mine,
                percent_text(mine, base),
                margin,
                note,
            )
        )
    return rows


def region_rows(document: dict[str, Any] | None) -> list[RegionRow]:
    """The list contest by region: turnout is ballots issued over the voters on the lists of
    the accepted protocols; the leader's share is of the votes for the lists and against all."""
    if document is None:
        return []
    rows = []
    for row in document["levels"]["region"]:
        figures, votes = row["figures"], row["votes"]
        leader = leading(votes)
        base = sum(votes.values()) + figures["against_all"]
        rows.append(
            RegionRow(
                region_id=row["id"],
                region=row["name"],
                progress=row["progress"],
                turnout=percent_text(issued(figures), figures["registered"]),
                leader=leader,
                leader_share=percent_text(votes[leader], base) if leader else "",
            )
        )
    return rows


def trail_lines(steps: Iterable[dict[str, Any]]) -> list[TrailLine]:
    """The trail's steps as lines, marking headings, provisional provisions and open steps."""
    lines = []
    for step in steps:
        kind = step["kind"]
        if kind == "provisional_provision":
            style = "provisional"
        elif kind in OPEN_STEPS:
            style = "open"
        elif kind == "tier":
            style = "heading"
        else:
            style = "step"
        lines.append(TrailLine(kind, step["text"], style))
    return lines


def house_size(count: Count, body: Body) -> int | None:
    """The seats of the whole house: the list tier's size (fixed by the rulebook or given as
    ``list_seats``) plus one seat per district; none when the composition leaves it open."""
    election = count.election
    composition = election.rulebook_of(body).composition
    if isinstance(composition, ListElection | ParallelElection):
        tier = composition.tier if isinstance(composition, ListElection) else composition.lists
        list_size = body.list_seats if body.list_seats is not None else tier.seats
    elif isinstance(composition, SingleWinnerElection):
        list_size = 0
    else:
        return None
    if list_size is None:
        return None
    districts = 0
    if body.districts is not None and not isinstance(composition, ListElection):
        contest = election.file.contests[election.contest_index[body.districts]]
        districts = len(contest.constituencies)
    return list_size + districts


def main_body_view(count: Count, document: dict[str, Any], body_id: str) -> MainBody:
    """The main body of the page, from the count and its document."""
    index = next(i for i, b in enumerate(count.bodies) if b.body.id == body_id)
    result = count.bodies[index]
    body_document = document["bodies"][index]
    body = result.body
    election = count.election
    lists = contest_document(document, body.lists)
    districts = contest_document(document, body.districts)
    list_votes: dict[str, int] = {}
    against_all = None
    if lists is not None:
        whole = lists["levels"]["constituency"][0]
        list_votes = whole["votes"]
        against_all = whole["figures"]["against_all"]
    base = sum(list_votes.values()) + (against_all or 0)
    parties = party_rows(result, count, list_votes, base)
    seats = {row.party: row.seats for row in parties}
    decided = sum(seats.values())
    house = house_size(count, body)
    undecided = max(0, house - decided) if house is not None else 0
    district_contest = (
        election.file.contests[election.contest_index[body.districts]]
        if body.districts is not None
        else None
    )
    return MainBody(
        document=body_document,
        rulebook=election.rulebook_of(body),
        hemicycle=(
            Markup(hemicycle_svg(seats, open_seats=undecided)) if decided + undecided else None
        ),
        seats=decided,
        undecided=undecided,
        parties=parties,
        against_all=against_all,
        against_all_share=percent_text(against_all, base) if against_all is not None else "",
        districts=district_rows(district_contest, districts, result) if district_contest else [],
        regions=region_rows(lists),
        contests=[c for c in (lists, districts) if c is not None],
        trail=trail_lines(body_document["result"]["trail"] if body_document["result"] else ()),
    )


# -- the other bodies ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyRow:
    """One body in the compact table: progress, outcome and whether it is final."""

    name: str
    rulebook: str
    progress: dict[str, Any]
    seats: list[tuple[str, int]]
    winners: list[tuple[str, str]]
    decisions: list[tuple[str, bool]]
    status: str
    refused: str


@dataclass(frozen=True, slots=True)
class BodyGroup:
    """The bodies elected under one rulebook, with their progress and seats added up."""

    rulebook: str
    title: str
    rows: list[BodyRow]
    progress: dict[str, Any]
    seats: list[tuple[str, int]]
    final: int

    @property
    def summarised(self) -> bool:
        return len(self.rows) > MANY_OF_A_KIND


def status_of(result: BodyResult) -> str:
    """``refused`` (the rulebook could not decide), ``final`` or ``provisional``."""
    if result.result is None:
        return "refused"
    return "provisional" if result.provisional else "final"


def body_row(result: BodyResult, rulebook: Rulebook) -> BodyRow:
    decided = result.result
    seats = decided.seats if decided else {}
    return BodyRow(
        name=result.body.name,
        rulebook=rulebook.ref,
        progress=progress_json(result.progress),
        seats=[(party, seats[party]) for party in seating_order(seats)],
        winners=sorted(decided.winners.items()) if decided and not seats else [],
        decisions=sorted(decided.decisions.items()) if decided else [],
        status=status_of(result),
        refused=result.refused,
    )


def body_groups(count: Count, skip: str | None) -> list[BodyGroup]:
    """The bodies other than ``skip``, grouped by rulebook version in definition order."""
    grouped: dict[str, tuple[Rulebook, list[BodyResult]]] = {}
    for result in count.bodies:
        if result.body.id == skip:
            continue
        rulebook = count.election.rulebook_of(result.body)
        grouped.setdefault(rulebook.ref, (rulebook, []))[1].append(result)
    groups = []
    for ref, (rulebook, results) in grouped.items():
        progress = Progress(0, 0, 0, 0)
        seats: dict[str, int] = {}
        for result in results:
            progress = progress + result.progress
            for party, n in (result.result.seats if result.result else {}).items():
                seats[party] = seats.get(party, 0) + n
        groups.append(
            BodyGroup(
                rulebook=ref,
                title=rulebook.title,
                rows=[body_row(result, rulebook) for result in results],
                progress=progress_json(progress),
                seats=[(party, seats[party]) for party in seating_order(seats)],
                final=sum(1 for result in results if status_of(result) == "final"),
            )
        )
    return groups


# -- the checks -------------------------------------------------------------------------------


def coded(message: str) -> tuple[str, str]:
    """``CODE: message`` split into the code and the message."""
    code, _, text = message.partition(": ")
    return (code, text) if text else ("", message)


def blocked_protocols(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocked protocols of the document, each problem split into code and message."""
    return [
        {**entry, "coded": [coded(problem) for problem in entry["problems"]]}
        for entry in document["checks"]["blocked_protocols"]
    ]


# -- the page ---------------------------------------------------------------------------------


def choose_main_body(count: Count, main_body: str | None) -> str | None:
    """The id of the main body: the one named, or the first body of the definition."""
    ids = [body.id for body in count.election.file.bodies]
    if main_body is None:
        return ids[0] if ids else None
    if main_body not in ids:
        raise ValueError(f"unknown body {main_body!r}; expected one of: {', '.join(ids)}")
    return main_body


def thousands(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("saylau.publish", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["n"] = thousands
    env.globals["colour"] = party_colour
    return env


def report_context(count: Count, main_body: str | None = None) -> dict[str, Any]:
    """What the template shows: the count document and the views built from it."""
    document = count_document(count, REPORT_LEVELS)
    chosen = choose_main_body(count, main_body)
    return {
        "doc": document,
        "main": main_body_view(count, document, chosen) if chosen else None,
        "groups": body_groups(count, chosen),
        "blocked": blocked_protocols(document),
    }


def render_report(count: Count, main_body: str | None = None) -> str:
    """The count as one HTML document. ``main_body`` is the id of the body shown in detail;
    by default the first body of the definition."""
    template = environment().get_template(TEMPLATE)
    return template.render(report_context(count, main_body))


def write_report(count: Count, path: Path, main_body: str | None = None) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8) and return the path. The page is
    written whole: to a temporary name first, then renamed."""
    page = render_report(count, main_body)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
    return path


__all__ = ["MANY_OF_A_KIND", "render_report", "report_context", "write_report"]
