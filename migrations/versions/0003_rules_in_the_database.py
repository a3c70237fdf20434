"""rules in the database: fixed words checked, one draft per child, one paper per review

Revision ID: 0003_rules_in_the_database
Revises: 0002_circle_invitations
Create Date: 2026-12-02 09:00:00.000000

Each column holding one of the domain's fixed words gets a CHECK constraint listing them,
and two partial unique indexes hold the rules the code relied on alone: a child has at most
one draft of their own views, and a circle member has one paper per review.

A database in use may already break those two rules (a double-tapped Start left extra
drafts behind), so the upgrade first keeps one row of each and removes the others.

The lists are written out here, not imported: a migration must keep meaning what it meant
when it was written, whatever the code later says. A test checks they match the models.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_rules_in_the_database"
down_revision = "0002_circle_invitations"
branch_labels = None
depends_on = None

STAFF_ROLES = ("iro", "manager")
REVIEW_KINDS = ("cla",)
SUBMISSION_STATUSES = ("draft", "sent")
CHANNELS = ("email", "sms", "letter")
MESSAGE_KINDS = ("invitation", "reminder")
MESSAGE_STATUSES = ("queued", "sending", "sent", "failed", "cancelled")
ACTOR_KINDS = ("staff", "link")
RELATIONSHIP_KEYS = (
    "mother",
    "father",
    "parental_responsibility",
    "foster_carer",
    "kinship_carer",
    "residential_key_worker",
    "school",
    "health",
    "social_worker",
    "other_professional",
)

# table -> [(column, allowed values)]; each becomes the CHECK ck_<table>_<column>.
CHECKED = {
    "staff_user": [("role", STAFF_ROLES)],
    "review": [("kind", REVIEW_KINDS)],
    "submission": [("status", SUBMISSION_STATUSES)],
    "invitation": [("channel", CHANNELS)],
    "message": [("kind", MESSAGE_KINDS), ("channel", CHANNELS), ("status", MESSAGE_STATUSES)],
    "audit_event": [("actor_kind", ACTOR_KINDS)],
    "circle_member": [("relationship_key", RELATIONSHIP_KEYS)],
}

CHILDS_DRAFT = "status = 'draft' AND circle_member_id IS NULL"
MEMBERS_PAPER = "circle_member_id IS NOT NULL"

# A message in a state the sender does not know is treated as a failed attempt, so the
# sender looks at it again (and gives up after its usual number of attempts).
UNKNOWN_MESSAGE_STATUS_BECOMES = "failed"

CHUNK = 500


def _one_of(column, values):
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _bring_words_into_range(connection):
    """Before the CHECKs go on: refuse by name what cannot be guessed (before changing
    anything), then mend what has a safe meaning."""
    problems = []
    for table_name, checks in CHECKED.items():
        for column_name, values in checks:
            if (table_name, column_name) == ("message", "status"):
                continue
            table = sa.table(table_name, sa.column(column_name))
            column = table.c[column_name]
            found = connection.execute(sa.select(column).where(column.not_in(values)).distinct()).scalars()
            problems.extend(f"{table_name}.{column_name} = {value!r}" for value in found)
    if problems:
        # A staff role or a relationship cannot be guessed: someone must decide.
        raise RuntimeError(
            "These rows hold values outside the service's lists; correct them and run the "
            "upgrade again: " + "; ".join(problems)
        )
    message = sa.table("message", sa.column("status"))
    connection.execute(
        sa.update(message)
        .where(message.c.status.not_in(MESSAGE_STATUSES))
        .values(status=UNKNOWN_MESSAGE_STATUS_BECOMES)
    )


def _remove_submissions(connection, ids):
    """Delete the submissions and their answers. Audit rows stay (they are only ever
    added) but no longer point at a submission that is gone."""
    submission = sa.table("submission", sa.column("id"))
    answer = sa.table("answer", sa.column("submission_id"))
    audit_event = sa.table("audit_event", sa.column("submission_id"))
    for chunk in _chunks(ids):
        connection.execute(
            sa.update(audit_event).where(audit_event.c.submission_id.in_(chunk)).values(submission_id=None)
        )
        connection.execute(sa.delete(answer).where(answer.c.submission_id.in_(chunk)))
        connection.execute(sa.delete(submission).where(submission.c.id.in_(chunk)))


def _answered(connection, ids) -> set:
    """Which of these submissions have something answered in them."""
    answered = set()
    for chunk in _chunks(ids):
        answered.update(
            connection.execute(
                sa.text(
                    "SELECT DISTINCT submission_id FROM answer WHERE submission_id IN :ids "
                    "AND (COALESCE(choice, '') <> '' OR TRIM(COALESCE(text, '')) <> '')"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": chunk},
            ).scalars()
        )
    return answered


def _extra_drafts(connection):
    """For a child with several drafts of their own views: keep the newest draft with
    something answered in it (else the newest), and return the others."""
    rows = connection.execute(
        sa.text(
            f"SELECT id, child_id FROM submission WHERE {CHILDS_DRAFT} AND child_id IN ("
            f"  SELECT child_id FROM submission WHERE {CHILDS_DRAFT} "
            "  GROUP BY child_id HAVING COUNT(*) > 1)"
        )
    ).all()
    if not rows:
        return []
    answered = _answered(connection, [row.id for row in rows])
    by_child = {}
    for row in rows:
        by_child.setdefault(row.child_id, []).append(row.id)
    extra = []
    for ids in by_child.values():
        keep = max(ids, key=lambda id_: (id_ in answered, id_))
        extra.extend(id_ for id_ in ids if id_ != keep)
    return extra


def _extra_papers(connection):
    """For a member with several papers for one review: keep the sent one (the newest, if
    more than one was sent), else the newest with something answered in it (answers were
    saved to the oldest paper, so the newest may be empty), else the newest; return the
    others."""
    rows = connection.execute(
        sa.text(
            "SELECT s.id, s.circle_member_id, s.review_id, s.status FROM submission s "
            "JOIN ("
            "  SELECT circle_member_id, review_id FROM submission "
            f"  WHERE {MEMBERS_PAPER} GROUP BY circle_member_id, review_id HAVING COUNT(*) > 1"
            ") d ON d.circle_member_id = s.circle_member_id AND d.review_id = s.review_id"
        )
    ).all()
    by_paper = {}
    for row in rows:
        by_paper.setdefault((row.circle_member_id, row.review_id), []).append(row)
    answered = _answered(connection, [row.id for row in rows])
    extra = []
    for papers in by_paper.values():
        keep = max(papers, key=lambda paper: (paper.status == "sent", paper.id in answered, paper.id))
        extra.extend(paper.id for paper in papers if paper.id != keep.id)
    return extra


def upgrade():
    connection = op.get_bind()
    _bring_words_into_range(connection)
    _remove_submissions(connection, _extra_drafts(connection) + _extra_papers(connection))

    for table_name, checks in CHECKED.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for column_name, values in checks:
                batch_op.create_check_constraint(
                    batch_op.f(f"ck_{table_name}_{column_name}"), _one_of(column_name, values)
                )

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            "uq_submission_child_draft",
            ["child_id"],
            unique=True,
            sqlite_where=sa.text(CHILDS_DRAFT),
            postgresql_where=sa.text(CHILDS_DRAFT),
        )
        batch_op.create_index(
            "uq_submission_member_review",
            ["circle_member_id", "review_id"],
            unique=True,
            sqlite_where=sa.text(MEMBERS_PAPER),
            postgresql_where=sa.text(MEMBERS_PAPER),
        )


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("uq_submission_member_review")
        batch_op.drop_index("uq_submission_child_draft")

    for table_name, checks in reversed(list(CHECKED.items())):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for column_name, _values in reversed(checks):
                batch_op.drop_constraint(batch_op.f(f"ck_{table_name}_{column_name}"), type_="check")
