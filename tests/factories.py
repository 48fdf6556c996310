"""Content for tests, made through the same domain actions staff use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from service.content.actions import EntryData, TranslationData, create_entry
from service.content.enums import EntryKind
from service.content.models import Entry
from service.content.publishing import publish_entry
from service.content.topics import save_topic


def days(n: float) -> timedelta:
    return timedelta(days=n)


def now() -> datetime:
    return datetime.now(UTC)


async def topic(slug: str, sq: str | None = None, en: str | None = None) -> None:
    names = {"sq": sq or slug.title()}
    if en is not None:
        names["en"] = en
    await save_topic(slug, names)


async def entry(
    title: str,
    *,
    kind: EntryKind = EntryKind.NEWS,
    en: str | None = None,
    publish: bool = True,
    published_at: datetime | None = None,
    topics: tuple[str, ...] = (),
    body: str = "<p>Body</p>",
    summary: str = "Summary",
    **fields: Any,
) -> Entry:
    """An entry titled `title` in Albanian (and `en` in English when given)."""
    if kind is EntryKind.EVENT:
        fields.setdefault("starts_at", now() + days(7))
    if kind is EntryKind.CALL:
        fields.setdefault("deadline", now() + days(14))
    translations = [TranslationData(locale="sq", title=title, summary=summary, body=body)]
    if en is not None:
        translations.append(TranslationData(locale="en", title=en, summary=summary, body=body))
    created = await create_entry(
        EntryData(kind=kind, translations=translations, topics=topics, **fields)
    )
    if publish:
        await publish_entry(created.id, at=published_at)
    return created


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST a GraphQL document; the whole JSON answer (data and errors) comes back."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
