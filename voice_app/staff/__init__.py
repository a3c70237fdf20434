from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from voice_app.staff import alert_views, card_views, circle_views, invite_views, summary_views, views  # noqa: E402,F401
