"""`buletin refresh-feeds`: stored feeds follow a changed SITE_NAME at once, not at the
next hourly refresh; `buletin worker` without a mail server says so in one line."""

from __future__ import annotations

import feedparser
import pytest

from service.feeds import snapshots
from service.feeds.rendering import refresh_all
from service.settings import Settings
from tests.cli import buletin
from tests.factories import entry

pytestmark = pytest.mark.usefixtures("db")


async def _title(path: str) -> str:
    stored = await snapshots.load(path)
    assert stored is not None
    return str(feedparser.parse(stored.body).feed.title)


async def test_refresh_feeds_renders_every_feed_with_the_new_site_name(
    settings: Settings,
) -> None:
    await entry("Lajm", en="News")
    await refresh_all(settings)
    assert await _title("en/news.rss") == "Buletin — News"

    code, out, err = await buletin(settings, "refresh-feeds", SITE_NAME="Shoqata e Bashkive")
    assert code == 0, err
    assert "changed" in out
    assert await _title("en/news.rss") == "Shoqata e Bashkive — News"
    assert await _title("sq/all.atom") == "Shoqata e Bashkive — Të gjitha"


async def test_a_worker_without_a_mail_server_refuses_in_one_line(settings: Settings) -> None:
    code, _, err = await buletin(settings, "worker", SMTP_URL="")
    assert code == 1
    assert err.strip() == "buletin worker: SMTP_URL is not set (the worker sends all mail)"
