"""alerts: a child who may not be safe is heard at once

Revision ID: 0005_alerts
Revises: 0004_link_replaced_at
Create Date: 2026-12-02 11:00:00.000000

Alerts raised by a child's answer or their call for help, what staff did about each, and
messages about an alert (to the child's IRO, the duty inbox and, if nobody acts, the
managers) beside the invitation messages.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_alerts"
down_revision = "0004_link_replaced_at"
branch_labels = None
depends_on = None

OLD_MESSAGE_KINDS = ("invitation", "reminder")
MESSAGE_KINDS = ("invitation", "reminder", "alert", "escalation")
OPEN_ANSWER = "closed_at IS NULL AND submission_id IS NOT NULL"


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("question_key", sa.String(length=40), nullable=True),
        sa.Column("said", sa.Text(), nullable=True),
        sa.Column("matched", sa.String(length=500), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("first_action_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.CheckConstraint(_one_of("kind", ("urgent", "concern")), name=op.f("ck_alert_kind")),
        sa.CheckConstraint(
            _one_of("source", ("safety_answer", "help_now", "words")), name=op.f("ck_alert_source")
        ),
        sa.CheckConstraint(_one_of("outcome", ("acted", "not_a_concern")), name=op.f("ck_alert_outcome")),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_alert_child_id_child")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_alert_submission_id_submission")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_child_id"), ["child_id"], unique=False)
        batch_op.create_index("ix_alert_open", ["closed_at", "created_at"], unique=False)
        batch_op.create_index(
            "uq_alert_open_answer",
            ["submission_id", "question_key", "kind"],
            unique=True,
            sqlite_where=sa.text(OPEN_ANSWER),
            postgresql_where=sa.text(OPEN_ANSWER),
        )

    op.create_table(
        "alert_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("who_was_told", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            _one_of("outcome", ("acted", "not_a_concern")), name=op.f("ck_alert_action_outcome")
        ),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_action_alert_id_alert")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_alert_action_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_action")),
    )
    with op.batch_alter_table("alert_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_action_alert_id"), ["alert_id"], unique=False)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_message_alert_id_alert"), "alert", ["alert_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_message_alert_id"), ["alert_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_message_alert_kind_recipient"), ["alert_id", "kind", "recipient"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_message_about_one_thing"), "(invitation_id IS NULL) <> (alert_id IS NULL)"
        )
        batch_op.drop_constraint(batch_op.f("ck_message_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_kind"), _one_of("kind", MESSAGE_KINDS))


def downgrade():
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM message WHERE alert_id IS NOT NULL"))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_message_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_kind"), _one_of("kind", OLD_MESSAGE_KINDS))
        batch_op.drop_constraint(batch_op.f("ck_message_about_one_thing"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_message_alert_kind_recipient"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_message_alert_id"))
        batch_op.drop_constraint(batch_op.f("fk_message_alert_id_alert"), type_="foreignkey")
        batch_op.drop_column("alert_id")
        batch_op.alter_column("invitation_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("alert_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_action_alert_id"))
    op.drop_table("alert_action")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("uq_alert_open_answer")
        batch_op.drop_index("ix_alert_open")
        batch_op.drop_index(batch_op.f("ix_alert_child_id"))
    op.drop_table("alert")
