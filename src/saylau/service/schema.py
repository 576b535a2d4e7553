"""The database schema's version: Alembic migrations shipped inside the package.

:func:`upgrade` brings a database to the newest schema (``saylau db upgrade``); it is safe to run
again, and on PostgreSQL two processes upgrading at once take turns. :func:`require_current`
tells the commands that need the tables when the database is empty or behind.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError

from saylau.service.db import Database, DatabaseError, DatabaseUnavailable, reason_of

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_UPGRADE_LOCK = 0x5A1A_0001
"""The PostgreSQL advisory lock that serialises concurrent upgrades."""


class SchemaOutOfDate(DatabaseError):
    """The database has no saylau tables yet, or an older schema than this saylau needs."""


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations in the package (no alembic.ini)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this saylau knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise DatabaseError("saylau is installed without its migrations; reinstall it")
    return head


def current_revision(database: Database) -> str | None:
    """The schema revision the database is at (None: no saylau tables yet)."""
    try:
        with database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as error:
        database.check_reachable()
        raise DatabaseUnavailable(
            f"cannot read the database {database.shown_url}: {reason_of(error)}"
        ) from None


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _newer(database: Database, revision: str) -> SchemaOutOfDate:
    return SchemaOutOfDate(
        f"the database {database.shown_url} is at schema {revision}, which this saylau does not"
        f" know (it knows up to {head_revision()}): a newer saylau upgraded it; use that one"
    )


def upgrade(target: str | Database) -> str:
    """Bring the database (a URL or an open :class:`Database`) to the newest schema.

    Returns the revision it is at afterwards. Creates the SQLite file if it does not exist.
    """
    database = Database.open(target) if isinstance(target, str) else target
    try:
        database.check_reachable()
        current = current_revision(database)
        if current is not None and not _known(current):
            raise _newer(database, current)
        config = alembic_config()
        with database.write_engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return head_revision()
    finally:
        if isinstance(target, str):
            database.dispose()


def require_current(database: Database) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at the newest schema."""
    current = current_revision(database)
    if current == head_revision():
        return
    if current is not None and not _known(current):
        raise _newer(database, current)
    command_line = f"saylau db upgrade --db {database.shown_url}"
    if current is None:
        raise SchemaOutOfDate(
            f"the database {database.shown_url} has no saylau tables yet; create them with"
            f" `{command_line}`"
        )
    raise SchemaOutOfDate(
        f"the database {database.shown_url} is at schema {current}, and this saylau needs"
        f" {head_revision()}; bring it up to date with `{command_line}`"
    )
