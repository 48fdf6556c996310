"""Email: rendering (Jinja2, gettext, inlined CSS), MIME building, pooled SMTP sending.

The pieces talk through small types, as listmonk's pipeline does: `Renderer.render` gives a
`Rendered` variant, `MessageBuilder.build` turns it into an `OutgoingMessage` per
recipient, and a `Sender` (`SmtpPool`) sends it and answers with a `SendResult`.
"""

from __future__ import annotations

from service.mail.config import MailNotConfigured, SmtpConfig, parse_smtp_url
from service.mail.message import ListHeaders, MessageBuilder, OutgoingMessage
from service.mail.render import Rendered, Renderer
from service.mail.smtp import Sender, SendResult, SendStatus, SmtpPool

__all__ = [
    "ListHeaders",
    "MailNotConfigured",
    "MessageBuilder",
    "OutgoingMessage",
    "Rendered",
    "Renderer",
    "SendResult",
    "SendStatus",
    "Sender",
    "SmtpConfig",
    "SmtpPool",
    "parse_smtp_url",
]
