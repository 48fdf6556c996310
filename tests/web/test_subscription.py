"""The subscriber's side end to end, as a person (and a mail provider) goes through it:
the form or the mutation, the mail a real SMTP server receives, the link in it, the pages."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from service.audience.choices import Choices
from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.models import Subscriber
from service.audience.subscriptions import add_active_subscriber
from service.audience.tokens import Purpose, link, make_token
from service.settings import Settings
from service.staff.actors import System
from service.staff.enums import StaffRole
from tests.factories import bearer, data_rows, days, entry, gql, now, staff, token_for, topic
from tests.smtp import SmtpServer, text_of
from tests.web.html_page import Page, contrast, focus_outline_colour
from tests.workers.conftest import relay_and_work
from tests.workers.test_digests import send_weekly

CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/subscription/confirm\?token=[\w.\-]+")
FORM = "application/x-www-form-urlencoded"


def link_in(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    [url] = set(CONFIRM_LINK.findall(str(body.get_content())))
    return str(url)


def path_of(url: str) -> str:
    """The path and query of an absolute link, for the in-process client."""
    return re.sub(r"^https?://[^/]+", "", url)


async def post_form(
    client: httpx.AsyncClient, fields: dict[str, Any], url: str = "/subscription"
) -> httpx.Response:
    return await client.post(url, data=fields)


async def active(email: str, locales: tuple[str, ...] = ("sq",)) -> Subscriber:
    row = await add_active_subscriber(
        email, Choices(locales=locales), actor=System("test"), source="demo"
    )
    assert row is not None
    return row


async def test_form_sign_up_mail_link_and_active(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    await topic("youth", "Rinia", "Youth")
    answer = await post_form(
        client,
        {
            "email": "Ana@Example.org",
            "locales": ["sq", "en"],
            "topics": "youth",
            "kinds": ["event", "call"],
            "frequency": "daily",
        },
    )
    assert answer.status_code == 200
    assert '<html lang="sq">' in answer.text
    assert "Kontrolloni postën tuaj" in answer.text
    row = await Subscriber.get(email="ana@example.org")
    assert (row.status, row.source) == (SubscriberStatus.PENDING, "form")
    assert (row.topics, row.kinds, row.frequency) == (
        ["youth"],
        ["event", "call"],
        DigestFrequency.DAILY,
    )

    await relay_and_work(worker_settings, app)
    [mail] = smtp_server.to("ana@example.org")
    assert (
        mail["Subject"] == "Konfirmoni abonimin në Buletin / Confirm your subscription to Buletin"
    )

    confirmed = await client.get(path_of(link_in(mail)))
    assert confirmed.status_code == 200
    assert "Abonimi u konfirmua" in confirmed.text
    assert confirmed.headers["cache-control"] == "no-store"
    await row.refresh_from_db()
    assert row.status is SubscriberStatus.ACTIVE
    # The confirmed page links to the preferences page, which shows the choices made.
    [preferences] = re.findall(
        r'href="([^"]*/subscription/preferences\?token=[^"]+)"', confirmed.text
    )
    page = await client.get(path_of(preferences.replace("&amp;", "&")))
    assert page.status_code == 200
    assert re.search(r'value="youth"[^>]*checked', page.text)
    assert re.search(r'value="daily"[^>]*checked', page.text)


async def test_mutation_sign_up_mail_in_english_link_and_active(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    body = await gql(
        client,
        """mutation($input: SubscribeInput!) { subscribe(input: $input) { ok errors { code } } }""",
        {"input": {"email": "john@example.org", "locales": ["en"]}},
    )
    assert body["data"]["subscribe"] == {"ok": True, "errors": []}
    await relay_and_work(worker_settings, app)
    [mail] = smtp_server.to("john@example.org")
    assert mail["Subject"] == "Confirm your subscription to Buletin"
    assert mail["Content-Language"] == "en"
    page = await client.get(path_of(link_in(mail)))
    assert '<html lang="en">' in page.text
    assert "Subscription confirmed" in page.text
    assert (await Subscriber.get(email="john@example.org")).status is SubscriberStatus.ACTIVE


async def test_the_form_answers_alike_for_new_pending_and_active_addresses(
    client: httpx.AsyncClient,
) -> None:
    await active("active@example.org")
    fields = {"locales": "en"}
    new = await post_form(client, {"email": "new@example.org", **fields})
    pending = await post_form(client, {"email": "new@example.org", **fields})
    known = await post_form(client, {"email": "active@example.org", **fields})
    assert new.status_code == pending.status_code == known.status_code == 200
    assert new.text == pending.text == known.text


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "ana@example.org\r\nBcc: all@example.org", "locales": "sq"},
        {"email": "ana\x00@example.org", "locales": "sq"},
        {"email": "no-at-sign", "locales": "sq"},
        {"email": "a" * 300 + "@example.org", "locales": "sq"},
        {"email": "ana@example.org"},
        {"email": "ana@example.org", "locales": "de"},
        {"email": "ana@example.org", "locales": "sq", "topics": "ghosts"},
        {"email": "ana@example.org", "locales": "sq", "topics": "t" * 81},
    ],
    ids=[
        "crlf",
        "nul",
        "no-at",
        "too-long",
        "no-locale",
        "unknown-locale",
        "unknown-topic",
        "topic-longer-than-any-slug",
    ],
)
async def test_bad_form_input_gets_a_400_page_with_the_form_and_changes_nothing(
    client: httpx.AsyncClient, fields: dict[str, str]
) -> None:
    before = await data_rows()
    answer = await post_form(client, fields)
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert '<form method="post" action="/subscription' in answer.text
    assert await data_rows() == before


async def test_a_malformed_or_oversized_form_body_is_a_400_page(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    broken = await client.post(
        "/subscription",
        content=b"--xyz\r\nbroken",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 400
    huge = await client.post(
        "/subscription",
        content=b"email=ana%40example.org&locales=sq&topics=" + b"x" * settings.max_body_bytes,
        headers={"Content-Type": FORM},
    )
    assert huge.status_code == 400
    assert await data_rows() == []


async def test_one_client_posting_too_often_gets_a_429_page(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for number in range(settings.subscribe_max_per_client):
        await post_form(client, {"email": f"p{number}@example.org", "locales": "sq"})
    before = await data_rows()
    answer = await post_form(client, {"email": "late@example.org", "locales": "en"})
    assert answer.status_code == 429
    assert "Too many sign-ups" in answer.text
    # The client's count starts again within one window: the page says when to come back.
    assert answer.headers["retry-after"] == str(settings.subscribe_window_seconds)
    assert await data_rows() == before


def bad_tokens(settings: Settings, row: Subscriber, purpose: Purpose) -> dict[str, str]:
    good = make_token(settings, purpose, row.id, row.email)
    other = Purpose.CONFIRM if purpose is not Purpose.CONFIRM else Purpose.UNSUBSCRIBE
    foreign = settings.model_copy(update={"secret_key": SecretStr("someone-else")})
    return {
        "tampered": good[:-3] + ("xyz" if not good.endswith("xyz") else "abc"),
        "foreign": make_token(foreign, purpose, row.id, row.email),
        "other-purpose": make_token(settings, other, row.id, row.email),
        "missing": "",
    }


@pytest.mark.parametrize(
    ("method", "route", "purpose"),
    [
        ("GET", "/subscription/confirm", Purpose.CONFIRM),
        ("GET", "/subscription/preferences", Purpose.PREFERENCES),
        ("POST", "/subscription/preferences", Purpose.PREFERENCES),
        ("GET", "/unsubscribe", Purpose.UNSUBSCRIBE),
        ("POST", "/unsubscribe", Purpose.UNSUBSCRIBE),
    ],
)
async def test_bad_links_get_a_friendly_page_and_change_nothing(
    client: httpx.AsyncClient, settings: Settings, method: str, route: str, purpose: Purpose
) -> None:
    row = await active("ana@example.org")
    await Subscriber.filter(id=row.id).update(status=SubscriberStatus.PENDING)
    before = await data_rows()
    for name, token in bad_tokens(settings, row, purpose).items():
        answer = await client.request(
            method,
            route,
            params={"token": token},
            data={"action": "leave", "locales": "en"} if method == "POST" else None,
        )
        assert answer.status_code == 400, name
        assert "Kjo lidhje nuk funksionon" in answer.text, name
    assert await data_rows() == before


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
async def test_one_click_unsubscribe_as_a_mail_provider_sends_it(
    client: httpx.AsyncClient, settings: Settings, encoding: str
) -> None:
    row = await active("ana@example.org")
    url = path_of(link(settings, Purpose.UNSUBSCRIBE, row.id, row.email))
    if encoding == "urlencoded":
        request = {"content": b"List-Unsubscribe=One-Click", "headers": {"Content-Type": FORM}}
    else:
        request = {"files": {"List-Unsubscribe": (None, "One-Click")}}
    for _ in range(2):  # providers retry; the second answer is the same
        answer = await client.post(url, **request)  # type: ignore[arg-type]
        assert answer.status_code == 200
        await row.refresh_from_db()
        assert row.status is SubscriberStatus.UNSUBSCRIBED


ERASE = "mutation($id: ID!) { eraseSubscriber(id: $id) { errors { code } } }"
ONE_CLICK = {"content": b"List-Unsubscribe=One-Click", "headers": {"Content-Type": FORM}}


async def test_an_erased_readers_old_unsubscribe_link_says_they_have_left(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    # A reader signs up and confirms, a digest reaches her, then an editor erases her.
    await post_form(client, {"email": "ana@example.org", "locales": "sq"})
    await relay_and_work(worker_settings, app)
    [confirmation] = smtp_server.to("ana@example.org")
    assert (await client.get(path_of(link_in(confirmation)))).status_code == 200
    await entry("Lajm", published_at=now() - days(1))
    await send_weekly(worker_settings)
    [_, digest] = smtp_server.to("ana@example.org")
    one_click = path_of(str(digest["List-Unsubscribe"]).split(",")[0].strip().strip("<>"))
    [preferences] = re.findall(
        r"https?://\S+/subscription/preferences\?token=[\w.\-]+", text_of(digest)
    )
    row = await Subscriber.get(email="ana@example.org")
    editor = bearer(await token_for(await staff(StaffRole.EDITOR)))
    erased = await gql(client, ERASE, {"id": str(row.id)}, headers=editor)
    assert erased["data"]["eraseSubscriber"]["errors"] == []
    before = await data_rows()

    # Her mail provider's one-click POST, and her own click later: she is not subscribed.
    for answer in (await client.post(one_click, **ONE_CLICK), await client.get(one_click)):  # type: ignore[arg-type]
        assert answer.status_code == 200
        assert "U çabonuat nga buletini" in answer.text
    # A link to change choices has nothing to change: the friendly 400 as before.
    assert (await client.get(path_of(preferences))).status_code == 400
    assert await data_rows() == before

    # Signed up again, she is a new subscriber: the old link must not speak for her.
    await post_form(client, {"email": "ana@example.org", "locales": "sq"})
    again = await client.post(one_click, **ONE_CLICK)  # type: ignore[arg-type]
    assert again.status_code == 400
    assert (await Subscriber.get(email="ana@example.org")).status is SubscriberStatus.PENDING


async def test_the_unsubscribe_page_shows_one_button_and_changes_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    row = await active("john@example.org", ("en", "sq"))
    url = path_of(link(settings, Purpose.UNSUBSCRIBE, row.id, row.email))
    before = await data_rows()
    page = await client.get(url)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text  # the subscriber's first language
    assert page.text.count("<button") == 1
    assert "You will receive no more newsletters at john@example.org." in page.text
    assert await data_rows() == before
    albanian = await client.get(url + "&lang=sq")
    assert '<html lang="sq">' in albanian.text
    assert "Çabonohu" in albanian.text
    assert "Nuk do të merrni më buletine në john@example.org." in albanian.text


async def test_preferences_are_saved_checked_and_leaving_works(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await topic("youth", "Rinia", "Youth")
    row = await active("ana@example.org", ("en",))
    url = path_of(link(settings, Purpose.PREFERENCES, row.id, row.email))
    saved = await client.post(
        url,
        data={
            "action": "save",
            "locales": ["sq", "en"],  # as the form lists them: adding Albanian
            "topics": "youth",
            "kinds": "news",
            "frequency": "daily",
        },
    )
    assert saved.status_code == 200
    assert '<html lang="en">' in saved.text  # English stays her first language
    assert "Your choices are saved." in saved.text
    await row.refresh_from_db()
    assert (row.locales, row.topics, row.kinds) == (["en", "sq"], ["youth"], ["news"])

    refused = await client.post(url, data={"action": "save", "locales": "xx"})
    assert refused.status_code == 400
    await row.refresh_from_db()
    assert row.locales == ["en", "sq"]

    left = await client.post(url, data={"action": "leave"})
    assert left.status_code == 200
    await row.refresh_from_db()
    assert row.status is SubscriberStatus.UNSUBSCRIBED
    after = await client.get(url)
    assert "is not subscribed" in after.text


async def test_a_topic_longer_than_any_slug_is_refused_on_the_preferences_page(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await topic("youth", "Rinia", "Youth")
    row = await active("ana@example.org")
    url = path_of(link(settings, Purpose.PREFERENCES, row.id, row.email))
    before = await data_rows()
    refused = await client.post(
        url, data={"action": "save", "locales": "en", "topics": ["youth", "t" * 81]}
    )
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text
    assert await data_rows() == before


async def test_repeated_sign_ups_for_one_address_mail_it_at_most_the_limit(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    settings: Settings,
) -> None:
    answers = set()
    for _ in range(settings.subscribe_max_per_address + 3):
        answers.add((await post_form(client, {"email": "ana@example.org", "locales": "sq"})).text)
        # A worker after each request: each mail that is due goes out before the next one.
        await relay_and_work(worker_settings, app)
    assert len(answers) == 1  # every request got the same page
    mails = smtp_server.to("ana@example.org")
    assert len(mails) == settings.subscribe_max_per_address


@pytest.mark.parametrize(
    ("lang", "says", "not_said"),
    [
        ("en", "If this address is not subscribed yet", "we have sent"),
        ("sq", "Nëse kjo adresë nuk është ende e abonuar", "i kemi dërguar"),
    ],
)
async def test_the_received_page_is_true_for_an_address_that_gets_no_mail(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    lang: str,
    says: str,
    not_said: str,
) -> None:
    await active("active@example.org", (lang,))
    answer = await post_form(client, {"email": "active@example.org", "locales": lang})
    assert answer.status_code == 200
    assert f'<html lang="{lang}">' in answer.text
    assert says in answer.text
    assert not_said not in answer.text
    await relay_and_work(worker_settings, app)
    assert smtp_server.to("active@example.org") == []  # already subscribed: nothing sent


async def test_the_chosen_language_carries_over_and_every_page_has_a_switch(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    row = await active("ana@example.org")  # Albanian first
    confirm = path_of(link(settings, Purpose.CONFIRM, row.id, row.email))
    confirmed = Page((await client.get(confirm + "&lang=en")).text)
    assert confirmed.find("html")[0].attrs["lang"] == "en"
    [preferences] = [
        a.attrs["href"] for a in confirmed.find("a") if "/preferences?" in a.attrs.get("href", "")
    ]
    shown = Page((await client.get(path_of(preferences))).text)
    assert shown.find("html")[0].attrs["lang"] == "en"  # not the subscriber's Albanian

    leave = shown.find("form")[-1]  # "Leave the newsletter"
    assert "lang=en" in leave.attrs["action"]
    left = await client.post(
        "/subscription/preferences" + leave.attrs["action"], data={"action": "leave"}
    )
    assert left.status_code == 200
    page = Page(left.text)
    assert page.find("html")[0].attrs["lang"] == "en"
    assert page.find("h1")[0].text == "You have left the newsletter"
    [albanian] = page.find("a", hreflang="sq")
    again = Page((await client.get(path_of(albanian.attrs["href"]))).text)
    assert again.find("html")[0].attrs["lang"] == "sq"
    assert again.find("h1")[0].text == "U çabonuat nga buletini"
    await row.refresh_from_db()
    assert row.status is SubscriberStatus.UNSUBSCRIBED


def errors_by_field(page: Page) -> dict[str, str]:
    """The message each invalid input points to, by field; every reference resolves, and
    valid inputs point to no error."""
    messages: dict[str, str] = {}
    for element in page.find("input"):
        described = element.ids("aria-describedby")
        for ref in described:
            page.by_id(ref)
        errors = [ref for ref in described if ref.endswith("-error")]
        if element.attrs.get("aria-invalid") == "true":
            [ref] = errors
            text = page.by_id(ref).text
            assert messages.setdefault(element.attrs["name"], text) == text
        else:
            assert errors == [], element
    return messages


def summary(page: Page) -> dict[str, str]:
    """The error list's links, each to the message by its field."""
    links = {
        a.attrs["href"][1:]: a.text
        for a in page.find("a")
        if a.attrs.get("href", "").startswith("#")
    }
    for target, text in links.items():
        assert page.by_id(target).text == text
    return links


async def test_each_sign_up_error_is_tied_to_its_field_and_names_it(
    client: httpx.AsyncClient,
) -> None:
    await topic("youth", "Rinia", "Youth")
    answer = await post_form(
        client,
        {
            "lang": "en",
            "email": "no-at-sign",
            "locales": ["de", "xx"],
            "topics": "youth",
            "kinds": "bogus",
            "frequency": "hourly",
        },
    )
    assert answer.status_code == 400
    page = Page(answer.text)
    expected = {
        "email": "This is not an email address we can send to.",
        "locales": "Choose among the languages offered.",  # once, for two unknown ones
        "kinds": "Choose what to include among the options offered.",
        "frequency": "Choose how often: daily or weekly.",
    }
    assert errors_by_field(page) == expected
    assert summary(page) == {f"{name}-error": text for name, text in expected.items()}
    [locale_box, *_] = page.find("input", name="locales")
    assert locale_box.ids("aria-describedby") == ["locales-hint", "locales-error"]


async def test_each_preference_error_is_tied_to_its_field_and_names_it(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    row = await active("drita@example.org", ("sq",))
    url = path_of(link(settings, Purpose.PREFERENCES, row.id, row.email))
    refused = await client.post(url, data={"action": "save", "kinds": "x", "frequency": "hourly"})
    assert refused.status_code == 400
    page = Page(refused.text)
    expected = {
        "locales": "Zgjidhni të paktën një gjuhë.",
        "kinds": "Zgjidhni çfarë të përfshihet ndër mundësitë që ofrohen.",
        "frequency": "Zgjidhni sa shpesh: çdo ditë ose çdo javë.",
    }
    assert errors_by_field(page) == expected
    assert summary(page) == {f"{name}-error": text for name, text in expected.items()}


async def test_the_focus_outline_stands_out_on_the_panel_and_the_page(
    client: httpx.AsyncClient,
) -> None:
    answer = await post_form(client, {"email": "no-at-sign", "locales": "sq"})
    colour = focus_outline_colour(Page(answer.text).style())
    assert contrast(colour, "#ffffff") >= 3  # main
    assert contrast(colour, "#f3f4f6") >= 3  # body
