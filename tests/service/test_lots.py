"""Recorded drawings of lots: the CEC records one, once; it is audited, public, and counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Api, make_api
from fastapi.testclient import TestClient
from tiny import election_dir

from saylau.count.definition import Election
from saylau.law.ties import Lots
from saylau.service.app import create_app
from saylau.service.audit import verify
from saylau.service.db import Database
from saylau.service.elections import known_election
from saylau.service.loading import load_directory
from saylau.service.models import AuditEntry
from saylau.service.results import count_from_database

DRAWING = {
    "body": "maslikhat",
    "question": "lists",
    "order": ["Auyl", "Ak Zhol"],
    "record": "CEC minutes No. 12, 21 March 2023",
}


@pytest.fixture
def api(database: Database, tiny_election: Election) -> Api:
    return make_api(database, tiny_election)


def record(api: Api, who: str | None, **changes: Any) -> Any:
    return api.client.post(
        "/api/elections/tiny/lots", json={**DRAWING, **changes}, headers=api.headers(who)
    )


def test_the_cec_records_a_drawing_and_everyone_can_read_it(api: Api) -> None:
    response = record(api, "cec")
    assert response.status_code == 201, response.json()
    assert response.json()["order"] == ["Auyl", "Ak Zhol"]
    [shown] = api.client.get("/api/elections/tiny/lots").json()
    assert shown["record"] == DRAWING["record"]
    assert shown["recorded_by"] == "cec"


def test_the_count_is_made_with_the_recorded_drawing(api: Api) -> None:
    assert record(api, "cec").status_code == 201
    with api.database.read() as session:
        count = count_from_database(session, known_election(session, "tiny").election)
    assert count.lots == {"maslikhat": {"lists": Lots(("Auyl", "Ak Zhol"), DRAWING["record"])}}


def test_a_drawing_is_audited_and_the_chain_stays_intact(api: Api) -> None:
    assert record(api, "cec").status_code == 201
    with api.database.read() as session:
        [entry] = [e for e in session.query(AuditEntry).all() if e.action == "lots.recorded"]
        assert entry.subject == "tiny/maslikhat/lists"
        assert json.loads(entry.payload)["order"] == ["Auyl", "Ak Zhol"]
        assert verify(session) == []


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("north", 403), ("watcher", 403)])
def test_only_a_cec_administrator_records_lots(api: Api, who: str | None, status: int) -> None:
    assert record(api, who).status_code == status
    assert api.client.get("/api/elections/tiny/lots").json() == []


def test_a_drawing_is_recorded_once(api: Api) -> None:
    assert record(api, "cec").status_code == 201
    again = record(api, "cec", order=["Ak Zhol", "Auyl"])
    assert again.status_code == 409
    assert again.json()["error"] == "lots-recorded"
    assert "GET /api/elections/tiny/lots" in again.json()["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "senate"}, "body"),
        ({"order": ["Auyl", "Auyl"]}, "order"),
        ({"order": []}, "order"),
        ({"order": ["Auyl", 3]}, "order"),
        ({"record": "  "}, "record"),
        ({"question": " "}, "question"),
        ({"question": "lists\x00"}, "question"),
        ({"record": "m\x00"}, "record"),
    ],
)
def test_a_drawing_that_is_not_one_is_refused_naming_the_field(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    response = record(api, "cec", **changes)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert api.client.get("/api/elections/tiny/lots").json() == []


def test_the_drawings_of_a_loaded_directory_are_stored(database: Database, tmp_path: Path) -> None:
    directory = election_dir(tmp_path)
    (directory / "lots.json").write_text(
        json.dumps({"maslikhat": {"lists": {"order": ["Auyl", "Ak Zhol"], "record": "m. 3"}}})
    )
    load_directory(database, directory, actor="test", step=None)
    client = TestClient(create_app(database))
    [shown] = client.get("/api/elections/tiny/lots").json()
    assert (shown["order"], shown["record"], shown["recorded_by"]) == (
        ["Auyl", "Ak Zhol"],
        "m. 3",
        "system",
    )
