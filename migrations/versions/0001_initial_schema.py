"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23 10:30:20.575043

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "staff_user",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("is_active_account", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "child",
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("looked_after_since", sa.Date(), nullable=False),
        sa.Column("iro_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["iro_id"], ["staff_user.id"], name=op.f("fk_child_iro_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
    )
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_iro_id"), ["iro_id"], unique=False)

    op.create_table(
        "access_link",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_access_link_child_id_child")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_link_token_hash")),
    )
    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_link_child_id"), ["child_id"], unique=False)

    op.create_table(
        "review",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("scheduled_for", sa.Date(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("created_by_rule", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_review_child_id_child")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("child_id", "number", name="uq_review_child_number"),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index("ix_review_child_held", ["child_id", "held_on"], unique=False)

    op.create_table(
        "submission",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("form_key", sa.String(length=40), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("current_question", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_submission_child_id_child")),
        sa.ForeignKeyConstraint(
            ["link_id"], ["access_link.id"], name=op.f("fk_submission_link_id_access_link")
        ),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_submission_review_id_review")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index("ix_submission_child_status", ["child_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_review_id"), ["review_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_answer_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint("submission_id", "question_key", name=op.f("uq_answer_submission_id")),
    )
    op.create_table(
        "audit_event",
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_audit_event_child_id_child")),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_audit_event_review_id_review")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_audit_event_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_child_created", ["child_id", "created_at"], unique=False)


def downgrade():

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_child_created")

    op.drop_table("audit_event")
    op.drop_table("answer")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_review_id"))
        batch_op.drop_index("ix_submission_child_status")

    op.drop_table("submission")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_child_held")

    op.drop_table("review")
    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_link_child_id"))

    op.drop_table("access_link")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_iro_id"))

    op.drop_table("child")
    op.drop_table("staff_user")
