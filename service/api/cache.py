"""Public query results, reused until content changes.

The key holds the content version (one row every content change bumps inside its
transaction, so every API process sees the same number) and a minute bucket, since
"upcoming" and "open" move with the clock even when nothing is edited.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass

from tortoise import Tortoise

TIME_BUCKET_SECONDS = 60


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    etag: str


async def content_version() -> int:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict("SELECT version FROM content_version WHERE id = 1")
    return int(rows[0]["version"]) if rows else 0


def request_key(
    query: str, variables: dict[str, object] | None, operation_name: str | None, version: int
) -> str:
    bucket = int(time.time()) // TIME_BUCKET_SECONDS
    canonical = json.dumps(
        [version, bucket, query, variables or {}, operation_name],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def etag_for(key: str) -> str:
    return f'W/"{key}"'


class ResultCache:
    """A bounded LRU of encoded answers, per process; the version keeps processes in step."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[str, CachedAnswer] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._max > 0

    def get(self, key: str) -> CachedAnswer | None:
        answer = self._items.get(key)
        if answer is None:
            self.misses += 1
        else:
            self.hits += 1
            self._items.move_to_end(key)
        return answer

    def put(self, key: str, body: bytes) -> CachedAnswer:
        answer = CachedAnswer(body=body, etag=etag_for(key))
        if self._max > 0:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._items)
