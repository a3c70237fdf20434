from flask import Blueprint

bp = Blueprint("child", __name__)

from voice_app.child import views  # noqa: E402,F401
