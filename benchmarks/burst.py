"""The client side of the load and fault scripts: journalists sending the inquiry form.

Standard library only (threads and ``http.client``), so measuring needs no extra package.
Each connection behaves like one browser: it GETs the form once for the session cookie and
CSRF token, then POSTs submissions with them, never following the 303 to the receipt.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

FORM_PATH = "/missions/kazakhstan-2015/inquire"
BARE_PATH = "/inquiries"
MISSION_ZONE = "Asia/Almaty"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
KEY_MARK = re.compile(r"\[load #(\d+)\]")

PEOPLE = [
    ("Aigerim Bekova", "Vlast.kz", "online", "KZ", "+7 701 555 0123"),
    ("Dmitri Sokolov", "Kommersant", "print", "RU", None),
    ("Claire Martin", "Le Temps", "print", "CH", "+41 22 555 01 23"),
    ("James O'Neill", "Reuters", "news_agency", "GB", None),
    ("Nurlan Omarov", "Kazinform", "news_agency", "KZ", "+7 7172 55 01 23"),
    ("Sofia Petrenko", "RFE/RL", "radio", "CZ", None),
    ("Hannah Weiss", "Deutsche Welle", "tv", "DE", "+49 30 555 0123"),
    ("Maria Gonzalez", "freelance", "freelance", "ES", None),
    ("Arman Zhunusov", "Tengrinews", "online", "KZ", None),
    ("Li Wei", "Xinhua", "news_agency", "CN", None),
]
SUBJECTS = [
    ("interview", "Interview with the Special Rapporteur before the press conference"),
    ("comment", "Comment on the detention of protesters in Zhanaozen"),
    ("information", "Which cities will the expert visit?"),
    ("accreditation", "Accreditation for the end-of-mission press conference"),
    ("filming", "Filming at the meeting with civil society"),
    ("other", "Request for the final report's publication date"),
]
TOPICS = ["mission"] * 8 + ["other_experts", "general"]


@dataclass(frozen=True)
class Outcome:
    """One POST as the client saw it; status 0 means no answer (connection lost)."""

    key: int
    status: int
    ms: float
    location: str = ""
    body: str = ""


@dataclass
class Burst:
    """Every outcome of a run and its wall time."""

    outcomes: list[Outcome]
    seconds: float
    # The machine's 1-minute load average as the burst began: other work skews the figures.
    load: float = 0.0

    def accepted(self) -> list[Outcome]:
        """Answers that say the submission was stored: a 303 to the receipt."""
        return [o for o in self.outcomes if o.status == 303]

    def count(self, low: int, high: int) -> int:
        return sum(1 for o in self.outcomes if low <= o.status <= high)

    def throughput(self) -> float:
        return len(self.outcomes) / self.seconds if self.seconds else 0.0


def percentiles(samples: list[float], points: tuple[int, ...] = (50, 95, 99)) -> list[float]:
    """The given percentiles of ``samples`` (inclusive method: stays within the data)."""
    if len(samples) < 2:
        return [samples[0] if samples else 0.0 for _ in points]
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return [cuts[point - 1] for point in points]


def form_payload(key: int, now: datetime, rng: random.Random) -> dict[str, str]:
    """A valid, varied submission; ``key`` is written into the message to match rows later."""
    name, outlet, media, country, phone = rng.choice(PEOPLE)
    request_type, subject = rng.choice(SUBJECTS)
    handle = name.lower().replace(" ", ".").replace("'", "")
    has_email = phone is None or rng.random() < 0.7
    payload = {
        "name": name,
        "outlet": outlet,
        "media_type": media,
        "country": country,
        "email": f"{handle}+{key}@example.org" if has_email else "",
        "phone": phone or "",
        "language": rng.choice(["en", "en", "ru"]),
        "request_type": request_type,
        "topic": rng.choice(TOPICS),
        "subject": subject,
        "message": f"{subject}. Could the press office help, please? [load #{key}]",
        "deadline": "",
        "deadline_tz": MISSION_ZONE,
        "consent": "y",
        "website": "",
    }
    if rng.random() < 0.3:
        due = now + timedelta(hours=rng.randint(2, 72))
        payload["deadline"] = due.astimezone(ZoneInfo(MISSION_ZONE)).strftime("%Y-%m-%dT%H:%M")
    return payload


def payloads(count: int, seed: int = 2015) -> list[dict[str, str]]:
    """``count`` submissions, the same ones for the same seed (keys 1..count)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    return [form_payload(key, now, rng) for key in range(1, count + 1)]


def key_of(message: str) -> int | None:
    """The submission key written into a stored message, if any."""
    found = KEY_MARK.search(message)
    return int(found.group(1)) if found else None


class Browser:
    """One journalist's connection: keep-alive where the server allows it, and the cookies."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """(status, Location, body); a lost connection raises OSError or HTTPException."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for morsel in SimpleCookie(header).values():
                self.cookies[morsel.key] = morsel.value
        return response.status, response.headers.get("Location", ""), text

    def open_form(self, path: str = FORM_PATH) -> tuple[int, str]:
        """GET the form as a browser would, keeping the session cookie and the CSRF token.

        Returns the status and body, so that a caller can see why no token came.
        """
        status, _, text = self.request("GET", path)
        found = CSRF_INPUT.search(text) if status == 200 else None
        if found:
            self.csrf_token = found.group(1)
        return status, text

    def submit(self, key: int, path: str, fields: dict[str, str]) -> Outcome:
        """POST one submission and time it; a lost connection is status 0."""
        if self.csrf_token:
            fields = {**fields, "csrf_token": self.csrf_token}
        start = time.perf_counter()
        try:
            status, location, text = self.request("POST", path, fields)
        except (OSError, http.client.HTTPException) as error:
            return Outcome(key, 0, (time.perf_counter() - start) * 1000, body=repr(error))
        ms = (time.perf_counter() - start) * 1000
        # Bodies are kept only where they are evidence (errors), not for 2,000 receipts.
        return Outcome(key, status, ms, location, text if status >= 400 else "")

    def close(self) -> None:
        self.connection.close()


def run_burst(
    port: int,
    path: str,
    submissions: list[dict[str, str]],
    connections: int,
    with_form: bool,
) -> Burst:
    """Send every submission over ``connections`` concurrent browsers; time the POSTs only.

    Each browser first GETs the form (when ``with_form``); all then start together.
    """
    jobs = iter(enumerate(submissions, start=1))
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    ready = threading.Barrier(connections + 1)
    failures: list[BaseException] = []

    def next_job() -> tuple[int, dict[str, str]] | None:
        with lock:
            return next(jobs, None)

    def worker() -> None:
        browser = Browser(port)
        try:
            if with_form and (browser.open_form()[0] != 200 or not browser.csrf_token):
                raise RuntimeError(f"GET {FORM_PATH} gave no form with a CSRF token")
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            failures.append(error)
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return  # another browser could not open the form: the run is off
        mine = [browser.submit(key, path, fields) for key, fields in iter_jobs(next_job)]
        browser.close()
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        raise SystemExit(f"could not open the form: {failures[0]}") from None
    start, load = time.perf_counter(), os.getloadavg()[0]
    for thread in threads:
        thread.join()
    return Burst(sorted(outcomes, key=lambda o: o.key), time.perf_counter() - start, load)


def iter_jobs(
    next_job: Callable[[], tuple[int, dict[str, str]] | None],
) -> Iterator[tuple[int, dict[str, str]]]:
    while (job := next_job()) is not None:
        yield job


@dataclass
class Steady:
    """A steady background load for the fault script: ``threads`` browsers, until stopped."""

    port: int
    threads: int
    outcomes: list[tuple[float, Outcome]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _keys: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))
    _workers: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.started = time.monotonic()
        for number in range(self.threads):
            worker = threading.Thread(target=self._run, args=(number,), daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join()

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        browser = Browser(self.port, timeout=20.0)
        while not self._stop.is_set():
            with self._lock:
                key = next(self._keys)
            if not browser.csrf_token:
                self._open(browser, key)
                continue
            outcome = browser.submit(key, FORM_PATH, form_payload(key, datetime.now(UTC), rng))
            self._record(outcome)
            time.sleep(0.02)

    def _open(self, browser: Browser, key: int) -> None:
        """GET the form; while the database is down this is what fails (recorded as -key)."""
        start = time.perf_counter()
        try:
            status, text = browser.open_form()
        except (OSError, http.client.HTTPException) as error:
            status, text = 0, repr(error)
        if status != 200:
            ms = (time.perf_counter() - start) * 1000
            self._record(Outcome(-key, status, ms, body=text))
            time.sleep(0.2)

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append((time.monotonic() - self.started, outcome))
