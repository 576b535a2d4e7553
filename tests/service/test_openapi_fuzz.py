"""Fuzzing the API from its own OpenAPI description (schemathesis): whatever a client sends,
as an anonymous visitor or as the CEC administrator, the service never answers 500."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from api_helpers import make_api
from hypothesis import HealthCheck, given, settings

from saylau.count.definition import Election
from saylau.service.db import Database
from saylau.service.schema import upgrade


def fuzz(database: Database, election: Election, as_admin: bool) -> None:
    api = make_api(database, election)
    app = api.client.app
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {api.tokens['cec']}"} if as_admin else {}
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for operation in schema.get_all_operations():
        operations += 1
        operation = operation.ok()

        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert operations >= 12, "the OpenAPI description lists the API's operations"
    assert len(statuses) >= operations, "every operation was called"
    assert failures == []


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "administrator"])
def test_no_request_built_from_the_openapi_description_gets_a_500(
    tmp_path: Path, tiny_election: Election, as_admin: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    upgrade(url)
    database = Database.open(url)
    fuzz(database, tiny_election, as_admin)
