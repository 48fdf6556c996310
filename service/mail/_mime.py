"""MIME written directly: a multipart/alternative message of two base64 parts, ~25x
cheaper than the stdlib's generic path (bench/mail_build.py).

Every digest builds one message per subscriber, so this is the hot spot of sending. The
stdlib's generator folds every header through `email.header.Header`, base64-encodes in a
Python loop, writes bodies 76 bytes at a time and scans each body for a boundary. Here
headers arrive already encoded (RFC 2047 words from `encode_words`), bodies are base64'd
in one C call, and the boundary is random (base64 lines never contain "--"). Only public
APIs of the standard library are used; tests parse every message with the email package.
"""

from __future__ import annotations

import random
import re
from binascii import b2a_base64
from collections.abc import Iterable, Sequence

_WORD_BYTES = 42  # 56 base64 chars, so "Subject: " + one encoded word stays within 78
_LINE = 78  # RFC 5322's recommended line length; lists of addresses fold at their commas
_CHUNK = 57  # bytes of input per line of base64
_LINE_CHARS = 76  # what _CHUNK bytes encode to (RFC 2045's maximum line)
_CRLF = b"\r\n"


_random = random.Random()


def _header(name: str, value: str) -> str:
    # Values fold with "\n " (encode_words); the wire wants CRLF, as every line here has.
    line = f"{name}: {value}"
    if len(line) > _LINE and "\n" not in value and ", " in value:
        line = f"{name}: " + ",\n ".join(value.split(", "))
    return line.replace("\n", "\r\n")


class EncodedBody:
    """One text part shared by many messages, as base64 lines: what comes before its first
    slot is encoded once, and each message encodes only the rest, with its own values.

    A digest body is ~10 KB and its per-subscriber links sit in the footer, so nearly all
    of it is encoded once per variant instead of once per message. The cut falls on a
    whole 57-byte chunk (one 76-character line), so head and tail join into the very
    lines that encoding the whole body would give.
    """

    __slots__ = ("head", "tail")

    def __init__(self, body: str, markers: Iterable[str] = ()) -> None:
        data = body.encode("utf-8")
        found = [at for marker in markers if (at := data.find(marker.encode("utf-8"))) >= 0]
        cut = min(found, default=len(data))
        cut -= cut % _CHUNK
        self.head = _base64_lines(data[:cut])
        self.tail = data[cut:]

    def encode(self, values: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
        """The part's base64 lines with each (marker, value) replaced."""
        tail = self.tail
        for marker, value in values:
            tail = tail.replace(marker, value)
        return self.head + _base64_lines(tail)


def _base64_lines(data: bytes) -> bytes:
    encoded = b2a_base64(data, newline=False)  # one C call; then cut into lines
    return b"".join(
        encoded[at : at + _LINE_CHARS] + _CRLF for at in range(0, len(encoded), _LINE_CHARS)
    )


def multipart_alternative(headers: Sequence[tuple[str, str]], text: bytes, html: bytes) -> bytes:
    """The whole message, CRLF line ends: `headers` (values already encoded), then the text
    and the HTML parts, each given as base64 lines (`EncodedBody.encode`)."""
    # Random but not from the OS: a syscall per message showed in the profile, and this
    # needs no secrecy, only a line that base64 bodies can never contain ("=_" is not
    # base64, which is what makes the boundary safe, not its randomness).
    boundary = f"=_{_random.getrandbits(96):024x}"
    lines = [_header(name, value) for name, value in headers]
    lines += [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        "",
    ]
    delimiter = f"--{boundary}\r\n"
    part = 'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    # Text first: clients show the last alternative they understand (RFC 2046).
    return b"".join(
        (
            "\r\n".join(lines).encode("ascii"),
            (delimiter + part.format("plain")).encode("ascii"),
            text,
            (delimiter + part.format("html")).encode("ascii"),
            html,
            f"--{boundary}--\r\n".encode("ascii"),
        )
    )


def check_one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("a header value cannot contain a line break")
    return value


def encode_words(text: str) -> str:
    """RFC 2047 B-encoded words for non-ASCII text, folded; ASCII text as it is."""
    check_one_line(text)
    if text.isascii() and "=?" not in text:  # "=?" would read as the start of a word
        return text
    data = text.encode("utf-8")
    words = []
    start = 0
    while start < len(data):
        end = min(start + _WORD_BYTES, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1  # never split a UTF-8 sequence between two words
        encoded = b2a_base64(data[start:end], newline=False).decode("ascii")
        words.append(f"=?utf-8?b?{encoded}?=")
        start = end
    # Whitespace between encoded words is dropped by readers (RFC 2047 §6.2).
    return "\n ".join(words)


# RFC 5322 §3.2.3 specials (and "=?", which readers take for an encoded word): an ASCII
# phrase with any of them must be a quoted-string.
_NEEDS_QUOTES = re.compile(r'[][()<>@,;:\\".]|=\?')
_HEADER_ROOM = 12  # the longest header name these phrases go under ("List-Id: "), rounded up
# A phrase's encoded words are as long as RFC 2047 allows (75 characters; 72 here, so a
# folded line of one is within its 76), so that most names need only one: readers differ
# on the space between two (Python's parser keeps it, though §6.2 says to drop it).
_PHRASE_WORD_BYTES = 45
_ENCODED_LINE = 76  # RFC 2047 §2: a line with an encoded word


def phrase(text: str) -> str:
    """A display name as RFC 5322 wants it: atoms as they are, an ASCII name with specials
    as a quoted-string, anything else as RFC 2047 encoded words (RFC 2047 §5)."""
    text = " ".join(check_one_line(text).split())
    if not text.isascii():
        return _encoded_phrase(text)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _encoded_phrase(text: str) -> str:
    data = text.encode("utf-8")
    words = []
    start = 0
    while start < len(data):
        end = min(start + _PHRASE_WORD_BYTES, len(data))
        if end < len(data):
            space = data.rfind(b" ", start, end)
            if space > start:
                end = space + 1  # a word ends with a space of the text: between words, none
            else:
                while data[end] & 0xC0 == 0x80:
                    end -= 1  # never split a UTF-8 sequence between two words
        encoded = b2a_base64(data[start:end], newline=False).decode("ascii")
        words.append(f"=?utf-8?b?{encoded}?=")
        start = end
    # A word too long for the header's first line starts on the next one.
    first = "\n " if _HEADER_ROOM + len(words[0]) > _ENCODED_LINE else ""
    return first + "\n ".join(words)


def named(name: str, angle: str) -> str:
    """`phrase <angle>`: a mailbox, or a List-Id (RFC 2919), whose bracketed part stays
    literal. It goes on a line of its own when it would not fit after the phrase."""
    before = phrase(name)
    last_line = before.rsplit("\n", 1)[-1]
    room = _HEADER_ROOM if "\n" not in before else 0
    gap = "\n " if room + len(last_line) + len(angle) + 3 > _LINE else " "
    return f"{before}{gap}<{angle}>"


def mailbox(name: str | None, address: str) -> str:
    """`Name <address>`, the name quoted (ASCII) or encoded (anything else)."""
    name = " ".join(check_one_line(name).split()) if name else ""
    if not name:
        return address
    return named(name, address)
