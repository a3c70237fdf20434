"""Speed and size figures for My Voice (`make bench`). A benchmark, not a test: it prints
numbers to compare between changes and never fails on them.

It builds a throwaway SQLite database with one IRO, 200 children and a review with 50 sent
submissions from the child and 10 from their circle, then times the busiest pages through the Flask test client (no network), counts
their SQL queries, and reports page and asset sizes."""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from voice_app import create_app  # noqa: E402
from voice_app.data.database import db  # noqa: E402
from voice_app.models import (  # noqa: E402
    AccessLink,
    Answer,
    Child,
    CircleMember,
    Review,
    StaffUser,
    Submission,
    hash_token,
    utcnow,
)

ROUNDS = 200
ANSWERS = {
    "home": ("4", "My carers are kind. " * 5),
    "family_time": ("2", "I only see my mum once a month."),
    "school": ("3", None),
    "worries": (None, "I worry about my little sister. " * 10),
    "attend": ("part", None),
    "advocate": ("yes", None),
}


@contextmanager
def counting(engine):
    statements = []

    def record(*args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def seed():
    iro = StaffUser(email="bench@example.org", name="Bench IRO", role="iro")
    iro.set_password("bench-password")
    db.session.add(iro)
    db.session.flush()
    today = date.today()
    children = []
    for number in range(200):
        child = Child(
            first_name=f"Child{number}",
            last_name="Bench",
            date_of_birth=date(2016, 1, 1),
            looked_after_since=today - timedelta(days=300),
            iro_id=iro.id,
        )
        db.session.add(child)
        children.append(child)
    db.session.flush()
    reviews = [
        Review(
            child_id=c.id,
            number=1,
            due_on=today + timedelta(days=20 + i % 60),
            scheduled_for=today + timedelta(days=20 + i % 60),
        )
        for i, c in enumerate(children)
    ]
    db.session.add_all(reviews)
    db.session.flush()
    for _ in range(50):
        db.session.add(
            Submission(
                child_id=children[0].id,
                review_id=reviews[0].id,
                form_key="child-8-12",
                form_version=1,
                status="sent",
                sent_at=utcnow(),
                answers=[Answer(question_key=k, choice=c, text=t) for k, (c, t) in ANSWERS.items()],
            )
        )
    for number in range(10):  # a circle of ten, each with a sent paper
        member = CircleMember(
            child_id=children[0].id,
            name=f"Person {number}",
            relationship_key="foster_carer",
            email=f"p{number}@example.org",
        )
        db.session.add(member)
        db.session.flush()
        db.session.add(
            Submission(
                child_id=children[0].id,
                circle_member_id=member.id,
                review_id=reviews[0].id,
                form_key="carer",
                form_version=1,
                status="sent",
                sent_at=utcnow(),
                answers=[Answer(question_key=k, choice=c, text=t) for k, (c, t) in ANSWERS.items()],
            )
        )
    db.session.add(
        AccessLink(
            token_hash=hash_token("bench-token"),
            child_id=children[1].id,
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    db.session.commit()
    return reviews[0].id


def time_page(client, path, engine):
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    with counting(engine) as statements:
        body = client.get(path).get_data()
    timings.sort()
    return {
        "median_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95)] * 1000,
        "queries": len(statements),
        "html_kb": len(body) / 1024,
        "html_gzip_kb": len(gzip.compress(body)) / 1024,
    }


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        with app.app_context():
            db.create_all()
            review_id = seed()
            engine = db.engine
        staff = app.test_client()
        staff.post("/staff/sign-in", data={"email": "bench@example.org", "password": "bench-password"})
        child = app.test_client()
        child.get("/c/bench-token")
        child.post("/my-voice/start-again")
        child.post("/my-voice/questions/home", data={"choice": "4", "text": "fine"})
        pages = {
            "child question page": (child, "/my-voice/questions/school"),
            "child check answers": (child, "/my-voice/check"),
            "IRO caseload (200 children)": (staff, "/staff/"),
            "summary (50 + 10 people)": (staff, f"/staff/reviews/{review_id}"),
        }
        print(f"My Voice benchmark: {ROUNDS} requests a page, Flask test client, SQLite\n")
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'HTML KB':>8} {'gzip KB':>8}")
        # No app context is held here: each request gets its own, as in production.
        for name, (client, path) in pages.items():
            r = time_page(client, path, engine)
            print(
                f"{name:32} {r['median_ms']:10.2f} {r['p95_ms']:8.2f} {r['queries']:8d} "
                f"{r['html_kb']:8.1f} {r['html_gzip_kb']:8.1f}"
            )
    print("\nassets (what a phone downloads once):")
    for name in ("voice.css", "govuk-frontend.min.js", "voice.mjs"):
        data = (ROOT / "static" / "build" / name).read_bytes()
        print(f"  {name:24} {len(data) / 1024:7.1f} KB, {len(gzip.compress(data)) / 1024:6.1f} KB gzipped")


if __name__ == "__main__":
    main()
