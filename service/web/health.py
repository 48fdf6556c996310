"""Liveness and readiness for orchestrators and load balancers."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

log = logging.getLogger("buletin.health")
CHECK_TIMEOUT_SECONDS = 2.0


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _database_answers() -> bool:
    await Tortoise.get_connection("default").execute_query("SELECT 1")
    return True


async def _redis_answers(client: Redis) -> bool:
    return bool(await client.ping())


async def readyz(request: Request) -> JSONResponse:
    redis: Redis = request.app.state.redis
    checks = {"database": _database_answers(), "redis": _redis_answers(redis)}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            ok = await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
        except Exception as exc:  # any failure means "not ready", never a 500
            log.warning("readyz.failed check=%s error=%r", name, exc)
            ok = False
        results[name] = "ok" if ok else "unavailable"
    ready = all(v == "ok" for v in results.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": results},
        status_code=200 if ready else 503,
    )
