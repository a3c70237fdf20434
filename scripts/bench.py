"""Speed and size figures for My Voice (`make bench`). A benchmark, not a test: it prints
numbers to compare between changes and never fails on them.

It seeds a throwaway SQLite database (scripts/bench_seed.py: one IRO, 200 children each
with a personal link, and a review with 60 papers), serves it with gunicorn as production
does (2 workers x 4 threads, CSRF and rate limits on) on a free port of 127.0.0.1, then:

1. one request at a time: the layout-only page, a child's question page and answer, the
   IRO's caseload and the 60-paper summary, so the workers' CPU time divided by the
   requests is exactly that page's cost;
2. 200 children at once (scripts/bench_load.py), their starts spread over a few seconds,
   each opening their link, starting, answering every question, checking and sending, with
   1.5 s between pages. A page is what a browser does for one tap: the request and, at
   once, its redirect. CPU is per request over the whole mix.

3. a council's first import of 10,000 children with 60,000 SSDA903 episodes, then the same
   files again as the nightly import does (scripts/bench_import.py; `--import-only` runs
   just this part, `--import-children N` changes the size, 0 leaves it out).

CPU is the gunicorn workers' user and system time (psutil). Each part ends with the CPU that
other processes on the machine took meanwhile: figures taken on a busy machine are disturbed.

`--profile` instead profiles the same pages in this process (scripts/bench_profile.py)."""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_import import run as import_figures  # noqa: E402
from bench_load import Browser, Record, answer, form_to, needs, run_children  # noqa: E402
from bench_seed import IRO_EMAIL, IRO_PASSWORD, Seeded, seed  # noqa: E402

WORKERS, THREADS = 2, 4
WARM_UP = 10


def build_database(folder: str, children: int) -> tuple[str, Seeded]:
    from voice_app import create_app
    from voice_app.data.database import db

    uri = f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        db.create_all()
        seeded = seed(children, spare=1)
        db.engine.dispose()
    return uri, seeded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the bench database on 127.0.0.1, as it would in production (behind
    one proxy, hence PROXY_COUNT=1 and each browser's own X-Forwarded-For)."""

    def __init__(self, folder: str, database_uri: str):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(folder) / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "NOTIFY_API_KEY")}
        env.update(
            VOICE_ENV="development",
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=database_uri,
            PUBLIC_BASE_URL=self.base_url,
            PROXY_COUNT="1",
        )
        command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread"]
        command += ["--workers", str(WORKERS), "--threads", str(THREADS)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.master = psutil.Process(self.process.pid)
        self.worker_pids: set[int] = set()

    def wait_until_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base_url}/", timeout=2) as response:
                    if response.status == 200 and len(self.master.children()) == WORKERS:
                        self.worker_pids = {p.pid for p in self.master.children()}
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """User and system CPU of the workers so far (the master only watches them)."""
        workers = self.master.children()
        if {p.pid for p in workers} != self.worker_pids:
            print("  warning: a gunicorn worker restarted; CPU figures are unreliable", file=sys.stderr)
            self.worker_pids = {p.pid for p in workers}
        return sum(sum(p.cpu_times()[:2]) for p in workers)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def one_at_a_time(server: Server, seeded: Seeded, rounds: int) -> tuple[Record, dict[str, float]]:
    record, cpu, setup = Record(), {}, Record()  # setup: signing in, warming up; not shown

    async def phase(browser: Browser, kind: str, method: str, path: str, data=None) -> None:
        for _ in range(WARM_UP):
            await browser.once(method, path, data, kind)
        browser.record = record
        before = server.cpu_seconds()
        for _ in range(rounds):
            await browser.once(method, path, data, kind)
        cpu[kind] = (server.cpu_seconds() - before) * 1000 / rounds
        browser.record = setup

    async with Browser(server.base_url, "10.9.0.1", setup) as visitor:
        await phase(visitor, "layout only (GET /)", "GET", "/")
    async with Browser(server.base_url, "10.9.0.2", setup) as child:
        page = await child.go("GET", f"/c/{seeded.spare_tokens[0]}")
        start = needs(form_to(page, "/my-voice/start-again"), "start")
        await child.go("POST", start.action, start.hidden)
        path = "/my-voice/questions/school"
        question = needs(form_to(await child.go("GET", path), path), "question")
        await phase(child, "child question page (GET)", "GET", path)
        await phase(child, "child answer (POST)", "POST", question.action, answer(question, 0, 0))
    async with Browser(server.base_url, "10.9.0.3", setup) as iro:
        sign_in = needs(form_to(await iro.go("GET", "/staff/sign-in"), "/staff/sign-in"), "sign-in")
        await iro.go("POST", sign_in.action, {**sign_in.hidden, "email": IRO_EMAIL, "password": IRO_PASSWORD})
        await phase(iro, f"IRO caseload ({len(seeded.child_tokens)} children)", "GET", "/staff/")
        await phase(iro, "IRO summary (60 papers)", "GET", f"/staff/reviews/{seeded.review_id}")
    return record, cpu


def machine_busy() -> float:
    """CPU seconds this machine has been busy (or had taken by its host, steal)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


def print_others(busy: float, ours: float, wall: float) -> None:
    others = max(0.0, busy - ours) / wall
    print(f"  other processes on this machine used {others:.2f} of {os.cpu_count()} cores meanwhile", end="")
    print(" (figures are disturbed)" if others > 0.2 else "")


def print_table(record: Record, cpu: dict[str, float], total: str | None = None) -> None:
    print(
        f"{'page':30} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} {'HTML KB':>8} {'gzip KB':>8}"
    )
    rows = [(kind, [kind]) for kind in record.seconds] + ([(total, list(record.seconds))] if total else [])
    for name, kinds in rows:
        p50, p95, p99 = record.latency_ms(kinds)
        cpu_ms = f"{cpu[name]:10.2f}" if name in cpu else " " * 10
        sizes = record.sizes.get(name) if len(kinds) == 1 else None
        if sizes:
            html = f"{sum(sizes) / len(sizes) / 1024:8.1f} {len(gzip.compress(record.samples[name])) / 1024:8.1f}"
        else:
            html = f"{'redirect' if len(kinds) == 1 else '':>8}"
        print(f"{name:30} {record.count(kinds):8d} {p50:7.1f} {p95:7.1f} {p99:7.1f} {cpu_ms} {html}")
    for error, count in record.errors.items():
        print(f"  error: {error} x {count}")


def bench(args: argparse.Namespace, folder: str) -> None:
    uri, seeded = build_database(folder, args.children)
    server = Server(folder, uri)
    try:
        server.wait_until_ready()
        print(
            f"My Voice benchmark: gunicorn, {WORKERS} workers x {THREADS} threads, SQLite, "
            f"{os.cpu_count()} CPUs\n"
        )
        print(f"1. One request at a time ({args.rounds} of each, after {WARM_UP} to warm up)")
        me, busy, server_before, wall = psutil.Process(), machine_busy(), server.cpu_seconds(), time.time()
        client_before = sum(me.cpu_times()[:2])
        record, cpu = asyncio.run(one_at_a_time(server, seeded, args.rounds))
        print_table(record, cpu)
        ours = server.cpu_seconds() - server_before + sum(me.cpu_times()[:2]) - client_before
        print_others(machine_busy() - busy, ours, time.time() - wall)

        print(
            f"\n2. {args.children} children at once, {args.pause} s between pages, "
            f"starts spread over {args.ramp} s"
        )
        busy, server_before, wall = machine_busy(), server.cpu_seconds(), time.perf_counter()
        client_before = sum(me.cpu_times()[:2])
        record, finished, failures = asyncio.run(
            run_children(server.base_url, seeded.child_tokens, args.pause, args.ramp, args.limit)
        )
        wall = time.perf_counter() - wall
        server_cpu = server.cpu_seconds() - server_before
        client_cpu = sum(me.cpu_times()[:2]) - client_before
        busy = machine_busy() - busy
        total = "all child requests"
        print_table(record, {total: server_cpu * 1000 / max(1, record.count())}, total)
        print(
            f"  {finished} of {args.children} journeys finished; {record.count()} requests in "
            f"{wall:.1f} s ({record.count() / wall:.0f} a second); {record.retries} retried"
        )
        print(
            f"  server CPU {server_cpu:.1f} s ({server_cpu / wall:.2f} of {os.cpu_count()} cores busy), "
            f"load generator {client_cpu:.1f} s ({client_cpu / wall:.2f} cores)"
        )
        print_others(busy, server_cpu + client_cpu, wall)
        for failure, count in failures.items():
            print(f"  failed journey: {failure} x {count}")
    finally:
        server.stop()


def print_assets() -> None:
    print("\nassets (what a phone downloads once):")
    for name in ("voice.css", "govuk-frontend.min.js", "voice.mjs"):
        data = (ROOT / "static" / "build" / name).read_bytes()
        print(f"  {name:24} {len(data) / 1024:7.1f} KB, {len(gzip.compress(data)) / 1024:6.1f} KB gzipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between a child's pages")
    parser.add_argument("--ramp", type=float, default=3.0, help="seconds over which children start")
    parser.add_argument("--rounds", type=int, default=200, help="requests of each one-at-a-time page")
    parser.add_argument("--limit", type=float, default=100, help="seconds before the load is stopped")
    parser.add_argument("--profile", action="store_true", help="profile in this process instead")
    parser.add_argument("--import-children", type=int, default=10_000, help="children in the import part")
    parser.add_argument("--import-only", action="store_true", help="only the import part")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.import_only:
            import_figures(folder, args.import_children)
            return
        if args.profile:
            from bench_profile import profile

            profile(*build_database(folder, args.children))
        else:
            bench(args, folder)
        if args.import_children:
            import_figures(folder, args.import_children)
    print_assets()


if __name__ == "__main__":
    main()
