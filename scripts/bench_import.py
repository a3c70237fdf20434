"""How long a council's first import takes, and the nightly one after it (`make bench`, part 3;
or on its own: `.venv/bin/python scripts/bench_import.py [--children 10000]`).

Generates a children file, an SSDA903 Episodes file (six episodes a child: placement moves
ending X1, some children leaving care, some coming back) and a Reviews file, then imports
them into a throwaway SQLite database through `voice_app.data.imports` as the command does,
twice: the second run is the nightly import of unchanged files, which must change nothing."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EPISODES_PER_CHILD = 6
IROS = 40
TODAY = date(2026, 12, 1)


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def generate(children: int, seed: int = 903) -> tuple[bytes, bytes, bytes]:
    rng = random.Random(seed)
    child_lines = ["child_id,first_name,last_name,preferred_name,date_of_birth,iro_email,preferred_language"]
    episode_lines = [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    ]
    review_lines = ["CHILD,DOB,REVIEW,REVIEW_CODE"]
    for number in range(children):
        ref = f"B{number:06d}"
        born = TODAY - timedelta(days=rng.randint(365 * 4, 365 * 17))
        child_lines.append(
            f"{ref},First{number},Last{number},,{_uk(born)},iro{number % IROS}@example.org,"
            f"{rng.choice(['en', 'en', 'en', 'cy', 'pl'])}"
        )
        start = born + timedelta(days=rng.randint(100, 300))
        leaves, comes_back = rng.random() < 0.25, rng.random() < 0.1
        day = start
        for episode in range(EPISODES_PER_CHILD):
            length = rng.randint(20, 120)
            ends = day + timedelta(days=length)
            last = episode == EPISODES_PER_CHILD - 1
            if comes_back and episode == 2:
                episode_lines.append(
                    f"{ref},{_uk(day)},{'S' if episode == 0 else 'P'},C2,N1,U1,PR1,{_uk(ends)},E4A,,,,"
                )
                day = ends + timedelta(days=rng.randint(30, 200))
                continue
            rne = "S" if episode == 0 or (comes_back and episode == 3) else rng.choice("PLT")
            if last and not leaves:
                episode_lines.append(f"{ref},{_uk(day)},{rne},C2,N1,U1,PR1,,,,,,")
            else:
                episode_lines.append(
                    f"{ref},{_uk(day)},{rne},C2,N1,U1,PR1,{_uk(ends)},{'E13' if last else 'X1'},,,,"
                )
            day = ends
        held = start + timedelta(days=15)
        for _review in range(3):
            if held >= TODAY:
                break
            review_lines.append(f"{ref},{_uk(born)},{_uk(held)},{rng.choice(['PN1', 'PN6', 'PN5'])}")
            held += timedelta(days=150)
    return tuple(("\n".join(lines) + "\n").encode() for lines in (child_lines, episode_lines, review_lines))


def run(folder: str, children: int, database_url: str | None = None) -> None:
    from voice_app import create_app
    from voice_app.data import imports
    from voice_app.data.database import db
    from voice_app.models import StaffUser

    files = generate(children)
    uri = database_url or f"sqlite:///{folder}/import.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.drop_all()  # a database of its own: everything in it goes
        db.create_all()
        db.session.add_all(
            StaffUser(email=f"iro{n}@example.org", name=f"IRO {n}", role="iro") for n in range(IROS)
        )
        db.session.commit()
        episodes, held = (data.count(b"\n") - 1 for data in files[1:])
        where = db.engine.dialect.name
        print(f"\n3. Import: {children} children, {episodes} episodes, {held} reviews held ({where})")
        for label in ("first import", "same files again"):
            started = time.perf_counter()
            report = imports.apply(None, *files, today=TODAY)
            db.session.commit()
            took = time.perf_counter() - started
            if not report.ok:
                raise SystemExit("\n".join(p.in_words() for p in report.problems[:20]))
            print(
                f"  {label:18} {took:6.1f} s: added {report.added}, changed {report.changed}, "
                f"unchanged {report.unchanged}, left care {report.left_care}, "
                f"reviews recorded {report.reviews_recorded}"
            )
        started = time.perf_counter()
        imports.preview(*files, today=TODAY)
        print(f"  {'preview (no write)':18} {time.perf_counter() - started:6.1f} s")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument(
        "--database-url", help="a throwaway database to import into (it is emptied first); default SQLite"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(folder, args.children, args.database_url)


if __name__ == "__main__":
    main()
