"""circle invitations messages

Revision ID: 0002_circle_invitations
Revises: 0001_initial
Create Date: 2026-11-23 11:00:01.744583

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_circle_invitations"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "circle_member",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("relationship_key", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("preferred_language", sa.String(length=10), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_circle_member_child_id_child")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_member")),
    )
    with op.batch_alter_table("circle_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circle_member_child_id"), ["child_id"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("circle_member_id", sa.Integer(), nullable=True),
        sa.Column("respondent_key", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_invitation_child_id_child")),
        sa.ForeignKeyConstraint(
            ["circle_member_id"],
            ["circle_member.id"],
            name=op.f("fk_invitation_circle_member_id_circle_member"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["staff_user.id"], name=op.f("fk_invitation_invited_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["review_id"], ["review.id"], name=op.f("fk_invitation_review_id_review")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("review_id", "respondent_key", name="uq_invitation_review_respondent"),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_review_id"), ["review_id"], unique=False)

    op.create_table(
        "message",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("provider_reference", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitation.id"], name=op.f("fk_message_invitation_id_invitation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sa.UniqueConstraint(
            "invitation_id", "kind", "recipient", name="uq_message_invitation_kind_recipient"
        ),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_status"), ["status"], unique=False)

    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("circle_member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_access_link_circle_member_id"), ["circle_member_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_access_link_review_id_review"), "review", ["review_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_access_link_circle_member_id_circle_member"),
            "circle_member",
            ["circle_member_id"],
            ["id"],
        )

    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("mobile", sa.String(length=20), nullable=True))

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("circle_member_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_submission_circle_member_id"), ["circle_member_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_circle_member_id_circle_member"),
            "circle_member",
            ["circle_member_id"],
            ["id"],
        )


def downgrade():

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_submission_circle_member_id_circle_member"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_submission_circle_member_id"))
        batch_op.drop_column("circle_member_id")

    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("mobile")
        batch_op.drop_column("email")

    with op.batch_alter_table("access_link", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_access_link_circle_member_id_circle_member"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_access_link_review_id_review"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_access_link_circle_member_id"))
        batch_op.drop_column("review_id")
        batch_op.drop_column("circle_member_id")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_status"))

    op.drop_table("message")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_review_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_child_id"))

    op.drop_table("invitation")
    with op.batch_alter_table("circle_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_circle_member_child_id"))

    op.drop_table("circle_member")
