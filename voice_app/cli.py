"""`flask --app wsgi voice ...` commands."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

voice_cli = AppGroup("voice", help="My Voice commands.")


@voice_cli.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print sign-in details and links as JSON.")
@click.option(
    "--base-url",
    default=None,
    help="Where the app is served, as in its links (default: the PUBLIC_BASE_URL setting).",
)
@click.option(
    "--allow-production", is_flag=True, help="Load demo accounts even in production (never on real data)."
)
def demo(as_json: bool, base_url: str | None, allow_production: bool) -> None:
    """Load the demo data (safe to run again) and print how to sign in."""
    from voice_app.demo import load_demo

    if current_app.config["VOICE_ENV"] == "production" and not allow_production:
        raise click.ClickException(
            "Refusing to load demo accounts with known passwords in production. "
            "Use --allow-production on a training copy only."
        )
    handover = load_demo()
    base_url = (base_url or current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    for child in handover["children"]:
        child["link"] = base_url + child["link_path"]
        for person in child["circle"]:
            person["link"] = base_url + person["link_path"]
    if as_json:
        click.echo(json.dumps(handover, indent=2))
        return
    click.echo(f"\nMy Voice demo is ready at {base_url}/\n")
    for person in handover["staff"]:
        click.echo(f"  {person['role']:8} {person['name']}: sign in at {base_url}/staff/sign-in")
        click.echo(f"           email {person['email']}  password {person['password']}")
    click.echo("\n  Children's personal links (open one on a phone):")
    for child in handover["children"]:
        click.echo(f"    {child['name']} (age {child['age']}): {child['link']}")
        for person in child["circle"]:
            click.echo(f"      {person['name']} ({person['relationship']}): {person['link']}")
    click.echo("")


@voice_cli.command("import")
@click.option(
    "--children", "children_file", type=click.File("rb"), required=True, help="The children file (CSV)."
)
@click.option("--episodes", "episodes_file", type=click.File("rb"), help="The SSDA903 Episodes file (CSV).")
@click.option("--reviews", "reviews_file", type=click.File("rb"), help="The SSDA903 Reviews file (CSV).")
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
def import_command(children_file, episodes_file, reviews_file, dry_run: bool) -> None:
    """Bring children in from the council's files (safe to run nightly: the same files again
    change nothing). A file with any problem imports nothing: every problem is listed and
    the command exits with status 1."""
    from sqlalchemy.exc import IntegrityError

    from voice_app.data import imports
    from voice_app.data.database import db

    children = children_file.read()
    episodes, reviews = (f.read() if f is not None else None for f in (episodes_file, reviews_file))
    report = (
        imports.preview(children, episodes, reviews)
        if dry_run
        else imports.apply(None, children, episodes, reviews)
    )
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.echo(problem.in_words(), err=True)
        raise click.ClickException(
            f"Nothing was imported: {len(report.problems)} problem(s) to correct in the files first."
        )
    if not dry_run:
        try:
            db.session.commit()
        except IntegrityError:
            # Another import added the same children a moment ago. The error's own text
            # would quote the rows, so it is not shown.
            db.session.rollback()
            raise click.ClickException(
                "Another import changed these children at the same time, so nothing was imported. "
                "Run it again."
            ) from None
    counts = (
        f"added {report.added}, changed {report.changed}, unchanged {report.unchanged}, "
        f"moved to another IRO {report.moved}, left care {report.left_care}, "
        f"back in care {report.back_in_care}, reviews recorded {report.reviews_recorded}"
    )
    click.echo(f"Dry run, nothing was changed. The import would have: {counts}" if dry_run else counts)


@voice_cli.command("send-due")
def send_due_command() -> None:
    """Open consultations that are due, send reminders, and send or retry messages.

    Safe to run any number of times (cron runs it hourly): nobody gets the same message twice."""
    from voice_app.data.invitations import send_due

    report = send_due()
    click.echo(
        f"invited {report.invited}, reminded {report.reminded}, alerts escalated {report.escalated}, "
        f"messages sent {report.sent}, not sent yet {report.failed}"
    )


@voice_cli.command("alerts")
def alerts_command() -> None:
    """Send urgent alerts nobody has acted on in time to the managers, and send or retry
    alert messages. Safe to run any number of times (cron runs it every few minutes)."""
    from voice_app.data.alerts import escalate_due
    from voice_app.data.messages import deliver_due

    escalated = escalate_due()
    delivered = deliver_due()
    click.echo(
        f"escalated {escalated}, messages sent {delivered['sent']}, not sent yet {delivered['failed']}"
    )


@voice_cli.command("purge")
def purge_command() -> None:
    """Delete what is past its retention (the RETAIN_* settings). Safe to run any number of
    times (cron runs it daily); it works in chunks, committing each."""
    from voice_app.data.retention import purge_due

    report = purge_due()
    click.echo(
        f"child records deleted {report.child_records}, circle members' details removed "
        f"{report.circle_members}, unsent drafts deleted {report.drafts}, "
        f"message bodies removed {report.message_bodies}, staff sessions deleted {report.staff_sessions}, "
        f"sign-in counts deleted {report.sign_in_attempts}, staff links deleted {report.staff_links}"
    )


@voice_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="Their full name (default: Administrator).")
def create_admin_command(email: str, name: str | None) -> None:
    """Create an administrator and print a one-time link for them to choose their password
    (the first administrator of a new service, or one more). Run again for an administrator
    who has not used their link yet, it prints a new link and stops the old one."""
    from voice_app.data import staff_accounts
    from voice_app.data.database import db
    from voice_app.staff.forms import EMAIL_PATTERN

    if not EMAIL_PATTERN.fullmatch(email.strip()):
        raise click.ClickException("Give an email address in the correct format, like name@example.com.")
    try:
        made = staff_accounts.create_admin(email, name)
    except staff_accounts.EmailInUse:
        raise click.ClickException(
            f"{email.strip()} already has an account, so nothing was changed. An administrator can "
            "send them a new link from the Staff pages, or they can use 'Forgotten your password?'."
        ) from None
    db.session.commit()
    hours = current_app.config["STAFF_LINK_HOURS"]
    if made.created:
        click.echo(f"Administrator {made.person.name} <{made.person.email}> created.")
    else:
        click.echo(
            f"{made.person.email} has not chosen a password yet: here is a new link (the old one has stopped)."
        )
    click.echo(f"Open this link within {hours} hours to choose a password (it works once):\n\n  {made.url}\n")
    click.echo("Keep it private: whoever opens it first can take the account.")
