"""Refuses what no page of the service asks for before any view reads it: no page takes a
file, so a request carrying one gets a kind page saying so, never a confused form."""

from __future__ import annotations

from flask import Flask, request

from voice_app.error_pages import render_error_page


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_files():
        if request.files:
            return render_error_page("errors/400.html", 400)
        return None
