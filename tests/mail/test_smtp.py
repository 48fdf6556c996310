"""SmtpPool against a real SMTP server: reuse, retries, refusals, outages, the rate limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from service.mail.message import MessageBuilder, OutgoingMessage
from service.mail.render import Rendered
from service.mail.smtp import SendStatus, SmtpPool
from tests.mail.clock import FakeClock
from tests.mail.conftest import pool_config
from tests.smtp import SmtpServer, free_port
from tests.waiting import wait_until

_RENDERED = Rendered("Njoftim për stafin", "Përshëndetje!\n", "<p>Përshëndetje!</p>", "sq")


def _message(builder: MessageBuilder, n: int = 1) -> OutgoingMessage:
    return builder.build(_RENDERED, key=f"test-{n}", to_address=f"staff{n}@example.org")


async def test_sequential_sends_reuse_one_connection(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    async with SmtpPool(pool_config(smtp_server.port, pool_size=4)) as pool:
        results = [await pool.send(_message(builder, n)) for n in range(5)]
    assert [r.status for r in results] == [SendStatus.ACCEPTED] * 5
    assert len(smtp_server.handler.messages) == 5
    assert smtp_server.handler.connections == 1
    assert pool.connections_opened == 1
    assert smtp_server.handler.quits == 1  # close() said goodbye


async def test_the_declared_size_is_what_arrives(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    # RFC 1870: a server may refuse a message by its SIZE before reading it, so the figure
    # we declare (our own count, not sendmail's) must be the message's size on the wire;
    # from a connection's first message on, as the pool says EHLO before its first MAIL.
    messages = [_message(builder, n) for n in range(2)]
    for message in messages:
        assert (await pool.send(message)).accepted
    for message, received in zip(messages, smtp_server.handler.messages, strict=True):
        sizes = [int(o.split("=")[1]) for o in received.mail_options if o.startswith("SIZE=")]
        assert sizes == [len(message.data)]
        assert abs(len(received.content) - len(message.data)) <= 2  # the last CRLF at most


async def test_concurrent_sends_stay_within_the_pool(
    smtp_server: SmtpServer, builder: MessageBuilder, pool: SmtpPool
) -> None:
    results = await asyncio.gather(*(pool.send(_message(builder, n)) for n in range(8)))
    assert all(r.accepted for r in results)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.handler.messages) == sorted(
        f"staff{n}@example.org" for n in range(8)
    )
    assert 1 <= smtp_server.handler.connections <= pool.config.pool_size


async def test_the_server_reply_is_reported(pool: SmtpPool, builder: MessageBuilder) -> None:
    result = await pool.send(_message(builder))
    assert result.accepted
    assert (result.code, result.attempts, result.stage) == (250, 1, None)
    assert "queued as 1" in result.reply


async def test_two_451s_then_accepted_arrives_once(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.data_replies = ["451 4.3.0 try later"] * 2
    result = await pool.send(_message(builder))
    assert result.status is SendStatus.ACCEPTED
    assert result.attempts == 3
    assert smtp_server.handler.data_attempts == 3
    assert len(smtp_server.handler.messages) == 1
    # A 4xx leaves the connection usable: all three tries went over the first one.
    assert smtp_server.handler.connections == 1


async def test_550_is_permanent_with_its_reason_and_tried_once(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.rcpt_replies = ["550 5.1.1 no such user"]
    result = await pool.send(_message(builder))
    assert result.status is SendStatus.PERMANENT
    assert (result.code, result.stage, result.attempts) == (550, "rcpt", 1)
    assert "no such user" in result.reply
    assert result.detail == "550 5.1.1 no such user"
    assert result.recipient_refused
    assert smtp_server.handler.rcpt_attempts == 1
    assert smtp_server.handler.messages == []
    # The connection is still good for the next message.
    assert (await pool.send(_message(builder, 2))).accepted
    assert smtp_server.handler.connections == 1


async def test_a_5xx_to_the_data_is_permanent_but_no_bounce_of_the_address(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.data_replies = ["554 5.7.1 message refused as spam"]
    result = await pool.send(_message(builder))
    assert (result.status, result.code, result.stage) == (SendStatus.PERMANENT, 554, "data")
    assert not result.recipient_refused
    assert smtp_server.handler.data_attempts == 1


async def test_a_refused_sender_is_our_problem_and_stays_transient(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.mail_replies = ["530 5.7.0 authentication required"] * 10
    result = await pool.send(_message(builder))
    assert (result.status, result.code, result.stage) == (SendStatus.TRANSIENT, 530, "mail")
    assert result.attempts == 3
    assert not result.recipient_refused


async def test_a_message_too_big_is_permanent_at_mail_from(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.mail_replies = ["552 5.3.4 message too big"]
    result = await pool.send(_message(builder))
    assert (result.status, result.code, result.stage) == (SendStatus.PERMANENT, 552, "mail")
    assert result.attempts == 1


async def test_4xx_every_time_is_transient_after_the_attempts(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.rcpt_replies = ["452 4.2.2 mailbox full"] * 10
    result = await pool.send(_message(builder))
    assert (result.status, result.code, result.attempts) == (SendStatus.TRANSIENT, 452, 3)
    assert smtp_server.handler.rcpt_attempts == 3
    assert smtp_server.handler.messages == []


async def test_retries_back_off_exponentially(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    smtp_server.handler.data_replies = ["451 4.3.0 try later"] * 3
    clock = FakeClock()
    config = pool_config(smtp_server.port, attempts=4, backoff_seconds=1, backoff_max_seconds=3)
    async with SmtpPool(config, clock=clock, sleep=clock.sleep) as pool:
        assert (await pool.send(_message(builder))).accepted
    # 1 s, 2 s, 4 s capped at 3 s; each jittered down by up to half.
    first, second, third = clock.sleeps
    assert 0.5 <= first <= 1
    assert 1 <= second <= 2
    assert 1.5 <= third <= 3


async def test_a_421_drops_the_connection_and_the_retry_opens_another(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.data_replies = ["421 4.3.2 shutting down"]
    result = await pool.send(_message(builder))
    assert result.accepted
    assert result.attempts == 2
    assert smtp_server.handler.connections == 2
    assert len(smtp_server.handler.messages) == 1


async def test_an_idle_connection_is_reopened(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    clock = FakeClock()
    config = pool_config(smtp_server.port, idle_seconds=30)
    async with SmtpPool(config, clock=clock, sleep=clock.sleep) as pool:
        assert (await pool.send(_message(builder, 1))).accepted
        clock.now += 10
        assert (await pool.send(_message(builder, 2))).accepted
        clock.now += 31
        assert (await pool.send(_message(builder, 3))).accepted
    assert pool.connections_opened == 2
    assert smtp_server.handler.connections == 2


@pytest.fixture
def closed_port() -> int:
    return free_port()  # nothing listens there once the probe is closed


async def test_a_server_that_is_down_is_transient_and_quick(
    closed_port: int, builder: MessageBuilder
) -> None:
    started = time.monotonic()
    async with SmtpPool(pool_config(closed_port, attempts=3)) as pool:
        result = await pool.send(_message(builder))
    assert result.status is SendStatus.TRANSIENT
    assert (result.code, result.stage, result.attempts) == (None, "connect", 3)
    assert "connect" in result.reply.lower()
    assert time.monotonic() - started < 1.0


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word, like a relay behind a broken firewall."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_server_that_never_answers_times_out(
    silent_server: int, builder: MessageBuilder
) -> None:
    config = pool_config(silent_server, attempts=2, connect_timeout=0.1, command_timeout=0.1)
    started = time.monotonic()
    async with SmtpPool(config) as pool:
        result = await pool.send(_message(builder))
    assert (result.status, result.attempts) == (SendStatus.TRANSIENT, 2)
    assert time.monotonic() - started < 1.0


async def test_the_rate_limit_spaces_messages(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    clock = FakeClock()
    config = pool_config(smtp_server.port, rate_per_second=50)
    async with SmtpPool(config, clock=clock, sleep=clock.sleep) as pool:
        started = clock.now
        for n in range(20):
            assert (await pool.send(_message(builder, n))).accepted
    assert len(smtp_server.handler.messages) == 20
    # 20 messages at 50/s: the first at once, then 19 gaps of 20 ms.
    assert clock.now - started == pytest.approx(0.38)
    assert len(clock.sleeps) == 19


async def test_a_closed_pool_refuses_to_send(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    pool = SmtpPool(pool_config(smtp_server.port))
    await pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.send(_message(builder))


async def test_closing_during_a_backoff_ends_the_send_without_reconnecting(
    smtp_server: SmtpServer, builder: MessageBuilder
) -> None:
    smtp_server.handler.data_replies = ["451 4.3.0 try later"] * 10
    backing_off = asyncio.Event()

    async def sleep(seconds: float) -> None:
        backing_off.set()
        await asyncio.sleep(seconds)

    config = pool_config(smtp_server.port, backoff_seconds=0.2, backoff_max_seconds=0.2)
    pool = SmtpPool(config, sleep=sleep)
    sending = asyncio.create_task(pool.send(_message(builder)))
    await backing_off.wait()
    await pool.close()
    result = await sending
    assert (result.status, result.reply) == (SendStatus.TRANSIENT, "the SMTP pool closed")
    assert smtp_server.handler.data_attempts == 1
    assert pool.connections_opened == 1


async def test_the_data_waits_for_after(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    # The engine passes the previous message's settle as `after`: this message may start,
    # but it must not be accepted before that write is done (docs/architecture.md §1).
    previous_recorded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    sending = asyncio.create_task(pool.send(_message(builder), after=previous_recorded))
    await wait_until(lambda: smtp_server.handler.rcpt_attempts == 1, 5)
    await asyncio.sleep(0.05)
    assert smtp_server.handler.messages == []
    previous_recorded.set_result(None)
    assert (await sending).accepted
    assert len(smtp_server.handler.messages) == 1


async def test_when_after_fails_the_message_is_not_sent_and_its_error_surfaces(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    async def recording_fails() -> None:
        raise ConnectionRefusedError("the database is down")

    with pytest.raises(ConnectionRefusedError, match="database is down"):
        await pool.send(_message(builder), after=recording_fails())
    assert smtp_server.handler.messages == []
    assert smtp_server.handler.data_attempts == 0
    assert (await pool.send(_message(builder, 2))).accepted  # the pool carries on


@pytest.mark.parametrize(
    ("data", "arrives"),
    [
        # A line of one dot would end the message early unless doubled on the wire.
        (
            b"Subject: dots\r\n\r\n.\r\n.hidden\r\n..two\r\nend",
            b"Subject: dots\r\n\r\n.\r\n.hidden\r\n..two\r\nend\r\n",
        ),
        (b".first\r\nSubject: x\r\n\r\nbody\r\n", b".first\r\nSubject: x\r\n\r\nbody\r\n"),
        # Bare LF and CR line ends go out as CRLF, as SMTP requires.
        (b"Subject: ends\n\nlf\rcr\r\r\n.dot\n", b"Subject: ends\r\n\r\nlf\r\ncr\r\n\r\n.dot\r\n"),
    ],
)
async def test_the_data_arrives_as_it_was_whatever_its_dots_and_line_ends(
    smtp_server: SmtpServer, pool: SmtpPool, data: bytes, arrives: bytes
) -> None:
    # The pool writes DATA itself rather than through SMTP.data (service/mail/smtp.py);
    # this holds it to what the server must get, on the pinned aiosmtplib and any other.
    message = OutgoingMessage("k", "<k@example.org>", "b@example.org", "r@example.org", data)
    assert (await pool.send(message)).accepted
    assert (await pool.send(message)).accepted  # and the connection is still in step
    assert [m.content for m in smtp_server.handler.messages] == [arrives, arrives]


async def test_a_server_without_esmtp_gets_helo_and_the_message_without_a_size(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.knows_ehlo = False
    assert (await pool.send(_message(builder))).accepted
    assert smtp_server.handler.helos == 1
    [received] = smtp_server.handler.messages
    assert received.mail_options == []  # SIZE is an ESMTP extension


async def test_a_greeting_refused_is_transient_and_its_connection_is_not_kept(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder
) -> None:
    smtp_server.handler.knows_ehlo = False
    smtp_server.handler.helo_replies = ["554 5.7.1 not from you"] * 3  # every attempt
    result = await pool.send(_message(builder))
    assert (result.status, result.stage, result.code) == (SendStatus.TRANSIENT, "connect", 554)
    assert smtp_server.handler.messages == []
    assert (await pool.send(_message(builder, 2))).accepted  # a new connection greets anew
    assert pool.connections_opened == 4  # three refused, each dropped, then one that works
