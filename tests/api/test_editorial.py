"""The life of an entry, through GraphQL only: staff write, editors publish, the public reads."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from service.content.enums import EntryKind
from service.content.models import Entry, Topic, TopicTranslation
from service.outbox.models import OutboxEvent
from service.staff.enums import StaffRole
from tests.factories import bearer, entry, gql, staff, token_for, topic

ENTRY_FIELDS = "id status title slug locale updatedAt body topics { slug }"
CREATE = f"""
mutation($input: CreateEntryInput!) {{
  createEntry(input: $input) {{ entry {{ {ENTRY_FIELDS} }} errors {{ field code message }} }}
}}"""
UPDATE = f"""
mutation($id: ID!, $input: UpdateEntryInput!, $at: DateTime) {{
  updateEntry(id: $id, input: $input, expectedUpdatedAt: $at) {{
    entry {{ {ENTRY_FIELDS} }} errors {{ field code message }} }}
}}"""
PUBLIC = '{ entries { edges { node { title } } } entry(slug: "takim-i-hapur") { title } }'


def transition(name: str) -> str:
    return f"""mutation($id: ID!) {{ {name}(id: $id) {{
        entry {{ status }} errors {{ field code }} }} }}"""


async def public_titles(client: httpx.AsyncClient) -> list[str]:
    body = await gql(client, PUBLIC)
    return [e["node"]["title"] for e in body["data"]["entries"]["edges"]]


async def call(
    client: httpx.AsyncClient, doc: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    body = await gql(client, doc, variables, headers=bearer(token))
    assert "errors" not in body, body
    data: dict[str, Any] = next(iter(body["data"].values()))
    return data


async def create_news(client: httpx.AsyncClient, token: str, title: str) -> dict[str, Any]:
    """A news draft in Albanian, through createEntry."""
    return await call(
        client,
        CREATE,
        {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": title}]}},
        token,
    )


async def test_the_whole_life_of_an_entry(client: httpx.AsyncClient) -> None:
    await topic("civil-society", "Shoqëria civile", "Civil society")
    author = await token_for(await staff(StaffRole.AUTHOR))
    editor = await token_for(await staff(StaffRole.EDITOR))

    created = await call(
        client,
        CREATE,
        {
            "input": {
                "kind": "EVENT",
                "startsAt": "2030-05-04T10:00:00+02:00",
                "venue": "Tiranë",
                "topics": ["civil-society"],
                "translations": [
                    {"locale": "sq", "title": "Takim i hapur", "body": "<p>Ftesë</p>"},
                    {"locale": "en", "title": "Open meeting"},
                ],
            }
        },
        author,
    )
    assert created["errors"] == []
    entry = created["entry"]
    assert (entry["status"], entry["slug"]) == ("DRAFT", "takim-i-hapur")
    assert await public_titles(client) == []

    edited = await call(
        client,
        UPDATE,
        {
            "id": entry["id"],
            "at": entry["updatedAt"],
            "input": {"translations": [{"locale": "sq", "title": "Takim i hapur", "summary": "S"}]},
        },
        author,
    )
    assert edited["errors"] == []

    submitted = await call(client, transition("submitEntry"), {"id": entry["id"]}, author)
    assert submitted["errors"] == []
    refused = await gql(
        client, transition("publishEntry"), {"id": entry["id"]}, headers=bearer(author)
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    published = await call(client, transition("publishEntry"), {"id": entry["id"]}, editor)
    assert published["entry"]["status"] == "PUBLISHED"
    assert await public_titles(client) == ["Takim i hapur"]
    assert await OutboxEvent.filter(topic="entry.published").count() == 1

    # Once published, the author may no longer touch it; an editor may.
    late = await gql(
        client,
        UPDATE,
        {"id": entry["id"], "input": {"venue": "Durrës"}},
        headers=bearer(author),
    )
    assert late["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    updated = await call(client, UPDATE, {"id": entry["id"], "input": {"venue": "Durrës"}}, editor)
    assert updated["errors"] == []

    await call(client, transition("unpublishEntry"), {"id": entry["id"]}, editor)
    assert await public_titles(client) == []
    await call(client, transition("publishEntry"), {"id": entry["id"]}, editor)
    assert await public_titles(client) == ["Takim i hapur"]
    archived = await call(client, transition("archiveEntry"), {"id": entry["id"]}, editor)
    assert archived["entry"]["status"] == "ARCHIVED"
    assert await public_titles(client) == []


async def test_validation_failures_come_back_in_the_payload(client: httpx.AsyncClient) -> None:
    author = await token_for(await staff(StaffRole.AUTHOR))
    body = await call(
        client,
        CREATE,
        {
            "input": {
                "kind": "EVENT",
                "startsAt": "2030-05-04T10:00:00+02:00",
                "endsAt": "2030-05-03T10:00:00+02:00",
                "topics": ["nope"],
                "translations": [{"locale": "de", "title": "Hallo"}],
            }
        },
        author,
    )
    assert body["entry"] is None
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("translations.0.locale", "UNSUPPORTED_LOCALE"),
        ("translations", "REQUIRED"),
        ("endsAt", "INVALID"),
    }


async def test_unsafe_html_is_removed_and_formatting_kept(client: httpx.AsyncClient) -> None:
    author = await token_for(await staff(StaffRole.AUTHOR))
    html = (
        "<p><strong>Bold</strong> and <a href='https://example.org/x'>a link</a></p>"
        "<script>alert(1)</script><img src=x onerror=alert(2)>"
        "<img src='https://example.org/p.png' alt='photo'>"
        "<a href='javascript:alert(3)'>click</a>"
    )
    body = await call(
        client,
        CREATE,
        {"input": {"kind": "NEWS", "translations": [{"locale": "sq", "title": "T", "body": html}]}},
        author,
    )
    stored = body["entry"]["body"]
    for unsafe in ("<script", "onerror", "javascript:", "alert("):
        assert unsafe not in stored
    assert "<strong>Bold</strong>" in stored
    assert 'href="https://example.org/x"' in stored
    assert 'src="https://example.org/p.png"' in stored


async def test_two_saves_from_the_same_updated_at_one_conflicts(
    client: httpx.AsyncClient,
) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    created = await create_news(client, editor, "Lajm")
    entry = created["entry"]

    async def save(title: str) -> list[dict[str, Any]]:
        payload = await call(
            client,
            UPDATE,
            {
                "id": entry["id"],
                "at": entry["updatedAt"],
                "input": {"translations": [{"locale": "sq", "title": title}]},
            },
            editor,
        )
        errors: list[dict[str, Any]] = payload["errors"]
        return errors

    outcomes = await asyncio.gather(save("A"), save("B"))
    codes = sorted(e[0]["code"] if e else "OK" for e in outcomes)
    assert codes == ["CONFLICT", "OK"]


async def test_staff_see_drafts_the_public_does_not(client: httpx.AsyncClient) -> None:
    author = await token_for(await staff(StaffRole.AUTHOR))
    created = await create_news(client, author, "Skicë")
    query = """query($id: ID!) {
        entries(filter: {status: [DRAFT]}) { edges { node { title status } } }
        entryById(id: $id) { title status createdBy { name } } }"""
    as_staff = await gql(client, query, {"id": created["entry"]["id"]}, headers=bearer(author))
    assert as_staff["data"]["entries"]["edges"] == [{"node": {"title": "Skicë", "status": "DRAFT"}}]
    assert as_staff["data"]["entryById"]["createdBy"]["name"]

    public = await gql(client, "{ entries(filter: {status: [DRAFT]}) { edges { cursor } } }")
    assert public["data"]["entries"]["edges"] == []
    anonymous = await gql(client, query, {"id": created["entry"]["id"]})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_preview_token_opens_one_draft_without_credentials(
    client: httpx.AsyncClient,
) -> None:
    author = await token_for(await staff(StaffRole.AUTHOR))
    created = await create_news(client, author, "Skicë")
    minted = await call(
        client,
        "mutation($id: ID!) { createPreviewToken(id: $id) { token expiresAt errors { code } } }",
        {"id": created["entry"]["id"]},
        author,
    )
    preview = "query($t: String!) { preview(token: $t) { title status } }"
    seen = await client.post(
        "/graphql", json={"query": preview, "variables": {"t": minted["token"]}}
    )
    assert seen.json()["data"]["preview"] == {"title": "Skicë", "status": "DRAFT"}
    assert seen.headers["cache-control"] == "private, no-store"

    # An edit shows at once: preview answers are never served from the cache.
    await call(
        client,
        UPDATE,
        {
            "id": created["entry"]["id"],
            "input": {"translations": [{"locale": "sq", "title": "Re"}]},
        },
        author,
    )
    again = await client.post(
        "/graphql", json={"query": preview, "variables": {"t": minted["token"]}}
    )
    assert again.json()["data"]["preview"]["title"] == "Re"

    forged = await gql(client, preview, {"t": minted["token"][:-2] + "xx"})
    assert forged["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_revisions_list_and_restore(client: httpx.AsyncClient) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    created = await create_news(client, editor, "Versioni 1")
    entry_id = created["entry"]["id"]
    await call(
        client,
        UPDATE,
        {"id": entry_id, "input": {"translations": [{"locale": "sq", "title": "Versioni 2"}]}},
        editor,
    )
    revisions = await gql(
        client,
        "query($id: ID!) { entryRevisions(id: $id) { id number title createdBy { name } } }",
        {"id": entry_id},
        headers=bearer(editor),
    )
    listed = revisions["data"]["entryRevisions"]
    assert [(r["number"], r["title"]) for r in listed] == [(2, "Versioni 2"), (1, "Versioni 1")]
    restored = await call(
        client,
        "mutation($id: ID!) { restoreRevision(id: $id) { entry { title } errors { code } } }",
        {"id": listed[1]["id"]},
        editor,
    )
    assert restored["entry"]["title"] == "Versioni 1"


async def test_unknown_ids_are_not_found(client: httpx.AsyncClient) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    for entry_id in ("999999", "not-a-number"):
        body = await gql(
            client, transition("publishEntry"), {"id": entry_id}, headers=bearer(editor)
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_draft_has_no_publication_date_and_no_made_up_one(
    client: httpx.AsyncClient,
) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    draft = await entry("Skicë", publish=False)
    body = await gql(
        client,
        "query($id: ID!) { entryById(id: $id) { publishedAt updatedAt } }",
        {"id": str(draft.id)},
        headers=bearer(editor),
    )
    found = body["data"]["entryById"]
    assert found["publishedAt"] is None
    assert found["updatedAt"] is not None


async def test_a_stored_event_without_a_start_is_left_out_not_given_one(
    client: httpx.AsyncClient,
) -> None:
    # Validation refuses such an event; a row written before it (or by hand) must neither
    # break the list nor be shown with an invented start.
    event = await entry("Ngjarje", kind=EntryKind.EVENT)
    await entry("Lajm")
    await Entry.filter(id=event.id).update(starts_at=None)
    body = await gql(client, "{ entries { edges { node { title ... on Event { startsAt } } } } }")
    assert "errors" not in body
    assert [e["node"]["title"] for e in body["data"]["entries"]["edges"]] == ["Lajm"]


CREATE_TOPIC = """mutation($slug: String!) {
  createTopic(input: {slug: $slug, names: [{locale: "sq", name: "Ngjarje"}]}) {
    topic { slug } errors { field code } } }"""
RENAME_TOPIC = """mutation($slug: String!) {
  updateTopic(slug: $slug, names: [{locale: "en", name: "Events"}]) {
    topic { slug } errors { field code } } }"""
FEEDS = '{ feeds(locale: "en") { url stream format } topics { slug } }'


async def test_a_feed_stream_name_is_no_topic_slug(client: httpx.AsyncClient) -> None:
    editor = await token_for(await staff(StaffRole.EDITOR))
    # Slugs are normalised before the check: "Events!" would be stored as "events".
    for slug in ("events", "all", "News", "Calls!"):
        answer = await call(client, CREATE_TOPIC, {"slug": slug}, editor)
        assert answer == {"topic": None, "errors": [{"field": "slug", "code": "RESERVED_SLUG"}]}
    # A topic stored before the rule: renaming it is refused too, and changes nothing.
    legacy = await Topic.create(slug="calls", position=0)
    await TopicTranslation.create(topic=legacy, locale="sq", name="Thirrje")
    renamed = await call(client, RENAME_TOPIC, {"slug": "calls"}, editor)
    assert renamed["errors"] == [{"field": "slug", "code": "RESERVED_SLUG"}]
    assert await TopicTranslation.filter(topic=legacy).count() == 1

    body = await gql(client, FEEDS)
    assert body["data"]["topics"] == [{"slug": "calls"}]
    events_rss = [
        feed["url"]
        for feed in body["data"]["feeds"]
        if (feed["stream"], feed["format"]) == ("events", "rss")
    ]
    assert [url.partition("/feeds/")[2] for url in events_rss] == ["en/events.rss"]
    assert (await call(client, CREATE_TOPIC, {"slug": "events-2026"}, editor))["errors"] == []
