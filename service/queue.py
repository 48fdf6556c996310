"""The job queue (arq on Redis) as seen by the API and the workers."""

from __future__ import annotations

from arq.connections import ArqRedis, RedisSettings
from redis.asyncio import ConnectionPool

from service.redis import redis_timeouts, redis_url
from service.settings import Settings


def redis_settings(settings: Settings) -> RedisSettings:
    # A short connect timeout and few retries: a Redis outage must not stall requests; the
    # outbox keeps what could not be enqueued.
    parsed = RedisSettings.from_dsn(redis_url(settings))
    parsed.conn_timeout = 2
    parsed.conn_retries = 1
    parsed.conn_retry_delay = 0
    return parsed


def queue_pool(settings: Settings) -> ArqRedis:
    """The queue's client, with our timeouts: arq's RedisSettings has no socket timeout, and
    a Redis that never answers would hold the relay (and shutdown) forever."""
    pool = ConnectionPool.from_url(redis_url(settings), **redis_timeouts(settings))
    return ArqRedis(pool, default_queue_name=settings.queue_name)


async def create_queue(settings: Settings) -> ArqRedis:
    return queue_pool(settings)


class LazyQueue:
    """The API's handle on the queue: connects on first use, and again after a failure."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pool: ArqRedis | None = None

    async def enqueue_job(self, function: str, *args: object, _job_id: str) -> object:
        if self._pool is None:
            self._pool = await create_queue(self._settings)
        try:
            return await self._pool.enqueue_job(function, *args, _job_id=_job_id)
        except Exception:
            # Start afresh next time: the old connection may be what failed.
            pool, self._pool = self._pool, None
            await pool.aclose()
            raise

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
