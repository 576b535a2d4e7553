"""Opening the database: SQLite's durability settings, PostgreSQL's driver, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from saylau.service.db import (
    DEFAULT_URL,
    Database,
    DatabaseError,
    DatabaseUnavailable,
    make_engine,
    parse_url,
)


def pragma(database: Database, name: str) -> object:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_the_default_database_is_an_sqlite_file() -> None:
    assert DEFAULT_URL == "sqlite:///saylau.db"


def test_sqlite_writes_ahead_syncs_fully_enforces_foreign_keys_and_waits_when_busy(
    tmp_path: Path,
) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    assert pragma(database, "journal_mode") == "wal"
    assert pragma(database, "synchronous") == 2  # FULL: a commit that returned is on disk
    assert pragma(database, "foreign_keys") == 1
    assert pragma(database, "busy_timeout") == 30_000
    database.dispose()


def test_sqlite_write_transactions_begin_immediate_and_reads_do_not(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'saylau.db'}")
    seen: list[str] = []

    from sqlalchemy import event

    @event.listens_for(database.engine, "before_cursor_execute")
    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with database.write() as session:
        session.connection().exec_driver_sql("SELECT 1")
    with database.read() as session:
        session.connection().exec_driver_sql("SELECT 1")
    assert seen == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]
    database.dispose()


def test_a_plain_postgresql_url_means_the_psycopg_driver() -> None:
    assert parse_url("postgresql://u:p@db.example/saylau").drivername == "postgresql+psycopg"
    assert parse_url("postgresql+psycopg://u@/saylau?host=/tmp").drivername == (
        "postgresql+psycopg"
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u@localhost/x", "SQLite or PostgreSQL only"),
        ("postgresql+psycopg2://u@localhost/x", "psycopg driver"),
        ("not a url", "is not a database URL"),
    ],
)
def test_an_unsupported_url_is_refused_in_one_line(url: str, says: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        make_engine(url)
    assert says in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_unreachable_postgresql_server_is_one_line_naming_it_without_the_password() -> None:
    with pytest.raises(DatabaseUnavailable) as unreachable:
        Database.open("postgresql+psycopg://clerk:secret@127.0.0.1:1/saylau?connect_timeout=5")
    message = str(unreachable.value)
    assert message.startswith(
        "cannot reach the database postgresql+psycopg://clerk:***@127.0.0.1:1"
    )
    assert "secret" not in message
    assert "\n" not in message


def test_an_sqlite_file_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable) as unreachable:
        Database.open(f"sqlite:///{tmp_path / 'no-such-folder' / 'saylau.db'}")
    assert f"the folder {tmp_path / 'no-such-folder'} does not exist" in str(unreachable.value)
