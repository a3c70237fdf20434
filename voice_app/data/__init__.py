"""The data layer: the only code that queries or writes models and the session.

Each module holds the named functions for one part of the domain. They take and return
models (or small dataclasses built from them), raise domain errors rather than HTTP
errors, and never commit: the request hook commits once (see database.py)."""
