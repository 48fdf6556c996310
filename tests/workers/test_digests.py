"""Digests end to end: plan, freeze, batches through real workers, and what a real SMTP
server received, parsed message by message."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from service.audience.digest_errors import DigestError
from service.audience.digests import plan_digest
from service.audience.enums import DeliveryStatus, DigestFrequency, DigestStatus, SubscriberStatus
from service.audience.models import Delivery, Digest, Subscriber
from service.content.enums import EntryKind
from service.settings import Settings
from service.staff.actors import SYSTEM
from tests.audience.digest_audience import many_subscribers, subscriber
from tests.cli import buletin
from tests.conftest import Figure
from tests.factories import days, entry, now, topic
from tests.smtp import SmtpServer, html_of, raw_header, text_of
from tests.workers.conftest import relay, run_worker
from workers.settings import build_worker

WEEKLY = DigestFrequency.WEEKLY


async def send_weekly(settings: Settings) -> Digest:
    digest = await plan_digest(WEEKLY, actor=SYSTEM)
    await relay(settings)
    await run_worker(settings)
    return await Digest.get(id=digest.id)


async def content() -> None:
    """A week's news: one social-services article, one environment event, plus a call
    published a month ago that closes in five days (it rides along)."""
    await topic("sociale", "Shërbime sociale", "Social services")
    await topic("mjedis", "Mjedis", "Environment")
    await entry(
        "Qendra e re sociale në Korçë",
        en="New social centre in Korçë",
        topics=("sociale",),
        published_at=now() - days(2),
    )
    await entry(
        "Pastrimi i lumit Osum",
        en="Cleaning the Osum river",
        kind=EntryKind.EVENT,
        topics=("mjedis",),
        starts_at=now() + days(3),
        venue="Berat",
        published_at=now() - days(1),
    )
    await entry(
        "Grante për OShC-të mjedisore",
        en="Grants for environmental CSOs",
        kind=EntryKind.CALL,
        topics=("mjedis",),
        deadline=now() + days(5),
        published_at=now() - days(30),
    )


async def test_a_digest_reaches_each_active_subscriber_once_with_their_choices(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    await content()
    await subscriber("drita@example.org", locales=["sq"])
    await subscriber("john@example.org", locales=["en"], kinds=["news"])
    await subscriber("both@example.org", locales=["sq", "en"], topics=["mjedis"])
    await subscriber("calls@example.org", kinds=["call"])  # the call is not new: no mail
    await subscriber("daily@example.org", frequency=DigestFrequency.DAILY)
    await subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    await subscriber("left@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    await subscriber("bounced@example.org", status=SubscriberStatus.SUPPRESSED)

    digest = await send_weekly(worker_settings)

    recipients = Counter(str(m["To"]) for m in smtp_server.parsed())
    assert recipients == {"drita@example.org": 1, "john@example.org": 1, "both@example.org": 1}
    assert digest.status is DigestStatus.SENT
    assert digest.recipients == 3

    [drita] = smtp_server.to("drita@example.org")
    assert drita["Subject"] == "Buletini javor: 2 të reja"
    assert drita["Content-Language"] == "sq"
    assert drita.get_content_type() == "multipart/alternative"
    text = text_of(drita)
    assert "Qendra e re sociale në Korçë" in text
    assert "Pastrimi i lumit Osum" in text
    assert "Grante për OShC-të mjedisore" in text  # closing soon: rides along
    # Times name their zone, as readers abroad would otherwise read them as their own.
    assert re.search(r"Kur: .+, \d\d:\d\d \(Ora: Shqipëri\)\n", text)
    assert re.search(r"Afati i fundit: .+, \d\d:\d\d \(Ora: Shqipëri\)\n", text)
    assert re.search(r"\d\d:\d\d</strong> \(Ora: Shqipëri\)", html_of(drita))
    assert "New social centre" not in text
    assert f"/digests/{digest.id}/sq" in text  # the web version
    assert "https://example.org/sq/news/qendra-e-re-sociale-ne-korce" in html_of(drita)

    [john] = smtp_server.to("john@example.org")
    assert john["Subject"] == "Weekly digest: 1 new"
    assert john["Content-Language"] == "en"
    assert "New social centre in Korçë" in text_of(john)
    assert "Osum" not in text_of(john)  # an event: not one of his kinds
    assert "Grants" not in text_of(john)

    [both] = smtp_server.to("both@example.org")
    assert both["Subject"] == "Buletini javor: 1 e re / Weekly digest: 1 new"
    assert both["Content-Language"] == "sq, en"
    assert "Pastrimi i lumit Osum" in text_of(both)
    assert "Cleaning the Osum river" in text_of(both)
    assert re.search(r"When: .+, \d\d:\d\d \(Albania Time\)\n", text_of(both))
    assert "sociale" not in text_of(both).lower()  # not one of her topics

    for message in (drita, john, both):
        unsubscribe, mailto = (t.strip() for t in str(message["List-Unsubscribe"]).split(","))
        assert unsubscribe.startswith("<http")
        assert "/unsubscribe?token=" in unsubscribe
        assert mailto.startswith("<mailto:")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "weekly.digest." in str(message["List-Id"])
        assert unsubscribe.strip("<>") in text_of(message)
        assert "/subscription/preferences?token=" in text_of(message)
    delivery = await Delivery.get(subscriber__email="john@example.org")
    assert john["Message-ID"].startswith(f"<digest-{digest.id}.{delivery.id}@")
    statuses = Counter(d.status for d in await Delivery.filter(digest_id=digest.id))
    assert statuses == {DeliveryStatus.ACCEPTED: 3, DeliveryStatus.SKIPPED: 1}

    # Run again: the ledger sends nothing twice.
    await run_worker(worker_settings)
    assert len(smtp_server.handler.messages) == 3


async def test_nothing_new_makes_no_digest(app: Starlette, db: None) -> None:
    await entry(
        "Thirrje e vjetër",
        kind=EntryKind.CALL,
        deadline=now() + days(3),
        published_at=now() - days(20),
    )
    await subscriber()
    with pytest.raises(DigestError) as refused:
        await plan_digest(WEEKLY, actor=SYSTEM)
    assert refused.value.errors[0].code.value == "NOTHING_TO_SEND"
    assert await Digest.all().count() == 0


async def test_the_next_digest_carries_only_what_came_after_the_last(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    await subscriber("drita@example.org")
    await entry("Lajmi i parë", published_at=now() - days(3))
    first = await send_weekly(worker_settings)
    with pytest.raises(DigestError):
        await plan_digest(WEEKLY, actor=SYSTEM)  # nothing since
    await entry("Lajmi i dytë")
    second = await send_weekly(worker_settings)
    assert second.period_start == first.period_end
    [_, latest] = smtp_server.to("drita@example.org")
    assert "Lajmi i dytë" in text_of(latest)
    assert "Lajmi i parë" not in text_of(latest)


async def test_a_550_suppresses_the_address_and_a_451_is_retried(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    await entry("Lajm", published_at=now() - days(1))
    gone = await subscriber("gone@example.org")
    await subscriber("later@example.org")
    smtp_server.handler.rcpt_replies = ["550 5.1.1 no such user"]
    smtp_server.handler.data_replies = ["451 4.3.0 try later"]
    await send_weekly(worker_settings)

    assert [str(m["To"]) for m in smtp_server.parsed()] == ["later@example.org"]
    bounced = await Subscriber.get(id=gone.id)
    assert bounced.status is SubscriberStatus.SUPPRESSED
    assert bounced.suppressed_reason is not None
    assert "550" in bounced.suppressed_reason
    failed = await Delivery.get(subscriber_id=gone.id)
    assert failed.status is DeliveryStatus.FAILED

    await entry("Lajm tjetër")
    await send_weekly(worker_settings)  # the suppressed address is not planned again
    assert await Delivery.filter(subscriber_id=gone.id).count() == 1


async def test_two_workers_on_one_digest_send_each_message_once(
    app: Starlette, db: None, worker_settings: Settings, smtp_server: SmtpServer, figure: Figure
) -> None:
    settings = worker_settings.model_copy(update={"digest_batch_size": 20})
    await entry("Lajm", published_at=now() - days(1))
    await many_subscribers(300)
    await plan_digest(WEEKLY, actor=SYSTEM)
    await relay(settings)
    await asyncio.gather(run_worker(settings), run_worker(settings))

    ids = Counter(str(m["To"]) for m in smtp_server.parsed())
    figure(f"two workers: {sum(ids.values())} messages to {len(ids)} addresses")
    assert len(ids) == 300
    assert max(ids.values()) == 1
    assert await Delivery.filter(status=DeliveryStatus.ACCEPTED).count() == 300


async def test_the_web_version_shows_the_whole_digest_in_each_variant(
    app: Starlette, client: httpx.AsyncClient, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    await content()
    await subscriber(kinds=["call"])  # nobody gets mail: the web version is still whole
    digest = await send_weekly(worker_settings)

    albanian = await client.get(f"/digests/{digest.id}/sq")
    assert albanian.status_code == 200
    assert "Qendra e re sociale në Korçë" in albanian.text
    assert "Pastrimi i lumit Osum" in albanian.text
    assert "unsubscribe?token" not in albanian.text
    bilingual = await client.get(f"/digests/{digest.id}/bilingual")
    assert "Cleaning the Osum river" in bilingual.text
    assert "Pastrimi i lumit Osum" in bilingual.text
    assert (await client.get(f"/digests/{digest.id}/de")).status_code == 404
    assert (await client.get(f"/digests/{digest.id + 1}/sq")).status_code == 404


def test_digests_are_scheduled_at_eight_in_the_organisations_zone(settings: Settings) -> None:
    worker = build_worker(settings, burst=True, handle_signals=False)
    jobs = {job.name: job for job in worker.cron_jobs}
    daily, weekly = jobs["cron:send_daily_digest"], jobs["cron:send_weekly_digest"]
    assert daily.unique
    assert weekly.unique
    zone = ZoneInfo("Europe/Tirane")
    # Saturday 28 March 2026, 09:00 in Tirana; summer time starts the next night.
    start = datetime(2026, 3, 28, 9, 0, tzinfo=zone).astimezone(worker.timezone)
    daily.calculate_next(start)
    weekly.calculate_next(start)
    assert daily.next_run is not None
    assert weekly.next_run is not None
    assert daily.next_run.astimezone(UTC) == datetime(2026, 3, 29, 6, 0, 0, 123456, tzinfo=UTC)
    assert weekly.next_run.astimezone(UTC) == datetime(2026, 3, 30, 6, 0, 0, 123456, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 9, 0, tzinfo=zone).astimezone(worker.timezone)
    daily.calculate_next(winter)
    assert daily.next_run is not None
    assert daily.next_run.astimezone(UTC) == datetime(2026, 12, 2, 7, 0, 0, 123456, tzinfo=UTC)


async def test_one_click_on_a_received_digests_list_unsubscribe_skips_the_next_digest(
    app: Starlette,
    client: httpx.AsyncClient,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    await subscriber("ana@example.org")
    await subscriber("john@example.org")
    await entry("Lajmi i parë", published_at=now() - days(3))
    await send_weekly(worker_settings)
    [received] = smtp_server.to("ana@example.org")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    targets = [t.strip().strip("<>") for t in str(received["List-Unsubscribe"]).split(",")]
    [https] = [t for t in targets if t.startswith("http")]
    assert any(t.startswith("mailto:") for t in targets)

    # Exactly what a mail provider sends (RFC 8058): a POST to that URL with this body.
    url = httpx.URL(https)
    answer = await client.post(
        url.raw_path.decode(),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    ana = await Subscriber.get(email="ana@example.org")
    assert ana.status is SubscriberStatus.UNSUBSCRIBED

    await entry("Lajmi i dytë")
    await send_weekly(worker_settings)
    assert len(smtp_server.to("ana@example.org")) == 1  # nothing after leaving
    assert len(smtp_server.to("john@example.org")) == 2


def _mail_for(mailto: str, sender: str) -> bytes:
    """The mail a client (Apple Mail, Outlook) sends for a List-Unsubscribe mailto."""
    target = urlsplit(mailto)
    assert target.scheme == "mailto"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = unquote(target.path)
    message["Subject"] = parse_qs(target.query)["subject"][0]
    message.set_content("This message was automatically generated to unsubscribe.\n")
    return bytes(message)


def _mailto_of(received: EmailMessage) -> str:
    raw = raw_header(received, "List-Unsubscribe")
    # Folded at its comma, each target whole on its own line, far below 998 characters.
    lines = raw.splitlines()
    assert len(lines) == 2
    assert all(line.count("<") == 1 and len(line) < 300 for line in lines)
    [mailto] = [t.strip().strip("<>") for t in raw.split(",") if "mailto:" in t]
    return mailto


async def test_mailing_a_received_digests_list_unsubscribe_mailto_unsubscribes(
    db: None, worker_settings: Settings, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    await subscriber("ana@example.org")
    await subscriber("john@example.org")
    await entry("Lajmi i parë", published_at=now() - days(3))
    await send_weekly(worker_settings.model_copy(update={"unsubscribe_mailto": "leave@x.al"}))
    [to_ana] = smtp_server.to("ana@example.org")
    [to_john] = smtp_server.to("john@example.org")
    ana_mailto, john_mailto = _mailto_of(to_ana), _mailto_of(to_john)
    assert ana_mailto.startswith("mailto:leave@x.al?subject=unsubscribe%20")

    # A forged token (John's, its signature changed), and a mail without one: nothing
    # changes, and the MTA is told all is well (no bounce to whoever sent it).
    forged = john_mailto[:-3] + ("AAA" if not john_mailto.endswith("AAA") else "BBB")
    for mail in (_mail_for(forged, "x@example.net"), b"Subject: hello\r\n\r\nhi\r\n"):
        code, _, err = await buletin(worker_settings, "unsubscribe-mail", stdin=mail)
        assert code == 0, err
        assert "no valid unsubscribe token" in err
    statuses = {row.status for row in await Subscriber.all()}
    assert statuses == {SubscriberStatus.ACTIVE}

    mail = _mail_for(ana_mailto, "ana@example.org")
    code, _, err = await buletin(worker_settings, "unsubscribe-mail", stdin=mail)
    assert code == 0, err
    ana = await Subscriber.get(email="ana@example.org")
    assert ana.status is SubscriberStatus.UNSUBSCRIBED
    john = await Subscriber.get(email="john@example.org")
    assert john.status is SubscriberStatus.ACTIVE

    # Our own failure (no database there): EX_TEMPFAIL, so the MTA keeps it and retries.
    broken = f"sqlite://{tmp_path}/missing/buletin.sqlite3"
    code, _, err = await buletin(
        worker_settings, "unsubscribe-mail", stdin=mail, DATABASE_URL=broken
    )
    assert code == 75, err
    assert "Traceback" not in err  # an MTA quotes this in its deferral notice
