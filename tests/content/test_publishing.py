"""Publication states, their outbox events and their audit trail."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from service.audit.models import AuditEvent
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError
from service.content.models import ContentVersion, Entry
from service.content.publishing import (
    archive_entry,
    publish_entry,
    schedule_entry,
    unpublish_entry,
)
from service.outbox.models import OutboxEvent
from service.staff.actors import SYSTEM
from tests.factories import days, entry, now


async def test_publishing_writes_exactly_one_outbox_event(db: None) -> None:
    draft = await entry("Ngjarje", kind=EntryKind.EVENT, publish=False)
    version = (await ContentVersion.get(id=1)).version

    await publish_entry(draft.id, actor=SYSTEM)

    events = await OutboxEvent.all()
    assert [(e.topic, e.payload) for e in events] == [
        ("entry.published", {"entry_id": draft.id, "first": True, "actor_id": None})
    ]
    stored = await Entry.get(id=draft.id)
    assert stored.status is EntryStatus.PUBLISHED
    assert stored.first_published_at == stored.published_at
    assert (await ContentVersion.get(id=1)).version == version + 1


async def test_a_failure_after_the_entry_update_rolls_both_back(db: None) -> None:
    draft = await entry("Ngjarje", kind=EntryKind.EVENT, publish=False)
    conn = Tortoise.get_connection("default")
    # The audit row is written after the entry and the outbox event: make that insert fail.
    await conn.execute_script("ALTER TABLE audit_event RENAME TO audit_event_away")
    try:
        with pytest.raises(Exception, match=r"(?i)audit_event"):
            await publish_entry(draft.id, actor=SYSTEM)
    finally:
        await conn.execute_script("ALTER TABLE audit_event_away RENAME TO audit_event")
    assert (await Entry.get(id=draft.id)).status is EntryStatus.DRAFT
    assert await OutboxEvent.all().count() == 0


async def test_republishing_is_not_a_first_publication(db: None) -> None:
    published = await entry("Thirrje", kind=EntryKind.CALL)
    first_at = (await Entry.get(id=published.id)).first_published_at
    await unpublish_entry(published.id, actor=SYSTEM)
    await publish_entry(published.id, actor=SYSTEM)
    topics = await OutboxEvent.all().order_by("id").values_list("topic", "payload")
    assert [(t, p.get("first")) for t, p in topics] == [
        ("entry.published", True),
        ("entry.unpublished", None),
        ("entry.published", False),
    ]
    assert (await Entry.get(id=published.id)).first_published_at == first_at


async def test_publishing_twice_is_an_invalid_transition(db: None) -> None:
    published = await entry("Lajm")
    with pytest.raises(ContentError) as exc:
        await publish_entry(published.id, actor=SYSTEM)
    assert exc.value.errors[0].code.value == "INVALID_TRANSITION"
    assert await OutboxEvent.filter(topic="entry.published").count() == 1


async def test_a_call_whose_deadline_passed_cannot_be_published(db: None) -> None:
    call = await entry(
        "Thirrje e vjetër", kind=EntryKind.CALL, deadline=now() - days(1), publish=False
    )
    with pytest.raises(ContentError) as exc:
        await publish_entry(call.id, actor=SYSTEM)
    assert [(e.field, e.code.value) for e in exc.value.errors] == [("deadline", "INVALID")]
    assert (await Entry.get(id=call.id)).status is EntryStatus.DRAFT


async def test_schedule_needs_a_future_time(db: None) -> None:
    draft = await entry("Lajm", publish=False)
    with pytest.raises(ContentError) as exc:
        await schedule_entry(draft.id, now() - days(1), actor=SYSTEM)
    assert exc.value.errors[0].field == "publishAt"

    await schedule_entry(draft.id, now() + days(1), actor=SYSTEM)
    stored = await Entry.get(id=draft.id)
    assert stored.status is EntryStatus.SCHEDULED
    assert stored.publish_at is not None
    assert await OutboxEvent.all().count() == 0


async def test_unpublish_and_archive_announce_only_public_changes(db: None) -> None:
    published = await entry("Lajm")
    draft = await entry("Skicë", publish=False)
    await archive_entry(draft.id, actor=SYSTEM)
    await archive_entry(published.id, actor=SYSTEM)
    topics = await OutboxEvent.all().order_by("id").values_list("topic", flat=True)
    assert [str(t) for t in topics] == ["entry.published", "entry.archived"]
    actions = (
        await AuditEvent.filter(entry_id=published.id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert [str(a) for a in actions] == ["entry.created", "entry.published", "entry.archived"]


async def test_unpublishing_a_draft_is_refused(db: None) -> None:
    draft = await entry("Skicë", publish=False)
    with pytest.raises(ContentError):
        await unpublish_entry(draft.id, actor=SYSTEM)
