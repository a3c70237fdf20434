"""Response headers for every page, and the per-request CSP nonce."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_security_headers(app: Flask) -> None:
    @app.context_processor
    def inject_nonce():
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = _content_security_policy(csp_nonce())
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # Personal links carry a token in the address: never leak it to another site.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = "camera=(), geolocation=(), microphone=(), payment=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Every page but the stylesheet and scripts may carry personal data.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


_LINK_TOKEN = re.compile(r"/c/[A-Za-z0-9_\-]+")


class HideLinkTokens(logging.Filter):
    """Access logs show "/c/[hidden]" instead of a personal link's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _LINK_TOKEN.sub("/c/[hidden]", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_hide(arg) for arg in record.args)
        elif isinstance(record.args, dict):  # gunicorn's access log passes its atoms as a dict
            record.args = {key: _hide(value) for key, value in record.args.items()}
        return True


def _hide(value):
    return _LINK_TOKEN.sub("/c/[hidden]", value) if isinstance(value, str) else value


def hide_tokens_in_access_logs() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideLinkTokens) for f in logger.filters):
            logger.addFilter(HideLinkTokens())
