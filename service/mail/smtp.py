"""Sending: the `Sender` protocol and `SmtpPool`, its implementation on aiosmtplib.

The pool keeps a few SMTP connections open and hands one to each send() in turn (a
connection carries one transaction at a time), spaces messages out by a shared rate
limit, and retries what may succeed later: 4xx replies, lost connections and timeouts,
with a jittered exponential backoff. A 5xx reply to RCPT or to the data is final.

Failures that are about us rather than the message are transient even with a 5xx code:
connecting, TLS, EHLO, AUTH, and MAIL FROM refusing our sender (530 authentication
required, 550 sender not allowed). They mean the relay or our configuration is wrong;
they must never mark a delivery failed or suppress an address, and once fixed the
same messages go out. Only 552 and 555 to MAIL FROM (too big, bad parameters) concern
the message itself and are final.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
from typing import Literal, Protocol, Self

import aiosmtplib

from service.mail.config import SmtpConfig
from service.mail.message import OutgoingMessage, check_address
from service.mail.rate import Clock, RateLimiter, Sleep
from service.settings import Settings

log = logging.getLogger("buletin.mail")

Stage = Literal["connect", "mail", "rcpt", "data"]
_START_TLS = {"auto": None, "always": True, "never": False}
# 5xx replies to MAIL FROM that are about this message, not about our sender (RFC 5321).
_MESSAGE_REFUSED_AT_MAIL = {552, 555}


class SendStatus(str, Enum):
    ACCEPTED = "accepted"  # the server took the message (not "delivered")
    PERMANENT = "permanent"  # refused for good (5xx): never send it again
    TRANSIENT = "transient"  # still failing after every attempt: try again later


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    code: int | None  # the SMTP reply code; None when there was no reply (network, timeout)
    reply: str  # the server's text, or what went wrong without one
    attempts: int = 1
    stage: Stage | None = None  # where a failure happened

    @property
    def accepted(self) -> bool:
        return self.status is SendStatus.ACCEPTED

    @property
    def recipient_refused(self) -> bool:
        """A hard bounce of the address itself (5xx to RCPT): the one reason to suppress it."""
        return self.status is SendStatus.PERMANENT and self.stage == "rcpt"

    @property
    def detail(self) -> str:
        """One line for a ledger row's last_error: "550 5.1.1 no such user"."""
        return f"{self.code} {self.reply}" if self.code is not None else self.reply


class Sender(Protocol):
    async def send(
        self, message: OutgoingMessage, *, after: Awaitable[object] | None = None
    ) -> SendResult:
        """Send one message; with `after`, its data goes only once `after` is done.

        The engine passes the previous message's settle as `after`: that write overlaps
        this message's first commands, and still no message is accepted before the one
        before it is recorded. Should `after` fail, its error propagates and this message
        is not sent.
        """
        ...


class _AfterFailed(Exception):
    """What `after` raised, carried past the SMTP error handling (an OSError from the
    database must not read as a lost SMTP connection)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Connection:
    __slots__ = ("client", "last_used")

    def __init__(self) -> None:
        self.client: aiosmtplib.SMTP | None = None
        self.last_used = 0.0


class SmtpPool:
    """A `Sender` over a few reused SMTP connections; use it as an async context manager."""

    def __init__(
        self,
        config: SmtpConfig,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._limiter = RateLimiter(config.rate_per_second, clock=clock, sleep=sleep)
        self._connections = [_Connection() for _ in range(config.pool_size)]
        # Last in, first out: sequential sends stay on one warm connection, and the others
        # open only when sends overlap.
        self._idle: asyncio.LifoQueue[_Connection] = asyncio.LifoQueue()
        for connection in self._connections:
            self._idle.put_nowait(connection)
        self._closed = False
        self.connections_opened = 0  # for tests and benchmarks

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpPool:
        """Raises MailNotConfigured when SMTP_URL is unset."""
        return cls(SmtpConfig.from_settings(settings))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Say QUIT on every open connection; sends after this raise."""
        self._closed = True
        await asyncio.gather(*(self._quit(c) for c in self._connections))

    async def send(
        self, message: OutgoingMessage, *, after: Awaitable[object] | None = None
    ) -> SendResult:
        if self._closed:
            raise RuntimeError("the SMTP pool is closed")
        attempts = self.config.attempts
        for attempt in range(1, attempts + 1):
            await self._limiter.acquire()
            connection = await self._idle.get()
            if self._closed:  # closed while this send waited: no new connection now
                self._idle.put_nowait(connection)
                return SendResult(SendStatus.TRANSIENT, None, "the SMTP pool closed", attempt)
            try:
                result = await self._attempt(connection, message, attempt, after)
            finally:
                connection.last_used = self._clock()
                self._idle.put_nowait(connection)
            if result.status is SendStatus.ACCEPTED:
                # DEBUG: a line per message at digest volume costs more than the message's
                # own settle; the batches log their totals (digest.batch.sent).
                log.debug("smtp.sent key=%s attempts=%d", message.key, attempt)
                return result
            if result.status is SendStatus.PERMANENT:
                log.warning(
                    "smtp.failed key=%s code=%s stage=%s reply=%r",
                    message.key, result.code, result.stage, result.reply,
                )  # fmt: skip
                return result
            if attempt < attempts:
                delay = self._backoff(attempt)
                log.info(
                    "smtp.retry key=%s attempt=%d code=%s stage=%s delay=%.2f reply=%r",
                    message.key, attempt, result.code, result.stage, delay, result.reply,
                )  # fmt: skip
                await self._sleep(delay)
        log.warning(
            "smtp.deferred key=%s attempts=%d code=%s stage=%s reply=%r",
            message.key, attempts, result.code, result.stage, result.reply,
        )  # fmt: skip
        return result

    def _backoff(self, attempt: int) -> float:
        # Half fixed, half random: spread out, but never much sooner than the schedule.
        config = self.config
        delay = min(config.backoff_max_seconds, config.backoff_seconds * 2.0 ** (attempt - 1))
        return delay / 2 + self._rng.uniform(0, delay / 2)

    async def _attempt(
        self,
        connection: _Connection,
        message: OutgoingMessage,
        attempt: int,
        after: Awaitable[object] | None,
    ) -> SendResult:
        try:
            client = await self._ready(connection)
        except aiosmtplib.SMTPResponseException as exc:
            self._drop(connection)
            return SendResult(SendStatus.TRANSIENT, exc.code, exc.message, attempt, "connect")
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._drop(connection)
            return SendResult(SendStatus.TRANSIENT, None, _describe(exc), attempt, "connect")
        except asyncio.CancelledError:
            self._drop(connection)
            raise
        try:
            reply = await _transaction(client, message, after)
        except aiosmtplib.SMTPRecipientRefused as exc:
            return self._refused(connection, exc.code, exc.message, attempt, "rcpt")
        except aiosmtplib.SMTPSenderRefused as exc:
            return self._refused(connection, exc.code, exc.message, attempt, "mail")
        except aiosmtplib.SMTPResponseException as exc:
            return self._refused(connection, exc.code, exc.message, attempt, "data")
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Lost mid-transaction: the server may or may not have taken it
            # (docs/architecture.md §1).
            self._drop(connection)
            return SendResult(SendStatus.TRANSIENT, None, _describe(exc), attempt, "data")
        except asyncio.CancelledError:
            self._drop(connection)  # its transaction is half done
            raise
        except _AfterFailed as failed:
            self._drop(connection)  # likewise
            raise failed.error from None
        return SendResult(SendStatus.ACCEPTED, 250, reply, attempt)

    def _refused(
        self, connection: _Connection, code: int, reply: str, attempt: int, stage: Stage
    ) -> SendResult:
        if code == 421:
            self._drop(connection)  # the server is closing this connection
        final = 500 <= code < 600 and (stage != "mail" or code in _MESSAGE_REFUSED_AT_MAIL)
        status = SendStatus.PERMANENT if final else SendStatus.TRANSIENT
        return SendResult(status, code, reply, attempt, stage)

    async def _ready(self, connection: _Connection) -> aiosmtplib.SMTP:
        client = connection.client
        if client is not None and client.is_connected:
            if self._clock() - connection.last_used <= self.config.idle_seconds:
                return client
            # The relay has probably dropped it by now; a fresh one costs less than a retry.
            client.close()
        connection.client = None
        config = self.config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            local_hostname=config.helo_name,
            timeout=config.command_timeout,
            use_tls=config.implicit_tls,
            start_tls=_START_TLS[config.starttls],
            validate_certs=config.verify_certs,
        )
        await client.connect(timeout=config.connect_timeout)
        self.connections_opened += 1
        connection.client = client  # from here, the caller's _drop on a failure closes it
        if client.is_ehlo_or_helo_needed:  # no STARTTLS or AUTH said it already
            try:
                await client.ehlo()
            except aiosmtplib.SMTPHeloError:
                if not client.is_connected:
                    raise
                await client.helo()  # a server from before ESMTP, as SMTP.mail would try
        return client

    @staticmethod
    def _drop(connection: _Connection) -> None:
        if connection.client is not None:
            connection.client.close()
            connection.client = None

    async def _quit(self, connection: _Connection) -> None:
        client, connection.client = connection.client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit(timeout=min(2.0, self.config.command_timeout))
        except (aiosmtplib.SMTPException, OSError):
            pass  # it is going away either way
        finally:
            client.close()


async def _transaction(
    client: aiosmtplib.SMTP, message: OutgoingMessage, after: Awaitable[object] | None
) -> str:
    """MAIL, RCPT and DATA, as `SMTP.sendmail` sends them; the server's reply to the data.
    The data waits for `after` (see Sender.send).

    Not through sendmail: it works out the SIZE it declares by normalising every line end
    of the message once more, a regex pass over every byte; our messages are CRLF already
    (service/mail/_mime.py), so their length is the size. `_envelope` and `_data` say what
    else they leave out and why.
    """
    try:
        await _envelope(client, message)
        if after is not None:
            try:
                await after
            except Exception as exc:
                raise _AfterFailed(exc) from exc
        response = await _data(client, message.data)
    except aiosmtplib.SMTPResponseException:
        # As sendmail does: reset the envelope, so the connection can carry the next one.
        # Gone or confused: the caller's handling of the first error drops the connection.
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await client.rset()
        raise
    return response.message


async def _envelope(client: aiosmtplib.SMTP, message: OutgoingMessage) -> None:
    """MAIL (declaring the size) and RCPT, as `SMTP.mail` and `SMTP.rcpt` send them.

    Those parse both addresses with email.utils on every call, ~8 µs each; ours passed
    check_address (ASCII, no spaces, angle brackets or controls) when the message was
    built, which is all a command line needs. The EHLO they would send first, `_ready`
    has sent.
    """
    size = [b"SIZE=%d" % len(message.data)] if client.supports_extension("size") else []
    reply = await client.execute_command(b"MAIL", b"FROM:" + _path(message.sender), *size)
    if reply.code != aiosmtplib.SMTPStatus.completed:
        raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, message.sender)
    reply = await client.execute_command(b"RCPT", b"TO:" + _path(message.recipient))
    if reply.code not in (aiosmtplib.SMTPStatus.completed, aiosmtplib.SMTPStatus.will_forward):
        raise aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, message.recipient)


def _path(address: str) -> bytes:
    return b"<" + check_address(address).encode("ascii") + b">"


async def _data(client: aiosmtplib.SMTP, data: bytes) -> aiosmtplib.SMTPResponse:
    """DATA and the message, as `SMTP.data` sends them, without its two regex passes.

    `SMTP.data` runs a line-end regex and a dot-stuffing regex over every byte of every
    message: ~150 µs for a 10 kB digest, more than building the message. `_wire_form` does
    the same with plain byte scans (~10 µs). This writes on `SMTP.protocol`, which is not
    aiosmtplib's public API: the version is pinned in pyproject.toml, and
    tests/mail/test_smtp.py sends awkward messages through it to a real server.
    """
    start = await client.execute_command(b"DATA")
    if start.code != aiosmtplib.SMTPStatus.start_input:
        raise aiosmtplib.SMTPDataError(start.code, start.message)
    protocol = client.protocol
    if protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("Connection lost")
    try:
        # No await between the write and read_response, which arms the reply it waits for.
        protocol.write(_wire_form(data))
        response = await protocol.read_response(timeout=client.timeout)
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError):
        client.close()  # as SMTP.data does: the connection is out of step
        raise
    if response.code != aiosmtplib.SMTPStatus.completed:
        raise aiosmtplib.SMTPDataError(response.code, response.message)
    return response


def _wire_form(data: bytes) -> bytes:
    """The message as DATA carries it (RFC 5321 §4.5.2): CRLF line ends, a dot at the start
    of a line doubled, and the closing dot line."""
    crlf = data.count(b"\r\n")
    if data.count(b"\n") != crlf or data.count(b"\r") != crlf:  # a bare CR or LF somewhere
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    if b"\n." in data:  # never in what MessageBuilder makes: base64 bodies, no dotted headers
        data = data.replace(b"\n.", b"\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
