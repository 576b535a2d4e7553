"""Election definitions in a table of their own.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

A national definition is megabytes of JSON. In the ``elections`` row it sat before ``state``
and ``results_version``, which every request reads, and SQLite reads a row's columns in order
through its overflow pages: each such read walked the whole definition (nearly a millisecond
for 10,000 precincts). ``election_definitions`` holds the text, one row per election; the
definitions are moved, not changed. Self-contained, like 0001: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "election_definitions",
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name="fk_election_definitions_election_id_elections"
        ),
        sa.PrimaryKeyConstraint("election_id", name="pk_election_definitions"),
    )
    op.execute(
        "INSERT INTO election_definitions (election_id, text) SELECT id, definition FROM elections"
    )
    # Plain SQL on both databases (SQLite has dropped columns in place since 3.35): a rebuilt
    # table would have to step around the foreign keys that point at it.
    op.execute("ALTER TABLE elections DROP COLUMN definition")


def downgrade() -> None:
    op.add_column(
        "elections",
        sa.Column("definition", sa.Text(), nullable=False, server_default=""),
    )
    op.execute(
        "UPDATE elections SET definition = (SELECT text FROM election_definitions"
        " WHERE election_definitions.election_id = elections.id)"
    )
    op.drop_table("election_definitions")
