"""Unsubscribing by mail: the `mailto:` of a digest's List-Unsubscribe (RFC 2369).

Apple Mail, Outlook and others unsubscribe by sending a mail to that address with the
subject it names. The subject carries the subscriber's unsubscribe token, the same one
as the https link, so the mail alone decides, as the one-click POST does; who sent it
does not matter (forwarding rewrites senders). The MTA hands each such mail to
`buletin unsubscribe-mail` (README, "Newsletter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import default as default_policy

from service.audience.models import Subscriber
from service.audience.subscriptions import unsubscribe
from service.audience.tokens import InvalidToken
from service.settings import Settings

SUBJECT_WORD = "unsubscribe"
# An itsdangerous URL-safe token: base64url payload (a leading "." when compressed), ".",
# base64url signature. Anything else in a subject is a word, not a token.
_TOKEN = re.compile(r"\.?[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")
# Clients that cannot set a subject put it at the top of the body; further down is quoted
# text, which may carry someone else's token.
_BODY_LINES = 5
# Far more than an unsubscribe request needs; a bound so a huge body is not scanned.
_BODY_CHARS = 4096


def unsubscribe_mailto(address: str, token: str) -> str:
    """The List-Unsubscribe mailto for one subscriber: `unsubscribe <token>` as subject."""
    # Tokens are base64url and dots: only the space needs escaping (RFC 6068).
    return f"mailto:{address}?subject={SUBJECT_WORD}%20{token}"


@dataclass(frozen=True, slots=True)
class MailOutcome:
    subscriber: Subscriber | None  # None: the mail named nobody
    detail: str


def _candidates(message: EmailMessage) -> list[str]:
    found = _TOKEN.findall(str(message.get("Subject", "")))
    body = message.get_body(preferencelist=("plain",))
    if isinstance(body, EmailMessage):
        try:
            text = body.get_content()
        except (LookupError, ValueError):  # an unknown charset or a broken encoding
            text = ""
        if isinstance(text, str):
            lines = text[:_BODY_CHARS].splitlines()[:_BODY_LINES]
            found += [token for line in lines for token in _TOKEN.findall(line)]
    return list(dict.fromkeys(found))


async def unsubscribe_by_mail(data: bytes, *, settings: Settings) -> MailOutcome:
    """Unsubscribe whoever the mail's token names, as the one-click POST would.

    A mail that names nobody (no token, a forged or foreign one, an erased subscriber)
    changes nothing and is not an error: the sender gets no bounce. Database failures
    are raised, so the caller can have the MTA try again later.
    """
    try:
        message = message_from_bytes(data, policy=default_policy)
        tokens = _candidates(message) if isinstance(message, EmailMessage) else []
    except (MessageError, ValueError, IndexError) as exc:
        return MailOutcome(None, f"unreadable message ({type(exc).__name__})")
    for token in tokens:
        try:
            row = await unsubscribe(token, settings=settings)
        except InvalidToken:
            continue
        return MailOutcome(row, f"subscriber {row.id} is {row.status.value}")
    return MailOutcome(None, f"no valid unsubscribe token among {len(tokens)} candidates")
