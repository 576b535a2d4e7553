"""The migrations create exactly the tables the models describe, and say when a database is
behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from saylau.service.db import Database
from saylau.service.models import GENESIS, AuditHead, Base
from saylau.service.schema import (
    MIGRATIONS,
    SchemaOutOfDate,
    current_revision,
    head_revision,
    require_current,
    upgrade,
)

HEAD = head_revision()


def test_the_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert list((MIGRATIONS / "versions").glob("*.py"))


def test_the_migrated_schema_is_the_models_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert set(inspect(database.engine).get_table_names()) == {
        *Base.metadata.tables,
        "alembic_version",
    }


def test_a_migrated_database_is_at_the_newest_revision_with_the_chain_at_its_start(
    database: Database,
) -> None:
    assert current_revision(database) == head_revision()
    require_current(database)
    with database.read() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        assert (head.seq, head.hash) == (0, GENESIS)


def test_upgrading_again_changes_nothing(database: Database) -> None:
    assert upgrade(database) == head_revision()
    with database.read() as session:
        assert session.query(AuditHead).count() == 1


def test_upgrade_creates_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert upgrade(f"sqlite:///{path}") == head_revision()
    assert path.is_file()


def test_an_empty_database_is_refused_with_the_command_that_fixes_it(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(SchemaOutOfDate) as behind:
        require_current(database)
    assert "has no saylau tables yet" in str(behind.value)
    assert "saylau db upgrade --db sqlite:///" in str(behind.value)
    database.dispose()


def test_a_database_upgraded_by_a_newer_saylau_is_left_alone_with_a_clear_word(
    database: Database,
) -> None:
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    for action in (upgrade, require_current):
        with pytest.raises(SchemaOutOfDate) as newer:
            action(database)
        assert f"is at schema 0099, which this saylau does not know (it knows up to {HEAD})" in str(
            newer.value
        )
        assert "a newer saylau upgraded it" in str(newer.value)
    with database.engine.begin() as connection:  # put it back for the next test
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{HEAD}'")


def test_a_database_at_the_first_schema_is_upgraded_with_its_elections_kept(
    tmp_path: Path,
) -> None:
    from alembic import command

    from saylau.service.schema import alembic_config

    path = tmp_path / "old.db"
    database = Database.open(f"sqlite:///{path}")
    config = alembic_config()
    with database.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO elections VALUES ('old', 'Old', '{}', 'open', '2023-03-19 00:00:00')"
        )
    with pytest.raises(SchemaOutOfDate, match=f"is at schema 0001, and this saylau needs {HEAD}"):
        require_current(database)
    assert upgrade(database) == HEAD
    with database.engine.connect() as connection:
        kept = connection.exec_driver_sql("SELECT id, results_version FROM elections").all()
        definitions = connection.exec_driver_sql(
            "SELECT election_id, text FROM election_definitions"
        ).all()
    assert [tuple(row) for row in kept] == [("old", 0)]
    assert [tuple(row) for row in definitions] == [("old", "{}")]
    database.dispose()
