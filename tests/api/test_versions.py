"""Every API process learns of content changes without a query per request, within a bound."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from service.api.versions import ContentVersions
from service.content.actions import read_content_version
from service.settings import Settings
from service.staff.enums import StaffRole
from tests.conftest import Figure
from tests.factories import bearer, entry, staff, token_for
from tests.smtp import free_port
from tests.waiting import wait_serving, wait_until

QUERY = "{ entries { edges { node { title } } } }"


def on_postgres(settings: Settings) -> bool:
    return settings.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


async def bump_without_notifying(settings: Settings) -> int:
    async with in_transaction() as conn:
        if on_postgres(settings):
            # Triggers off for this transaction only: the NOTIFY is "lost".
            await conn.execute_script("SET LOCAL session_replication_role = replica")
        await conn.execute_script("UPDATE content_version SET version = version + 1 WHERE id = 1")
    return await read_content_version()


@pytest.fixture
async def versions(settings: Settings, db: None) -> AsyncIterator[ContentVersions]:
    tracker = ContentVersions(settings.database_url, check_seconds=0.1)
    await tracker.start()
    yield tracker
    await tracker.stop()


async def test_a_lost_notification_is_caught_by_the_periodic_check(
    versions: ContentVersions, settings: Settings, figure: Figure
) -> None:
    if on_postgres(settings):
        assert versions.listening
    new = await bump_without_notifying(settings)
    assert versions.current < new

    async def caught() -> bool:
        return versions.current == new

    took = await wait_until(caught, 5, every=0.02)
    figure(f"periodic check (every 0.1 s) caught the change after {took:.2f} s")


async def test_a_notification_needs_no_periodic_check(
    settings: Settings, db: None, figure: Figure
) -> None:
    if not on_postgres(settings):
        pytest.skip("PostgreSQL only: SQLite has no notifications")
    tracker = ContentVersions(settings.database_url, check_seconds=60)
    await tracker.start()
    try:
        before = tracker.current
        conn = Tortoise.get_connection("default")
        await conn.execute_script("UPDATE content_version SET version = version + 1 WHERE id = 1")

        async def notified() -> bool:
            return tracker.current > before

        took = await wait_until(notified, 5, every=0.02)
        figure(f"NOTIFY reached the listener after {took * 1000:.0f} ms")
    finally:
        await tracker.stop()


@pytest.fixture
async def two_servers(settings: Settings, tmp_path: Path, db: None) -> AsyncIterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "SECRET_KEY": settings.secret,
        "DEBUG": "0",
        "QUEUE_NAME": settings.queue_name,
        "LOGIN_THROTTLE_PREFIX": settings.login_throttle_prefix,
    }
    ports = [free_port(), free_port()]
    processes = []
    for number, port in enumerate(ports):
        log = (tmp_path / f"api{number}.log").open("wb")
        # The second is `serve --workers 2`: whichever of its processes answers must know.
        workers = ", '--workers', '2'" if number else ""
        processes.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from service.cli import main; "
                f"main(['serve', '--port', '{port}', '--log-level', 'warning'{workers}])",
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with httpx.AsyncClient() as http:
            logs = (tmp_path / "api0.log", tmp_path / "api1.log")
            for base, process in zip(bases, processes, strict=True):
                await wait_serving(
                    http,
                    f"{base}/healthz",
                    process,
                    log=lambda: "\n".join(p.read_text()[-2000:] for p in logs),
                    seconds=60,
                    every=0.02,
                )
        yield bases
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.wait_for(process.wait(), 20)


async def test_a_publish_through_one_server_is_served_by_the_other(
    two_servers: list[str], settings: Settings, figure: Figure
) -> None:
    first, second = two_servers
    await entry("Lajm")
    draft = await entry("I ri", publish=False)
    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))
    async with httpx.AsyncClient(timeout=10) as http:

        async def titles() -> list[str]:
            response = await http.get(f"{second}/graphql", params={"query": QUERY})
            return [e["node"]["title"] for e in response.json()["data"]["entries"]["edges"]]

        assert await titles() == ["Lajm"]
        assert await titles() == ["Lajm"]  # now from the second process's cache
        published = await http.post(
            f"{first}/graphql",
            json={
                "query": "mutation($id: ID!) { publishEntry(id: $id) { errors { code } } }",
                "variables": {"id": str(draft.id)},
            },
            headers=editor,
        )
        assert published.json() == {"data": {"publishEntry": {"errors": []}}}

        async def served() -> bool:
            return await titles() == ["I ri", "Lajm"]

        took = await wait_until(served, 5, every=0.02)
    figure(f"the other process served the publication after {took * 1000:.0f} ms")


async def test_a_lost_listener_reconnects_and_misses_nothing_meanwhile(
    versions: ContentVersions, settings: Settings
) -> None:
    if not on_postgres(settings):
        pytest.skip("PostgreSQL only: SQLite has no listener")
    conn = Tortoise.get_connection("default")
    # The server ends the listener's connection, as a restart or a proxy would.
    ended = await conn.execute_query_dict(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity "
        "WHERE query LIKE 'LISTEN %' AND datname = current_database()"
    )
    assert any(row["ended"] for row in ended)
    new = await bump_without_notifying(settings)

    async def caught_up() -> bool:
        return versions.current == new and versions.listening

    await wait_until(caught_up, 5, every=0.02)
    # Listening again: a plain change now arrives as a notification too.
    await conn.execute_script("UPDATE content_version SET version = version + 1 WHERE id = 1")

    async def notified() -> bool:
        return versions.current == new + 1

    await wait_until(notified, 5, every=0.02)
