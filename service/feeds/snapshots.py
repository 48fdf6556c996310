"""Stored feeds: the bytes as rendered, with their ETag and when they last changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from service.feeds.models import FeedSnapshot


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: str
    body: bytes
    etag: str
    last_modified: datetime


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    entry_ids: list[int]
    version: int  # the content version read before the entries


@dataclass(frozen=True, slots=True)
class _Stored:
    """A stored snapshot without its body: all a render needs to tell whether it changed."""

    id: int
    etag: str
    source_version: int
    entry_ids: list[int]
    last_modified: datetime


def etag_of(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _whole_seconds(moment: datetime) -> datetime:
    # HTTP dates have no fractions: If-Modified-Since must compare equal to what we sent.
    return moment.astimezone(UTC).replace(microsecond=0)


def _snapshot(row: FeedSnapshot) -> Snapshot:
    return Snapshot(row.path, bytes(row.body), row.etag, row.last_modified.astimezone(UTC))


async def load(path: str) -> Snapshot | None:
    row = await FeedSnapshot.get_or_none(path=path)
    return _snapshot(row) if row is not None else None


async def _stored(paths: Sequence[str]) -> dict[str, _Stored]:
    rows = await FeedSnapshot.filter(path__in=list(paths)).values_list(
        "path", "id", "etag", "source_version", "entry_ids", "last_modified"
    )
    return {
        str(path): _Stored(row_id, etag, source_version, entry_ids, last_modified)
        for path, row_id, etag, source_version, entry_ids, last_modified in rows
    }


async def store_all(
    feeds: Mapping[str, Rendered], now: datetime
) -> dict[str, tuple[Snapshot, bool]]:
    """Keep each feed's bytes for its path; each flag says whether the stored bytes changed.

    One read finds what is stored for all of them (without the bodies: most renders
    give the same bytes again, and the ETag says so).
    """
    known = await _stored(list(feeds))
    return {path: await _store(path, feed, now, known.get(path)) for path, feed in feeds.items()}


async def store(
    path: str, body: bytes, entry_ids: Sequence[int], now: datetime, *, version: int
) -> tuple[Snapshot, bool]:
    feed = Rendered(body, list(entry_ids), version)
    return (await store_all({path: feed}, now))[path]


async def _store(
    path: str, feed: Rendered, now: datetime, row: _Stored | None
) -> tuple[Snapshot, bool]:
    """Keep these bytes for `path`, rendered from content `feed.version`.

    Jobs run concurrently: a render that read the entries before another one did must not
    overwrite the newer feed, so a snapshot only ever moves to a later content version.
    The same bytes keep their ETag and date.
    """
    body, version = feed.body, feed.version
    etag = etag_of(body)
    ids = sorted(set(feed.entry_ids))
    if row is not None and row.etag == etag:
        if row.entry_ids != ids or row.source_version < version:
            await FeedSnapshot.filter(id=row.id, source_version__lte=version).update(
                entry_ids=ids, source_version=version
            )
        return Snapshot(path, body, row.etag, row.last_modified.astimezone(UTC)), False
    if row is not None and row.source_version > version:
        # A newer render's bytes stay; only here is the stored body needed.
        newer = await load(path)
        if newer is not None:
            return newer, False
        row = None  # dropped since it was read
    moment = _whole_seconds(now)
    if row is not None and moment <= row.last_modified:
        # Changed twice within a second: a later date, or If-Modified-Since would hide it.
        moment = _whole_seconds(row.last_modified) + timedelta(seconds=1)
    values: dict[str, Any] = {
        "body": body,
        "etag": etag,
        "last_modified": moment,
        "rendered_at": now,
        "entry_ids": ids,
        "source_version": version,
    }
    if row is None:
        try:
            await FeedSnapshot.create(path=path, **values)
            return Snapshot(path, body, etag, moment), True
        except IntegrityError:  # rendered by another process at the same moment
            pass
    updated = await FeedSnapshot.filter(path=path, source_version__lte=version).update(**values)
    if not updated:  # a newer render got there first: it stays
        newer = await load(path)
        if newer is not None:
            return newer, False
    return Snapshot(path, body, etag, moment), True


async def listing_entry(entry_id: int) -> list[str]:
    """Paths of the stored feeds that list this entry now."""
    rows = await FeedSnapshot.all().values_list("path", "entry_ids")
    return [str(path) for path, ids in rows if entry_id in ids]


async def drop(paths: Sequence[str]) -> int:
    if not paths:
        return 0
    return await FeedSnapshot.filter(path__in=list(paths)).delete()


async def stored_paths() -> list[str]:
    return [str(path) for path in await FeedSnapshot.all().values_list("path", flat=True)]
