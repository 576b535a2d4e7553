"""The commission's pages: signing in and out, the entry desk, and the protocol forms.

``desk_router(database)`` serves:

- ``/signin`` (GET: the form; POST: sign in) and ``/signout`` (GET: a button; POST: sign out);
- ``/desk``: for a signed-in account, its elections, the protocols of its own precinct (a
  precinct operator), the protocols waiting for its approval (the first
  :data:`WAITING_LIMIT`), and a form to open any protocol by precinct and ballot;
- ``/desk/{election}/protocols/{precinct}/{contest}``: the protocol page
  (:mod:`saylau.service.protocol_page`); POST sends its form: entry 1 or 2
  (``workflow.enter``), a correction (``workflow.correct``) or the approval
  (``workflow.approve``), each in one write transaction.

Sessions and form tokens are :mod:`saylau.service.sessions`'. What an account may do is the
workflow's to decide (it raises ``Forbidden``); a refusal, like every ``ServiceError``, comes
back as a page with its status (403, 404, 409, 422) and the form as it was typed. A stored
entry is followed by a redirect to the protocol page (so reloading it sends nothing), which
shows its coded checks.

Fixed texts are in the page's language; sentences that come from the workflow, the
permissions and the coded checks are English (marked ``lang="en"``), as on the public pages.
Desk pages are never cached, never framed (``frame-ancestors 'none'``) and run no script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from saylau.service import logins, sessions, workflow
from saylau.service import permissions as rules
from saylau.service.db import Database
from saylau.service.elections import KnownElection, known_election
from saylau.service.errors import Forbidden, Invalid, NotFound, ServiceError
from saylau.service.models import ElectionRecord, ElectionState, ProtocolRecord, ProtocolState
from saylau.service.pages import left_to_right, render
from saylau.service.protocol_page import (
    ACKNOWLEDGED_FIELD,
    STATE_VIEWS,
    Typed,
    figure_names,
    problems_of,
    protocol_page,
    typed_figures,
    typed_text,
)
from saylau.service.roles import Role
from saylau.service.sessions import Banner, FormRefused, PageSession

WAITING_LIMIT = 20
"""How many protocols waiting for approval the desk lists; the others open by precinct."""
AREA_FILTER_LIMIT = 2000
"""An area of at most this many precincts is looked up by precinct; a larger one (or none: an
administrator, an observer) is read in order and filtered, at most :data:`SCAN_LIMIT` rows."""
SCAN_LIMIT = 2000
MAX_USERNAME = 200
MAX_PASSWORD = 2000
MAX_REASON = 2000
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
"""An id of the election definition (a precinct's, a contest's)."""

DESK_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
}
"""Headers of every desk page: not cached, not framed, no script, forms to this site only."""

ROLE_KEYS: Mapping[Role, str] = {
    Role.ADMINISTRATOR: "role.administrator",
    Role.TERRITORIAL: "role.territorial",
    Role.PRECINCT: "role.precinct",
    Role.OBSERVER: "role.observer",
}
DONE_KEYS: Mapping[str, str] = {
    "entered": "desk.done.entered",
    "unchanged": "desk.done.unchanged",
    "corrected": "desk.done.corrected",
    "approved": "desk.done.approved",
}
"""The notice after a form went through, by what happened."""
REFUSAL_KEYS: Mapping[int, str] = {
    403: "refusal.403",
    404: "refusal.404",
    409: "refusal.409",
    422: "refusal.422",
    503: "refusal.503",
}
"""The heading of a refusal, by status (the sentence itself is the workflow's)."""
SIGNIN_KEYS = ("signin.wrong", "signin.throttled", "signin.refused", "signin.signed_out")
"""The sentences of the sign-in page: a wrong password, too many failures, another refusal
(worded by ``logins``, shown in English below it), and signed out."""
KEYS_IN_CODE = frozenset(
    [
        *SIGNIN_KEYS,
        *ROLE_KEYS.values(),
        *DONE_KEYS.values(),
        *REFUSAL_KEYS.values(),
        *sessions.REFUSAL_KEYS,
        *(key for _, key in STATE_VIEWS.values()),
    ]
)
"""Message keys the desk reaches through tables rather than by name."""


# -- what the desk page shows ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProtocolRow:
    """A protocol listed on the desk: where it is from, its state, and its page."""

    precinct_id: str
    precinct_name: str
    contest_id: str
    contest_name: str
    state_class: str
    state_key: str


@dataclass(frozen=True)
class DeskElection:
    """One election on the desk: its ballots, the account's own precinct's protocols (a
    precinct operator's), and the protocols waiting for its approval."""

    id: str
    name: str
    open: bool
    contests: tuple[tuple[str, str], ...]
    own_precinct: str | None
    own: tuple[ProtocolRow, ...]
    waiting: tuple[ProtocolRow, ...]
    more_waiting: bool


def _row(
    known: KnownElection, precinct: str, contest: str, state: ProtocolState | None
) -> ProtocolRow:
    election = known.election
    record = election.file.precincts[election.precinct_index[precinct]]
    contest_name = election.file.contests[election.contest_index[contest]].name
    view, key = STATE_VIEWS[state]
    return ProtocolRow(precinct, record.name, contest, contest_name, view, key)


def own_protocols(session: Session, known: KnownElection, precinct: str) -> list[ProtocolRow]:
    """Every protocol of one precinct, entered or not."""
    election = known.election
    index = election.precinct_index[precinct]
    states = dict(
        session.execute(
            select(ProtocolRecord.contest, ProtocolRecord.state).where(
                ProtocolRecord.election_id == known.id, ProtocolRecord.precinct == precinct
            )
        ).all()
    )
    rows = []
    for slot in range(int(election.slot_offsets[index]), int(election.slot_offsets[index + 1])):
        contest = election.file.contests[int(election.slot_contest[slot])].id
        rows.append(_row(known, precinct, contest, states.get(contest)))
    return rows


def waiting_protocols(
    session: Session, known: KnownElection, page: PageSession
) -> tuple[list[ProtocolRow], bool]:
    """The protocols whose entries agree and that this account may approve (the first
    :data:`WAITING_LIMIT`), and whether there may be more."""
    user, territory = page.user, known.territory
    query = (
        select(ProtocolRecord.precinct, ProtocolRecord.contest)
        .where(
            ProtocolRecord.election_id == known.id,
            ProtocolRecord.state == ProtocolState.MATCHED,
        )
        .order_by(ProtocolRecord.precinct, ProtocolRecord.contest)
    )
    if user.area is not None:
        area = [p for p in territory.precincts if territory.covers(user.area, p)]
        if len(area) <= AREA_FILTER_LIMIT:
            query = query.where(ProtocolRecord.precinct.in_(area))
    rows: list[ProtocolRow] = []
    scanned = 0
    for precinct, contest in session.execute(query.limit(SCAN_LIMIT)):
        scanned += 1
        if rules.may_approve(user, territory, precinct):
            if len(rows) == WAITING_LIMIT:
                return rows, True
            rows.append(_row(known, precinct, contest, ProtocolState.MATCHED))
    return rows, scanned == SCAN_LIMIT


def desk_elections(session: Session, page: PageSession) -> list[DeskElection]:
    """The desk of a signed-in account, election by election."""
    user = page.user
    out = []
    for election_id in session.scalars(select(ElectionRecord.id).order_by(ElectionRecord.id)):
        known = known_election(session, election_id)
        own_precinct = (
            user.area if user.area is not None and known.territory.is_precinct(user.area) else None
        )
        own = own_protocols(session, known, own_precinct) if own_precinct else []
        waiting, more = waiting_protocols(session, known, page)
        out.append(
            DeskElection(
                id=known.id,
                name=known.election.file.name,
                open=known.record.state is ElectionState.OPEN,
                contests=tuple((c.id, c.name) for c in known.election.file.contests),
                own_precinct=own_precinct,
                own=tuple(own),
                waiting=tuple(waiting),
                more_waiting=more,
            )
        )
    return out


# -- forms ----------------------------------------------------------------------------------


async def form_of(request: Request) -> FormData:
    """The request's form fields (read before the handler runs in its worker thread)."""
    return await request.form()


Form = Annotated[FormData, Depends(form_of)]


def text_of(form: Mapping[str, Any], name: str, limit: int) -> str:
    """A text field of a form, cut to ``limit`` characters; blank if absent or a file."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def whole_or_none(text: str) -> int | None:
    """A hidden field's whole number (an entry, a version), or None if it is not one."""
    return int(text) if text.strip().isascii() and text.strip().isdigit() else None


class Busy(ServiceError):
    """The database did not answer in time (503); nothing was stored."""

    status = 503


def rules_refusal(permission: rules.Permission) -> ServiceError:
    """A refused permission as the workflow would raise it (403)."""
    return Forbidden("forbidden", permission.reason)


# -- the router -----------------------------------------------------------------------------


def show(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    banner: Banner,
    status: int = 200,
) -> HTMLResponse:
    """A desk page: the page in the request's language, with the desk's headers."""
    request.state.desk = banner
    response = render(request, template, {"ROLE_KEYS": ROLE_KEYS, **context}, status)
    response.headers.update(DESK_HEADERS)
    return response


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers.update(DESK_HEADERS)
    return response


def account_banner(database: Database) -> Callable[[Request], None]:
    """A dependency for the public pages: who is signed in, for the header (the database is
    read only when the request carries a session cookie)."""

    def banner(request: Request) -> None:
        if sessions.session_token(request) is None:
            request.state.desk = Banner()
            return
        with database.read() as session:
            request.state.desk = Banner.of(sessions.page_session(session, request))

    return banner


def desk_router(database: Database) -> APIRouter:
    """The commission's pages over the database (HTML; cookie sessions; no script)."""
    router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

    def path(request: Request, name: str, /, **params: str) -> str:
        return str(request.url_for(name, **params).path)

    # -- signing in and out -------------------------------------------------------------------

    def signin_page(
        request: Request,
        page: PageSession | None,
        *,
        status: int = 200,
        problem: str | None = None,
        values: Mapping[str, str] | None = None,
        english: str | None = None,
        username: str = "",
        notice: str | None = None,
    ) -> HTMLResponse:
        transport = sessions.transport_of(request)
        nonce = sessions.signin_nonce(request)
        response = show(
            request,
            "signin.html.j2",
            {
                "account": page.user.username if page else None,
                "https_needed": not transport.may_sign_in,
                "csrf": sessions.signin_token(nonce),
                "problem": problem,
                "problem_values": values or {},
                "english": english,
                "username": username,
                "notice": notice,
            },
            Banner.of(page),
            status,
        )
        if transport.may_sign_in and page is None:
            sessions.set_signin_cookie(response, request, nonce)
        return response

    @router.get("/signin", name="signin")
    def signin_form(request: Request, done: str = "") -> HTMLResponse:
        with database.read() as session:
            page = sessions.page_session(session, request)
            return signin_page(
                request, page, notice="signin.signed_out" if done == "signed-out" else None
            )

    @router.post("/signin", name="signin_send")
    def signin(request: Request, form: Form) -> Response:
        if not sessions.transport_of(request).may_sign_in:
            return signin_page(request, None, status=403)
        try:
            sessions.check_signin_form(request, form)
        except FormRefused as refused:
            return signin_page(request, None, status=403, problem=refused.key)
        username = text_of(form, "username", MAX_USERNAME)
        password = text_of(form, "password", MAX_PASSWORD)
        client = request.client.host if request.client else "unknown"
        with database.write() as session:
            outcome = logins.attempt_login(session, username, password, client)
            token = None
            if outcome.user is not None:
                token = sessions.start_session(session, outcome.user)
        if token is None:
            if outcome.retry_after is not None:
                until = left_to_right(outcome.retry_after.strftime("%Y-%m-%d %H:%M UTC"))
                return signin_page(
                    request,
                    None,
                    status=429,
                    problem="signin.throttled",
                    values={"until": until},
                    username=username,
                )
            if outcome.refusal == logins.WRONG:
                return signin_page(
                    request, None, status=401, problem="signin.wrong", username=username
                )
            return signin_page(
                request,
                None,
                status=403,
                problem="signin.refused",
                english=outcome.refusal,
                username=username,
            )
        response = redirect(path(request, "desk"))
        sessions.set_session_cookie(response, request, token)
        sessions.clear_signin_cookie(response, request)
        return response

    @router.get("/signout", name="signout_page")
    def signout_page(request: Request) -> Response:
        with database.read() as session:
            page = sessions.page_session(session, request)
            if page is None:
                return redirect(path(request, "signin"))
            return show(request, "signout.html.j2", {}, Banner.of(page))

    @router.post("/signout", name="signout")
    def signout(request: Request, form: Form) -> Response:
        refused: FormRefused | None = None
        with database.write() as session:
            page = sessions.page_session(session, request)
            if page is not None:
                try:
                    sessions.check_form(request, form, page.csrf)
                    sessions.end_session(session, page)
                except FormRefused as refusal:
                    refused = refusal
            banner = Banner.of(page) if refused else Banner()
        if refused is not None:
            return refused_page(request, refused, banner, path(request, "signout_page"))
        response = redirect(path(request, "signin") + "?done=signed-out")
        sessions.clear_session_cookie(response, request)
        return response

    def refused_page(
        request: Request, refused: FormRefused, banner: Banner, reload: str
    ) -> HTMLResponse:
        return show(request, "refused.html.j2", {"key": refused.key, "reload": reload}, banner, 403)

    def problem_page(
        request: Request, refusal: ServiceError, banner: Banner, status: int | None = None
    ) -> HTMLResponse:
        shown = status or refusal.status
        return show(
            request,
            "desk_problem.html.j2",
            {"refusal": refusal, "status_key": REFUSAL_KEYS.get(shown, "refusal.422")},
            banner,
            shown,
        )

    # -- the desk -----------------------------------------------------------------------------

    @router.get("/desk", name="desk")
    def desk(request: Request) -> Response:
        with database.read() as session:
            page = sessions.page_session(session, request)
            if page is None:
                return redirect(path(request, "signin"))
            elections = desk_elections(session, page)
            context = {
                "username": page.user.username,
                "role": page.user.role,
                "area": page.user.area,
                "ends": left_to_right(page.ends.strftime("%Y-%m-%d %H:%M UTC")),
                "elections": elections,
            }
            return show(request, "desk.html.j2", context, Banner.of(page))

    @router.get("/desk/open", name="desk_open")
    def open_protocol(
        request: Request, election: str = "", precinct: str = "", contest: str = ""
    ) -> Response:
        """The protocol named in the desk's form (a redirect to its page)."""
        precinct, contest = precinct.strip(), contest.strip()
        if not (ID.match(election) and ID.match(precinct) and ID.match(contest)):
            with database.read() as session:
                page = sessions.page_session(session, request)
            refusal = Invalid(
                "unknown-precinct",
                f"{precinct!r} is not a precinct number; type it as on the protocol form.",
                "precinct",
            )
            return problem_page(request, refusal, Banner.of(page), 404)
        return redirect(
            path(
                request,
                "protocol_form",
                election_id=election,
                precinct=precinct,
                contest=contest,
            )
        )

    # -- the protocol page --------------------------------------------------------------------

    def protocol_view(
        request: Request,
        session: Session,
        page: PageSession,
        election_id: str,
        precinct: str,
        contest: str,
        *,
        asked_entry: int | None = None,
        typed: Typed | None = None,
        refusal: ServiceError | None = None,
        notice: str | None = None,
        notice_entry: int | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """The protocol page, or the page of what stands in its way (404, 403)."""
        banner = Banner.of(page)
        try:
            known = known_election(session, election_id)
            readable = rules.may_read_protocol(page.user, known.territory, precinct)
            if not readable and not known.territory.is_precinct(precinct):
                raise NotFound(
                    "unknown-precinct",
                    f"Election {election_id} has no precinct {precinct!r}; check the precinct"
                    " number on the protocol form.",
                    "precinct",
                )
            if not readable:
                return problem_page(request, rules_refusal(readable), banner)
            protocol = workflow.find_protocol(session, election_id, precinct, contest)
            view = protocol_page(
                known, precinct, contest, protocol, page.user, asked_entry=asked_entry, typed=typed
            )
        except ServiceError as missing:
            return problem_page(request, missing, banner, 404)
        return show(
            request,
            "protocol.html.j2",
            {
                "p": view,
                "csrf": page.csrf,
                "refusal": refusal,
                "refusal_key": REFUSAL_KEYS.get(refusal.status, "refusal.422") if refusal else None,
                "notice": notice,
                "notice_entry": notice_entry,
            },
            banner,
            status,
        )

    @router.get("/desk/{election_id}/protocols/{precinct}/{contest}", name="protocol_form")
    def protocol_form(
        request: Request,
        election_id: str,
        precinct: str,
        contest: str,
        entry: str = "",
        done: str = "",
    ) -> Response:
        with database.read() as session:
            page = sessions.page_session(session, request)
            if page is None:
                return redirect(path(request, "signin"))
            asked = whole_or_none(entry)
            return protocol_view(
                request,
                session,
                page,
                election_id,
                precinct,
                contest,
                asked_entry=asked if asked in (1, 2) and not done else None,
                notice=DONE_KEYS.get(done),
                notice_entry=asked,
            )

    @router.post("/desk/{election_id}/protocols/{precinct}/{contest}", name="protocol_send")
    def protocol_send(
        request: Request, election_id: str, precinct: str, contest: str, form: Form
    ) -> Response:
        action = text_of(form, "action", 20)
        entry = whole_or_none(text_of(form, "entry", 3)) or 0
        reason = text_of(form, "reason", MAX_REASON)
        acknowledged = [a for a in form.getlist(ACKNOWLEDGED_FIELD) if isinstance(a, str)]
        here = path(
            request, "protocol_form", election_id=election_id, precinct=precinct, contest=contest
        )
        text: dict[str, str] = {}
        try:
            with database.write() as session:
                page = sessions.page_session(session, request)
                sessions.check_form(request, form, page.csrf if page else None)
                assert page is not None
                if action == "approve":
                    version = whole_or_none(text_of(form, "version", 20))
                    if version is None:
                        raise Invalid(
                            "no-version",
                            "The approval form lost the version you checked; reload the page.",
                            "version",
                        )
                    workflow.approve(session, page.user, election_id, precinct, contest, version)
                    done = "approved"
                elif action in ("enter", "correct"):
                    known = known_election(session, election_id)
                    slot = workflow.slot_of(known, precinct, contest)
                    election = known.election
                    options = int(election.option_counts[election.slot_constituency[slot]])
                    text = typed_text(form, figure_names(options))
                    figures = typed_figures(text)
                    if action == "enter":
                        outcome = workflow.enter(
                            session,
                            page.user,
                            election_id,
                            precinct,
                            contest,
                            entry,
                            figures,
                            None,
                            acknowledged,
                        )
                        done = "entered" if outcome.created else "unchanged"
                    else:
                        workflow.correct(
                            session,
                            page.user,
                            election_id,
                            precinct,
                            contest,
                            entry,
                            figures,
                            None,
                            acknowledged,
                            reason,
                            whole_or_none(text_of(form, "version", 20)),
                        )
                        done = "corrected"
                else:
                    raise Invalid(
                        "no-such-action",
                        "This form asks for nothing the desk knows; reload the page.",
                        "action",
                    )
        except FormRefused as refused:
            with database.read() as session:
                banner = Banner.of(sessions.page_session(session, request))
            return refused_page(request, refused, banner, here)
        except (ServiceError, OperationalError) as problem:
            refusal = (
                problem
                if isinstance(problem, ServiceError)
                else Busy(
                    "database-busy",
                    "The database could not answer in time. Nothing was stored; send the"
                    " form again in a moment.",
                )
            )
            typed = (
                Typed(entry, text, tuple(acknowledged), reason, problems_of(refusal))
                if text and entry in (1, 2)
                else None
            )
            with database.read() as session:
                page = sessions.page_session(session, request)
                if page is None:
                    return refused_page(request, FormRefused("refused.signed_out"), Banner(), here)
                return protocol_view(
                    request,
                    session,
                    page,
                    election_id,
                    precinct,
                    contest,
                    typed=typed,
                    refusal=refusal,
                    status=refusal.status,
                )
        return redirect(f"{here}?done={done}" + (f"&entry={entry}" if entry in (1, 2) else ""))

    return router


__all__ = ["KEYS_IN_CODE", "account_banner", "desk_router"]
