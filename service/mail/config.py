"""SMTP settings: the relay from SMTP_URL plus the pool's knobs from Settings.

SMTP_URL forms:

- ``smtp://host:port``: plain SMTP; STARTTLS when the server offers it (``?starttls=auto``,
  the default), always (``?starttls=1``, the connection fails without it) or never
  (``?starttls=0``, only for local sinks). Port 25 unless given (587 with ``starttls=1``).
- ``smtps://host:port``: TLS from the first byte (implicit TLS), port 465 unless given.
- ``user:pass@`` before the host signs in (AUTH); percent-encode special characters.
- ``?verify=0`` skips certificate checks (a relay with a self-signed certificate);
  ``?helo=name`` sets the EHLO name (default: the domain of MAIL_FROM).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from service.settings import Settings

StartTls = Literal["auto", "always", "never"]

_TRUE = {"1", "true", "yes", "on", "always", "required"}
_FALSE = {"0", "false", "no", "off", "never"}


class MailNotConfigured(RuntimeError):
    """Sending was asked for, but no relay is configured (SMTP_URL is unset)."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    starttls: StartTls = "auto"
    verify_certs: bool = True
    helo_name: str | None = None
    pool_size: int = 4
    # Messages per second for the whole pool; 0 means no limit.
    rate_per_second: float = 20.0
    connect_timeout: float = 10.0
    command_timeout: float = 30.0
    idle_seconds: float = 30.0
    attempts: int = 3
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        if not settings.smtp_url:
            raise MailNotConfigured(
                "SMTP_URL is not set: configure a relay (smtp://user:pass@host:587?starttls=1)"
                " or run `buletin dev`, which points it at its local sink"
            )
        return parse_smtp_url(
            settings.smtp_url,
            helo_name=domain_of(settings.mail_from),
            pool_size=settings.smtp_pool_size,
            rate_per_second=settings.smtp_rate_per_second,
            connect_timeout=settings.smtp_connect_timeout,
            command_timeout=settings.smtp_command_timeout,
            idle_seconds=settings.smtp_idle_seconds,
            attempts=settings.smtp_attempts,
            backoff_seconds=settings.smtp_backoff_seconds,
            backoff_max_seconds=settings.smtp_backoff_max_seconds,
        )


def parse_smtp_url(
    url: str,
    *,
    helo_name: str | None = None,
    pool_size: int = 4,
    rate_per_second: float = 20.0,
    connect_timeout: float = 10.0,
    command_timeout: float = 30.0,
    idle_seconds: float = 30.0,
    attempts: int = 3,
    backoff_seconds: float = 1.0,
    backoff_max_seconds: float = 30.0,
) -> SmtpConfig:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError("SMTP_URL names no host")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    implicit_tls = parts.scheme == "smtps"
    starttls = _starttls(query.get("starttls"))
    if implicit_tls and starttls == "always":
        raise ValueError("smtps:// is TLS already; starttls=1 applies to smtp:// only")
    port = parts.port or (465 if implicit_tls else 587 if starttls == "always" else 25)
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls="never" if implicit_tls else starttls,
        verify_certs=query.get("verify", "1").lower() not in _FALSE,
        helo_name=query.get("helo") or helo_name,
        pool_size=pool_size,
        rate_per_second=rate_per_second,
        connect_timeout=connect_timeout,
        command_timeout=command_timeout,
        idle_seconds=idle_seconds,
        attempts=attempts,
        backoff_seconds=backoff_seconds,
        backoff_max_seconds=backoff_max_seconds,
    )


def _starttls(value: str | None) -> StartTls:
    if value is None or value.lower() == "auto":
        return "auto"
    if value.lower() in _TRUE:
        return "always"
    if value.lower() in _FALSE:
        return "never"
    raise ValueError(f"SMTP_URL: starttls must be 1, 0 or auto, not {value!r}")


def domain_of(address: str) -> str | None:
    """The domain of an address or of a `Name <address>` header value."""
    _, addr = parseaddr(address)
    domain = addr.rpartition("@")[2].strip().lower()
    return domain or None
