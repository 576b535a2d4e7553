"""A test client for the API with one signed-in account per role, over the tiny election.

The accounts:

- ``cec``: CEC administrator;
- ``north``: territorial operator of region R1 (precincts P1, P2, P3);
- ``south``: territorial operator of region R2 (P4, P5, P6);
- ``p1`` and ``p1b``: two precinct operators of P1 (two people for the two entries);
- ``p4``: precinct operator of P4;
- ``watcher``: observer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient
from service_helpers import add_election, add_user
from tiny import VOTES, protocol

from saylau.count.definition import Election
from saylau.service.accounts import issue_token
from saylau.service.app import create_app
from saylau.service.db import Database
from saylau.service.models import User
from saylau.service.roles import Role

ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "cec": (Role.ADMINISTRATOR, None),
    "north": (Role.TERRITORIAL, "R1"),
    "south": (Role.TERRITORIAL, "R2"),
    "p1": (Role.PRECINCT, "P1"),
    "p1b": (Role.PRECINCT, "P1"),
    "p4": (Role.PRECINCT, "P4"),
    "watcher": (Role.OBSERVER, None),
}
SUPERIOR = {"P1": "north", "P2": "north", "P3": "north", "P4": "south", "P5": "south"}
SUPERIOR["P6"] = "south"


def figures(precinct: str, contest: str, **changes: Any) -> dict[str, Any]:
    """The figures of a protocol of the tiny election that passes every check."""
    lines = VOTES[precinct][0 if contest == "lists" else 1]
    row = protocol(precinct, contest, lines, **changes)
    return {name: value for name, value in row.items() if name not in ("precinct", "contest")}


@dataclass
class Api:
    """The API of one test database, with a bearer token per account."""

    database: Database
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def protocol_path(self, precinct: str, contest: str) -> str:
        return f"/api/elections/tiny/protocols/{precinct}/{contest}"

    def enter(
        self,
        who: str | None,
        precinct: str,
        contest: str,
        entry: int,
        body: dict[str, Any] | None = None,
        **changes: Any,
    ) -> httpx.Response:
        sent = body if body is not None else {"figures": figures(precinct, contest, **changes)}
        return self.client.put(
            f"{self.protocol_path(precinct, contest)}/entries/{entry}",
            json=sent,
            headers=self.headers(who),
        )

    def correct(
        self,
        who: str | None,
        precinct: str,
        contest: str,
        entry: int,
        reason: str = "",
        acknowledged: list[str] | None = None,
        version: int | None = None,
        **changes: Any,
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "entry": entry,
            "figures": figures(precinct, contest, **changes),
            "reason": reason,
            "acknowledged": acknowledged or [],
        }
        if version is not None:
            body["version"] = version
        return self.client.post(
            f"{self.protocol_path(precinct, contest)}/corrections",
            json=body,
            headers=self.headers(who),
        )

    def read(self, who: str | None, precinct: str, contest: str) -> httpx.Response:
        return self.client.get(self.protocol_path(precinct, contest), headers=self.headers(who))

    def version(self, precinct: str, contest: str) -> int:
        return int(self.read("cec", precinct, contest).json()["version"])

    def approve(
        self, who: str | None, precinct: str, contest: str, version: int | None = None
    ) -> httpx.Response:
        seen = self.version(precinct, contest) if version is None else version
        return self.client.post(
            f"{self.protocol_path(precinct, contest)}/approve",
            json={"version": seen},
            headers=self.headers(who),
        )

    def certify(self, who: str | None, contest: str) -> httpx.Response:
        return self.client.post(
            f"/api/elections/tiny/contests/{contest}/certify", headers=self.headers(who)
        )

    def second_operator(self, precinct: str) -> str:
        return "p1b" if precinct == "P1" else SUPERIOR[precinct]

    def first_operator(self, precinct: str) -> str:
        return {"P1": "p1", "P4": "p4"}.get(precinct, "cec")

    def through(self, precinct: str, contest: str) -> None:
        """Both entries, agreeing, and the approval: a protocol all the way to the count."""
        first = self.enter(self.first_operator(precinct), precinct, contest, 1)
        assert first.status_code == 201, first.json()
        second = self.enter(self.second_operator(precinct), precinct, contest, 2)
        assert second.status_code == 201, second.json()
        approved = self.approve(SUPERIOR[precinct], precinct, contest)
        assert approved.status_code == 200, approved.json()


def make_api(database: Database, election: Election) -> Api:
    add_election(database, election)
    api = Api(database, TestClient(create_app(database), raise_server_exceptions=False))
    for name, (role, area) in ACCOUNTS.items():
        user = add_user(database, name, role, area)
        api.users[name] = user
        with database.write() as session:
            api.tokens[name] = issue_token(session, session.merge(user), actor="test")
    return api
