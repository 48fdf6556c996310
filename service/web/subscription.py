"""The subscriber's pages: the sign-up form's answer, confirmation, preferences, leaving.

Plain HTML forms, no JavaScript. Each route is a thin adapter over
service.audience.subscriptions. Pages reached by a signed link need the token in the URL,
which is also what makes their POSTs safe from cross-site forgery: another site cannot
know it. The language is `?lang=`, else the subscriber's first language, else the default.

`POST /unsubscribe?token=…` is RFC 8058 one-click: mail providers POST
`List-Unsubscribe=One-Click` (urlencoded or multipart); the token alone decides, so the
body is not read, and the answer is 200 whether or not the address had left already,
or was erased since.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.audience.enums import DigestFrequency, SubscriberStatus
from service.audience.errors import AudienceErrorCode
from service.audience.models import Subscriber
from service.audience.subscriptions import (
    Consent,
    SignUp,
    SignUpSource,
    SubscriberGone,
    change_preferences,
    confirm,
    leave,
    subscribe,
    subscriber_for_link,
    unsubscribe,
)
from service.audience.tokens import ROUTES, InvalidToken, Purpose, link, make_token
from service.content.enums import EntryKind
from service.content.queries import all_topics
from service.errors import DomainError, FieldError
from service.settings import Settings
from service.web.localized import LocalizedPages, language_name

if TYPE_CHECKING:
    from service.api.context import Services

log = logging.getLogger("buletin.web.subscription")

# A sign-up has a handful of fields; anything far beyond that is not a browser's form.
MAX_FIELDS = 200
_STATUS_FOR = {
    AudienceErrorCode.RATE_LIMITED.value: 429,
    AudienceErrorCode.UNAVAILABLE.value: 503,
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _pages(request: Request) -> LocalizedPages:
    pages: LocalizedPages = request.app.state.pages
    return pages


def page_locale(request: Request, settings: Settings, preferred: Sequence[str] = ()) -> str:
    for candidate in (request.query_params.get("lang"), *preferred):
        if candidate in settings.locales:
            return str(candidate)
    return settings.default_locale


async def _form(request: Request) -> FormData | None:
    """The posted form, or None when it is malformed or too big to be a browser's form."""
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > _settings(request).max_body_bytes:
        return None  # browsers always send a length; a huge or streamed body is not a form
    try:
        return await request.form(max_files=0, max_fields=MAX_FIELDS)
    except Exception:  # malformed bodies (multipart or not): a 400 page, never a 500
        log.info("subscription.bad_form path=%s", request.url.path)
        return None


def _values(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def _value(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _choices_context(
    locale: str, settings: Settings, chosen: dict[str, Any]
) -> dict[str, Any]:
    """What the choices fieldsets need: every option, and which are chosen."""
    topics = [
        (topic.slug, topic.names.get(locale) or next(iter(topic.names.values()), topic.slug))
        for topic in await all_topics()
    ]
    return {
        "all_locales": settings.locales,
        "all_topics": topics,
        "all_kinds": [kind.value for kind in EntryKind],
        "all_frequencies": [frequency.value for frequency in DigestFrequency],
        "chosen": chosen,
    }


def _chosen_from(form: FormData | None) -> dict[str, Any]:
    if form is None:
        return {"email": "", "locales": [], "topics": [], "kinds": [], "frequency": "weekly"}
    return {
        "email": _value(form, "email") or "",
        "locales": _values(form, "locales"),
        "topics": _values(form, "topics"),
        "kinds": _values(form, "kinds"),
        "frequency": _value(form, "frequency") or "weekly",
    }


def _chosen_of(row: Subscriber) -> dict[str, Any]:
    return {
        "email": row.email,
        "locales": list(row.locales),
        "topics": list(row.topics),
        "kinds": list(row.kinds),
        "frequency": row.frequency.value,
    }


def _languages(
    request: Request,
    settings: Settings,
    path: str | None = None,
    params: dict[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """This page in each language (its token kept), for the language switch; or the page
    at `path` with `params`, when this one was the answer to a POST."""
    params = dict(request.query_params) if params is None else params
    path = path or request.url.path
    return [
        (code, language_name(code), f"{path}?{urlencode({**params, 'lang': code})}")
        for code in settings.locales
    ]


def _left_languages(
    request: Request, settings: Settings, row: Subscriber
) -> list[tuple[str, str, str]]:
    """The switch of the page that says one has left: its GET is the unsubscribe link's,
    which shows that page again (the preferences page would say something else)."""
    token = make_token(settings, Purpose.UNSUBSCRIBE, row.id, row.email)
    return _languages(request, settings, ROUTES[Purpose.UNSUBSCRIBE], {"token": token})


def invalid_link(request: Request, settings: Settings) -> HTMLResponse:
    """Tampered with, made for another page, expired, or naming nobody: nothing changed."""
    return _pages(request).response(
        "subscription/invalid_link.html",
        page_locale(request, settings),
        {"languages": _languages(request, settings)},
        status_code=400,
    )


def _distinct(errors: Sequence[FieldError]) -> list[FieldError]:
    """One error per code and field: a page says "choose among the languages offered"
    once, however many unknown languages a form sent."""
    seen: dict[tuple[object, str | None], FieldError] = {}
    for error in errors:
        seen.setdefault((error.code, error.field), error)
    return list(seen.values())


def _token(request: Request) -> str:
    return request.query_params.get("token") or ""


async def sign_up_form(request: Request) -> Response:
    """POST /subscription: the sign-up form of websites without JavaScript."""
    settings = _settings(request)
    form = await _form(request)
    chosen = _chosen_from(form)
    preferred = [*([_value(form, "lang") or ""] if form is not None else []), *chosen["locales"]]
    locale = page_locale(request, settings, preferred)
    if form is None:
        return _pages(request).response(
            "subscription/sign_up_error.html",
            locale,
            {"errors": [], "malformed": True, **await _choices_context(locale, settings, chosen)},
            status_code=400,
        )
    sign_up = SignUp(
        email=chosen["email"],
        locales=chosen["locales"],
        topics=chosen["topics"],
        kinds=chosen["kinds"],
        frequency=chosen["frequency"],
    )
    services: Services = request.app.state.services
    try:
        await subscribe(
            sign_up,
            consent=Consent(SignUpSource.FORM, request.client.host if request.client else None),
            throttle=services.signup_throttle,
            settings=settings,
        )
    except DomainError as exc:
        errors = _distinct(exc.errors)
        status = max((_STATUS_FOR.get(str(e.code.value), 400) for e in errors), default=400)
        # The client's count starts again within one window: a safe time to come back.
        retry = {"Retry-After": str(services.signup_throttle.window_seconds)}
        return _pages(request).response(
            "subscription/sign_up_error.html",
            locale,
            {
                "errors": errors,
                "malformed": False,
                **await _choices_context(locale, settings, chosen),
            },
            status_code=status,
            headers=retry if status == 429 else None,
        )
    services.relay.kick()
    return _pages(request).response("subscription/received.html", locale, {})


async def confirm_page(request: Request) -> Response:
    """GET /subscription/confirm?token=…: the double opt-in link."""
    settings = _settings(request)
    try:
        row = await confirm(_token(request), settings=settings)
    except InvalidToken:
        return invalid_link(request, settings)
    locale = page_locale(request, settings, row.locales)
    preferences = link(settings, Purpose.PREFERENCES, row.id, row.email)
    return _pages(request).response(
        "subscription/confirmed.html",
        locale,
        {
            "subscriber": _chosen_of(row),
            # The language the reader switched to carries over to the next page.
            "preferences_url": f"{preferences}&{urlencode({'lang': locale})}",
            "languages": _languages(request, settings),
        },
    )


async def preferences_page(request: Request) -> Response:
    """GET, POST /subscription/preferences?token=…: change choices, or leave."""
    settings = _settings(request)
    token = _token(request)
    try:
        linked = await subscriber_for_link(token, Purpose.PREFERENCES, settings=settings)
    except InvalidToken:
        return invalid_link(request, settings)
    row = linked.row
    locale = page_locale(request, settings, row.locales)
    context: dict[str, Any] = {
        "token": token,
        "saved": False,
        "errors": [],
        "languages": _languages(request, settings),
    }
    status_code = 200
    form: FormData | None = None
    if request.method == "POST" and row.status is SubscriberStatus.ACTIVE:
        form = await _form(request)
        if form is None:
            context["errors"] = [FieldError(AudienceErrorCode.INVALID, "Malformed form.")]
            status_code = 400
        elif _value(form, "action") == "leave":
            try:
                await leave(linked)
            except InvalidToken:
                return invalid_link(request, settings)
            return _pages(request).response(
                "subscription/left.html",
                locale,
                {"languages": _left_languages(request, settings, row)},
            )
        else:
            try:
                row = await change_preferences(
                    linked,
                    locales=_values(form, "locales"),
                    topics=_values(form, "topics"),
                    kinds=_values(form, "kinds"),
                    frequency=_value(form, "frequency"),
                    settings=settings,
                )
                locale = page_locale(request, settings, row.locales)
                context["saved"] = True
            except DomainError as exc:
                context["errors"] = _distinct(exc.errors)
                status_code = 400
            except InvalidToken:
                return invalid_link(request, settings)
    chosen = _chosen_of(row)
    if context["errors"] and form is not None:
        chosen = {**_chosen_from(form), "email": row.email}
    context.update(await _choices_context(locale, settings, chosen))
    context["active"] = row.status is SubscriberStatus.ACTIVE
    return _pages(request).response(
        "subscription/preferences.html", locale, context, status_code=status_code
    )


async def unsubscribe_page(request: Request) -> Response:
    """GET shows one button; POST (the button, or a mail provider's one-click) leaves."""
    settings = _settings(request)
    token = _token(request)
    try:
        if request.method == "POST":
            row = await unsubscribe(token, settings=settings)
        else:
            row = (await subscriber_for_link(token, Purpose.UNSUBSCRIBE, settings=settings)).row
    except SubscriberGone:
        # Erased since the mail went out: not subscribed, as asked (RFC 8058 wants a 200).
        return _pages(request).response(
            "subscription/left.html",
            page_locale(request, settings),
            {"token": token, "languages": _languages(request, settings)},
        )
    except InvalidToken:
        return invalid_link(request, settings)
    locale = page_locale(request, settings, row.locales)
    context = {"token": token, "languages": _languages(request, settings)}
    if row.status in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.SUPPRESSED):
        return _pages(request).response("subscription/left.html", locale, context)
    # Named, so someone reading several addresses' mail knows which one leaves.
    context["email"] = row.email
    return _pages(request).response("subscription/unsubscribe.html", locale, context)
