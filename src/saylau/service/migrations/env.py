"""Alembic's environment for saylau: the service's tables, on the connection saylau hands over.

``saylau.service.schema.upgrade`` passes an open connection in ``config.attributes``; run from
the ``alembic`` command instead, the URL in ``sqlalchemy.url`` is opened with saylau's own
settings (``saylau.service.db.make_engine``). SQLite migrations run in batch mode, which
rebuilds a table to change it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from saylau.service.db import make_engine
from saylau.service.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as opened:
            run(opened)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
