"""staff accounts a council can run: set-up links, second factors, server-side sessions

Revision ID: 0009_staff_accounts
Revises: 0008_link_sessions
Create Date: 2026-12-03 09:00:00.000000

Administrators as a role; one-time set-up and reset links; TOTP second factors and their
recovery codes; failed sign-ins counted per email address in the database (so every worker
sees them); one session row per staff sign-in; messages that carry a set-up link; and when
a child's session was last used, so it times out on the server.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_staff_accounts"
down_revision = "0008_link_sessions"
branch_labels = None
depends_on = None

OLD_STAFF_ROLES = ("iro", "manager")
STAFF_ROLES = ("iro", "manager", "admin")
OLD_MESSAGE_KINDS = ("invitation", "reminder", "alert", "escalation")
MESSAGE_KINDS = OLD_MESSAGE_KINDS + ("staff_set_up", "password_reset")
TOKEN_PURPOSES = ("set_up", "reset")
SESSION_ENDS = (
    "signed_out",
    "ended_by_them",
    "everywhere",
    "password_changed",
    "deactivated",
    "second_factor_reset",
    "role_changed",
    "idle",
    "expired",
)
OLD_ACTOR_KINDS = ("staff", "link")
ACTOR_KINDS = ("staff", "link", "system")
OLD_ABOUT_ONE_THING = "(invitation_id IS NULL) <> (alert_id IS NULL)"
ABOUT_ONE_THING = (
    "(CASE WHEN invitation_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN alert_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN staff_token_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _one_of(column, values):
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("team", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("can_administer", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("second_factor_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_staff_user_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_staff_user_role"), _one_of("role", STAFF_ROLES))
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.alter_column("can_administer", server_default=None)

    op.create_table(
        "staff_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_one_of("purpose", TOKEN_PURPOSES), name=op.f("ck_staff_token_purpose")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_staff_token_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_staff_token_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_token_token_hash")),
    )
    with op.batch_alter_table("staff_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_token_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_recovery_code_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
        sa.UniqueConstraint("email_digest", name=op.f("uq_sign_in_attempts_email_digest")),
    )

    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("second_factor_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(length=30), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("recovery_seed_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint(_one_of("ended_reason", SESSION_ENDS), name=op.f("ck_staff_session_ended_reason")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_staff_session_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_staff_session_key_hash")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_session_staff_id"), ["staff_id"], unique=False)

    # A child's session is timed out on the server too, not only by its cookie: a session
    # open now was last used, at the latest, when it began.
    with op.batch_alter_table("link_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    op.get_bind().execute(sa.text("UPDATE link_session SET last_seen_at = created_at"))
    with op.batch_alter_table("link_session", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        # The service itself is an actor too: the retention purge.
        batch_op.drop_constraint(batch_op.f("ck_audit_event_actor_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_audit_event_actor_kind"), _one_of("actor_kind", ACTOR_KINDS)
        )
        batch_op.add_column(sa.Column("about_staff_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_about_staff_id_staff_user"), "staff_user", ["about_staff_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_audit_event_about_staff_id"), ["about_staff_id"], unique=False)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_message_staff_token_id_staff_token"), "staff_token", ["staff_token_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_message_staff_token_id"), ["staff_token_id"], unique=False)
        batch_op.drop_constraint(batch_op.f("ck_message_about_one_thing"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_about_one_thing"), ABOUT_ONE_THING)
        batch_op.drop_constraint(batch_op.f("ck_message_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_kind"), _one_of("kind", MESSAGE_KINDS))


def downgrade():
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM message WHERE staff_token_id IS NOT NULL"))
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_message_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_kind"), _one_of("kind", OLD_MESSAGE_KINDS))
        batch_op.drop_constraint(batch_op.f("ck_message_about_one_thing"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_message_about_one_thing"), OLD_ABOUT_ONE_THING)
        batch_op.drop_index(batch_op.f("ix_message_staff_token_id"))
        batch_op.drop_constraint(batch_op.f("fk_message_staff_token_id_staff_token"), type_="foreignkey")
        batch_op.drop_column("staff_token_id")
    # Before "system" was an actor, the purge's rows said staff with an id no account has.
    connection.execute(sa.text("UPDATE audit_event SET actor_kind = 'staff' WHERE actor_kind = 'system'"))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_about_staff_id"))
        batch_op.drop_constraint(batch_op.f("fk_audit_event_about_staff_id_staff_user"), type_="foreignkey")
        batch_op.drop_column("about_staff_id")
        batch_op.drop_constraint(batch_op.f("ck_audit_event_actor_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_audit_event_actor_kind"), _one_of("actor_kind", OLD_ACTOR_KINDS)
        )
    with op.batch_alter_table("link_session", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_staff_id"))
    op.drop_table("staff_session")
    op.drop_table("sign_in_attempts")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_staff_id"))
    op.drop_table("recovery_code")
    with op.batch_alter_table("staff_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_token_staff_id"))
    op.drop_table("staff_token")
    # Administrators become managers, who keep the right to run staff accounts; a
    # password that was never set cannot be made NOT NULL, so those accounts get an
    # unusable hash.
    connection.execute(sa.text("UPDATE staff_user SET role = 'manager' WHERE role = 'admin'"))
    connection.execute(sa.text("UPDATE staff_user SET password_hash = '!' WHERE password_hash IS NULL"))
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_staff_user_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_staff_user_role"), _one_of("role", OLD_STAFF_ROLES))
        batch_op.drop_column("second_factor_at")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("can_administer")
        batch_op.drop_column("team")
        batch_op.drop_column("password_changed_at")
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
