"""The content version this process knows, kept current without a query per request.

Every content change bumps one row (`content_version`) inside its transaction. On
PostgreSQL a trigger on that row sends `NOTIFY buletin_content_version` (delivered at
commit), and each API process LISTENs on a connection of its own. A cheap periodic read
(CONTENT_VERSION_CHECK_SECONDS, 1 s by default) bounds staleness when a notification is
lost or the listener is reconnecting, and is all SQLite has. After a mutation of its own
a process reads the version at once, so its callers read their writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from service.content.actions import read_content_version

log = logging.getLogger("buletin.api")

# The same name as in migrations/0007_content_version_notify.py.
CHANNEL = "buletin_content_version"


def listen_dsn(database_url: str) -> str | None:
    """An asyncpg DSN for a PostgreSQL DATABASE_URL; None for SQLite."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "asyncpg", "psycopg"):
        return None
    # Tortoise's pool options (minsize, maxsize, …) mean nothing to a single connection.
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


class ContentVersions:
    def __init__(self, database_url: str, *, check_seconds: float) -> None:
        self._dsn = listen_dsn(database_url)
        self.check_seconds = check_seconds
        self.current = 0
        self._listener: asyncpg.Connection | None = None
        self._watching: asyncio.Task[None] | None = None

    def seen(self, version: int) -> None:
        # Versions only grow; a read that started before a commit must not undo a notice.
        if version > self.current:
            self.current = version

    async def refresh(self) -> int:
        self.seen(await read_content_version())
        return self.current

    async def start(self) -> None:
        """Read the version and start listening; call inside the ORM's context (lifespan)."""
        await self._listen()
        try:
            await self.refresh()
        except Exception as exc:  # a database not up yet: the periodic check keeps trying
            log.warning("content_version.read_failed error=%s", type(exc).__name__)
        self._watching = asyncio.create_task(self._watch(), name="content-versions")

    async def stop(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching
            self._watching = None
        await self._unlisten()

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def _listen(self) -> None:
        if self._dsn is None or self.listening:
            return
        await self._unlisten()
        try:
            connection = await asyncpg.connect(self._dsn, timeout=5)
            await connection.add_listener(CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("content_version.listen_failed error=%s", type(exc).__name__)
            return
        self._listener = connection

    async def _unlisten(self) -> None:
        connection, self._listener = self._listener, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=2)

    def _notified(self, connection: object, pid: int, channel: str, payload: object) -> None:
        with contextlib.suppress(ValueError, TypeError):
            self.seen(int(str(payload)))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self._listen()  # again, when the listener's connection was lost
                await self.refresh()
            except Exception as exc:  # a database outage must not end the watch
                log.warning("content_version.check_failed error=%s", type(exc).__name__)
