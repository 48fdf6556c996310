"""Automatic persisted queries (Apollo's protocol) and the trusted-documents mode.

A client sends `extensions.persistedQuery = {version: 1, sha256Hash}` without the text;
an unknown hash gets PERSISTED_QUERY_NOT_FOUND and the client sends text and hash
together, which registers it. Texts live in Redis, shared by every API process, each for
APQ_TTL_SECONDS and at most APQ_MAX_ENTRIES of them (the oldest registrations go first),
with a small per-process copy in front so a known hash costs no round trip.

With TRUSTED_DOCUMENTS_ONLY only the documents in graphql/operations/ run: their hashes
are computed at start, and any other text or hash is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from redis.exceptions import RedisError

import service
from service.api.errors import ErrorCode
from service.api.params import GraphQLParams, Refusal, bad_request

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from service.settings import Settings

_SHA256 = re.compile(r"[0-9a-f]{64}")
LOCAL_ENTRIES = 512

# KEYS: the text's key, the index. ARGV: hash, text, ttl, max entries, now.
# The index orders registrations by time, so the store never holds more than max entries.
_REGISTER = """
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], extra)
  for i = 1, #oldest, 2 do
    redis.call('DEL', ARGV[6] .. oldest[i])
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""


class TrustedDocumentsNotFound(Exception):
    """TRUSTED_DOCUMENTS_ONLY is on, but no graphql/operations/*.graphql was found."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def find_operations_dir(configured: Path | None) -> Path:
    if configured is not None:
        candidates = [configured]
    else:
        # A checkout has graphql/ beside `service/`; the Docker image has it in /app.
        root = Path(service.__file__).resolve().parent.parent
        candidates = [root / "graphql" / "operations", Path.cwd() / "graphql" / "operations"]
    for candidate in candidates:
        if any(candidate.glob("*.graphql")):
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise TrustedDocumentsNotFound(f"no *.graphql documents in {tried}; set TRUSTED_DOCUMENTS_DIR")


def load_trusted(directory: Path) -> dict[str, str]:
    """sha256 of each document's text → the text, as frontends send it."""
    texts = (path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.graphql")))
    return {sha256(text): text for text in texts}


def _persisted_hash(extensions: dict[str, Any] | None) -> str | None:
    if not extensions or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise bad_request("`extensions.persistedQuery` must be {version: 1, sha256Hash}.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise bad_request("`sha256Hash` must be 64 lower-case hexadecimal digits.")
    return digest


def not_found() -> Refusal:
    # The message is what Apollo Client and urql look for, besides the code.
    return Refusal(200, ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")


def not_trusted() -> Refusal:
    return Refusal(
        400,
        ErrorCode.DOCUMENT_NOT_TRUSTED,
        "This server runs only its published operations (graphql/operations/).",
    )


class PersistedQueries:
    def __init__(
        self,
        *,
        prefix: str,
        ttl_seconds: int,
        max_entries: int,
        trusted: dict[str, str] | None = None,
    ) -> None:
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self.trusted = trusted
        # Set in the app's lifespan, which owns the Redis client.
        self.redis: Redis | None = None
        self._local: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedQueries:
        trusted = None
        if settings.trusted_documents_only:
            trusted = load_trusted(find_operations_dir(settings.trusted_documents_dir))
        return cls(
            prefix=f"{settings.queue_name}:apq",
            ttl_seconds=settings.apq_ttl_seconds,
            max_entries=settings.apq_max_entries,
            trusted=trusted,
        )

    async def resolve(self, params: GraphQLParams) -> GraphQLParams:
        """The parameters with the query text filled in, or a refusal."""
        digest = _persisted_hash(params.extensions)
        if params.query is not None:
            if digest is not None and sha256(params.query) != digest:
                raise bad_request("The sha256Hash does not match the query text.")
            if self.trusted is not None:
                if (digest or sha256(params.query)) not in self.trusted:
                    raise not_trusted()
            elif digest is not None:
                await self._register(digest, params.query)
            return params
        if digest is None:
            return params  # no query at all: execution says so
        text = await self._lookup(digest)
        if text is None:
            raise not_trusted() if self.trusted is not None else not_found()
        return GraphQLParams(text, params.variables, params.operation_name, params.extensions)

    def _remember(self, digest: str, text: str) -> None:
        self._local[digest] = text
        self._local.move_to_end(digest)
        while len(self._local) > LOCAL_ENTRIES:
            self._local.popitem(last=False)

    async def _lookup(self, digest: str) -> str | None:
        if self.trusted is not None:
            return self.trusted.get(digest)
        text = self._local.get(digest)
        if text is not None:
            return text
        if self.redis is None:
            return None
        try:
            stored = await self.redis.get(f"{self.prefix}:q:{digest}")
        except RedisError:
            return None  # the client resends the text: slower, never wrong
        if stored is None:
            return None
        text = stored.decode() if isinstance(stored, bytes) else cast(str, stored)
        self._remember(digest, text)
        return text

    async def _register(self, digest: str, text: str) -> None:
        if digest in self._local:
            return
        self._remember(digest, text)
        if self.redis is None:
            return
        registering = self.redis.eval(
            _REGISTER,
            2,
            f"{self.prefix}:q:{digest}",
            f"{self.prefix}:index",
            digest,
            text,
            str(self.ttl_seconds),
            str(self.max_entries),
            str(time.time()),
            f"{self.prefix}:q:",
        )
        # Failing that, other processes ask their clients for the text again.
        with contextlib.suppress(RedisError):
            await cast("Awaitable[object]", registering)
