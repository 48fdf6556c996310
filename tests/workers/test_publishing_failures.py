"""Scheduled publishing that cannot happen: refused up front, or failed once and told once."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from service.audit.models import AuditEvent
from service.content.actions import EntryPatch, update_entry
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError
from service.content.models import Entry
from service.content.publishing import publish_due, schedule_entry
from service.outbox.models import OutboxEvent
from service.settings import Settings, get_settings
from service.staff.enums import StaffRole
from tests.factories import days, entry, now, staff
from tests.smtp import SmtpServer
from tests.workers.conftest import run_worker


async def test_an_editor_cannot_move_a_scheduled_calls_deadline_before_its_publication(
    db: None,
) -> None:
    editor = await staff(StaffRole.EDITOR)
    call = await entry("Thirrje", kind=EntryKind.CALL, deadline=now() + days(9), publish=False)
    await schedule_entry(call.id, now() + days(2), actor=editor)
    with pytest.raises(ContentError) as exc:
        await update_entry(
            call.id, EntryPatch(deadline=now() + days(1)), actor=editor, settings=get_settings()
        )
    assert [(e.field, e.code.value) for e in exc.value.errors] == [("deadline", "INVALID")]
    stored = await Entry.get(id=call.id)
    assert stored.status is EntryStatus.SCHEDULED
    assert stored.deadline is not None
    assert stored.deadline > now() + days(8)


async def test_a_scheduled_publish_that_fails_goes_back_to_draft_and_tells_the_scheduler_once(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    editor = await staff(StaffRole.EDITOR, name="Arta Editore", email="arta@example.org")
    call = await entry(
        "Thirrje për grante", kind=EntryKind.CALL, deadline=now() + days(9), publish=False
    )
    await schedule_entry(call.id, now() + days(2), actor=editor)
    # The state the old update_entry allowed (and rows written before the fix still hold):
    # the deadline moved before the publication time.
    await Entry.filter(id=call.id).update(deadline=now() + days(1))

    for _ in range(3):
        assert await publish_due(now() + days(3)) == []

    stored = await Entry.get(id=call.id)
    assert (stored.status, stored.publish_at) == (EntryStatus.DRAFT, None)
    failures = await AuditEvent.filter(entry_id=call.id, action="entry.schedule_failed")
    assert len(failures) == 1
    events = await OutboxEvent.filter(topic="entry.schedule_failed")
    assert [e.payload["staff_id"] for e in events] == [editor.id]

    app.state.relay.kick()
    await app.state.relay.wait()
    await run_worker(worker_settings)
    await run_worker(worker_settings)  # nothing left to tell

    [told] = smtp_server.to("arta@example.org")
    assert told["Subject"] == "Nuk u publikua: Thirrje për grante"
    text = told.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Arsyeja:" in text.get_content()
    assert len(smtp_server.handler.messages) == 1
