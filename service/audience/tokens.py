"""Signed links for subscribers: each token is made for one purpose and works for no other.

A confirmation link expires (a stale sign-up should start again); unsubscribe and
preferences links live as long as the mails that carry them, so they never expire. An
unsubscribe token carries the address too, so a link from a mail sent to an address that
was erased and signed up again (a new subscriber row) cannot touch the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import lru_cache

from itsdangerous import BadSignature, Signer, URLSafeSerializer, URLSafeTimedSerializer

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


@lru_cache(maxsize=32)
def _serializer(secret: str, purpose: Purpose) -> URLSafeSerializer | URLSafeTimedSerializer:
    # One per (secret, purpose), with its signer below: a digest signs two links per
    # subscriber, and building both per call was a good part of a link's cost. Neither
    # keeps state between calls, so sharing them is safe.
    if purpose is Purpose.CONFIRM:
        return URLSafeTimedSerializer(secret, salt=_salt(purpose))
    return URLSafeSerializer(secret, salt=_salt(purpose))


@lru_cache(maxsize=32)
def _signer(secret: str, purpose: Purpose) -> Signer:
    return _serializer(secret, purpose).make_signer()


def make_tokens(
    settings: Settings, purposes: Sequence[Purpose], subscriber_id: int, email: str
) -> list[str]:
    """One token per purpose for the same subscriber, as make_token makes each: what
    `Serializer.dumps` does, with the payload (JSON, maybe zlib, base64; the same for
    every purpose) encoded once and signed once per purpose."""
    payload = _serializer(settings.secret, purposes[0]).dump_payload(
        {"s": subscriber_id, "e": email}
    )
    return [_signer(settings.secret, p).sign(payload).decode("utf-8") for p in purposes]


def make_token(settings: Settings, purpose: Purpose, subscriber_id: int, email: str) -> str:
    return make_tokens(settings, [purpose], subscriber_id, email)[0]


def read_token(settings: Settings, purpose: Purpose, token: str) -> TokenSubject:
    serializer = _serializer(settings.secret, purpose)
    try:
        if isinstance(serializer, URLSafeTimedSerializer):
            payload = serializer.loads(token, max_age=int(CONFIRM_TTL.total_seconds()))
        else:
            payload = serializer.loads(token)
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
    return links(settings, [purpose], subscriber_id, email)[0]


def token_link(settings: Settings, purpose: Purpose, token: str) -> str:
    """The page of `purpose` with `token` (made by make_tokens for that purpose)."""
    # Tokens are URL-safe base64 and dots: nothing in them needs quoting.
    return f"{settings.public_base_url.rstrip('/')}{ROUTES[purpose]}?token={token}"


def links(
    settings: Settings, purposes: Sequence[Purpose], subscriber_id: int, email: str
) -> list[str]:
    """link() for several purposes at once."""
    tokens = make_tokens(settings, purposes, subscriber_id, email)
    return [token_link(settings, p, t) for p, t in zip(purposes, tokens, strict=True)]
