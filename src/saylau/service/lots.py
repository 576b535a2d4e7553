"""Recorded drawings of lots: how a tie the law leaves to lots is settled in the service.

A rulebook never breaks a tie by itself when the law says "by lot": the count reports the tie
(a ``tie`` question in the trail) and stays open until the CEC records the drawing. The CEC
administrator records it once, for a body and a question (the contest or tier, named as in an
election directory's ``lots.json``), with the order drawn (first = favoured) and the document
that attests it ("CEC minutes No. 12, 21 March 2023"). The record is audited, and the count is
made again with it (``saylau.count.tally.count_ledger(..., lots)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saylau.law.ties import Lots, TieInputError
from saylau.service import audit
from saylau.service import permissions as rules
from saylau.service.elections import known_election
from saylau.service.errors import Conflict, Invalid
from saylau.service.models import RecordedLots, User, now
from saylau.service.workflow import require, results_changed, signed_in_user


def lots_json(recorded: RecordedLots) -> dict[str, Any]:
    return {
        "body": recorded.body,
        "question": recorded.question,
        "order": list(recorded.order),
        "record": recorded.record,
        "recorded_by": recorded.recorded_by.username,
        "recorded_at": recorded.recorded_at.isoformat(),
    }


def record_lots(
    session: Session,
    user: User | None,
    election_id: str,
    body: str,
    question: str,
    order: Any,
    record: str,
    *,
    at: datetime | None = None,
) -> RecordedLots:
    """Record a drawing of lots (CEC administrators), audited; the results are counted again
    with it. A drawing is recorded once: the same question again is a :class:`Conflict`."""
    known = known_election(session, election_id)
    user = signed_in_user(user)
    require(rules.may_record_lots(user))
    bodies = [b.id for b in known.election.file.bodies]
    if body not in bodies:
        raise Invalid(
            "unknown-body",
            f"Election {election_id} elects no body {body!r}; its bodies are: {', '.join(bodies)}.",
            "body",
        )
    if not question.strip():
        raise Invalid(
            "no-question",
            "Name the contest or tier the drawing settles, as the count's tie names it.",
            "question",
        )
    if (
        not isinstance(order, list)
        or not order
        or not all(isinstance(name, str) and name.strip() for name in order)
    ):
        raise Invalid(
            "not-an-order",
            "'order' lists the names as they were drawn, first the favoured one:"
            ' ["Ak Zhol", "Auyl"].',
            "order",
        )
    for field, texts in (("question", [question]), ("order", order), ("record", [record])):
        if any("\x00" in text for text in texts):
            raise Invalid(
                "not-text", "A NUL character is not text; type the names and the record.", field
            )
    try:
        lots = Lots(tuple(order), record)
    except TieInputError as problem:
        field = "record" if "record" in str(problem) else "order"
        raise Invalid("not-a-drawing", f"{problem}; nothing was recorded.", field) from None
    recorded = RecordedLots(
        election_id=election_id,
        body=body,
        question=question.strip(),
        order=list(lots.order),
        record=lots.record.strip(),
        recorded_by_id=user.id,
        recorded_at=at or now(),
    )
    session.add(recorded)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "lots-recorded",
            f"A drawing of lots is already recorded for {body}, {question.strip()!r}: a drawing"
            f" is held once. Read it at GET /api/elections/{election_id}/lots.",
            "question",
        ) from None
    results_changed(session, election_id)
    audit.append(
        session,
        user.username,
        "lots.recorded",
        f"{election_id}/{body}/{recorded.question}",
        {"order": recorded.order, "record": recorded.record},
        at=at,
    )
    return recorded


def recorded_lots(session: Session, election_id: str) -> list[RecordedLots]:
    """The drawings recorded for an election, in the order they were recorded."""
    return list(
        session.scalars(
            select(RecordedLots)
            .where(RecordedLots.election_id == election_id)
            .order_by(RecordedLots.id)
        )
    )


def lots_for_count(session: Session, election_id: str) -> Mapping[str, Mapping[str, Lots]]:
    """The recorded drawings as the count takes them: ``{body: {question: Lots}}``."""
    out: dict[str, dict[str, Lots]] = {}
    for recorded in recorded_lots(session, election_id):
        out.setdefault(recorded.body, {})[recorded.question] = Lots(
            tuple(recorded.order), recorded.record
        )
    return out
