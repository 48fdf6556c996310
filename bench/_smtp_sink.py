"""A minimal SMTP sink for bench/digest_send.py: accepts everything, counts messages.

Just enough of RFC 5321 for aiosmtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), in
one asyncio protocol, so the sink costs as little as possible and the same for both
senders measured against it. For the raw baseline it keeps the first message of each
language variant (its Content-Language) and counts how many of each arrived.
"""

from __future__ import annotations

import asyncio
from collections import Counter

_EHLO = b"250-sink\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n"


class SinkStats:
    def __init__(self) -> None:
        self.messages = 0
        self.connections = 0
        self.samples: dict[bytes, bytes] = {}  # Content-Language value: the first message
        self.counts: Counter[bytes] = Counter()


class _Session(asyncio.Protocol):  # one per connection
    def __init__(self, stats: SinkStats) -> None:
        self.stats = stats
        self.buffer = b""
        self.in_data = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.stats.connections += 1
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self._keep(self.buffer[:end])
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                self.stats.messages += 1
                self.transport.write(b"250 2.0.0 ok\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.transport.write(_EHLO)
            elif verb == b"DATA":
                self.in_data = True
                self.transport.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.transport.write(b"250 ok\r\n")

    def _keep(self, message: bytes) -> None:
        at = message.find(b"\r\nContent-Language: ", 0, 4096)
        language = message[at + 20 : message.find(b"\r\n", at + 20)] if at >= 0 else b""
        self.stats.counts[language] += 1
        if language not in self.stats.samples:
            self.stats.samples[language] = message.replace(b"\r\n..", b"\r\n.")


async def start_sink(port: int) -> tuple[asyncio.Server, SinkStats]:
    stats = SinkStats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Session(stats), "127.0.0.1", port)
    return server, stats
