"""The mail tests' fixtures: a real SMTP server (tests/smtp.py) and the pieces that talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from service.mail.config import SmtpConfig
from service.mail.message import MessageBuilder
from service.mail.render import Renderer, find_templates_dir
from service.mail.smtp import SmtpPool
from tests.smtp import SmtpServer

ZONE = ZoneInfo("Europe/Tirane")
MAIL_FROM = "Buletini i Shoqatës <buletin@shoqata.al>"


def pool_config(port: int, **overrides: Any) -> SmtpConfig:
    """Small timeouts and tiny backoffs: every test stays well under a second."""
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": "never",
        "helo_name": "buletin.test",
        "pool_size": 2,
        "rate_per_second": 0,
        "connect_timeout": 1.0,
        "command_timeout": 2.0,
        "attempts": 3,
        "backoff_seconds": 0.01,
        "backoff_max_seconds": 0.05,
    }
    values.update(overrides)
    return SmtpConfig(**values)


@pytest.fixture
async def pool(smtp_server: SmtpServer) -> AsyncIterator[SmtpPool]:
    async with SmtpPool(pool_config(smtp_server.port)) as smtp_pool:
        yield smtp_pool


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer(find_templates_dir(), ZONE, site_name="Buletin")


@pytest.fixture(scope="session")
def builder() -> MessageBuilder:
    return MessageBuilder(MAIL_FROM)


@pytest.fixture(scope="session")
def templates_dir() -> Path:
    return find_templates_dir()
