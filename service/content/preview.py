"""Signed, expiring preview tokens: a frontend renders one draft without staff credentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from service.settings import Settings

SALT = "buletin.entry-preview"
DEFAULT_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class PreviewToken:
    token: str
    entry_id: int
    expires_at: datetime


class InvalidPreviewToken(Exception):
    """Forged, tampered with, or expired."""


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret, salt=SALT)


def make_preview_token(
    entry_id: int, settings: Settings, ttl: timedelta = DEFAULT_TTL
) -> PreviewToken:
    # The lifetime travels inside the signed payload, so the checker needs no configuration.
    token = _serializer(settings).dumps({"e": entry_id, "t": int(ttl.total_seconds())})
    return PreviewToken(token=token, entry_id=entry_id, expires_at=datetime.now(UTC) + ttl)


def entry_id_for_preview(token: str, settings: Settings) -> int:
    serializer = _serializer(settings)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except (BadSignature, SignatureExpired) as exc:
        raise InvalidPreviewToken("The preview link is not valid.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
        raise InvalidPreviewToken("The preview link is not valid.")
    lifetime = timedelta(seconds=int(payload.get("t", 0)))
    if datetime.now(UTC) > signed_at + lifetime:
        raise InvalidPreviewToken("The preview link has expired.")
    return int(payload["e"])
