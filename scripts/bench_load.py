"""The load generator: browsers made with aiohttp that read each form from the page (its
action, its hidden csrf_token, its radios and text boxes), post it back as a person would,
and follow redirects one hop at a time, timing every request on its own."""

from __future__ import annotations

import asyncio
import html
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

REDIRECTS = {301, 302, 303, 307, 308}
TAG = re.compile(r"<(/?form|input|textarea)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w:-]+)(?:\s*=\s*"([^"]*)")?')
SENTENCES = (
    "It is OK. I like my room and my carer makes good tea.",
    "I want to see my brother more, maybe every week.",
    "School is hard sometimes because of maths but my teacher helps.",
    "I like football on Saturdays with my friends.",
)


class BenchError(Exception):
    """A page did not answer as a person using the service would expect."""


@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # text boxes and text areas


def forms(page: str) -> list[Form]:
    found: list[Form] = []
    current = None
    for tag, attributes in TAG.findall(page):
        tag = tag.lower()
        attrs = {k.lower(): html.unescape(v) for k, v in ATTRIBUTE.findall(attributes)}
        if tag == "form":
            current = Form(attrs.get("action", ""))
            found.append(current)
        elif tag == "/form":
            current = None
        elif current is not None and "name" in attrs:
            kind = attrs.get("type", "text").lower() if tag == "input" else "textarea"
            if kind == "hidden":
                current.hidden[attrs["name"]] = attrs.get("value", "")
            elif kind == "radio":
                current.radios.setdefault(attrs["name"], []).append(attrs.get("value", ""))
            elif kind in ("text", "textarea", "email", "password"):
                current.texts.append(attrs["name"])
    return found


def form_to(page: str, fragment: str) -> Form | None:
    """The first form on the page whose action contains `fragment`."""
    return next((form for form in forms(page) if fragment in form.action), None)


def answer(form: Form, person: int, step: int) -> dict[str, str]:
    """Sensible answers that vary by child and question: a choice for every question that
    has one, and some words for every text-only question and every third other one."""
    data = dict(form.hidden)
    for name, values in form.radios.items():
        data[name] = values[(person + step) % len(values)]
    for name in form.texts:
        if not form.radios or (person + step) % 3 == 0:
            data[name] = SENTENCES[(person + step) % len(SENTENCES)]
    return data


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


class Record:
    """Every request's time, status and size, by kind of page, in order of first sight."""

    def __init__(self):
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.sizes: dict[str, list[int]] = defaultdict(list)
        self.samples: dict[str, bytes] = {}
        self.errors: Counter[str] = Counter()
        self.retries = 0

    def add(self, kind: str, seconds: float, status: int, body: bytes) -> None:
        self.seconds[kind].append(seconds)
        if status == 200:
            self.sizes[kind].append(len(body))
            self.samples.setdefault(kind, body)
        elif status not in REDIRECTS:
            self.errors[f"{kind}: HTTP {status}"] += 1

    def count(self, kinds=None) -> int:
        return sum(len(self.seconds[k]) for k in (kinds or self.seconds))

    def latency_ms(self, kinds) -> tuple[float, float, float]:
        ordered = sorted(s for k in kinds for s in self.seconds[k])
        if not ordered:
            return (math.nan,) * 3
        return tuple(percentile(ordered, q) * 1000 for q in (0.50, 0.95, 0.99))


def child_kind(method: str, path: str) -> str:
    where = urlsplit(path).path
    if where.startswith("/c/"):
        return "open link (redirect)"
    if where == "/my-voice":
        return "start page"
    if where.startswith("/my-voice/questions/"):
        return "answer (POST, redirect)" if method == "POST" else "question page"
    return {
        "/my-voice/start-again": "start (POST, redirect)",
        "/my-voice/check": "check answers",
        "/my-voice/send": "send (POST, redirect)",
        "/my-voice/sent": "sent page",
        "/my-voice/heard": "told what happens next (not safe)",
    }.get(where, where)


def on_this_machine(location: str) -> str:
    parts = urlsplit(location)
    if parts.netloc and parts.hostname != "127.0.0.1":
        raise BenchError(f"redirect away from the bench server: {parts.netloc}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """One person's browser: their own cookies, connection and (through X-Forwarded-For,
    as behind a proxy) address, so the per-address rate limits see 200 phones."""

    def __init__(self, base_url: str, address: str, record: Record, kind_of=None):
        self.record = record
        self.kind_of = kind_of
        self.http = aiohttp.ClientSession(
            base_url,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # keeps cookies for 127.0.0.1
            connector=aiohttp.TCPConnector(limit=1),
            headers={"X-Forwarded-For": address},
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.http.close()

    async def once(self, method: str, path: str, data=None, kind: str | None = None):
        """One request, no redirect followed; a keep-alive connection the server has just
        closed is tried once more."""
        kind = kind or (self.kind_of(method, path) if self.kind_of else path)
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                async with self.http.request(method, path, data=data, allow_redirects=False) as response:
                    body = await response.read()
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                if attempt == 2:
                    raise
                self.record.retries += 1
                continue
            self.record.add(kind, time.perf_counter() - start, response.status, body)
            return response.status, body, response.headers.get("Location")
        raise AssertionError("unreachable")

    async def go(self, method: str, path: str, data=None) -> str:
        """A page as a person sees it: the request, then its redirects at once."""
        for _ in range(5):
            status, body, location = await self.once(method, path, data)
            if status in REDIRECTS and location:
                method, path, data = "GET", on_this_machine(location), None
                continue
            if status != 200:
                raise BenchError(f"{method} {path} answered {status}")
            return body.decode()
        raise BenchError(f"too many redirects from {path}")


# The "Continue" button of the page a child sees after saying they do not feel safe.
HEARD_CONTINUE = re.compile(r'<a href="(/my-voice/questions/[^"]*|/my-voice/check)"[^>]*class="govuk-button"')


def needs(form: Form | None, what: str) -> Form:
    if form is None:
        raise BenchError(f"no {what} form on the page")
    return form


async def child_journey(browser: Browser, token: str, person: int, pause: float) -> None:
    """Open the link, start, answer every question, check, send: a page every `pause` s."""
    page = await browser.go("GET", f"/c/{token}")
    await asyncio.sleep(pause)
    start = needs(form_to(page, "/my-voice/start-again"), "start")
    page = await browser.go("POST", start.action, start.hidden)
    step = 0
    while (question := form_to(page, "/my-voice/questions/")) is not None:
        await asyncio.sleep(pause)
        page = await browser.go("POST", question.action, answer(question, person, step))
        step += 1
        heard = HEARD_CONTINUE.search(page)
        if heard is not None:  # they said they do not feel safe: told what happens, then on
            await asyncio.sleep(pause)
            page = await browser.go("GET", html.unescape(heard.group(1)))
        if step > 40:
            raise BenchError("the questions never end")
    await asyncio.sleep(pause)
    send = needs(form_to(page, "/my-voice/send"), "send")
    await browser.go("POST", send.action, send.hidden)


def address(person: int) -> str:
    return f"10.0.{person // 250}.{person % 250 + 1}"


async def run_children(base_url: str, tokens: list[str], pause: float, ramp: float, limit: float):
    """Every child's journey at once, their starts spread evenly over `ramp` seconds; after
    `limit` seconds whatever is left is cancelled. Returns (record, finished, failures)."""
    record, failures = Record(), Counter()

    async def one(person: int, token: str) -> bool:
        await asyncio.sleep(ramp * person / len(tokens))
        async with Browser(base_url, address(person), record, child_kind) as browser:
            try:
                await child_journey(browser, token, person, pause)
                return True
            except (BenchError, aiohttp.ClientError, TimeoutError, UnicodeDecodeError) as error:
                failures[f"{type(error).__name__}: {str(error)[:80]}"] += 1
                return False

    tasks = [asyncio.create_task(one(n, token)) for n, token in enumerate(tokens)]
    done, pending = await asyncio.wait(tasks, timeout=limit)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        failures[f"still going after {limit:.0f} s, stopped"] += len(pending)
    finished = sum(1 for task in done if task.result())
    return record, finished, failures
