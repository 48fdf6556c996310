"""The baseline of bench/digest_send.py: pre-rendered messages sent with plain aiosmtplib
over CONNECTIONS reused connections; no database, no rendering.

Each FILE=COUNT is one message (a language variant as the sink received it) and how
many times to send it; the sends are interleaved in those proportions, so the baseline
carries the same bytes as the worker did. Prints messages/s.

Run: python bench/_raw_send.py PORT CONNECTIONS FILE=COUNT [FILE=COUNT ...]
"""

from __future__ import annotations

import asyncio
import sys
import time

import aiosmtplib


def interleaved(counts: list[int]) -> list[int]:
    """Indexes into counts, each i counts[i] times, spread evenly through the sequence."""
    slots = [((n + 0.5) / count, i) for i, count in enumerate(counts) for n in range(count)]
    return [i for _, i in sorted(slots)]


async def main(messages: list[bytes], counts: list[int], connections: int, port: int) -> float:
    order = interleaved(counts)
    remaining = iter(enumerate(order))

    async def lane() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for n, which in remaining:
            await client.sendmail("buletin@localhost", [f"reader{n}@example.org"], messages[which])
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(connections)))
    return len(order) / (time.perf_counter() - started)


if __name__ == "__main__":
    port, connections, *pairs = sys.argv[1:]
    messages, counts = [], []
    for pair in pairs:
        path, count = pair.rsplit("=", 1)
        with open(path, "rb") as file:
            messages.append(file.read())
        counts.append(int(count))
    rate = asyncio.run(main(messages, counts, int(connections), int(port)))
    print(f"{rate:.1f}")
