from flask import Blueprint

bp = Blueprint("child", __name__)

from voice_app.child import code_views, message_views, views  # noqa: E402,F401
