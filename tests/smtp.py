"""A real SMTP server in the test process (aiosmtpd), shared by the mail and worker tests.

The server runs in aiosmtpd's own thread and loop; its handler keeps what arrives and can
be scripted to refuse: `mail_replies`, `rcpt_replies` and `data_replies` are answered, in
order, instead of accepting, so "451 twice, then accept" is `data_replies = ["451 …"] * 2`.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.headerregistry import AddressHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: list[str] = field(default_factory=list)


@dataclass
class RecordingHandler:
    messages: list[Received] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    mail_replies: list[str] = field(default_factory=list)
    connections: int = 0  # EHLOs: one per connection (no STARTTLS here)
    quits: int = 0
    rcpt_attempts: int = 0
    data_attempts: int = 0
    knows_ehlo: bool = True  # False: a server from before ESMTP, which only takes HELO
    helos: int = 0
    helo_replies: list[str] = field(default_factory=list)  # e.g. a 554 for the next HELO

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: Any
    ) -> Any:
        if not self.knows_ehlo:
            return ["502 5.5.1 EHLO not implemented"]
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        self.helos += 1
        if self.helo_replies:
            return self.helo_replies.pop(0)
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        self.rcpt_attempts += 1
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.data_attempts += 1
        if self.data_replies:
            return self.data_replies.pop(0)
        content = envelope.content
        assert isinstance(content, bytes)
        self.messages.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                content,
                list(envelope.mail_options),
            )
        )
        return f"250 2.0.0 queued as {len(self.messages)}"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.quits += 1
        return "221 2.0.0 bye"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def parsed(self) -> list[EmailMessage]:
        found = []
        for received in self.handler.messages:
            message = message_from_bytes(received.content, policy=default_policy)
            assert isinstance(message, EmailMessage)
            found.append(message)
        return found

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.parsed() if address in str(m["To"])]


def text_of(message: EmailMessage) -> str:
    """The plain-text part of a received message."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    """The HTML part of a received message."""
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


@contextmanager
def running(handler: RecordingHandler | None = None) -> Iterator[SmtpServer]:
    handler = handler or RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    try:
        yield SmtpServer(handler, controller.port)
    finally:
        controller.stop()


def raw_header(message: EmailMessage, name: str) -> str:
    """A header's value as it came over the wire, folding and encoding included."""
    [value] = [v for k, v in message.raw_items() if k.lower() == name.lower()]
    return str(value)


def list_id_of(message: EmailMessage) -> tuple[str, str]:
    """(name, id) of List-Id as RFC 2919 reads it: the `<id>` literal on the wire, the
    phrase before it parsed as RFC 5322 parses a display name (quoted-string, comments,
    RFC 2047 encoded words)."""
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", raw_header(message, "List-Id")).strip()
    match = re.fullmatch(r"(.*?)\s*<([^<>\s]+)>", unfolded)
    assert match, f"no literal <list-id> in {unfolded!r}"
    # A List-Id's phrase is a display name's phrase: parse it as one, the way clients do.
    header = default_policy.header_factory("To", f"{match[1]} <list@id.invalid>")
    assert isinstance(header, AddressHeader)
    [address] = header.addresses
    return address.display_name, match[2]
