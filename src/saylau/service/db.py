"""The service's database: an engine and sessions from a URL.

Two kinds of database are supported:

- SQLite, the default (``sqlite:///saylau.db``): one file beside the service, in WAL mode (readers
  never wait for the writer), ``synchronous=FULL`` (a commit that returned is on disk, so an
  acknowledged submission survives a power cut), foreign keys enforced, and a busy timeout so a
  writer waits for another instead of failing. Every write transaction starts with
  ``BEGIN IMMEDIATE``: writers are serialised at their start, never half-way through.
- PostgreSQL for production (``postgresql+psycopg://user:password@host/db``; a plain
  ``postgresql://`` URL means the same driver). Concurrent writers are kept apart by row locks
  and optimistic versioning (see ``models`` and ``audit``).

:class:`Database` hands out read sessions and write transactions. A database that cannot be
reached is a :class:`DatabaseUnavailable` with one line that says which database and why.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///saylau.db"
"""An SQLite file in the current folder."""
BUSY_TIMEOUT_SECONDS = 30
"""How long an SQLite writer waits for another writer before giving up."""
POOL_SIZE = 40
"""Connections kept open per process: one for each thread that serves requests (Starlette
runs them on 40 threads), so that a busy worker does not open, configure and close
connections over and over (a new SQLite connection reads the schema again)."""
POOL_OVERFLOW = 10
"""Connections opened beyond ``POOL_SIZE`` when every pooled one is in use, closed after."""
_BEGIN_OPTION = "saylau_sqlite_begin"


class DatabaseError(Exception):
    """A problem with the database itself, said in one line for the person running saylau."""


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached or opened."""


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, with the PostgreSQL driver made explicit (psycopg 3).

    Anything but SQLite or PostgreSQL is refused with a :class:`DatabaseError`.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; use sqlite:///FILE or"
            " postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"{shown(parsed)}: saylau runs on SQLite or PostgreSQL only; use sqlite:///FILE or"
            " postgresql+psycopg://USER:PASSWORD@HOST/DATABASE"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        raise DatabaseError(
            f"{shown(parsed)}: use the psycopg driver (postgresql+psycopg://...), the one saylau"
            " installs"
        )
    return parsed


def shown(url: URL) -> str:
    """The URL as it may be printed: the password hidden."""
    return url.render_as_string(hide_password=True)


def make_engine(url: str = DEFAULT_URL) -> Engine:
    """An engine for the URL, with the settings described above. Nothing is connected yet."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions by itself: saylau says BEGIN (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def reason_of(error: BaseException) -> str:
    """The first line of what the database driver said, without SQLAlchemy's decorations."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0].strip() if text else type(original).__name__


class WriterTurns:
    """The writers of one SQLite file take turns: a lock among the threads of this process, and
    an ``flock`` on a file beside the database (``<database>-writers.lock``) among processes.

    SQLite lets one writer in at a time, and a writer that finds the database locked sleeps
    and tries again (1, 2, 5, ... up to 100 ms a time), so under load most of the waiting was
    sleeping. A writer waiting for the file lock is woken by the kernel the moment the lock is
    free. The lock file holds nothing; the database stays correct without it (``BEGIN
    IMMEDIATE`` and the busy timeout still apply), only slower. PostgreSQL and in-memory
    databases take no turns."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._threads = threading.Lock()
        self._file: int | None = None

    @classmethod
    def beside(cls, url: URL) -> WriterTurns:
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return cls(None)
        database = Path(url.database or "").expanduser()
        return cls(database.with_name(database.name + "-writers.lock"))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this writer's turn; hold it for the block."""
        if self.path is None:
            yield
            return
        with self._threads:
            if self._file is None:
                try:
                    self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                except OSError:  # a read-only folder: SQLite's own waiting still keeps order
                    self.path = None
                    yield
                    return
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)


@dataclass(eq=False)
class Database:
    """One database: read sessions and write transactions over a single engine."""

    engine: Engine
    write_engine: Engine = field(init=False, repr=False)
    """The same engine and pool, for write transactions (``BEGIN IMMEDIATE`` on SQLite)."""
    _reader: sessionmaker[Session] = field(init=False, repr=False)
    _writer: sessionmaker[Session] = field(init=False, repr=False)
    _turns: WriterTurns = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._turns = WriterTurns.beside(self.engine.url)
        self.write_engine = self.engine
        if self.is_sqlite:
            self.write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str = DEFAULT_URL) -> Database:
        """Open the database at ``url`` and make sure it answers."""
        database = cls(make_engine(url))
        database.check_reachable()
        return database

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def shown_url(self) -> str:
        return shown(self.engine.url)

    def check_reachable(self) -> None:
        """Connect once; a failure is a :class:`DatabaseUnavailable` naming the database."""
        url = self.engine.url
        if self.is_sqlite and url.database not in (None, "", ":memory:"):
            folder = Path(url.database or "").expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseUnavailable(
                    f"cannot open the database {self.shown_url}: the folder {folder} does not exist"
                )
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except (DBAPIError, NoSuchModuleError, OSError) as error:
            raise DatabaseUnavailable(
                f"cannot reach the database {self.shown_url}: {reason_of(error)}"
            ) from None

    @staticmethod
    def in_write_transaction(connection: Connection) -> bool:
        """Was this SQLite connection's transaction begun by :meth:`write` (``BEGIN IMMEDIATE``)?"""
        return connection.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE"

    def read(self) -> Session:
        """A session for reading (use it in a ``with`` block). Writes belong in :meth:`write`."""
        return self._reader()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        On SQLite it starts with ``BEGIN IMMEDIATE``, so two writers never interleave, and
        writers take their turn (:class:`WriterTurns`) before they begin.
        """
        with self._turns.turn(), self._writer.begin() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
