"""a child's link replaced by a newer one, told apart from a link staff stopped

Revision ID: 0004_link_replaced_at
Revises: 0003_rules_in_the_database
Create Date: 2026-12-02 10:00:00.000000

A child has one working link at a time: a new one (in a reminder, say) replaces the ones
before it. Replacing is not stopping: a child answering through the older link when the
reminder goes is not cut off mid-question, while a link staff stop ends its sessions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_link_replaced_at"
down_revision = "0003_rules_in_the_database"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("access_link") as batch_op:
        batch_op.add_column(sa.Column("replaced_at", sa.DateTime(), nullable=True))


def downgrade():
    # Without the column a replaced link would work again: stop it instead.
    op.execute(
        "UPDATE access_link SET revoked_at = replaced_at WHERE replaced_at IS NOT NULL AND revoked_at IS NULL"
    )
    with op.batch_alter_table("access_link") as batch_op:
        batch_op.drop_column("replaced_at")
