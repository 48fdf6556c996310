"""Public query results, reused until content changes.

The key is the request's own bytes (the URL's query string for GET, the body for POST),
so a hit parses nothing; with them go the content version (service/api/versions.py keeps
it current without a query per request) and a minute bucket, since "upcoming" and "open"
move with the clock even when nothing is edited. Two spellings of one query are two keys:
that costs a miss, never a wrong answer.

The ETag is the body's own hash, made once when an answer is stored, never per hit: the
same body has the same ETag whatever the spelling, the minute or the version (RFC 9110
§8.8.3), so a browser or CDN revalidating after max-age gets a 304 unless the body changed.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

TIME_BUCKET_SECONDS = 60


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    etag: str


def request_key(method: str, raw: bytes, *, version: int, now: float) -> str:
    digest = hashlib.blake2b(raw, digest_size=16)
    digest.update(f"|{method}|{version}|{int(now) // TIME_BUCKET_SECONDS}".encode())
    return digest.hexdigest()


def body_etag(body: bytes) -> str:
    # Weak: a CDN may compress the bytes, and the JSON is what stays the same.
    return f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


class ResultCache:
    """A bounded LRU of encoded answers, per process; the version keeps processes in step."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        # Replaceable, so a test never straddles a minute boundary.
        self.clock: Callable[[], float] = time.time
        self._items: OrderedDict[str, CachedAnswer] = OrderedDict()
        self.hits = 0

    @property
    def enabled(self) -> bool:
        return self._max > 0

    def key(self, method: str, raw: bytes, *, version: int) -> str:
        return request_key(method, raw, version=version, now=self.clock())

    def get(self, key: str) -> CachedAnswer | None:
        answer = self._items.get(key)
        if answer is not None:
            self.hits += 1
            self._items.move_to_end(key)
        return answer

    def put(self, key: str, body: bytes) -> CachedAnswer:
        answer = CachedAnswer(body=body, etag=body_etag(body))
        if self._max > 0:
            self._items[key] = answer
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._items)
