"""Databases for the service tests: SQLite always, PostgreSQL when the environment names one.

Every test that takes the ``database`` fixture runs once per backend:

- ``sqlite``: a fresh file per test, copied from one migrated at the start of the session;
- ``postgresql``: when ``SAYLAU_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it), a database
  created for this test session on that server (and dropped at its end), migrated once and
  emptied before each test.

The URL names a server and a database saylau may connect to in order to create its own, e.g.
``postgresql+psycopg://postgres@/postgres?host=/tmp/saylau-pg.XXXX``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from tiny import definition_copy

from saylau.count.definition import Election, parse_definition
from saylau.service.db import Database, parse_url
from saylau.service.models import GENESIS
from saylau.service.schema import upgrade

POSTGRES_URL = os.environ.get("SAYLAU_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TABLES = (
    "recorded_lots",
    "audit_log",
    "certifications",
    "progress_snapshots",
    "protocol_entries",
    "protocols",
    "login_attempts",
    "api_tokens",
    "users",
    "election_definitions",
    "elections",
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "saylau.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this test session's own on the PostgreSQL server, migrated."""
    server = parse_url(POSTGRES_URL)
    name = f"saylau_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def empty_postgres(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        connection.exec_driver_sql("DELETE FROM audit_head")
        connection.exec_driver_sql(f"INSERT INTO audit_head VALUES (1, 0, '{GENESIS}')")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "saylau.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        opened = Database.open(f"sqlite:///{path}")
    else:
        opened = Database.open(request.getfixturevalue("postgres_database"))
        empty_postgres(opened)
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture
def tiny_election() -> Election:
    """The tiny test election: KZ > R1 (R1-A: P1, P2; R1-B: P3), R2 (R2-A: P4, P5, P6)."""
    return parse_definition(json.dumps(definition_copy()), "tiny")
