"""The baseline of bench/digest_send.py: one pre-rendered message sent COUNT times with
plain aiosmtplib over CONNECTIONS reused connections; no database, no rendering.

Run: python bench/_raw_send.py MESSAGE_FILE COUNT CONNECTIONS PORT  (prints messages/s)
"""

from __future__ import annotations

import asyncio
import sys
import time

import aiosmtplib


async def main(message: bytes, count: int, connections: int, port: int) -> float:
    remaining = iter(range(count))

    async def lane() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for n in remaining:
            await client.sendmail("buletin@localhost", [f"reader{n}@example.org"], message)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(connections)))
    return count / (time.perf_counter() - started)


if __name__ == "__main__":
    path, count, connections, port = sys.argv[1:5]
    with open(path, "rb") as file:
        data = file.read()
    rate = asyncio.run(main(data, int(count), int(connections), int(port)))
    print(f"{rate:.1f}")
