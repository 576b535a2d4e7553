"""The public pages: read-only HTML over a :class:`~saylau.service.sources.ResultsSource`.

``pages_router(source)`` serves:

- ``/``: the elections;
- ``/elections/{id}``: the national result of the main body (the first body of the
  definition) with its hemicycle;
- ``/elections/{id}/parties``: votes, shares and seats by tier of each party;
- ``/elections/{id}/regions`` and ``/elections/{id}/regions/{region}``: turnout and the
  leading list by region; one region's vote and its precincts;
- ``/elections/{id}/districts``: the single-member district winners with party, votes, margin;
- ``/elections/{id}/precincts/{precinct}``: every figure and line of a precinct's protocols;
- ``/elections/{id}/progress``: the count's progress over time (a table and an SVG chart).

The views are the report's (``saylau.publish.report``): the pages show what the report and
the open data show. Pages are self-contained (inline CSS, no script), escaped by Jinja2's
autoescape, and spoken in the language of :func:`saylau.service.i18n.choose_language`; an
unknown election, region or precinct gets a 404 page that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from saylau.count.definition import BallotKind, Level
from saylau.count.fields import COUNT_FIELDS
from saylau.count.tally import Count
from saylau.law.numbers import percent_text
from saylau.publish.hemicycle import hemicycle_svg, party_colour
from saylau.publish.report import (
    REPORT_LEVELS,
    MainBody,
    choose_main_body,
    issued,
    main_body_view,
)
from saylau.publish.results import count_document
from saylau.service.charts import progress_chart_svg
from saylau.service.i18n import (
    COOKIE,
    ENDONYMS,
    LANGUAGES,
    Catalog,
    catalogs,
    choose_language,
)
from saylau.service.sources import (
    ProgressPoint,
    ProtocolState,
    ResultsSource,
    UnknownElection,
    UnknownPrecinct,
)

COOKIE_AGE = 365 * 24 * 3600
"""How long the language cookie keeps the choice (seconds)."""

STATE_KEYS: Mapping[ProtocolState, str] = {
    ProtocolState.AWAITED: "state.awaited",
    ProtocolState.ENTERED: "state.entered",
    ProtocolState.MISMATCH: "state.mismatch",
    ProtocolState.MATCHED: "state.matched",
    ProtocolState.BLOCKED: "state.blocked",
    ProtocolState.ACCEPTED: "state.accepted",
}
"""The message key of each protocol state."""
FIGURE_KEYS: Mapping[str, str] = {name: f"figure.{name}" for name in COUNT_FIELDS}
"""The message key of each protocol figure."""
STATUS_KEYS: Mapping[str, str] = {
    status: f"status.{status}"
    for status in ("complete", "partial", "final", "provisional", "refused")
}
"""The message key of each badge: the state of a count, of a result."""
MISSING_KEYS = ("missing.election", "missing.region", "missing.precinct")
"""The sentences of the 404 page, one for each kind of thing a page can fail to find."""
KEYS_IN_CODE = frozenset(
    [*STATE_KEYS.values(), *FIGURE_KEYS.values(), *STATUS_KEYS.values(), *MISSING_KEYS]
)
"""Message keys the templates reach through these tables rather than by name."""


class NotFound(LookupError):
    """Something a page names does not exist; the message key says what."""

    def __init__(self, key: str, name: str) -> None:
        super().__init__(name)
        self.key = key
        self.name = name


# -- views --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElectionView:
    """What every page of an election shows: its document (election, status, progress) and
    the main body's view, when the election has a body."""

    count: Count
    document: dict[str, Any]
    main: MainBody | None


@lru_cache(maxsize=4)
def election_view(count: Count) -> ElectionView:
    """The document and main body view of a count (kept for the last few counts: a source
    hands back the same count until the protocols change)."""
    document = count_document(count, REPORT_LEVELS)
    chosen = choose_main_body(count, None)
    main = main_body_view(count, document, chosen) if chosen else None
    return ElectionView(count, document, main)


@dataclass(frozen=True, slots=True)
class VoteRow:
    """One option of a region's vote: its votes and share."""

    name: str
    colour: str
    votes: int
    share: str


@dataclass(frozen=True, slots=True)
class PrecinctRow:
    """A precinct of a region: its protocols in and expected for the region page's contest."""

    id: str
    name: str
    protocols_in: int
    protocols_expected: int


@dataclass(frozen=True)
class RegionView:
    """One region: the main body's first contest there (the list vote, else the district
    vote by party), its turnout and progress, and its precincts."""

    id: str
    name: str
    contest: str
    progress: dict[str, Any]
    registered: int
    issued: int
    turnout: str
    votes: list[VoteRow]
    against_all: int
    against_all_share: str
    precincts: list[PrecinctRow]


def region_view(view: ElectionView, region_id: str) -> RegionView:
    """The region page of an election; :class:`NotFound` if no region has that id."""
    election = view.count.election
    index = election.unit_index.get(region_id)
    main = view.main
    if index is None or election.units[index].level is not Level.REGION or main is None:
        raise NotFound("missing.region", region_id)
    if not main.contests:
        raise NotFound("missing.region", region_id)
    contest_id = main.contests[0]["id"]
    contest = next(c for c in view.document["contests"] if c["id"] == contest_id)
    row = next((r for r in contest["levels"]["region"] if r["id"] == region_id), None)
    if row is None:
        raise NotFound("missing.region", region_id)
    figures, votes = row["figures"], row["votes"]
    base = sum(votes.values()) + figures["against_all"]
    ordered = sorted(votes, key=lambda name: (-votes[name], name))
    region_of = election.precinct_ancestors[Level.REGION]
    totals = view.count.totals(contest_id, "precinct")
    precincts = [
        PrecinctRow(
            totals.ids[k],
            totals.names[k],
            int(totals.protocols_in[k]),
            int(totals.protocols_expected[k]),
        )
        for k in range(len(totals))
        if region_of[election.precinct_index[totals.ids[k]]] == index
    ]
    return RegionView(
        id=region_id,
        name=row["name"],
        contest=contest["name"],
        progress=row["progress"],
        registered=figures["registered"],
        issued=issued(figures),
        turnout=percent_text(issued(figures), figures["registered"]),
        votes=[
            VoteRow(name, party_colour(name), votes[name], percent_text(votes[name], base))
            for name in ordered
        ],
        against_all=figures["against_all"],
        against_all_share=percent_text(figures["against_all"], base),
        precincts=precincts,
    )


def candidate_contest(view: ElectionView) -> bool:
    """Whether the region page's contest is a candidate contest (votes by party, summed)."""
    if view.main is None or not view.main.contests:
        return False
    contest_id = view.main.contests[0]["id"]
    election = view.count.election
    ballot = election.file.contests[election.contest_index[contest_id]].ballot
    return ballot is BallotKind.CANDIDATES


def hemicycle(main: MainBody, catalog: Catalog) -> Markup | None:
    """The main body's hemicycle, its accessible name in the page's language (the report's
    seats: every decided seat, then the seats not yet decided)."""
    seats = {row.party: row.seats for row in main.parties}
    if not sum(seats.values()) + main.undecided:
        return None
    label = catalog.t("hemicycle.label", seats=catalog.number(main.seats + main.undecided))
    label += "".join(f"; {row.party} {row.seats}" for row in main.parties if row.seats)
    if main.undecided:
        label += f"; {catalog.t('seats.undecided')} {main.undecided}"
    svg = hemicycle_svg(
        seats, open_seats=main.undecided, label=label, open_title=catalog.t("seats.undecided")
    )
    return Markup(svg)  # built by saylau; every name in it is escaped


def progress_chart(points: list[ProgressPoint], catalog: Catalog) -> Markup | None:
    if not points:
        return None
    ordered = sorted(points, key=lambda p: p.at)
    svg = progress_chart_svg(
        ordered,
        label=catalog.t("progress.chart"),
        start=moment(ordered[0]),
        end=moment(ordered[-1]),
    )
    return Markup(svg)  # built by saylau; its words are escaped


def moment(point: ProgressPoint) -> str:
    return point.at.strftime("%Y-%m-%d %H:%M UTC")


# -- rendering ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("saylau.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["n"] = _number
    env.filters["d"] = _decimal
    env.globals["colour"] = party_colour
    env.globals["pct"] = percent_text
    env.globals["ltr"] = left_to_right
    env.globals["STATE_KEYS"] = STATE_KEYS
    env.globals["FIGURE_KEYS"] = FIGURE_KEYS
    env.globals["STATUS_KEYS"] = STATUS_KEYS
    return env


def left_to_right(text: str) -> str:
    """Text kept left to right inside a line of any direction (a date such as 2023-03-19 in
    an Arabic sentence), between Unicode's invisible isolate marks."""
    return f"\u2066{text}\u2069"


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: int | None) -> str:
    catalog: Catalog = context["i18n"]
    return catalog.number(value)


@jinja2.pass_context
def _decimal(context: jinja2.runtime.Context, text: str) -> str:
    catalog: Catalog = context["i18n"]
    return catalog.decimal(text)


def language_of(request: Request) -> tuple[str, bool]:
    """The page's language, and whether it was just chosen (``?lang=``), to keep in the
    cookie."""
    asked = request.query_params.get("lang")
    language = choose_language(
        asked, request.cookies.get(COOKIE), request.headers.get("accept-language")
    )
    return language, asked == language


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """A page in the request's language; a language chosen with ``?lang=`` is kept in the
    cookie. When the application has commission pages, ``request.state.desk`` says who is
    signed in (``saylau.service.sessions.Banner``) and the header shows it; a page for a
    signed-in account is not kept by any cache."""
    language, chosen = language_of(request)
    catalog = catalogs()[language]
    desk = getattr(request.state, "desk", None)

    def link(name: str, /, **params: str) -> str:
        return str(request.url_for(name, **params).path)

    page = (
        environment()
        .get_template(template)
        .render(
            **context,
            i18n=catalog,
            t=catalog.t,
            lang=language,
            direction=catalog.direction,
            languages=[(code, ENDONYMS[code]) for code in LANGUAGES],
            link=link,
            desk=desk,
        )
    )
    response = HTMLResponse(page, status_code=status)
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    if desk is not None and desk.username:
        response.headers["Cache-Control"] = "private, no-store"
    if chosen:
        response.set_cookie(
            COOKIE, language, max_age=COOKIE_AGE, path="/", samesite="lax", httponly=True
        )
    return response


def not_found(request: Request, key: str, name: str) -> HTMLResponse:
    return render(request, "not_found.html.j2", {"key": key, "name": name}, status=404)


# -- the router ---------------------------------------------------------------------------------


Extra = Callable[[ElectionView], Mapping[str, Any]]
"""What a page adds to an election's context, from its view."""


def nothing_more(view: ElectionView) -> Mapping[str, Any]:
    return {}


def pages_router(source: ResultsSource) -> APIRouter:
    """The public pages over ``source`` (read only; HTML; no script)."""
    router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

    def view_of(election_id: str) -> ElectionView:
        try:
            return election_view(source.count(election_id))
        except UnknownElection:
            raise NotFound("missing.election", election_id) from None

    def election_page(
        request: Request, election_id: str, template: str, extra: Extra = nothing_more
    ) -> HTMLResponse:
        """An election's page: its document and main body, and what ``extra`` adds from
        them; the 404 page if the election, or what ``extra`` looks for, is not there."""
        try:
            view = view_of(election_id)
            context = {"doc": view.document, "main": view.main, "election_id": election_id}
            context.update(extra(view))
        except NotFound as missing:
            return not_found(request, missing.key, missing.name)
        return render(request, template, context)

    @router.get("/", name="elections")
    def elections(request: Request) -> HTMLResponse:
        listed = sorted(source.elections(), key=lambda e: (e.date, e.id), reverse=True)
        return render(request, "elections.html.j2", {"elections": listed})

    @router.get("/elections/{election_id}", name="election")
    def election(request: Request, election_id: str) -> HTMLResponse:
        language, _ = language_of(request)
        catalog = catalogs()[language]
        return election_page(
            request,
            election_id,
            "election.html.j2",
            lambda view: {"hemicycle": hemicycle(view.main, catalog) if view.main else None},
        )

    @router.get("/elections/{election_id}/parties", name="parties")
    def parties(request: Request, election_id: str) -> HTMLResponse:
        return election_page(request, election_id, "parties.html.j2")

    @router.get("/elections/{election_id}/regions", name="regions")
    def regions(request: Request, election_id: str) -> HTMLResponse:
        return election_page(request, election_id, "regions.html.j2")

    @router.get("/elections/{election_id}/regions/{region_id}", name="region")
    def region(request: Request, election_id: str, region_id: str) -> HTMLResponse:
        return election_page(
            request,
            election_id,
            "region.html.j2",
            lambda view: {
                "region": region_view(view, region_id),
                "by_party": candidate_contest(view),
            },
        )

    @router.get("/elections/{election_id}/districts", name="districts")
    def districts(request: Request, election_id: str) -> HTMLResponse:
        return election_page(request, election_id, "districts.html.j2")

    @router.get("/elections/{election_id}/precincts/{precinct_id}", name="precinct")
    def precinct(request: Request, election_id: str, precinct_id: str) -> HTMLResponse:
        try:
            protocols = source.precinct(election_id, precinct_id)
        except UnknownElection:
            return not_found(request, "missing.election", election_id)
        except UnknownPrecinct:
            return not_found(request, "missing.precinct", precinct_id)
        return election_page(
            request, election_id, "precinct.html.j2", lambda view: {"precinct": protocols}
        )

    @router.get("/elections/{election_id}/progress", name="progress")
    def progress(request: Request, election_id: str) -> HTMLResponse:
        language, _ = language_of(request)
        catalog = catalogs()[language]
        try:
            points = source.progress(election_id)
        except UnknownElection:
            return not_found(request, "missing.election", election_id)
        return election_page(
            request,
            election_id,
            "progress.html.j2",
            lambda view: {
                "points": [(moment(p), p) for p in sorted(points, key=lambda p: p.at)],
                "chart": progress_chart(points, catalog),
            },
        )

    return router


__all__ = ["KEYS_IN_CODE", "NotFound", "pages_router"]
