"""Alerts: read what a child said, record what was done; the service's open alerts."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from voice_app.data import alerts
from voice_app.forms import form_errors
from voice_app.permissions import IROS, MANAGERS, staff_required
from voice_app.staff import bp
from voice_app.staff.forms import AlertActionForm
from voice_app.vocabulary import AlertKind, AlertOutcome


@bp.get("/alerts")
@staff_required(*MANAGERS)
def open_alerts():
    """Every open alert in the service, oldest first, for the duty manager."""
    return render_template("staff/alerts.html", alerts=alerts.open_alerts_for(current_user))


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@staff_required(*IROS, *MANAGERS)
def alert(alert_id: int):
    alert = alerts.alert_for(current_user, alert_id)
    form = AlertActionForm()
    if alert.kind != AlertKind.CONCERN:
        # Only a possible concern can turn out not to be one: an urgent alert needs action.
        form.outcome.choices = [c for c in form.outcome.choices if c.value == AlertOutcome.ACTED]
    if form.validate_on_submit():
        alerts.record_action(
            current_user,
            alert,
            form.action_taken.data,
            form.who_was_told.data,
            AlertOutcome(form.outcome.data),
        )
        return redirect(url_for("staff.alert", alert_id=alert.id))
    errors = form_errors(form, radios=("outcome",))
    return render_template("staff/alert.html", alert=alert, form=form, errors=errors), (
        400 if errors else 200
    )
