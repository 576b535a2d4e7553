"""The JSON API of the results service (FastAPI): :func:`create_app` over one database.

Who may call what (``docs/service.md`` has the table): the public reads elections, results,
progress and each precinct's approved protocols; signed-in accounts write with a bearer token
from ``POST /api/login``. Every refusal is ``{"error": code, "message": sentence, "field":
name or null}`` with its status: 401 not signed in, 403 not allowed, 404 no such thing, 409
the protocol or contest is not in a state that allows it (already approved, certified, changed
meanwhile), 422 a request that is wrong in itself (located by ``field``), 429 too many failed
logins. Bad input never gives a 500.

The OpenAPI description is at ``/api/openapi.json`` and the interactive docs at ``/api/docs``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from saylau.publish.results import CSV_COLUMNS, LEVELS, csv_rows
from saylau.service import accounts, logins, lots, workflow
from saylau.service import permissions as rules
from saylau.service.database_source import DatabaseSource
from saylau.service.db import Database, reason_of
from saylau.service.desk import account_banner, desk_router
from saylau.service.elections import KnownElection, known_election
from saylau.service.errors import (
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    Throttled,
    Unauthenticated,
    unknown_token,
)
from saylau.service.intake import Intake
from saylau.service.models import (
    ApiToken,
    Certification,
    ElectionRecord,
    ElectionState,
    ProtocolEntry,
    ProtocolRecord,
    ProtocolState,
    User,
    now,
)
from saylau.service.pages import pages_router
from saylau.service.results import ResultsCache, progress_history, progress_now

bearer = HTTPBearer(auto_error=False, description="a token from POST /api/login")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


# -- request bodies -------------------------------------------------------------------------


class LoginIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2000)


class EntryIn(BaseModel):
    """An entry as typed from the protocol form."""

    figures: dict[str, Any] = Field(
        description="registered, added, received, issued_in_room, issued_outside,"
        " issued_absentee, cancelled, found_stationary, found_mobile, invalid, against_all"
        " (whole numbers; null or absent: not reported), and optionally line_1, line_2, ..."
    )
    lines: list[Any] | None = Field(
        None, description="the votes on each ballot line, in ballot order (or line_k figures)"
    )
    acknowledged: list[Any] = Field(
        default_factory=list, description="warning codes the commission acknowledges"
    )


class CorrectionIn(EntryIn):
    entry: int = Field(description="1 or 2: the entry to correct")
    reason: str = Field("", max_length=2000, description="why; required after approval")
    version: int | None = Field(None, description="the protocol version you corrected from")


class LotsIn(BaseModel):
    """A drawing of lots as the CEC recorded it."""

    body: str = Field(max_length=64, description="the body whose count has the tie")
    question: str = Field(
        max_length=200, description="the contest or tier the tie is in, as the count names it"
    )
    order: list[Any] = Field(description="the names as drawn, first the favoured one")
    record: str = Field(max_length=2000, description="the document that attests the drawing")


class ApprovalIn(BaseModel):
    version: int = Field(description="the protocol version you checked")


# -- views ----------------------------------------------------------------------------------


def _moment(value: Any) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def entry_json(entry: ProtocolEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "entry": entry.entry,
        "figures": entry.figures,
        "acknowledged": entry.acknowledged,
        "entered_by": entry.entered_by.username,
        "entered_at": _moment(entry.entered_at),
        "correction": entry.correction,
        "superseded": entry.superseded,
    }


def protocol_json(
    known: KnownElection,
    protocol: ProtocolRecord,
    checks: list[workflow.CheckFinding] | None = None,
) -> dict[str, Any]:
    """A protocol for those who may read it: state, current entries, differences, checks and
    the whole history of entries. Reads nothing more from the database for a protocol that
    was just entered (``saylau.service.intake`` hands it over after its session ended).
    ``checks``: those of the content the protocol rests on, when they are known already."""
    if checks is None:
        slot = workflow.slot_of(known, protocol.precinct, protocol.contest)
        content = workflow.agreed_content(protocol)
        checks = (
            workflow.findings(known, slot, content["figures"], content["acknowledged"])
            if content
            else []
        )
    first, second = protocol.current(1), protocol.current(2)
    return {
        "election": protocol.election_id,
        "precinct": protocol.precinct,
        "contest": protocol.contest,
        "state": protocol.state.value,
        "version": protocol.version,
        "content_hash": protocol.content_hash,
        "approved_by": (
            None
            if protocol.approved_by_id is None or protocol.approved_by is None
            else protocol.approved_by.username
        ),
        "approved_at": _moment(protocol.approved_at),
        "entries": {
            str(place): entry_json(current)
            for place, current in ((1, first), (2, second))
            if current is not None
        },
        "differences": [
            d.as_json()
            for d in (
                workflow.differences(first.figures, second.figures) if first and second else []
            )
        ],
        "checks": [check.as_json() for check in checks],
        "history": [entry_json(entry) for entry in protocol.entries],
    }


def user_json(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role.value, "area": user.area}


def certification_json(certification: Certification) -> dict[str, Any]:
    return {
        "contest": certification.contest,
        "protocols": certification.protocols,
        "protocols_hash": certification.protocols_hash,
        "certified_by": certification.certified_by.username,
        "certified_at": _moment(certification.certified_at),
    }


def election_summary(record: ElectionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "state": record.state.value,
        "results_version": record.results_version,
    }


# -- the application ------------------------------------------------------------------------


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message, "field": field},
        status_code=status,
        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None,
    )


def app_from_environment() -> FastAPI:
    """The app over the database named by ``$SAYLAU_DB`` (for ``uvicorn --factory`` and the
    worker processes of ``saylau serve --workers N``)."""
    import os

    from saylau.service.db import DEFAULT_URL

    return create_app(os.environ.get("SAYLAU_DB") or DEFAULT_URL)


def read_open_elections(db: Database) -> None:
    """Read and parse every open election's definition, so that a worker that has just
    started does not keep its first clerk waiting for it (3 MB take a second or two)."""
    with db.read() as session:
        for election in session.scalars(
            select(ElectionRecord.id).where(ElectionRecord.state == ElectionState.OPEN)
        ):
            known_election(session, election)


def create_app(database: Database | str) -> FastAPI:
    """The API over a database (an open :class:`Database` or its URL)."""
    db = Database.open(database) if isinstance(database, str) else database
    cache = ResultsCache()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(read_open_elections, db)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="saylau results service",
        version="1",
        description="Protocols entered twice, approved, certified; results for everyone.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.database = db
    app.state.results = cache

    @app.exception_handler(ServiceError)
    def service_error(request: Request, error: ServiceError) -> JSONResponse:
        response = JSONResponse(error.body(), status_code=error.status)
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        first = problems[0] if problems else {"loc": (), "msg": "the request is not valid"}
        loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "path", "query")]
        field = ".".join(loc) or None
        named = f"{field}: " if field else ""
        return _error(422, "invalid-request", f"{named}{first.get('msg', 'not valid')}.", field)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not-found", 405: "method-not-allowed"}
        message = {
            404: f"There is nothing at {request.url.path}; the API is described at /api/docs.",
            405: f"{request.method} is not allowed on {request.url.path}.",
        }.get(error.status_code, str(error.detail))
        return _error(error.status_code, codes.get(error.status_code, "http-error"), message)

    @app.exception_handler(OperationalError)
    def database_busy(request: Request, error: OperationalError) -> JSONResponse:
        return _error(
            503,
            "database-unavailable",
            f"The database could not answer ({reason_of(error)}); try again in a moment.",
        )

    intake = Intake(db)
    seen: dict[str, KnownElection] = {}
    """Elections as this app read them, for checking entries in advance without asking the
    database: their definitions are right (a definition never changes), their states may be
    out of date (each transaction reads the election again)."""

    @contextmanager
    def writing() -> Iterator[Session]:
        with db.write() as session:
            yield session

    def token_of(credentials: HTTPAuthorizationCredentials | None) -> str:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthenticated(
                "sign-in-required",
                "Sign in first: send the token from POST /api/login as 'Authorization: Bearer"
                " <token>'.",
            )
        return credentials.credentials

    def signed_in(session: Session, credentials: HTTPAuthorizationCredentials | None) -> User:
        user = accounts.user_for_token(session, token_of(credentials))
        if user is None:
            raise unknown_token()
        return user

    def reader(session: Session, credentials: HTTPAuthorizationCredentials | None) -> User | None:
        if credentials is None:
            return None
        return signed_in(session, credentials)

    def checked_in_advance(
        election: str, precinct: str, contest: str, body: EntryIn
    ) -> tuple[KnownElection | None, workflow.CheckedEntry | Invalid | None]:
        """The election, and the entry read and checked against its definition before the
        write transaction, so that the writers' lock is held for the writing only. ``None``
        when the election or the protocol is unknown: the workflow step then says so, after
        the sign-in."""
        known = seen.get(election)
        if known is None:
            try:
                with db.read() as session:
                    known = seen[election] = known_election(session, election)
            except ServiceError:
                return None, None
        try:
            return known, workflow.check_in_advance(
                known, precinct, contest, body.figures, body.lines, body.acknowledged
            )
        except ServiceError:
            return known, None

    # -- accounts ---------------------------------------------------------------------------

    @app.post("/api/login", tags=["accounts"])
    def login(body: LoginIn, request: Request) -> dict[str, Any]:
        """Sign in: a bearer token for the API. Failures are throttled (429)."""
        client = request.client.host if request.client else "unknown"
        with writing() as session:
            outcome = logins.attempt_login(session, body.username, body.password, client)
            token = None
            if outcome.user is not None:
                token = accounts.issue_token(
                    session, outcome.user, "api login", actor=outcome.user.username
                )
                account = user_json(outcome.user)
        if token is None:
            if outcome.retry_after is not None:
                raise Throttled(
                    "too-many-attempts",
                    outcome.refusal,
                    "username",
                    retry_after=outcome.retry_after.isoformat(),
                )
            raise Unauthenticated("wrong-login", outcome.refusal, "password")
        return {"token": token, "token_type": "bearer", "user": account}

    @app.post("/api/logout", tags=["accounts"])
    def logout(credentials: Credentials) -> dict[str, Any]:
        """Revoke the token this request carries."""
        token = token_of(credentials)
        with writing() as session:
            user = signed_in(session, credentials)
            record = session.scalar(
                select(ApiToken).where(ApiToken.token_hash == accounts.token_hash(token))
            )
            assert record is not None
            accounts.revoke_token(session, record.id, actor=user.username)
        return {"signed_out": user.username}

    # -- elections --------------------------------------------------------------------------

    @app.get("/api/elections", tags=["elections"])
    def elections() -> list[dict[str, Any]]:
        """The elections the service holds."""
        with db.read() as session:
            return [
                election_summary(record)
                for record in session.scalars(select(ElectionRecord).order_by(ElectionRecord.id))
            ]

    @app.get("/api/elections/{election}", tags=["elections"])
    def election_view(election: str) -> dict[str, Any]:
        """An election: its contests (with their certification), bodies and progress."""
        with db.read() as session:
            known = known_election(session, election)
            certified = {
                c.contest: certification_json(c)
                for c in session.scalars(
                    select(Certification).where(Certification.election_id == election)
                )
            }
            file = known.election.file
            return {
                **election_summary(known.record),
                "date": file.date.isoformat(),
                "synthetic": file.synthetic,
                "precincts": len(file.precincts),
                "protocols_expected": known.election.expected,
                "contests": [
                    {
                        "id": contest.id,
                        "name": contest.name,
                        "ballot": contest.ballot.value,
                        "certification": certified.get(contest.id),
                    }
                    for contest in file.contests
                ],
                "bodies": [{"id": body.id, "name": body.name} for body in file.bodies],
                "progress": progress_now(session, known, now()).as_json(),
            }

    # -- the protocol workflow --------------------------------------------------------------

    base = "/api/elections/{election}/protocols/{precinct}/{contest}"

    @app.put(base + "/entries/{entry}", tags=["protocols"], status_code=201)
    async def put_entry(
        election: str,
        precinct: str,
        contest: str,
        entry: int,
        body: EntryIn,
        credentials: Credentials,
        response: Response,
    ) -> dict[str, Any]:
        """Make the first (1) or second (2) entry of a protocol. 201 with the coded checks; 200
        when the same entry was already on record (a retried request)."""
        token = token_of(credentials)
        if election not in seen:  # the first entry of this process reads the election
            known, checked = await run_in_threadpool(
                checked_in_advance, election, precinct, contest, body
            )
        else:  # a moment of CPU, no waiting: done on the event loop
            known, checked = checked_in_advance(election, precinct, contest, body)
        request = workflow.EntryRequest(
            None,
            election,
            precinct,
            contest,
            entry,
            body.figures,
            body.lines,
            body.acknowledged,
            checked=checked,
        )
        outcome = await intake.enter(token, request)
        assert known is not None  # the entry was stored: its election is known
        alone = outcome.protocol.current(2 if entry == 1 else 1) is None
        # With one entry, the protocol rests on it: its checks are the protocol's.
        view = protocol_json(known, outcome.protocol, outcome.checks if alone else None)
        response.status_code = 201 if outcome.created else 200
        return {
            "protocol": view,
            "checks": [check.as_json() for check in outcome.checks],
            "differences": [d.as_json() for d in outcome.differences],
        }

    @app.post(base + "/corrections", tags=["protocols"], status_code=201)
    def post_correction(
        election: str, precinct: str, contest: str, body: CorrectionIn, credentials: Credentials
    ) -> dict[str, Any]:
        """A new version of an entry; the old one stays in the history. After approval: those
        who approve, with a reason; the approval is withdrawn until the entries agree again."""
        token_of(credentials)
        _, checked = checked_in_advance(election, precinct, contest, body)
        with writing() as session:
            user = signed_in(session, credentials)
            outcome = workflow.correct(
                session,
                user,
                election,
                precinct,
                contest,
                body.entry,
                body.figures,
                body.lines,
                body.acknowledged,
                body.reason,
                body.version,
                checked=checked,
            )
            view = protocol_json(known_election(session, election), outcome.protocol)
        return {
            "protocol": view,
            "checks": [check.as_json() for check in outcome.checks],
            "differences": [d.as_json() for d in outcome.differences],
        }

    @app.post(base + "/approve", tags=["protocols"])
    def post_approval(
        election: str, precinct: str, contest: str, body: ApprovalIn, credentials: Credentials
    ) -> dict[str, Any]:
        """Approve a matched protocol, as the superior commission, from the version checked."""
        token_of(credentials)
        with writing() as session:
            user = signed_in(session, credentials)
            outcome = workflow.approve(session, user, election, precinct, contest, body.version)
            view = protocol_json(known_election(session, election), outcome.protocol)
        return {"protocol": view}

    @app.get(base, tags=["protocols"])
    def get_protocol(
        election: str, precinct: str, contest: str, credentials: Credentials
    ) -> dict[str, Any]:
        """A protocol with its entries, differences, checks and history: CEC administrators,
        observers, and the operators of its area. The public reads approved figures at
        /api/elections/{election}/precincts/{precinct}."""
        with db.read() as session:
            user = reader(session, credentials)
            known = known_election(session, election)
            if user is None:
                raise Unauthenticated(
                    "sign-in-required",
                    "Protocols in the making are for commissions and observers; sign in, or read"
                    f" the approved figures at /api/elections/{election}/precincts/{precinct}.",
                )
            permission = rules.may_read_protocol(user, known.territory, precinct)
            if not permission and not known.territory.is_precinct(precinct):
                raise NotFound(
                    "unknown-precinct",
                    f"Election {election} has no precinct {precinct!r}.",
                    "precinct",
                )
            if not permission:
                raise Forbidden("forbidden", permission.reason)
            protocol = workflow.find_protocol(session, election, precinct, contest)
            if protocol is None:
                raise NotFound(
                    "no-protocol",
                    f"The protocol of precinct {precinct}, contest {contest}, has not been"
                    " entered yet.",
                    "contest",
                )
            return protocol_json(known, protocol)

    @app.post(
        "/api/elections/{election}/contests/{contest}/certify", tags=["protocols"], status_code=201
    )
    def post_certification(election: str, contest: str, credentials: Credentials) -> dict[str, Any]:
        """Certify a contest whose protocols are all approved (CEC administrators); it is
        frozen, and the certification carries the hash over the approved protocols."""
        token_of(credentials)
        with writing() as session:
            user = signed_in(session, credentials)
            certified = workflow.certify(session, user, election, contest)
            return certification_json(certified.certification)

    @app.post("/api/elections/{election}/lots", tags=["results"], status_code=201)
    def post_lots(election: str, body: LotsIn, credentials: Credentials) -> dict[str, Any]:
        """Record a drawing of lots (CEC administrators): the order drawn, first the favoured,
        for a body and the contest or tier whose tie it settles, with the document that
        attests it. Held once; the results are counted again with it."""
        token_of(credentials)
        with writing() as session:
            user = signed_in(session, credentials)
            recorded = lots.record_lots(
                session, user, election, body.body, body.question, body.order, body.record
            )
            return lots.lots_json(recorded)

    # -- public reads -----------------------------------------------------------------------

    @app.get("/api/elections/{election}/lots", tags=["results"])
    def get_lots(election: str) -> list[dict[str, Any]]:
        """The drawings of lots recorded for the election."""
        with db.read() as session:
            known_election(session, election)
            return [lots.lots_json(r) for r in lots.recorded_lots(session, election)]

    @app.get("/api/elections/{election}/results", tags=["results"])
    def results(election: str) -> JSONResponse:
        """The count of the approved protocols (the ``saylau.results/1`` document)."""
        with db.read() as session:
            cached = cache.get(session, election)
        return JSONResponse(cached.document())

    @app.get(
        "/api/elections/{election}/results.csv",
        tags=["results"],
        response_class=PlainTextResponse,
    )
    def results_csv(election: str, level: str = "nation") -> PlainTextResponse:
        """One level of the count as CSV: a row per contest, unit and option."""
        if level not in LEVELS:
            raise Invalid(
                "unknown-level",
                f"level {level!r} is not one of {', '.join(LEVELS)}.",
                "level",
            )
        with db.read() as session:
            cached = cache.get(session, election)
        import csv
        import io

        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(cached.count, level))
        return PlainTextResponse(
            text.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{election}-{level}.csv"'},
        )

    @app.get("/api/elections/{election}/progress", tags=["results"])
    def progress(election: str) -> dict[str, Any]:
        """Count progress over time: the snapshots taken at approvals, and now."""
        with db.read() as session:
            known = known_election(session, election)
            return {
                "election": election,
                "snapshots": [point.as_json() for point in progress_history(session, election)],
                "now": progress_now(session, known, now()).as_json(),
            }

    @app.get("/api/elections/{election}/precincts/{precinct}", tags=["results"])
    def precinct_view(election: str, precinct: str) -> dict[str, Any]:
        """A precinct and its approved protocols (figures as approved), for everyone."""
        with db.read() as session:
            known = known_election(session, election)
            index = known.election.precinct_index.get(precinct)
            if index is None:
                raise NotFound(
                    "unknown-precinct",
                    f"Election {election} has no precinct {precinct!r}.",
                    "precinct",
                )
            record = known.election.file.precincts[index]
            approved = session.scalars(
                select(ProtocolRecord)
                .where(
                    ProtocolRecord.election_id == election,
                    ProtocolRecord.precinct == precinct,
                    ProtocolRecord.state == ProtocolState.APPROVED,
                )
                .order_by(ProtocolRecord.contest)
            ).all()
            protocols = []
            for protocol in approved:
                content = workflow.agreed_content(protocol)
                assert content is not None
                protocols.append(
                    {
                        "contest": protocol.contest,
                        "figures": content["figures"],
                        "acknowledged": content["acknowledged"],
                        "approved_at": _moment(protocol.approved_at),
                        "content_hash": protocol.content_hash,
                    }
                )
            return {
                "election": election,
                "precinct": {
                    "id": record.id,
                    "name": record.name,
                    "parent": record.parent,
                    "voters": record.voters,
                },
                "protocols": protocols,
            }

    # The public pages read the same cached count as /api/.../results; their header shows
    # who is signed in. The commission's pages (sign-in, the desk, the protocol forms) beside.
    app.include_router(
        pages_router(DatabaseSource(db, cache)), dependencies=[Depends(account_banner(db))]
    )
    app.include_router(desk_router(db))
    return app
