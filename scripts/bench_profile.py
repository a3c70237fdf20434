"""Where a page's server CPU goes (`scripts/bench.py --profile`): the bench's pages served
in this process by the Flask test client, on the same seed, CSRF on as in production.

Only the app's own work is measured: the WSGI app is wrapped, so the test client's work is
left out. Each page gets its CPU without the profiler, its SQL statements, then a cProfile
run whose own time is shared out by part (templates, SQL, session and CSRF...). Time in
builtins and the standard library goes to the part that called it. cProfile slows
pure-Python code (Jinja, SQLAlchemy) more than C, so read the shares, not the sums."""

from __future__ import annotations

import cProfile
import pstats
import re
import time
from collections import defaultdict

from bench_load import answer, form_to, needs
from bench_seed import ANSWERS, IRO_EMAIL, IRO_PASSWORD, Seeded
from sqlalchemy import event

ROUNDS = 200
PARTS = (  # first match wins, on "file:function"
    ("SQL: SQLAlchemy, sqlite3", ("/sqlalchemy/", "/flask_sqlalchemy/", "sqlite3")),
    ("templates: Jinja, markupsafe", ("/jinja2/", "/markupsafe/", "/templates/", "flask/templating.py")),
    ("session, CSRF, forms", ("/flask_wtf/", "/itsdangerous/", "/wtforms/", "flask/sessions.py")),
    ("translations: flask_babel, babel", ("/flask_babel/", "/babel/")),
    ("login, rate limits", ("/flask_login/", "/flask_limiter/", "/limits/")),
    ("Flask, Werkzeug: routing, url_for, request", ("/flask/", "/werkzeug/")),
    ("app code: voice_app", ("/voice_app/",)),
)


def part_of(func) -> str | None:
    where = f"{func[0]}:{func[2]}"
    return next((name for name, marks in PARTS if any(m in where for m in marks)), None)


def own_time_by_part(stats: pstats.Stats) -> dict[str, float]:
    """Each function's own time goes to its part; a builtin's or the standard library's
    to its callers' parts, in proportion to the time each call path spent in it."""
    table, shares = stats.stats, {}

    def share(func) -> dict[str, float]:
        if func in shares:
            return shares[func]
        part = part_of(func)
        if part:
            shares[func] = {part: 1.0}
            return shares[func]
        shares[func] = {"other": 1.0}  # until known; also ends call cycles
        callers = table.get(func, (0, 0, 0, 0, {}))[4]
        total = sum(edge[2] for edge in callers.values())
        if total:
            mixed = defaultdict(float)
            for caller, edge in callers.items():
                for name, fraction in share(caller).items():
                    mixed[name] += fraction * edge[2] / total
            shares[func] = dict(mixed)
        return shares[func]

    result = defaultdict(float)
    for func, (_, _, own, _, _) in table.items():
        for name, fraction in share(func).items():
            result[name] += own * fraction
    return result


def measure(app, label: str, request, engine) -> None:
    inner, cpu, profiler = app.wsgi_app, [0.0], cProfile.Profile()
    statements = []

    def count(*_):
        statements.append(1)

    def timed(environ, start_response):
        start = time.process_time()
        try:
            return inner(environ, start_response)
        finally:
            cpu[0] += time.process_time() - start

    def profiled(environ, start_response):
        profiler.enable()
        try:
            return inner(environ, start_response)
        finally:
            profiler.disable()

    for _ in range(10):  # warm up
        request()
    app.wsgi_app = timed
    event.listen(engine, "before_cursor_execute", count)
    for _ in range(ROUNDS):
        request()
    event.remove(engine, "before_cursor_execute", count)
    app.wsgi_app = profiled
    for _ in range(ROUNDS):
        request()
    app.wsgi_app = inner

    stats = pstats.Stats(profiler)
    parts = own_time_by_part(stats)
    total = sum(parts.values())
    print(
        f"\n{label}: {cpu[0] * 1000 / ROUNDS:.2f} ms CPU a request without the profiler, "
        f"{len(statements) / ROUNDS:.0f} SQL statements a request"
    )
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {name:44} {seconds * 1000 / ROUNDS:6.2f} ms {seconds / total:6.1%}")
    print("  top functions by own time (ms a request, calls a request):")
    ranked = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:10]
    for (file, line, name), (_, calls, own, _, _) in ranked:
        where = "/".join(file.split("/")[-2:])
        print(f"    {own * 1000 / ROUNDS:6.2f} {calls / ROUNDS:6.0f}  {where}:{line} {name}"[:110])


def profile(uri: str, seeded: Seeded) -> None:
    from voice_app import create_app
    from voice_app.data.database import db

    app = create_app(
        {
            "VOICE_ENV": "development",
            "SECRET_KEY": "bench-profile",
            "SQLALCHEMY_DATABASE_URI": uri,
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        engine = db.engine
    print(f"My Voice profile: Flask test client in one process, SQLite, {ROUNDS} requests a page")

    visitor = app.test_client()
    measure(app, "layout only (GET /)", lambda: visitor.get("/"), engine)

    child = app.test_client()
    page = child.get(f"/c/{seeded.child_tokens[1]}", follow_redirects=True).text
    start = needs(form_to(page, "/my-voice/start-again"), "start")
    child.post(start.action, data=start.hidden)
    path = "/my-voice/questions/school"
    question = needs(form_to(child.get(path).text, path), "question")
    data = answer(question, 0, 0)
    measure(app, "(a) child question page (GET)", lambda: child.get(path), engine)
    measure(app, "(a) child answer (POST)", lambda: child.post(question.action, data=data), engine)

    staff = app.test_client()
    sign_in = needs(form_to(staff.get("/staff/sign-in").text, "/staff/sign-in"), "sign-in")
    staff.post(sign_in.action, data={**sign_in.hidden, "email": IRO_EMAIL, "password": IRO_PASSWORD})
    summary = f"/staff/reviews/{seeded.review_id}"
    measure(app, "(b) IRO summary (60 papers)", lambda: staff.get(summary), engine)

    body = staff.get(summary).text
    print(f"\n  the summary is {len(body.encode()) / 1024:.0f} KB, of which:")
    faces = re.findall(r"<svg.*?</svg>", body, re.DOTALL)
    print(f"    {'inline faces (svg)':22} x {len(faces):3d} = {sum(map(len, faces)) / 1024:6.1f} KB")
    for key, (_, text) in ANSWERS.items():
        if text and len(text) > 40:
            count = body.count(text.strip())
            print(f"    {key + ' answer text':22} x {count:3d} = {len(text) * count / 1024:6.1f} KB")
