"""children in: the council's child id, preferred name and language, periods in care,
leaving care, siblings; each review's participation code and IRO

Revision ID: 0011_children_in
Revises: 0010_audit_rows_stay
Create Date: 2026-12-05 09:00:00.000000

Every child already here gets one period in care, from the date they became looked after,
and every review already held keeps the child's IRO as its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_children_in"
down_revision = "0010_audit_rows_stay"
branch_labels = None
depends_on = None

# The lists as they were when this migration was written (a later one widens them).
LANGUAGES = ("en", "cy", "pl", "ro", "ur", "pa", "bn", "ar", "so", "pt", "es", "other")
PARTICIPATION_CODES = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


def _one_of(column, values):
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade():
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preferred_name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("child_ref", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("preferred_language", sa.String(length=10), nullable=False, server_default="en")
        )
        batch_op.add_column(sa.Column("left_care_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sibling_group", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_child_child_ref"), ["child_ref"])
        batch_op.create_index(batch_op.f("ix_child_sibling_group"), ["sibling_group"], unique=False)
        batch_op.create_check_constraint(
            batch_op.f("ck_child_preferred_language"), _one_of("preferred_language", LANGUAGES)
        )

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("participation_code", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("iro_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_review_iro_id"), ["iro_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_review_iro_id_staff_user"), "staff_user", ["iro_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_review_participation_code"), _one_of("participation_code", PARTICIPATION_CODES)
        )

    op.create_table(
        "care_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_care_period_child_id_child"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_period")),
        sa.UniqueConstraint("child_id", "started_on", name="uq_care_period_child_started"),
    )
    with op.batch_alter_table("care_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_period_child_id"), ["child_id"], unique=False)

    connection = op.get_bind()
    connection.execute(
        sa.text(
            "INSERT INTO care_period (child_id, started_on, created_at) "
            "SELECT id, looked_after_since, CURRENT_TIMESTAMP FROM child"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE review SET iro_id = (SELECT child.iro_id FROM child WHERE child.id = review.child_id) "
            "WHERE held_on IS NOT NULL"
        )
    )


def downgrade():
    with op.batch_alter_table("care_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_period_child_id"))
    op.drop_table("care_period")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_review_participation_code"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_review_iro_id_staff_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_review_iro_id"))
        batch_op.drop_column("iro_id")
        batch_op.drop_column("participation_code")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_child_preferred_language"), type_="check")
        batch_op.drop_index(batch_op.f("ix_child_sibling_group"))
        batch_op.drop_constraint(batch_op.f("uq_child_child_ref"), type_="unique")
        batch_op.drop_column("sibling_group")
        batch_op.drop_column("left_care_on")
        batch_op.drop_column("preferred_language")
        batch_op.drop_column("child_ref")
        batch_op.drop_column("preferred_name")
