"""One MIME message per recipient from a rendered variant: headers and multipart/alternative.

Written directly (service/mail/_mime.py), not with `EmailMessage.set_content`, which
costs ~25x more per message (docs/architecture.md §8, bench/mail_build.py): a digest
builds one message per subscriber. Non-ASCII header values (Albanian names and subjects)
are RFC 2047 encoded here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from service.mail._mime import (
    EncodedBody,
    check_one_line,
    encode_words,
    mailbox,
    multipart_alternative,
    named,
)
from service.mail.config import domain_of
from service.mail.render import Rendered, fillings, slot_marker
from service.settings import Settings

# A Message-ID's left part is a dot-atom; keys like "notice-12-3" or "digest-4.17" fit it.
_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._=+-]{0,190}[A-Za-z0-9])?")
# Enough to refuse what would break an envelope or a header; the domains validate the rest.
# RFC 2919 §2: list-label "." list-id-namespace, a dot-atom-text.
_LIST_ID = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)+")
_ADDRESS = re.compile(r"[^@\s<>(),;:\"\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


@dataclass(frozen=True, slots=True)
class ListHeaders:
    """The headers of bulk mail (RFC 2369, 2919, 8058); staff notices have none."""

    list_name: str  # the list's name as readers know it: SITE_NAME, any text
    list_id: str  # "weekly.digest.example.org": a dot-atom, written literally in < >
    unsubscribe_url: str  # https://…/unsubscribe?token=…, which answers the one-click POST
    unsubscribe_mailto: str | None = None  # mailto:unsubscribe@…?subject=…


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """What a Sender needs: the envelope and the finished bytes."""

    key: str
    message_id: str
    sender: str  # envelope MAIL FROM
    recipient: str  # envelope RCPT TO
    data: bytes


class MessageBody:
    """A rendered variant made ready to build many messages: each part's base64 is done
    once up to its first slot, and only the slots' values change per message.

    Build one per variant and pass it to `MessageBuilder.build` with each recipient's
    values; a `Rendered` passed there directly is prepared for that one message.
    """

    __slots__ = ("_html", "_text", "locale", "slots", "subject")

    def __init__(self, rendered: Rendered) -> None:
        self.subject = rendered.subject
        self.locale = rendered.locale
        self.slots = rendered.slots
        markers = [slot_marker(name) for name in rendered.slots]
        self._text = EncodedBody(rendered.text, markers)
        self._html = EncodedBody(rendered.html, markers)

    def parts(self, values: Mapping[str, str]) -> tuple[str, bytes, bytes]:
        """Subject, text and HTML (base64 lines) with the slots filled, as Rendered.fill."""
        subject = self.subject
        text: list[tuple[bytes, bytes]] = []
        html: list[tuple[bytes, bytes]] = []
        for filling in fillings(self.slots, values):
            subject = subject.replace(filling.marker, filling.subject)
            marker = filling.marker.encode("ascii")
            text.append((marker, filling.text.encode("utf-8")))
            html.append((marker, filling.html.encode("utf-8")))
        return subject, self._text.encode(text), self._html.encode(html)


def check_address(address: str) -> str:
    if not address.isascii() or not _ADDRESS.fullmatch(address):
        raise ValueError(f"not a deliverable email address: {address!r}")
    return address


class MessageBuilder:
    """Builds messages from one sender; what does not change per message is done once here."""

    def __init__(
        self, mail_from: str, *, id_domain: str | None = None, envelope_sender: str | None = None
    ) -> None:
        name, address = parseaddr(mail_from)
        self._from = mailbox(name or None, check_address(address))
        self.envelope_sender = check_address(envelope_sender or address)
        self.id_domain = id_domain or domain_of(address) or "localhost"
        self._date = (datetime.min.replace(tzinfo=UTC), "")

    @classmethod
    def from_settings(cls, settings: Settings) -> MessageBuilder:
        # MAIL_FROM's domain names our messages; a bare localhost sender borrows the
        # service's host, so that ids stay unique to this deployment.
        domain = domain_of(settings.mail_from)
        if domain in (None, "localhost"):
            domain = urlsplit(settings.public_base_url).hostname or domain
        return cls(settings.mail_from, id_domain=domain)

    def _date_now(self) -> str:
        # The header has whole seconds: format it once a second, not once a message.
        now = datetime.now(UTC).replace(microsecond=0)
        if now != self._date[0]:
            self._date = (now, format_datetime(now))
        return self._date[1]

    def message_id(self, key: str) -> str:
        """`<key@domain>`: one key, one id, so a resent message is recognisably the same."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"message key {key!r} must be letters, digits and . _ = + -")
        return f"<{key}@{self.id_domain}>"

    def build(
        self,
        body: MessageBody | Rendered,
        *,
        values: Mapping[str, str] | None = None,
        key: str,
        to_address: str,
        to_name: str | None = None,
        list_headers: ListHeaders | None = None,
        auto_submitted: bool = False,
        language: str | None = None,
        date: datetime | None = None,
    ) -> OutgoingMessage:
        """One message from `body`, its slots filled from `values`."""
        if isinstance(body, Rendered):
            body = MessageBody(body)
        subject, text, html = body.parts(values or {})
        message_id = self.message_id(key)
        headers = [
            ("From", self._from),
            ("To", mailbox(to_name, check_address(to_address))),
            ("Subject", encode_words(subject)),
            ("Date", format_datetime(date) if date is not None else self._date_now()),
            ("Message-ID", message_id),
            ("Content-Language", check_one_line(language or body.locale)),
        ]
        if auto_submitted:
            # RFC 3834: vacation responders and the like must not answer it.
            headers.append(("Auto-Submitted", "auto-generated"))
        if list_headers is not None:
            headers += _list_headers(list_headers)
        return OutgoingMessage(
            key=key,
            message_id=message_id,
            sender=self.envelope_sender,
            recipient=to_address,
            data=multipart_alternative(headers, text, html),
        )


def _list_headers(headers: ListHeaders) -> list[tuple[str, str]]:
    # RFC 8058 one-click wants https; plain http is accepted for the dev sink only.
    targets = [f"<{_check_uri(headers.unsubscribe_url, ('https://', 'http://'))}>"]
    if headers.unsubscribe_mailto:
        targets.append(f"<{_check_uri(headers.unsubscribe_mailto, ('mailto:',))}>")
    return [
        # RFC 2919: only the name is a phrase (quoted or encoded); the id stays literal.
        ("List-Id", named(headers.list_name, _check_list_id(headers.list_id))),
        ("List-Unsubscribe", ", ".join(targets)),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]


def _check_list_id(list_id: str) -> str:
    if not _LIST_ID.fullmatch(list_id):
        raise ValueError(f"not a list id (RFC 2919 dot-atom): {list_id!r}")
    return list_id


def _check_uri(uri: str, schemes: tuple[str, ...]) -> str:
    if not uri.startswith(schemes) or not uri.isascii() or any(c in uri for c in " <>\r\n\t"):
        raise ValueError(f"List-Unsubscribe target must be a {' or '.join(schemes)} URI: {uri!r}")
    return uri
