"""sign-in codes: a child's link printed on a card with a short code to type instead

Revision ID: 0007_link_codes
Revises: 0006_just_for_my_iro
Create Date: 2026-12-03 10:00:00.000000

A child's link may carry a short sign-in code (kept only as a keyed hash), printed on a
card with the link's QR code. The code is the link's: it stops and expires with it. Codes
are unique among all ever given, so an old card never opens another child's pages.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_link_codes"
down_revision = "0006_just_for_my_iro"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_access_link_code_hash"), ["code_hash"])
        batch_op.create_check_constraint(
            batch_op.f("ck_access_link_code_only_for_a_child"),
            "code_hash IS NULL OR circle_member_id IS NULL",
        )


def downgrade():
    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_access_link_code_only_for_a_child"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_access_link_code_hash"), type_="unique")
        batch_op.drop_column("code_hash")
