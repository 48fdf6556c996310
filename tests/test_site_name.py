"""SITE_NAME: subscribers and feed readers know the organisation, not the software."""

from __future__ import annotations

import feedparser
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette

from service.audience.digests import plan_digest
from service.audience.enums import DigestFrequency
from service.settings import Settings
from service.staff.actors import SYSTEM
from tests.audience.digest_audience import subscriber
from tests.conftest import client_with
from tests.factories import days, entry, now
from tests.smtp import SmtpServer, list_id_of, raw_header, text_of
from tests.workers.conftest import relay_and_work

NAME = "Shoqata e Bashkive"


@pytest.mark.parametrize("name", ["Shoqata\r\nBcc: x@example.org", "Lista <x@y>", "   "])
def test_a_site_name_is_one_line_of_text(name: str) -> None:
    with pytest.raises(ValidationError, match="SITE_NAME"):
        Settings(debug=True, site_name=name)


async def test_pages_mails_digests_and_feeds_carry_the_organisations_name(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    named = worker_settings.model_copy(update={"site_name": NAME})
    await entry("Lajm i javës", en="News of the week", published_at=now() - days(1))
    await subscriber("reader@example.org", locales=("sq", "en"))

    async with client_with(app, named) as http:
        page = await http.post("/subscription", data={"email": "ana@example.org", "locales": "sq"})
        feed = feedparser.parse((await http.get("/feeds/en/news.rss")).content)
    assert page.status_code == 200
    assert NAME in page.text
    assert "Buletin" not in page.text
    assert feed.feed.title == f"{NAME} — News"

    await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    await relay_and_work(named, app)

    [confirmation] = smtp_server.to("ana@example.org")
    assert confirmation["Subject"] == f"Konfirmoni abonimin në {NAME}"
    [digest] = smtp_server.to("reader@example.org")
    assert list_id_of(digest)[0] == NAME
    text = " ".join(text_of(digest).split())  # the footer is wrapped at 72 columns
    assert f"because you subscribed to {NAME}." in text
    assert "Buletin" not in text


@pytest.mark.parametrize(
    "name", ['Bashkite per Evropen, "AKKSHI" (Tirane)', 'Bashkitë për Evropën, "AKKSHI" (Tiranë)']
)
async def test_a_received_digest_names_its_list_as_rfc_2919_says(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer, name: str
) -> None:
    named = worker_settings.model_copy(update={"site_name": name})
    await entry("Lajm i javës", published_at=now() - days(1))
    await subscriber("reader@example.org")
    await plan_digest(DigestFrequency.WEEKLY, actor=SYSTEM)
    await relay_and_work(named, app)

    [digest] = smtp_server.to("reader@example.org")
    list_name, list_id = list_id_of(digest)
    assert list_name == name
    assert list_id.startswith("weekly.digest.")
    assert f"<{list_id}>" in raw_header(digest, "List-Id")  # literal, never encoded
