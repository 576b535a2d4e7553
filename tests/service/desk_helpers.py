"""The commission's pages over the tiny election, for tests that go through the forms as a
browser does: sign in on ``/signin``, read the form token off the page, send the form.

The accounts are those of ``api_helpers`` (``cec``, ``north``, ``south``, ``p1``, ``p1b``,
``p4``, ``watcher``), here with passwords (:func:`password_of`), hashed with cheap argon2
parameters so that the tests stay quick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import httpx
from api_helpers import ACCOUNTS, figures
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from service_helpers import add_election

from saylau.count.definition import Election
from saylau.service.accounts import create_user
from saylau.service.app import create_app
from saylau.service.db import Database

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
HTTPS = "https://results.test"
"""Where the tests reach the service: over HTTPS, as in production."""
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def password_of(username: str) -> str:
    return f"{username}-steppe-horse"


def csrf_of(page: str) -> str:
    """The form token of the first form on a page."""
    found = CSRF.search(page)
    assert found, "the page has no form token"
    return found.group(1)


def input_value(page: str, name: str) -> str | None:
    """The value an input of the page shows, or None if it has no such input."""
    found = re.search(rf'<input [^>]*name="{re.escape(name)}" value="([^"]*)"', page)
    return None if found is None else unescape(found.group(1))


def marked_invalid(page: str, name: str) -> bool:
    """Whether the page marks the input as holding a problem."""
    found = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*>', page)
    return found is not None and 'aria-invalid="true"' in found.group(0)


def form_of(precinct: str, contest: str, **changes: Any) -> dict[str, str]:
    """The protocol form filled in as the clerk types it: every figure of a protocol of the
    tiny election that passes every check, with ``changes``."""
    typed = figures(precinct, contest, **changes)
    return {name: "" if value is None else str(value) for name, value in typed.items()}


@dataclass
class Desk:
    """The service of one test database, with a password for each account."""

    database: Database
    app: Any
    clients: list[TestClient] = field(default_factory=list)

    def browser(self, base_url: str = HTTPS, peer: str = "127.0.0.1") -> TestClient:
        """A fresh browser (no cookies) at the address ``peer``."""
        client = TestClient(
            self.app,
            base_url=base_url,
            follow_redirects=False,
            raise_server_exceptions=True,
            client=(peer, 50000),
        )
        self.clients.append(client)
        return client

    def sign_in(self, who: str, *, language: str = "en") -> TestClient:
        """A browser signed in as ``who`` through the sign-in page."""
        client = self.browser()
        response = sign_in(client, who, password_of(who), language=language)
        assert response.status_code == 303, response.text
        return client


def sign_in(
    client: TestClient, username: str, password: str, *, language: str = "en"
) -> httpx.Response:
    """Open the sign-in page and send it, as a browser would."""
    page = client.get(f"/signin?lang={language}")
    return client.post(
        "/signin",
        data={"username": username, "password": password, "csrf": csrf_of(page.text)},
    )


def protocol_path(precinct: str, contest: str) -> str:
    return f"/desk/tiny/protocols/{precinct}/{contest}"


def send(
    client: TestClient,
    precinct: str,
    contest: str,
    fields: dict[str, str],
    *,
    token: str | None = None,
    acknowledged: tuple[str, ...] = (),
) -> httpx.Response:
    """Open a protocol's page and send its form with ``fields`` (``action``, ``entry``, the
    figures, ...), the page's own token unless another is given."""
    path = protocol_path(precinct, contest)
    page = client.get(path)
    data: dict[str, Any] = {"csrf": csrf_of(page.text) if token is None else token, **fields}
    if acknowledged:
        data["acknowledged"] = list(acknowledged)
    return client.post(path, data=data)


def enter(
    client: TestClient,
    precinct: str,
    contest: str,
    entry: int,
    typed: dict[str, str] | None = None,
    **changes: Any,
) -> httpx.Response:
    """Send entry ``entry`` of a protocol through its form."""
    fields = {"action": "enter", "entry": str(entry)}
    fields.update(typed if typed is not None else form_of(precinct, contest, **changes))
    return send(client, precinct, contest, fields)


def approve(client: TestClient, precinct: str, contest: str) -> httpx.Response:
    """Press the approval button of a protocol's page."""
    page = client.get(protocol_path(precinct, contest)).text
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version, "the page has no approval form"
    return client.post(
        protocol_path(precinct, contest),
        data={"csrf": csrf_of(page), "action": "approve", "version": version.group(1)},
    )


def make_desk(database: Database, election: Election) -> Desk:
    add_election(database, election)
    with database.write() as session:
        for name, (role, area) in ACCOUNTS.items():
            create_user(session, name, password_of(name), role, area, actor="test", hasher=FAST)
    return Desk(database, create_app(database))
