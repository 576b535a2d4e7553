"""Results from the database: the election's results version and the progress snapshots.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

``elections.results_version`` is raised by every approval and every correction of an approved
protocol, so that each worker knows when its cached count is out of date.
``progress_snapshots`` records how far the count had come, for "count progress over time".
Self-contained, like 0001: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("elections") as batch:
        batch.add_column(
            sa.Column("results_version", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    op.create_table(
        "progress_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("protocols_approved", sa.Integer(), nullable=False),
        sa.Column("protocols_expected", sa.Integer(), nullable=False),
        sa.Column("voters_in", sa.Integer(), nullable=False),
        sa.Column("voters_expected", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name="fk_progress_snapshots_election_id_elections"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_progress_snapshots"),
    )
    op.create_index(
        "ix_progress_snapshots_election_id_at", "progress_snapshots", ["election_id", "at"]
    )


def downgrade() -> None:
    op.drop_table("progress_snapshots")
    with op.batch_alter_table("elections") as batch:
        batch.drop_column("results_version")
