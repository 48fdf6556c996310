"""Signed links for subscribers: each token is made for one purpose and works for no other.

A confirmation link expires (a stale sign-up should start again); unsubscribe and
preferences links live as long as the mails that carry them, so they never expire. An
unsubscribe token carries the address too, so a link from a mail sent to an address that
was erased and signed up again (a new subscriber row) cannot touch the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from service.settings import Settings

CONFIRM_TTL = timedelta(days=7)


class Purpose(str, Enum):
    CONFIRM = "confirm"
    PREFERENCES = "preferences"
    UNSUBSCRIBE = "unsubscribe"


# The route (docs/architecture.md §4) each purpose's link opens.
ROUTES = {
    Purpose.CONFIRM: "/subscription/confirm",
    Purpose.PREFERENCES: "/subscription/preferences",
    Purpose.UNSUBSCRIBE: "/unsubscribe",
}


class InvalidToken(Exception):
    """Forged, tampered with, expired, or made for another purpose."""


@dataclass(frozen=True)
class TokenSubject:
    subscriber_id: int
    email: str


def _salt(purpose: Purpose) -> str:
    return f"buletin.subscriber.{purpose.value}"


def make_token(settings: Settings, purpose: Purpose, subscriber_id: int, email: str) -> str:
    payload = {"s": subscriber_id, "e": email}
    if purpose is Purpose.CONFIRM:
        return URLSafeTimedSerializer(settings.secret, salt=_salt(purpose)).dumps(payload)
    return URLSafeSerializer(settings.secret, salt=_salt(purpose)).dumps(payload)


def read_token(settings: Settings, purpose: Purpose, token: str) -> TokenSubject:
    try:
        if purpose is Purpose.CONFIRM:
            payload = URLSafeTimedSerializer(settings.secret, salt=_salt(purpose)).loads(
                token, max_age=int(CONFIRM_TTL.total_seconds())
            )
        else:
            payload = URLSafeSerializer(settings.secret, salt=_salt(purpose)).loads(token)
    except BadSignature as exc:  # SignatureExpired is a BadSignature too
        raise InvalidToken("This link is not valid.") from exc
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("s"), int)
        or not isinstance(payload.get("e"), str)
    ):
        raise InvalidToken("This link is not valid.")
    return TokenSubject(subscriber_id=payload["s"], email=payload["e"])


def link(settings: Settings, purpose: Purpose, subscriber_id: int, email: str) -> str:
    """The absolute URL (PUBLIC_BASE_URL + route) that a mail or a page links to."""
    token = make_token(settings, purpose, subscriber_id, email)
    base = settings.public_base_url.rstrip("/")
    return f"{base}{ROUTES[purpose]}?{urlencode({'token': token})}"
