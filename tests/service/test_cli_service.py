"""The service's commands: ``saylau db upgrade``, ``saylau users add``, ``saylau audit verify``.

Each runs against the test database of each backend. A problem is one line on standard error
and exit code 2; a broken audit chain is exit code 1 with every problem listed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from service_helpers import url_of
from sqlalchemy import select
from typer.testing import CliRunner, Result

from saylau.cli import DEFAULT_DB, EXIT_AUDIT_BROKEN, EXIT_BAD_INPUT, app
from saylau.service.db import DEFAULT_URL, Database
from saylau.service.models import AuditEntry, User
from saylau.service.roles import Role
from saylau.service.schema import head_revision

runner = CliRunner()
PASSWORD = "steppe-horse-battery"

HEAD = head_revision()


def saylau(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == EXIT_BAD_INPUT, (result.stdout, result.stderr, result.exception)
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("saylau: error: ")
    assert "Traceback" not in result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    return result.stderr


def add_user(url: str, *args: str) -> Result:
    return saylau("users", "add", *args, "--password-stdin", "--db", url, stdin=PASSWORD + "\n")


def test_the_command_and_the_service_share_the_default_database() -> None:
    assert DEFAULT_DB == DEFAULT_URL


def test_the_counting_commands_do_not_load_the_service() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, saylau.cli; print('sqlalchemy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


def test_db_upgrade_creates_an_sqlite_database_and_can_run_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'night.db'}"
    first = saylau("db", "upgrade", "--db", url)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"{url}: the schema is at revision {HEAD}\n"
    assert saylau("db", "upgrade", "--db", url).exit_code == 0


def test_db_upgrade_reads_the_url_from_saylau_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAYLAU_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert saylau("db", "upgrade").exit_code == 0
    assert (tmp_path / "env.db").is_file()


def test_db_upgrade_on_the_test_database(database: Database) -> None:
    result = saylau("db", "upgrade", "--db", url_of(database))
    assert result.exit_code == 0, result.stderr
    assert f"the schema is at revision {HEAD}" in result.stdout


def test_an_unreachable_database_is_one_line() -> None:
    one_line_error(
        saylau("db", "upgrade", "--db", "postgresql://clerk:secret@127.0.0.1:1/saylau"),
        "cannot reach the database postgresql+psycopg://clerk:***@127.0.0.1:1/saylau",
    )


def test_an_unsupported_database_is_one_line() -> None:
    one_line_error(saylau("db", "upgrade", "--db", "mysql://x@y/z"), "SQLite or PostgreSQL only")


def test_users_add_reads_the_password_from_standard_input(database: Database) -> None:
    result = add_user(url_of(database), "Aigerim", "--role", "precinct-operator", "--area", "P1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added precinct-operator 'aigerim' for precinct P1.\n"
    with database.read() as session:
        user = session.scalars(select(User)).one()
        assert (user.username, user.role, user.area) == ("aigerim", Role.PRECINCT, "P1")
        assert user.password_hash.startswith("$argon2id$")
        logged = session.scalars(select(AuditEntry)).one()
        assert logged.actor.startswith("cli")
        assert logged.action == "user.created"


def test_users_add_asks_for_the_password_twice(database: Database) -> None:
    result = saylau(
        "users",
        "add",
        "cec",
        "--role",
        "cec-administrator",
        "--db",
        url_of(database),
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "Added cec-administrator 'cec'." in result.stdout
    assert PASSWORD not in result.stdout


def test_users_add_refuses_an_unknown_role_with_the_list(database: Database) -> None:
    one_line_error(
        add_user(url_of(database), "x1", "--role", "chairman"),
        "--role: 'chairman' is not a role; use one of: cec-administrator, territorial-operator,",
    )


def test_users_add_refuses_a_short_password(database: Database) -> None:
    result = saylau(
        "users",
        "add",
        "aigerim",
        "--role",
        "observer",
        "--password-stdin",
        "--db",
        url_of(database),
        stdin="astana\n",
    )
    one_line_error(result, "the password is too short: use at least 10 characters")


def test_users_add_refuses_a_taken_username(database: Database) -> None:
    assert add_user(url_of(database), "aigerim", "--role", "observer").exit_code == 0
    one_line_error(
        add_user(url_of(database), "AIGERIM", "--role", "observer"),
        "there is already an account named 'aigerim'",
    )


def test_users_add_refuses_an_operator_without_an_area(database: Database) -> None:
    one_line_error(
        add_user(url_of(database), "north", "--role", "territorial-operator"),
        "needs an area: give the territorial unit id with --area",
    )


def test_users_add_on_a_database_without_tables_says_how_to_create_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    one_line_error(
        add_user(url, "aigerim", "--role", "observer"),
        "has no saylau tables yet; create them with `saylau db upgrade --db sqlite:///",
    )


def test_audit_verify_says_an_intact_chain_is_intact(database: Database) -> None:
    add_user(url_of(database), "aigerim", "--role", "observer")
    result = saylau("audit", "verify", "--db", url_of(database))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("The audit chain is intact: 1 entry; the last hash is ")


def test_audit_verify_lists_every_problem_and_exits_1(database: Database) -> None:
    url = url_of(database)
    for name in ("aigerim", "bauyrzhan", "dana", "erlan"):
        add_user(url, name, "--role", "observer")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_log SET payload = '{}' WHERE seq = 1")
        connection.exec_driver_sql("DELETE FROM audit_log WHERE seq = 3")
    result = saylau("audit", "verify", "--db", url)
    assert result.exit_code == EXIT_AUDIT_BROKEN
    lines = result.stdout.splitlines()
    assert lines[0] == "The audit chain is BROKEN: 2 problem(s); the chain head records 4 entries."
    assert lines[1].startswith("  altered: entry 1 (")
    assert lines[1].endswith(
        "user.created user/aigerim) was altered: its contents no longer match its hash"
    )
    assert lines[2].startswith("  deleted: entry 3 is missing from the log: deleted before entry 4")
    assert len(lines) == 3


# -- db load and serve ------------------------------------------------------------------------


def test_db_load_puts_an_election_directory_into_the_database(
    database: Database, tmp_path: Path
) -> None:
    from tiny import election_dir

    url = url_of(database)
    result = saylau("db", "load", str(election_dir(tmp_path)), "--db", url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "election tiny: 12 protocols loaded (12 entries), 12 approved\n"
    again = saylau("db", "load", str(tmp_path / "tiny"), "--db", url)
    one_line_error(again, "already holds election tiny; it is loaded only once")
    assert saylau("audit", "verify", "--db", url).exit_code == 0


def test_db_load_of_a_folder_without_an_election_is_one_line(
    database: Database, tmp_path: Path
) -> None:
    one_line_error(saylau("db", "load", str(tmp_path), "--db", url_of(database)), "election.json")


def test_the_first_start_creates_the_tables_and_loads_the_synthetic_election(
    tmp_path: Path,
) -> None:
    from saylau.cli import prepare_service
    from saylau.service.loading import is_empty
    from saylau.service.schema import require_current

    url = f"sqlite:///{tmp_path / 'new.db'}"
    said: list[str] = []
    prepare_service(url, demo=True, say=said.append, demo_precincts=500)
    assert said[-1].startswith("election kz-2023: ")
    assert said[-1].endswith(" approved")
    database = Database.open(url)
    try:
        require_current(database)
        assert not is_empty(database)
        from fastapi.testclient import TestClient

        from saylau.service.app import create_app

        client = TestClient(create_app(database))
        results = client.get("/api/elections/kz-2023/results").json()
        assert results["status"] == "complete"
        assert results["election"]["synthetic"] is True
        # The same election, generated again, counted by `saylau count`: the same document.
        from saylau.count.directory import load
        from saylau.count.synthetic import generate_kz_2023
        from saylau.count.tally import count_ledger
        from saylau.publish.results import count_document

        generate_kz_2023(tmp_path / "kz-2023", seed=2023, precincts=500)
        loaded = load(tmp_path / "kz-2023")
        counted = count_document(count_ledger(loaded.ledger, loaded.lots))  # as `saylau count`
        assert {k: v for k, v in results.items() if k != "software"} == {
            k: v for k, v in counted.items() if k != "software"
        }
    finally:
        database.dispose()
    said.clear()
    prepare_service(url, demo=True, say=said.append, demo_precincts=500)
    assert said == []  # the second start loads nothing


def test_serve_refuses_a_database_behind_the_schema(tmp_path: Path) -> None:
    from alembic import command

    from saylau.service.schema import alembic_config

    path = tmp_path / "old.db"
    database = Database.open(f"sqlite:///{path}")
    config = alembic_config()
    with database.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    database.dispose()
    one_line_error(
        saylau("serve", "--db", f"sqlite:///{path}"), "saylau db upgrade --db sqlite:///"
    )
