"""Feeds: serving a stored feed beside a plain route, and re-rendering after a publish.

What it does, in one run:

1. creates a PostgreSQL database of its own (buletin_bench_<hex>), applies the migrations
   and loads the demo plus `--entries` synthetic published entries through the domain
   (bench/graphql_read.py's loader: sq and en, one to three topics each);
2. renders every feed once (service.feeds.rendering.refresh_all), then publishes one
   more entry and times what the worker does for it (refresh_for_entry: the affected
   feeds only), and a re-render of every feed after that publish;
3. starts one uvicorn process (uvloop, httptools) serving the Buletin app with an extra
   plain Starlette route, /plain, that answers the stored bytes of /feeds/sq/all.rss with
   the same headers; checks both answer the same bytes, then loads each in turn
   (wrk when installed, else an httpx client) and prints req/s and the ratio.

Run from the repository root:

    .venv/bin/python bench/feeds.py [--entries 1000] [--duration 4] [--rounds 7]

Target (issue 10): the stored feed at ≥ 0.8× the plain route.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from email.utils import format_datetime
from pathlib import Path

import httpx
from graphql_read import (
    HOST,
    LAUNCH_ENV,
    REPO,
    Target,
    checked_options,
    free_port,
    load_options,
    measure,
    pick_client,
    print_table,
    run_main,
    seeded_database,
    start,
    stop,
    versions,
)

from service.staff.actors import SYSTEM

TARGET = 0.8
FEED = "sq/all.rss"


async def render_figures() -> tuple[bytes, dict[str, str], list[str]]:
    """Render everything, publish one entry, re-render; the stored feed and its headers."""
    from service.content.actions import EntryData, TranslationData, create_entry
    from service.content.enums import EntryKind
    from service.content.publishing import publish_entry
    from service.db import orm
    from service.feeds import snapshots
    from service.feeds.rendering import refresh_all, refresh_for_entry
    from service.feeds.streams import CONTENT_TYPES, FeedFormat
    from service.settings import get_settings

    settings = get_settings()
    lines = []
    async with orm(settings):
        started = time.perf_counter()
        first = await refresh_all(settings)
        total = len(first.changed) + first.unchanged
        lines.append(f"first render of every feed: {total} feeds in {_since(started)}")

        created = await create_entry(
            EntryData(
                kind=EntryKind.NEWS,
                translations=[
                    TranslationData(locale="sq", title="Lajm i ri nga Korça", summary="Pak"),
                    TranslationData(locale="en", title="Fresh news from Korçë", summary="Brief"),
                ],
                topics=("bench-rinia", "bench-arsim"),
            ),
            actor=SYSTEM,
            settings=settings,
        )
        await publish_entry(created.id, actor=SYSTEM)
        started = time.perf_counter()
        touched = await refresh_for_entry(created.id, settings)
        lines.append(
            f"after a publish, the worker's job (affected feeds only): "
            f"{len(touched.changed)} changed, {touched.unchanged} rendered the same, "
            f"in {_since(started)}"
        )
        started = time.perf_counter()
        again = await refresh_all(settings)
        lines.append(
            f"re-render of every feed after that publish: {total} feeds "
            f"({len(again.changed)} changed) in {_since(started)}"
        )
        stored = await snapshots.load(FEED)
        if stored is None:
            raise RuntimeError(f"{FEED} was not stored")
    headers = {
        "ETag": stored.etag,
        "Last-Modified": format_datetime(stored.last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={settings.feed_max_age}",
        "Content-Type": CONTENT_TYPES[FeedFormat.RSS],
    }
    return stored.body, headers, lines


def _since(started: float) -> str:
    return _took(time.perf_counter() - started)


def _took(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


async def check_same(feed: Target, plain: Target) -> str:
    async with httpx.AsyncClient(timeout=10.0) as client:
        a, b = await client.get(feed.url), await client.get(plain.url)
    if a.status_code != 200 or b.status_code != 200 or a.content != b.content:
        raise RuntimeError(f"answers differ: {a.status_code} {b.status_code}")
    same = all(a.headers[h] == b.headers[h] for h in ("etag", "content-type", "last-modified"))
    if not same:
        raise RuntimeError(f"headers differ:\n{dict(a.headers)}\n{dict(b.headers)}")
    return f"/feeds/{FEED} == /plain: {len(a.content):,} bytes, same ETag and headers"


async def bench(args: argparse.Namespace, name: str, created: list[str]) -> int:
    client = pick_client(args)
    print(versions())
    seeded = await seeded_database(args, name, created)
    print(
        f"database {name}: {seeded.published} published entries ({seeded.demo_note}) "
        f"in {_took(seeded.seconds)}"
    )
    body, headers, lines = await render_figures()
    for line in lines:
        print(line)

    with tempfile.TemporaryDirectory(prefix="buletin-bench-") as tmp:
        scratch = Path(tmp)
        (scratch / "feed").write_bytes(body)
        env = {
            **LAUNCH_ENV,
            "DATABASE_URL": seeded.url,
            "REDIS_URL": args.redis,
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "BENCH_FEED_BODY": str(scratch / "feed"),
            "BENCH_FEED_HEADERS": json.dumps(headers),
        }
        port = free_port()
        argv = [sys.executable, str(REPO / "bench" / "_feeds_server.py"), "--host", HOST]
        server = Target("server", [*argv, "--port", str(port)], env, port, "GET", "/healthz")
        plain = Target("plain route", [], env, port, "GET", "/plain")
        feed = Target("stored feed", [], env, port, "GET", f"/feeds/{FEED}")
        targets = [plain, feed]
        try:
            await start(server, scratch)
            print(await check_same(feed, plain))
            print(
                f"load: {client}, {args.connections} keep-alive connections, "
                f"{args.duration} s per route, {args.rounds} round(s); one uvicorn process; "
                f"{os.cpu_count()} CPUs shared by client, server and PostgreSQL"
            )
            for round_ in range(args.rounds):
                # ABBA order: the machine's load drifts, and neither route should always go first.
                for target in targets if round_ % 2 == 0 else targets[::-1]:
                    run = await measure(target, args, client, scratch, warmup=round_ == 0)
                    target.runs.append(run)
                    print(f"  round {round_ + 1} {target.name}: {run.rps:.1f} req/s", flush=True)
        finally:
            await stop(server)

    print_table(targets, args.rounds)
    # Each round's two runs are back to back: their ratio is what the machine's drifting
    # load disturbs least, so the verdict is the median of those.
    paired = sorted(f.rps / p.rps for p, f in zip(plain.runs, feed.runs, strict=True) if p.rps)
    ratio = paired[(len(paired) - 1) // 2] if paired else 0.0
    base = plain.median().rps
    medians = feed.median().rps / base if base else 0.0
    print("ratios per round: " + ", ".join(f"{r:.2f}" for r in paired))
    verdict = "ok" if ratio >= TARGET else "BELOW TARGET"
    print(
        f"ratio stored feed: {ratio:.2f}× the plain route, median of the rounds' ratios "
        f"(of the median req/s: {medians:.2f}×; target ≥ {TARGET:.2f}) {verdict}"
    )
    if any(run.errors for t in targets for run in t.runs):
        print("some answers failed: the figures above are not valid")
        return 2
    return 0 if ratio >= TARGET else 1


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Feeds: serving and re-rendering figures.")
    load_options(parser, duration=4, entries=1000, rounds=7)
    return checked_options(parser, argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(bench, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
