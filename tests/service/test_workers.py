"""Two worker processes over one database (the production shape): approving the same protocol
at the same moment, from the same version, lets exactly one approval through."""

from __future__ import annotations

import multiprocessing

import pytest
from api_helpers import Api, make_api
from service_helpers import approve_in_another_process, url_of

from saylau.count.definition import Election
from saylau.service.audit import verify
from saylau.service.db import Database
from saylau.service.models import AuditEntry


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def test_two_processes_approving_the_same_protocol_let_exactly_one_through(api: Api) -> None:
    api.enter("p1", "P1", "lists", 1)
    api.enter("p1b", "P1", "lists", 2)
    version = api.version("P1", "lists")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    out = context.Queue()
    workers = [
        context.Process(
            target=approve_in_another_process,
            args=(url_of(api.database), who, "P1", "lists", version, barrier, out),
        )
        for who in ("north", "cec")
    ]
    for worker in workers:
        worker.start()
    outcomes = [out.get(timeout=300) for _ in workers]  # a guard against a hang only
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    assert outcomes.count("approved") == 1
    assert set(outcomes) - {"approved"} <= {"stale-version", "changed-meanwhile"}
    assert api.read("watcher", "P1", "lists").json()["state"] == "approved"
    with api.database.read() as session:
        assert verify(session) == []
        approvals = session.query(AuditEntry).filter_by(action="protocol.approved").count()
    assert approvals == 1
