"""Signing up, confirming, changing choices, leaving and the purge, through the domain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from tortoise import Tortoise

from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.errors import AudienceError
from service.audience.models import Subscriber
from service.audience.subscriptions import (
    Consent,
    SignUpOutcome,
    SignUpSource,
    change_preferences,
    confirm,
    purge_stale_sign_ups,
    subscriber_for_link,
    unsubscribe,
)
from service.audience.throttle import SignUpThrottle
from service.audience.tokens import InvalidToken, Purpose, make_token
from service.outbox.events import SUBSCRIPTION_REQUESTED
from service.outbox.models import OutboxEvent
from service.settings import Settings
from service.staff.actors import System
from tests.audience.conftest import pending, sign_up
from tests.factories import now, topic

pytestmark = pytest.mark.usefixtures("db")


async def rows() -> list[dict[str, Any]]:
    conn = Tortoise.get_connection("default")
    found = await conn.execute_query_dict("SELECT * FROM subscriber ORDER BY id")
    events = await conn.execute_query_dict("SELECT * FROM outbox_event ORDER BY id")
    return [*found, *events]


async def requests_sent() -> list[dict[str, Any]]:
    events = await OutboxEvent.filter(topic=SUBSCRIPTION_REQUESTED).order_by("id")
    return [e.payload for e in events]


async def test_a_sign_up_is_pending_with_its_consent_and_asks_for_one_mail(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    await topic("youth", "Rinia", "Youth")
    outcome = await sign_up(
        throttle,
        settings,
        email="  Ana.Cela@Example.ORG ",
        locales=("en", "sq", "en"),
        topics=["youth"],
        kinds=["event", "call"],
        frequency="daily",
    )
    assert outcome is SignUpOutcome.CONFIRMATION_REQUESTED
    row = await Subscriber.get(email="ana.cela@example.org")
    assert row.status is SubscriberStatus.PENDING
    assert (row.locales, row.topics, row.kinds) == (["en", "sq"], ["youth"], ["event", "call"])
    assert row.frequency is DigestFrequency.DAILY
    assert (row.source, row.ip_address) == ("form", "203.0.113.7")
    assert row.consented_at is not None
    assert await requests_sent() == [{"subscriber_id": row.id, "request": 1}]


BAD_INPUT = [
    pytest.param({"email": "ana@example.org\r\nBcc: all@example.org"}, "INVALID_EMAIL", id="crlf"),
    pytest.param({"email": "ana@example.org\n"}, "INVALID_EMAIL", id="trailing-lf"),
    pytest.param({"email": "ana\x00@example.org"}, "INVALID_EMAIL", id="nul"),
    pytest.param({"email": "ana\u200b@example.org"}, "INVALID_EMAIL", id="zero-width"),
    pytest.param({"email": "anä@example.org"}, "INVALID_EMAIL", id="unicode-local-part"),
    pytest.param({"email": "ana.example.org"}, "INVALID_EMAIL", id="no-at"),
    pytest.param({"email": "ana@localhost"}, "INVALID_EMAIL", id="no-domain-dot"),
    pytest.param({"email": "<ana@example.org>"}, "INVALID_EMAIL", id="angle-brackets"),
    pytest.param({"email": "a" * 250 + "@example.org"}, "INVALID_EMAIL", id="too-long"),
    pytest.param({"email": "   "}, "REQUIRED", id="empty"),
    pytest.param({"locales": ()}, "REQUIRED", id="no-locale"),
    pytest.param({"locales": ("de",)}, "UNSUPPORTED_LOCALE", id="unknown-locale"),
    pytest.param({"topics": ["no-such-topic"]}, "UNKNOWN_TOPIC", id="unknown-topic"),
    pytest.param({"kinds": ["poem"]}, "INVALID", id="unknown-kind"),
    pytest.param({"frequency": "hourly"}, "INVALID", id="unknown-frequency"),
]


@pytest.mark.parametrize(("change", "code"), BAD_INPUT)
async def test_bad_input_gets_its_code_and_stores_nothing(
    throttle: SignUpThrottle, settings: Settings, change: dict[str, Any], code: str
) -> None:
    await topic("youth", "Rinia", "Youth")
    before = await rows()
    values: dict[str, Any] = {"email": "ana@example.org", "locales": ("sq",), **change}
    with pytest.raises(AudienceError) as refused:
        await sign_up(throttle, settings, **values)
    assert code in [e.code.value for e in refused.value.errors]
    assert await rows() == before


async def test_every_problem_is_reported_at_once(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    with pytest.raises(AudienceError) as refused:
        await sign_up(throttle, settings, email="nope", locales=("de",), topics=["ghost"])
    assert {(e.field, e.code.value) for e in refused.value.errors} == {
        ("email", "INVALID_EMAIL"),
        ("locales", "UNSUPPORTED_LOCALE"),
        ("topics", "UNKNOWN_TOPIC"),
    }


async def test_a_pending_address_gets_a_fresh_request_with_its_latest_choices(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    await sign_up(throttle, settings)
    again = await sign_up(throttle, settings, email="ANA@example.org", locales=("en",))
    assert again is SignUpOutcome.CONFIRMATION_REQUESTED
    row = await Subscriber.get(email="ana@example.org")
    assert row.locales == ["en"]
    assert [p["request"] for p in await requests_sent()] == [1, 2]


async def test_an_active_or_suppressed_address_changes_nothing_and_gets_no_mail(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    await sign_up(throttle, settings, email="active@example.org")
    await sign_up(throttle, settings, email="gone@example.org")
    await Subscriber.filter(email="active@example.org").update(status=SubscriberStatus.ACTIVE)
    await Subscriber.filter(email="gone@example.org").update(status=SubscriberStatus.SUPPRESSED)
    before = await rows()
    assert await sign_up(throttle, settings, email="active@example.org", locales=("en",)) is (
        SignUpOutcome.ALREADY_ACTIVE
    )
    assert await sign_up(throttle, settings, email="gone@example.org") is (SignUpOutcome.SUPPRESSED)
    assert await rows() == before


async def test_an_unsubscribed_address_can_sign_up_again_with_new_consent(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    row = await pending(throttle, settings)
    await unsubscribe(
        make_token(settings, Purpose.UNSUBSCRIBE, row.id, row.email), settings=settings
    )
    later = Consent(SignUpSource.GRAPHQL, "198.51.100.2")
    await sign_up(throttle, settings, consent=later)
    await row.refresh_from_db()
    assert row.status is SubscriberStatus.PENDING
    assert (row.source, row.ip_address) == ("graphql", "198.51.100.2")
    assert [p["request"] for p in await requests_sent()] == [1, 2]


async def test_one_address_asking_too_often_is_answered_alike_but_not_mailed(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    for _ in range(settings.subscribe_max_per_address):
        assert await sign_up(throttle, settings) is SignUpOutcome.CONFIRMATION_REQUESTED
    before = await rows()
    assert await sign_up(throttle, settings, locales=("en",)) is SignUpOutcome.THROTTLED
    assert await rows() == before


async def test_the_sign_up_throttle_keeps_no_address_in_redis(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    for email in ("Drita.Hoxha@Example.org", "drita.hoxha@example.org"):
        assert await sign_up(throttle, settings, email=email) is (
            SignUpOutcome.CONFIRMATION_REQUESTED
        )
    keys = [key.decode() async for key in throttle.redis.scan_iter(f"{throttle.prefix}:*")]
    assert len(keys) == 2  # one for the client, one for the address (both spellings)
    assert not [key for key in keys if "drita" in key.lower() or "example.org" in key.lower()]


async def test_one_client_signing_up_too_often_is_rate_limited(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    for number in range(settings.subscribe_max_per_client):
        await sign_up(throttle, settings, email=f"person{number}@example.org")
    before = await rows()
    with pytest.raises(AudienceError) as refused:
        await sign_up(throttle, settings, email="one-more@example.org")
    assert [e.code.value for e in refused.value.errors] == ["RATE_LIMITED"]
    assert await rows() == before


async def test_signing_up_is_refused_while_redis_is_down(settings: Settings) -> None:
    from redis.asyncio import Redis

    dead = SignUpThrottle(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2))
    with pytest.raises(AudienceError) as refused:
        await sign_up(dead, settings)
    assert [e.code.value for e in refused.value.errors] == ["UNAVAILABLE"]
    assert await Subscriber.all().count() == 0


async def update_preferences(token: str, *, settings: Settings, **choices: Any) -> Subscriber:
    """What the preferences page does with its link."""
    link = await subscriber_for_link(token, Purpose.PREFERENCES, settings=settings)
    return await change_preferences(link, settings=settings, **choices)


async def test_the_confirmation_link_activates_and_is_idempotent(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    row = await pending(throttle, settings)
    token = make_token(settings, Purpose.CONFIRM, row.id, row.email)
    confirmed = await confirm(token, settings=settings)
    assert confirmed.status is SubscriberStatus.ACTIVE
    assert confirmed.confirmed_at is not None
    again = await confirm(token, settings=settings)
    assert (again.status, again.confirmed_at) == (confirmed.status, confirmed.confirmed_at)


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


async def test_bad_links_change_nothing(throttle: SignUpThrottle, settings: Settings) -> None:
    row = await pending(throttle, settings)
    foreign = settings.model_copy(update={"secret_key": SecretStr("another-deployment")})
    bad = [
        _tampered(make_token(settings, Purpose.CONFIRM, row.id, row.email)),
        make_token(foreign, Purpose.CONFIRM, row.id, row.email),
        make_token(settings, Purpose.UNSUBSCRIBE, row.id, row.email),  # another purpose
        make_token(settings, Purpose.CONFIRM, row.id, "someone@example.org"),
        make_token(settings, Purpose.CONFIRM, row.id + 1, row.email),
        "",
    ]
    before = await rows()
    for token in bad:
        with pytest.raises(InvalidToken):
            await confirm(token, settings=settings)
    for token in bad[:2]:
        with pytest.raises(InvalidToken):
            await unsubscribe(token, settings=settings)
    confirm_token = make_token(settings, Purpose.CONFIRM, row.id, row.email)
    with pytest.raises(InvalidToken):
        await unsubscribe(confirm_token, settings=settings)
    with pytest.raises(InvalidToken):
        await update_preferences(
            confirm_token,
            locales=["en"],
            topics=None,
            kinds=None,
            frequency=None,
            settings=settings,
        )
    assert await rows() == before


async def test_an_old_confirmation_link_does_not_bring_back_someone_who_left(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    row = await pending(throttle, settings)
    await unsubscribe(
        make_token(settings, Purpose.UNSUBSCRIBE, row.id, row.email), settings=settings
    )
    with pytest.raises(InvalidToken):
        await confirm(make_token(settings, Purpose.CONFIRM, row.id, row.email), settings=settings)
    await row.refresh_from_db()
    assert row.status is SubscriberStatus.UNSUBSCRIBED


async def test_preferences_change_through_their_link_and_are_checked(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    await topic("youth", "Rinia", "Youth")
    row = await pending(throttle, settings)
    await confirm(make_token(settings, Purpose.CONFIRM, row.id, row.email), settings=settings)
    token = make_token(settings, Purpose.PREFERENCES, row.id, row.email)
    changed = await update_preferences(
        token,
        locales=["sq", "en"],
        topics=["youth"],
        kinds=["news"],
        frequency="daily",
        settings=settings,
    )
    assert (changed.locales, changed.topics, changed.kinds) == (["sq", "en"], ["youth"], ["news"])
    assert changed.frequency is DigestFrequency.DAILY
    with pytest.raises(AudienceError) as refused:
        await update_preferences(
            token,
            locales=["xx"],
            topics=["ghost"],
            kinds=None,
            frequency=None,
            settings=settings,
        )
    assert {e.code.value for e in refused.value.errors} == {"UNSUPPORTED_LOCALE", "UNKNOWN_TOPIC"}
    await changed.refresh_from_db()
    assert changed.locales == ["sq", "en"]


async def test_leaving_is_idempotent_and_a_suppressed_address_stays_suppressed(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    row = await pending(throttle, settings)
    token = make_token(settings, Purpose.UNSUBSCRIBE, row.id, row.email)
    first = await unsubscribe(token, settings=settings)
    assert first.status is SubscriberStatus.UNSUBSCRIBED
    second = await unsubscribe(token, settings=settings)
    assert second.unsubscribed_at == first.unsubscribed_at
    await Subscriber.filter(id=row.id).update(status=SubscriberStatus.SUPPRESSED)
    assert (await unsubscribe(token, settings=settings)).status is SubscriberStatus.SUPPRESSED


async def test_the_purge_removes_only_pending_sign_ups_older_than_seven_days(
    throttle: SignUpThrottle, settings: Settings
) -> None:
    for name in ("stale", "fresh", "confirmed", "left"):
        await sign_up(throttle, settings, email=f"{name}@example.org")
    old = now() - timedelta(days=7, minutes=1)
    await Subscriber.filter(
        email__in=["stale@example.org", "confirmed@example.org", "left@example.org"]
    ).update(consented_at=old)
    await Subscriber.filter(email="fresh@example.org").update(
        consented_at=now() - timedelta(days=6)
    )
    await Subscriber.filter(email="confirmed@example.org").update(status=SubscriberStatus.ACTIVE)
    await Subscriber.filter(email="left@example.org").update(status=SubscriberStatus.UNSUBSCRIBED)
    assert await purge_stale_sign_ups(System("test")) == 1
    left = [row.email for row in await Subscriber.all().order_by("email")]
    assert left == ["confirmed@example.org", "fresh@example.org", "left@example.org"]
