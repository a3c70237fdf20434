"""sessions started by a personal link, held on the server

Revision ID: 0008_link_sessions
Revises: 0007_link_codes
Create Date: 2026-12-02 13:00:00.000000

The browser keeps only a random key; "Leave this page quickly" ends the session here, so a
copy of the cookie opens nothing afterwards.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_link_sessions"
down_revision = "0007_link_codes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "link_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"], ["access_link.id"], name=op.f("fk_link_session_link_id_access_link")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_link_session_key_hash")),
    )
    with op.batch_alter_table("link_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_session_link_id"), ["link_id"], unique=False)


def downgrade():
    with op.batch_alter_table("link_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_session_link_id"))
    op.drop_table("link_session")
