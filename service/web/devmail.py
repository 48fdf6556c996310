"""The quick start's mail sink: a local SMTP server that keeps every message, and pages
at /dev/mail that list and show them. Dev mode only; nothing here runs in production.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from service.web.pages import templates

MAX_KEPT = 500


@dataclass(frozen=True)
class CaughtMail:
    number: int
    received_at: datetime
    envelope_from: str
    envelope_to: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


@dataclass
class _Keeper:
    mails: list[CaughtMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        with self.lock:
            number = (self.mails[-1].number + 1) if self.mails else 1
            self.mails.append(
                CaughtMail(
                    number,
                    datetime.now(UTC),
                    str(envelope.mail_from),
                    tuple(envelope.rcpt_tos),
                    raw,
                )
            )
            del self.mails[:-MAX_KEPT]
        return "250 2.0.0 kept by the Buletin dev mail sink"


class MailSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_port()
        self._keeper = _Keeper()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def mails(self) -> list[CaughtMail]:
        with self._keeper.lock:
            return list(reversed(self._keeper.mails))

    def mail(self, number: int) -> CaughtMail | None:
        return next((m for m in self.mails() if m.number == number), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sink(request: Request) -> MailSink:
    sink: MailSink | None = getattr(request.app.state, "mail_sink", None)
    if sink is None or not request.app.state.settings.debug:
        raise HTTPException(404)
    return sink


def _summary(mail: CaughtMail) -> dict[str, Any]:
    message = mail.message
    return {
        "number": mail.number,
        "received_at": mail.received_at,
        "to": message["To"] or ", ".join(mail.envelope_to),
        "subject": message["Subject"] or "",
        "language": message["Content-Language"] or "",
    }


async def mail_list(request: Request) -> Response:
    sink = _sink(request)
    return templates.TemplateResponse(
        request, "devmail_list.html", {"mails": [_summary(m) for m in sink.mails()]}
    )


async def mail_show(request: Request) -> Response:
    mail = _sink(request).mail(int(request.path_params["number"]))
    if mail is None:
        raise HTTPException(404)
    headers = [(k, str(v)) for k, v in mail.message.items()]
    return templates.TemplateResponse(
        request,
        "devmail_show.html",
        {
            "mail": _summary(mail),
            "headers": headers,
            "text": mail.part("plain"),
            "html": mail.part("html"),
        },
    )


async def mail_raw(request: Request) -> Response:
    mail = _sink(request).mail(int(request.path_params["number"]))
    if mail is None:
        raise HTTPException(404)
    return PlainTextResponse(mail.raw.decode("utf-8", "replace"))
