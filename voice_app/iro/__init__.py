from flask import Blueprint

bp = Blueprint("iro", __name__, url_prefix="/staff")

from voice_app.iro import circle_views, invite_views, views  # noqa: E402,F401
