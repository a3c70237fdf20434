"""just for my IRO: a child can keep an answer out of the meeting's version of the summary

Revision ID: 0006_just_for_my_iro
Revises: 0005_alerts
Create Date: 2026-12-02 15:00:00.000000

Every answer given so far was given without the choice, so each one starts unticked.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_just_for_my_iro"
down_revision = "0005_alerts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("just_for_iro", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("just_for_iro")
