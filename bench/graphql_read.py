"""Read throughput of the home-page query on a running Buletin API, beside a raw baseline.

What it does, in one run:

1. creates a PostgreSQL database of its own (buletin_bench_<hex>), applies the migrations and
   loads content: the demo (service.content.demo.seed_demo, when it is there) plus
   `--entries` synthetic published entries in sq and en with one to three topics each,
   written through service.content.actions like real content;
2. starts three servers on 127.0.0.1, each one uvicorn process (uvloop, httptools):
   the API (`buletin serve`) with RESULT_CACHE=0, the API with RESULT_CACHE=1, and the
   baselines (bench/_baseline.py: the same page from raw asyncpg on plain Starlette, and
   the same page's bytes made once, from a plain Starlette route, over GET and POST);
3. checks the baseline's JSON equals the API's `data`, then loads each server for
   `--duration` seconds after a warm-up with `--connections` keep-alive connections
   (wrk when installed, else an httpx client), counting every answer that is not a 200
   or that carries GraphQL `errors` (Strawberry answers those with a 200);
4. prints req/s, p50 and p99 per server and the API/baseline ratios, then stops the
   servers and drops the database, also on Ctrl-C.

Run from the repository root:

    .venv/bin/python bench/graphql_read.py [--duration 10] [--connections 8] [--entries 60]

Targets (issues 2 and 11): cache off ≥ 0.25x the asyncpg baseline; cache hits over GET and
over POST ≥ 0.5x the plain-bytes route with the same method, as the median of 3 rounds
(every round measures every server once, in turn, so drift on a shared machine hits all).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import httpx

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the load never leaves this machine
TARGET_OFF = 0.25
# The servers' environment, taken before anything here starts Tortoise: Tortoise's init writes
# TIMEZONE=UTC and USE_TZ into os.environ, and Settings reads TIMEZONE as its own (the API would
# then answer in UTC). Settings the baseline hard-codes are left at their defaults.
BASELINE_FIXED = {"TIMEZONE", "USE_TZ", "LOCALES", "DEFAULT_LOCALE", "FRONTEND_URL"}
LAUNCH_ENV = {k: v for k, v in os.environ.items() if k.upper() not in BASELINE_FIXED}
TARGET_HIT = 0.50

HOME_QUERY = """\
query HomePage {
  entries(first: 20) {
    edges {
      node {
        id
        kind
        locale
        title
        slug
        summary
        url
        publishedAt
        topics { slug name }
        translations { locale slug title }
        ... on Event { startsAt venue }
        ... on OpenCall { deadline applyUrl }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
HOME_BODY = json.dumps({"query": HOME_QUERY, "operationName": "HomePage"}).encode()
HOME_GET = "/graphql?" + urlencode({"query": HOME_QUERY, "operationName": "HomePage"})
JSON_HEADERS = {"Content-Type": "application/json"}

# Answers are bad when not a 200, or when they carry GraphQL errors (`"errors"` can only
# appear unescaped as a key: inside a string its quotes would be backslash-escaped).
WRK_SCRIPT = """\
wrk.method = {method}
{body}
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  seen = 0
end

function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad, total_seen = 0, 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    total_seen = total_seen + t:get("seen")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {{"requests":%d,"duration_us":%d,"p50_us":%f,"p99_us":%f,' ..
    '"socket_errors":%d,"status_errors":%d,"bad":%d,"seen":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, total_bad, total_seen))
end
"""
WRK_BODY = """\
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open({path}, "rb"))
wrk.body = f:read("*a")
f:close()"""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Target:
    """One server under test: how to start it and how to ask it for the home page."""

    name: str
    argv: list[str]
    env: dict[str, str]
    port: int
    method: str  # "GET" or "POST"
    path: str
    body: bytes | None = None
    runs: list[Run] = field(default_factory=list)
    process: asyncio.subprocess.Process | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.path}"

    def median(self) -> Run:
        """The run with the median req/s (rounds are odd or the lower middle one)."""
        ordered = sorted(self.runs, key=lambda r: r.rps)
        return ordered[(len(ordered) - 1) // 2]


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    if not sorted_values:
        return math.nan
    index = max(0, math.ceil(pct / 100 * len(sorted_values)) - 1)
    return sorted_values[index]


# --------------------------------------------------------------------------- database


def admin_dsn(base: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))


async def create_database(base: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn(base))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(base: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn(base))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SYNTHETIC_TOPICS = (
    ("bench-kulture", "Kulturë", "Culture"),
    ("bench-mjedis", "Mjedis", "Environment"),
    ("bench-rinia", "Rinia", "Youth"),
    ("bench-arsim", "Arsim", "Education"),
    ("bench-shendetesi", "Shëndetësi", "Health"),
    ("bench-qeverisje", "Qeverisje vendore", "Local government"),
)
PLACES = ("Tiranë", "Durrës", "Shkodër", "Korçë", "Vlorë", "Elbasan", "Berat", "Gjirokastër")
SQ_WORDS = _words(
    "bashkia njofton qytetarët se takimi publik për buxhetin e vitit të ardhshëm do të "
    "mbahet në sallën e këshillit bashkiak ku organizatat e shoqërisë civile ftohen të "
    "paraqesin propozimet e tyre për projektet e komunitetit"
)
EN_WORDS = _words(
    "the municipality informs residents that the public hearing on next year's budget "
    "will take place in the council hall where civil society organisations are invited "
    "to present their proposals for community projects"
)


def _sentence(rng: random.Random, words: Sequence[str], count: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(count))
    return text[0].upper() + text[1:] + "."


# The domain functions move as the content package grows; look them up where they live now.
DOMAIN_MODULES = (
    "service.content.inputs",
    "service.content.publishing",
    "service.content.topics",
    "service.content.actions",
)


def domain(name: str) -> Any:
    """service.content's `name`, from the first module that defines it."""
    for module_name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    raise ImportError(f"no {name} in {', '.join(DOMAIN_MODULES)}")


async def load_content(entries: int) -> tuple[str, int]:
    """Demo content (if the module is there) plus `entries` synthetic published entries."""
    entry_data, translation_data = domain("EntryData"), domain("TranslationData")
    create_entry, publish_entry = domain("create_entry"), domain("publish_entry")
    save_topic = domain("save_topic")
    from service.content.enums import EntryKind
    from service.content.models import Entry
    from service.db import orm
    from service.settings import get_settings
    from service.staff.actors import SYSTEM

    settings = get_settings()
    demo_note = "demo: not loaded"
    async with orm(settings):
        try:
            from service.content.demo import seed_demo
        except ImportError as exc:
            demo_note = f"demo: not available ({exc})"
        else:
            try:
                report = await seed_demo(settings)
                demo_note = f"demo: {report.created} entries, {report.topics} topics"
            except Exception as exc:  # someone else's work in progress must not stop the bench
                demo_note = f"demo: failed ({exc!r}), synthetic content only"

        for position, (slug, sq, en) in enumerate(SYNTHETIC_TOPICS, start=1):
            await save_topic(
                slug, {"sq": sq, "en": en}, position=100 + position, actor=SYSTEM, settings=settings
            )
        topic_slugs = [slug for slug, _, _ in SYNTHETIC_TOPICS]

        rng = random.Random(20261101)
        now = datetime.now(UTC).replace(microsecond=0)
        kinds = (EntryKind.NEWS, EntryKind.EVENT, EntryKind.CALL)
        for i in range(entries):
            kind = kinds[i % 3]
            place = PLACES[i % len(PLACES)]
            sq_title = f"{_sentence(rng, SQ_WORDS, 6)[:-1]} në {place} ({i + 1})"
            en_title = f"{_sentence(rng, EN_WORDS, 6)[:-1]} in {place} ({i + 1})"
            data = entry_data(
                kind=kind,
                translations=[
                    translation_data(
                        locale="sq",
                        title=sq_title,
                        summary=_sentence(rng, SQ_WORDS, 30),
                        body=f"<p>{_sentence(rng, SQ_WORDS, 120)}</p>",
                    ),
                    translation_data(
                        locale="en",
                        title=en_title,
                        summary=_sentence(rng, EN_WORDS, 30),
                        body=f"<p>{_sentence(rng, EN_WORDS, 120)}</p>",
                    ),
                ],
                topics=rng.sample(topic_slugs, rng.randint(1, 3)),
                organisers=f"Bashkia {place}",
                starts_at=now + timedelta(days=i % 40 + 1, hours=10)
                if kind is EntryKind.EVENT
                else None,
                venue=f"Pallati i Kulturës, {place}" if kind is EntryKind.EVENT else None,
                deadline=now + timedelta(days=i % 50 + 10) if kind is EntryKind.CALL else None,
                apply_url=f"https://example.org/apply/{i + 1}" if kind is EntryKind.CALL else None,
            )
            entry = await create_entry(data, actor=SYSTEM, settings=settings)
            # Spread over the last days, a few minutes apart: a stable newest-first order.
            await publish_entry(
                entry.id, actor=SYSTEM, at=now - timedelta(hours=2 * i + 1, minutes=i % 7)
            )
        published = await Entry.filter(status="published").count()
    return demo_note, published


async def prepare_database(db_url: str, entries: int) -> tuple[str, int]:
    from service.db import apply_migrations
    from service.settings import get_settings

    # The domain functions read get_settings(): point it at the bench database.
    os.environ.update({"DATABASE_URL": db_url, "SECRET_KEY": "bench", "DEBUG": "0"})
    get_settings.cache_clear()
    await apply_migrations(get_settings())
    return await load_content(entries)


@dataclass(frozen=True)
class Seeded:
    url: str
    demo_note: str
    published: int
    seconds: float


async def seeded_database(args: argparse.Namespace, name: str, created: list[str]) -> Seeded:
    """Database `name` on --pg, migrated and loaded with content; listed in `created` as soon
    as it exists, so run() drops it whatever happens next."""
    url = database_url(args.pg, name)
    await create_database(args.pg, name)
    created.append(name)
    started = time.perf_counter()
    demo_note, published = await prepare_database(url, args.entries)
    return Seeded(url, demo_note, published, time.perf_counter() - started)


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


async def start(target: Target, logs: Path, wait_s: float = 30.0) -> None:
    if not target.argv:
        return  # another target's process serves it
    target.log_path = logs / f"{target.name.replace(' ', '_')}.log"
    with target.log_path.open("wb") as log:
        target.process = await asyncio.create_subprocess_exec(
            *target.argv, cwd=REPO, env=target.env, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
    deadline = time.monotonic() + wait_s
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            if target.process.returncode is not None:
                raise RuntimeError(f"{target.name} exited at start:\n{log_tail(target)}")
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get(f"http://{HOST}:{target.port}/healthz")
                if answer.status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{target.name} not healthy in {wait_s:.0f} s:\n{log_tail(target)}"
                )
            await asyncio.sleep(0.1)


async def stop(target: Target) -> None:
    process = target.process
    if process is None or process.returncode is not None:
        return
    process.terminate()  # uvicorn shuts down gracefully on SIGTERM
    try:
        await asyncio.wait_for(process.wait(), 10)
    except TimeoutError:
        process.kill()
        await process.wait()


def log_tail(target: Target, lines: int = 30) -> str:
    if target.log_path is None or not target.log_path.exists():
        return "(no log)"
    return "\n".join(target.log_path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- checking


async def fetch(target: Target) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        answer = await client.request(
            target.method, target.url, content=target.body, headers=JSON_HEADERS
        )
    if answer.status_code != 200:
        raise RuntimeError(f"{target.name}: HTTP {answer.status_code}: {answer.text[:500]}")
    payload: dict[str, Any] = answer.json()
    if payload.get("errors"):
        raise RuntimeError(f"{target.name}: GraphQL errors: {payload['errors']}")
    return payload


def differences(expected: Any, actual: Any, path: str = "data") -> Iterator[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                yield f"{path}.{key}: missing in the API answer"
            elif key not in expected:
                yield f"{path}.{key}: missing in the baseline"
            else:
                yield from differences(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{path}: {len(expected)} items in the baseline, {len(actual)} in the API"
        for i, (a, b) in enumerate(zip(expected, actual, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif expected != actual:
        yield f"{path}: baseline {expected!r} != API {actual!r}"


def check_same(baseline: dict[str, Any], api: dict[str, Any], name: str) -> str:
    """Fail unless the API's `data` is the baseline's; the line to print when it is."""

    def keys(payload: dict[str, Any]) -> list[tuple[str, str, str]]:
        edges = payload["data"]["entries"]["edges"]
        return [(e["node"]["id"], e["node"]["title"], e["node"]["slug"]) for e in edges]

    base_keys, api_keys = keys(baseline), keys(api)
    if base_keys != api_keys:
        raise RuntimeError(
            f"{name}: the baseline serves other entries than the API "
            f"(baseline ids {[k[0] for k in base_keys]}, API ids {[k[0] for k in api_keys]})"
        )
    diffs = list(differences(baseline["data"], api["data"]))
    if diffs:
        shown = "\n  ".join(diffs[:10])
        raise RuntimeError(f"{name}: same entries, but {len(diffs)} fields differ:\n  {shown}")
    kinds = sorted({e["node"]["kind"] for e in api["data"]["entries"]["edges"]})
    return (
        f"baseline == {name} data: {len(api_keys)} entries in the same order "
        f"({', '.join(kinds)}), every field equal"
    )


# --------------------------------------------------------------------------- load


async def load_wrk(
    target: Target, duration: int, connections: int, threads: int, scratch: Path
) -> Run:
    body = ""
    if target.body is not None:
        body_path = scratch / "body.json"
        body_path.write_bytes(target.body)
        body = WRK_BODY.format(path=json.dumps(str(body_path)))
    script = scratch / f"{target.name.replace(' ', '_')}.lua"
    script.write_text(WRK_SCRIPT.format(method=json.dumps(target.method), body=body))
    process = await asyncio.create_subprocess_exec(
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        target.url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    lines = [ln for ln in out.decode().splitlines() if ln.startswith("WRKJSON ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode()} {out.decode()}")
    stats = json.loads(lines[-1].removeprefix("WRKJSON "))
    errors = stats["bad"] + stats["socket_errors"] + (stats["requests"] - stats["seen"])
    return Run(
        requests=stats["requests"],
        seconds=stats["duration_us"] / 1e6,
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
        errors=max(errors, 0),
    )


async def load_httpx(target: Target, duration: float, connections: int) -> Run:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    answer = await client.request(
                        target.method, target.url, content=target.body, headers=JSON_HEADERS
                    )
                    ok = answer.status_code == 200 and b'"errors"' not in answer.content
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                failures += not ok

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Run(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=failures,
    )


async def measure(
    target: Target, args: argparse.Namespace, client: str, scratch: Path, warmup: bool
) -> Run:
    if client == "wrk":
        if warmup and args.warmup > 0:
            await load_wrk(target, args.warmup, args.connections, args.wrk_threads, scratch)
        return await load_wrk(target, args.duration, args.connections, args.wrk_threads, scratch)
    if warmup and args.warmup > 0:
        await load_httpx(target, args.warmup, args.connections)
    return await load_httpx(target, args.duration, args.connections)


# --------------------------------------------------------------------------- main


def build_targets(db_url: str, redis_url: str) -> list[Target]:
    base_env = {k: v for k, v in LAUNCH_ENV.items() if k.upper() != "RESULT_CACHE"}
    api_env = {
        **base_env,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "bench",
        "REDIS_URL": redis_url,
        "DEBUG": "0",
    }
    baseline_port = free_port()
    baseline_argv = [sys.executable, str(REPO / "bench" / "_baseline.py")]
    baseline_env = {**base_env, "DATABASE_URL": db_url}
    targets = [
        Target("baseline", baseline_argv, baseline_env, baseline_port, "GET", "/home"),
        # Served by the baseline's process (argv empty: nothing more to start).
        Target("plain bytes GET", [], baseline_env, baseline_port, "GET", "/bytes"),
        Target("plain bytes POST", [], baseline_env, baseline_port, "POST", "/bytes", HOME_BODY),
    ]
    # The baseline's log level: neither side writes an access log line a request.
    api_argv = [str(VENV_BIN / "buletin"), "serve", "--log-level", "warning"]
    off_port, on_port = free_port(), free_port()
    off_env = {**api_env, "RESULT_CACHE": "0"}
    on_env = {**api_env, "RESULT_CACHE": "1"}
    targets += [
        Target(
            "graphql cache off", list(api_argv), off_env, off_port, "POST", "/graphql", HOME_BODY
        ),
        Target("graphql hit GET", list(api_argv), on_env, on_port, "GET", HOME_GET),
        Target("graphql hit POST", [], on_env, on_port, "POST", "/graphql", HOME_BODY),
    ]
    for target in targets:
        if target.argv:
            target.argv += ["--host", HOST, "--port", str(target.port)]
    return targets


def versions() -> str:
    names = ("strawberry-graphql", "graphql-core", "tortoise-orm", "asyncpg", "uvicorn", "uvloop")
    found = []
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found.append(f"{name} {metadata.version(name)}")
    return f"Python {sys.version.split()[0]}, " + ", ".join(found)


def print_table(targets: Sequence[Target], rounds: int) -> None:
    suffix = f" (median of {rounds} rounds)" if rounds > 1 else ""
    print(f"\n{'server':<20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}{suffix}")
    for target in targets:
        run = target.median()
        print(
            f"{target.name:<20} {run.rps:>9.1f} {run.p50_ms:>8.2f} {run.p99_ms:>8.2f} "
            f"{run.errors:>7}"
        )
    if rounds > 1:
        for target in targets:
            print(f"  {target.name}: " + ", ".join(f"{r.rps:.0f}" for r in target.runs) + " req/s")


def pick_client(args: argparse.Namespace) -> str:
    """The load client --client asks for; `auto` is wrk when it is installed."""
    if args.client == "auto":
        return "wrk" if shutil.which("wrk") else "httpx"
    if args.client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk), use --client httpx")
    return str(args.client)


async def bench(args: argparse.Namespace, name: str, created: list[str]) -> int:
    client = pick_client(args)
    print(versions())
    seeded = await seeded_database(args, name, created)
    print(
        f"database {name}: {seeded.published} published entries "
        f"({args.entries} synthetic; {seeded.demo_note}) in {seeded.seconds:.1f} s"
    )
    if seeded.published < 21:
        raise RuntimeError("fewer than 21 published entries: the page would not be full")

    targets = build_targets(seeded.url, args.redis)
    with tempfile.TemporaryDirectory(prefix="buletin-bench-") as tmp:
        scratch = Path(tmp)
        try:
            await asyncio.gather(*(start(t, scratch) for t in targets))
            baseline, *others = targets
            expected = await fetch(baseline)
            for other in others:
                print(check_same(expected, await fetch(other), other.name))
            print(
                f"load: {client}"
                + (f" ({args.wrk_threads} thread)" if client == "wrk" else "")
                + f", {args.connections} keep-alive connections, {args.duration} s per server"
                f" after {args.warmup} s warm-up, {args.rounds} round(s); "
                f"{os.cpu_count()} CPUs shared by client, servers and PostgreSQL"
            )
            for round_ in range(args.rounds):
                for target in targets:
                    run = await measure(target, args, client, scratch, warmup=round_ == 0)
                    target.runs.append(run)
                    print(
                        f"  round {round_ + 1} {target.name}: {run.rps:.1f} req/s, "
                        f"{run.errors} errors",
                        flush=True,
                    )
        finally:
            await asyncio.gather(*(stop(t) for t in targets))

    print_table(targets, args.rounds)
    by_name = {t.name: t.median().rps for t in targets}
    status = 0
    goals = (
        ("graphql cache off", "baseline", TARGET_OFF),
        ("graphql hit GET", "plain bytes GET", TARGET_HIT),
        ("graphql hit POST", "plain bytes POST", TARGET_HIT),
        ("graphql hit GET", "baseline", None),
    )
    for name, against, goal in goals:
        ratio = by_name[name] / by_name[against] if by_name[against] else 0.0
        if goal is None:
            print(f"ratio {name} / {against}: {ratio:.2f}×")
            continue
        verdict = "ok" if ratio >= goal else "BELOW TARGET"
        print(f"ratio {name} / {against}: {ratio:.2f}× (target ≥ {goal:.2f}) {verdict}")
        if ratio < goal:
            status = 1
    if any(run.errors for t in targets for run in t.runs):
        print("some answers failed: the figures above are not valid")
        status = 2
    return status


# A bench: given its options, the name of its database and the list run() drops, an exit code.
Bench = Callable[[argparse.Namespace, str, list[str]], Awaitable[int]]


async def run(bench: Bench, args: argparse.Namespace) -> int:
    name = f"buletin_bench_{secrets.token_hex(5)}"
    created: list[str] = []
    task = asyncio.current_task()
    if task is not None:
        # SIGTERM cleans up like Ctrl-C does (asyncio.run turns SIGINT into a cancellation).
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await bench(args, name, created)
    finally:
        if created:
            # Shielded: a Ctrl-C that cancelled the bench must not also cancel the cleanup.
            await asyncio.shield(drop_database(args.pg, name))
            print(f"database {name} dropped")


def load_options(
    parser: argparse.ArgumentParser, *, duration: int, entries: int, rounds: int
) -> None:
    """The options every HTTP load bench shares (this one and bench/feeds.py)."""
    parser.add_argument("--duration", type=int, default=duration, help="seconds measured each")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up each")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--entries", type=int, default=entries, help="synthetic entries to add")
    parser.add_argument("--rounds", type=int, default=rounds, help="measure each N times")
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (CPU it takes)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server DSN")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="REDIS_URL")


def checked_options(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None
) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.rounds < 1 or args.entries < 0:
        parser.error("--duration, --connections and --rounds must be ≥ 1, --entries ≥ 0")
    return args


def run_main(bench: Bench, args: argparse.Namespace) -> int:
    try:
        return asyncio.run(run(bench, args))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted", file=sys.stderr)
        return 130


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Home-page query throughput: Buletin API (cache off/on) vs raw asyncpg."
    )
    load_options(parser, duration=10, entries=60, rounds=3)
    return checked_options(parser, argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(bench, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
