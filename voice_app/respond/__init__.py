from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/your-views")

from voice_app.respond import views  # noqa: E402,F401
