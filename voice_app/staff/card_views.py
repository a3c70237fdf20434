"""A card for a child: their QR code and short sign-in code, printed on A6 and handed to
them, for a child with no email or phone of their own (or one who lost their link)."""

from __future__ import annotations

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from voice_app.data import children, links
from voice_app.permissions import IROS, staff_required
from voice_app.staff import bp
from voice_app.staff.forms import ConfirmForm


@bp.app_template_filter("masked_link")
def masked_link(url: str) -> str:
    """A personal link as staff pages show it (see data.links.masked)."""
    return links.masked(url)


@bp.post("/children/<int:child_id>/card")
@staff_required(*IROS)
def card(child_id: int):
    """A new link and code, replacing the child's older ones, on a page made to print. It
    is shown once: the code is kept only as a keyed hash."""
    child = children.child_for(current_user, child_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        printed = links.print_card(current_user, child)
    except links.LeftCare:
        flash(_("%(name)s has left care, so they get no new link.", name=child.first_name))
        return redirect(url_for("staff.child", child_id=child.id, _anchor="personal-link"))
    qr_code = Markup(segno.make(printed.url, error="m").svg_inline(scale=4, title=None, omitsize=True))
    return render_template("staff/card.html", child=child, card=printed, qr_code=qr_code)
