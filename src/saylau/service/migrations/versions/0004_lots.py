"""Recorded drawings of lots.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

``recorded_lots``: a drawing of lots the CEC recorded (for which body and question, the order
drawn, the document that attests it), which the count uses to settle a tie the rulebook
leaves to lots. Self-contained, like 0001: it does not import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recorded_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.String(64), nullable=False),
        sa.Column("body", sa.String(64), nullable=False),
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("order", sa.JSON(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"], ["elections.id"], name="fk_recorded_lots_election_id_elections"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name="fk_recorded_lots_recorded_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_recorded_lots"),
        sa.UniqueConstraint(
            "election_id", "body", "question", name="uq_recorded_lots_election_id_body_question"
        ),
    )


def downgrade() -> None:
    op.drop_table("recorded_lots")
