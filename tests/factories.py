"""Content for tests, made through the same domain actions staff use."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis
from tortoise import Tortoise

from service.content.actions import EntryData, TranslationData, create_entry
from service.content.enums import EntryKind
from service.content.models import Entry
from service.content.publishing import publish_entry
from service.content.topics import save_topic
from service.settings import get_settings
from service.staff.actions import create_staff, login
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from service.staff.models import StaffSession, StaffUser
from service.staff.throttle import LoginThrottle
from service.staff.tokens import token_digest


def days(n: float) -> timedelta:
    return timedelta(days=n)


def now() -> datetime:
    return datetime.now(UTC)


async def topic(slug: str, sq: str | None = None, en: str | None = None) -> None:
    names = {"sq": sq or slug.title()}
    if en is not None:
        names["en"] = en
    await save_topic(slug, names, actor=SYSTEM, settings=get_settings())


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
        EntryData(kind=kind, translations=translations, topics=topics, **fields),
        actor=SYSTEM,
        settings=get_settings(),
    )
    if publish:
        await publish_entry(created.id, at=published_at, actor=SYSTEM)
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


OPERATIONS = Path(__file__).parents[1] / "graphql" / "operations"


async def run_operation(
    client: httpx.AsyncClient,
    stem: str,
    operation: str,
    variables: dict[str, Any],
    token: str | None = None,
) -> dict[str, Any]:
    """`operation` of the committed document graphql/operations/`stem`.graphql: its data,
    which must come without errors."""
    response = await client.post(
        "/graphql",
        json={
            "query": (OPERATIONS / f"{stem}.graphql").read_text(),
            "operationName": operation,
            "variables": variables,
        },
        headers=bearer(token) if token else None,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, (operation, body)
    data: dict[str, Any] = body["data"]
    return data


def codes(body: dict[str, Any]) -> list[str]:
    """The error codes of a GraphQL answer, in order."""
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def data_rows() -> list[dict[str, Any]]:
    """Subscribers and outbox events, less what the background relay stamps on events."""
    conn = Tortoise.get_connection("default")
    return [
        *await conn.execute_query_dict("SELECT * FROM subscriber ORDER BY id"),
        *await conn.execute_query_dict(
            "SELECT id, topic, payload, created_at FROM outbox_event ORDER BY id"
        ),
    ]


PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


async def staff(
    role: StaffRole = StaffRole.EDITOR,
    email: str | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    locale: str = "sq",
) -> StaffUser:
    """A staff account made with `create_staff`, as `buletin createstaff` makes one."""
    number = next(_numbers)
    return await create_staff(
        email or f"{role.value}{number}@example.org",
        name or f"{role.value.title()} {number}",
        role,
        password,
        locale=locale,
        actor=SYSTEM,
        settings=get_settings(),
    )


async def token_for(member: StaffUser, password: str = PASSWORD) -> str:
    """A session token from the `login` action, throttled like any sign-in."""
    settings = get_settings()
    assert settings.redis_url is not None
    async with Redis.from_url(settings.redis_url) as redis:
        throttle = LoginThrottle.from_settings(redis, settings)
        result = await login(
            member.email, password, address="factory", throttle=throttle, settings=get_settings()
        )
    return result.token


async def expired_token_for(member: StaffUser) -> str:
    """A session token that expired a minute ago."""
    token = await token_for(member)
    await StaffSession.filter(token_hash=token_digest(token)).update(
        expires_at=now() - timedelta(minutes=1)
    )
    return token


async def refused_token(
    client: httpx.AsyncClient, query: str, token: str, variables: dict[str, Any] | None = None
) -> None:
    """The request with this bearer token is answered 401 UNAUTHENTICATED as a whole."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=bearer(token)
    )
    assert response.status_code == 401, response.text
    assert codes(response.json()) == ["UNAUTHENTICATED"]
    assert "data" not in response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
