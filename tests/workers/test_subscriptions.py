"""The confirmation mail end to end: a sign-up, the outbox, a worker, a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from service.audience.confirmation import ConfirmationResult, send_confirmation
from service.audience.enums import SubscriberStatus
from service.audience.models import Subscriber
from service.audience.subscriptions import confirm
from service.audience.throttle import SignUpThrottle
from service.delivery.engine import Courier
from service.mail.message import MessageBuilder
from service.mail.render import Renderer
from service.mail.smtp import SmtpPool
from service.settings import Settings
from tests.audience.conftest import pending, sign_up
from tests.smtp import SmtpServer, html_of, text_of
from tests.workers.conftest import relay_and_work

pytestmark = pytest.mark.usefixtures("db")
LINK = re.compile(r"https?://\S+/subscription/confirm\?token=[\w.\-]+")


Send = Callable[[int, int], Awaitable[ConfirmationResult]]


@pytest.fixture
async def send(worker_settings: Settings) -> AsyncIterator[Send]:
    """send_confirmation as the worker calls it, over a real pool."""
    renderer = Renderer.from_settings(worker_settings)
    builder = MessageBuilder.from_settings(worker_settings)
    async with SmtpPool.from_settings(worker_settings) as pool:
        courier = Courier(pool, renderer, builder, slots=1)

        async def call(subscriber_id: int, request: int) -> ConfirmationResult:
            return await send_confirmation(
                subscriber_id,
                request,
                courier=courier,
                settings=worker_settings,
            )

        yield call


async def test_a_bilingual_sign_up_gets_one_mail_in_both_languages_and_its_link_confirms(
    throttle: SignUpThrottle,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    await sign_up(throttle, worker_settings, email="Ana@Example.org", locales=("sq", "en"))
    await relay_and_work(worker_settings)

    [mail] = smtp_server.to("ana@example.org")
    assert (
        mail["Subject"] == "Konfirmoni abonimin në Buletin / Confirm your subscription to Buletin"
    )
    assert mail["Content-Language"] == "sq, en"
    assert mail["Auto-Submitted"] == "auto-generated"
    text = text_of(mail)
    assert text.index("Përshëndetje,") < text.index("Hello,")  # in the order chosen
    assert "Zgjodhët një përmbledhje javore." in text
    assert "You chose a weekly digest." in text
    html = html_of(mail)
    assert '<div lang="sq"' in html
    assert '<div lang="en"' in html
    assert "ana@example.org" in html
    links = set(LINK.findall(text)) | set(LINK.findall(html.replace("&amp;", "&")))
    [url] = links
    token = url.split("token=", 1)[1]
    row = await confirm(token, settings=worker_settings)
    assert row.status is SubscriberStatus.ACTIVE


async def test_an_english_sign_up_gets_an_english_mail(
    throttle: SignUpThrottle,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    await sign_up(throttle, worker_settings, email="john@example.org", locales=("en",))
    await relay_and_work(worker_settings)
    [mail] = smtp_server.to("john@example.org")
    assert mail["Subject"] == "Confirm your subscription to Buletin"
    assert mail["Content-Language"] == "en"
    assert "Përshëndetje" not in text_of(mail)


async def test_sending_twice_sends_one_mail_per_request(
    throttle: SignUpThrottle,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    send: Send,
) -> None:
    row = await pending(throttle, worker_settings)
    assert await send(row.id, 1) is ConfirmationResult.SENT
    assert await send(row.id, 1) is ConfirmationResult.ALREADY_SENT
    assert len(smtp_server.handler.messages) == 1
    # Asking again while pending is a new request: a fresh mail, once.
    await sign_up(throttle, worker_settings)
    assert await send(row.id, 2) is ConfirmationResult.SENT
    assert await send(row.id, 1) is ConfirmationResult.ALREADY_SENT
    assert await send(row.id, 2) is ConfirmationResult.ALREADY_SENT
    ids = [m["Message-ID"] for m in smtp_server.parsed()]
    assert len(ids) == len(set(ids)) == 2


async def test_a_temporary_refusal_leaves_the_request_to_be_sent_again(
    throttle: SignUpThrottle,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    send: Send,
) -> None:
    row = await pending(throttle, worker_settings)
    smtp_server.handler.data_replies = ["451 4.3.0 try later"] * worker_settings.smtp_attempts
    assert await send(row.id, 1) is ConfirmationResult.DEFERRED
    assert smtp_server.handler.messages == []
    assert await send(row.id, 1) is ConfirmationResult.SENT
    assert len(smtp_server.handler.messages) == 1


async def test_nothing_is_sent_to_an_address_confirmed_or_gone_before_the_job_ran(
    throttle: SignUpThrottle,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    send: Send,
) -> None:
    row = await pending(throttle, worker_settings)
    await Subscriber.filter(id=row.id).update(status=SubscriberStatus.SUPPRESSED)
    assert await send(row.id, 1) is ConfirmationResult.NOT_PENDING
    assert smtp_server.handler.messages == []
