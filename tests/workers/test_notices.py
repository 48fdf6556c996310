"""Staff notices end to end: publish through GraphQL, run a worker, read what the SMTP
server received."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from service.audit.models import AuditEvent
from service.content.enums import EntryKind
from service.content.preview import entry_id_for_preview
from service.content.publishing import publish_entry, unpublish_entry
from service.notices.enums import NoticeStatus
from service.notices.models import StaffNotice
from service.settings import Settings, get_settings
from service.staff.actions import update_me, update_staff
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from tests.factories import bearer, days, entry, gql, now, staff, token_for
from tests.smtp import SmtpServer, html_of, text_of
from tests.workers.conftest import relay, run_worker

CREATE = """mutation($input: CreateEntryInput!) {
  createEntry(input: $input) { entry { id } errors { code message } } }"""
PUBLISH = "mutation($id: ID!) { publishEntry(id: $id) { entry { status } errors { code } } }"


async def publish_as(client: httpx.AsyncClient, token: str, payload: dict[str, Any]) -> str:
    created = await gql(client, CREATE, {"input": payload}, headers=bearer(token))
    entry_id: str = created["data"]["createEntry"]["entry"]["id"]
    published = await gql(client, PUBLISH, {"id": entry_id}, headers=bearer(token))
    assert published["data"]["publishEntry"]["errors"] == []
    return entry_id


EVENT = {
    "kind": "EVENT",
    "startsAt": "2030-05-04T10:00:00+02:00",
    "endsAt": "2030-05-04T16:00:00+02:00",
    "venue": "Bashkia Korçë",
    "translations": [
        {"locale": "sq", "title": "Punëtori për shërbimet sociale", "summary": "Përmbledhje"},
        {"locale": "en", "title": "Workshop on social services", "summary": "Summary"},
    ],
}


async def test_publishing_an_event_tells_each_opted_in_staff_member_in_their_language(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    editor = await staff(StaffRole.EDITOR, name="Arta Editore", locale="sq")
    await staff(StaffRole.AUTHOR, email="ana@example.org", name="Ana Çela", locale="sq")
    john = await staff(StaffRole.ADMIN, email="john@example.org", name="John Smith", locale="en")
    await update_me(
        await staff(StaffRole.AUTHOR, email="quiet@example.org"),
        notify_on=[],
        settings=get_settings(),
    )
    gone = await staff(StaffRole.AUTHOR, email="gone@example.org")
    await update_staff(john, gone.id, is_active=False)

    await publish_as(client, await token_for(editor), EVENT)
    await app.state.relay.wait()
    await run_worker(worker_settings)

    received = {str(m["To"]) for m in smtp_server.parsed()}
    # Ana and John; not the editor who published it, not quiet, not gone.
    assert len(smtp_server.handler.messages) == 2
    assert smtp_server.to(editor.email) == []
    assert any("quiet" in to or "gone" in to for to in received) is False

    [albanian] = smtp_server.to("ana@example.org")
    assert albanian["Subject"].startswith("Ngjarje e re")
    assert "Punëtori për shërbimet sociale" in albanian["Subject"]
    assert albanian["To"].addresses[0].display_name == "Ana Çela"
    assert albanian["Content-Language"] == "sq"
    assert albanian["Auto-Submitted"] == "auto-generated"
    assert albanian.get_content_type() == "multipart/alternative"
    assert "Bashkia Korçë" in text_of(albanian)
    assert "Arta Editore" in text_of(albanian)  # who published it
    assert "https://example.org/sq/event/punetori-per-sherbimet-sociale" in html_of(albanian)

    [english] = smtp_server.to("john@example.org")
    assert english["Subject"].startswith("New event")
    assert english["Content-Language"] == "en"
    assert "https://example.org/en/event/workshop-on-social-services" in text_of(english)
    assert await StaffNotice.filter(status=NoticeStatus.ACCEPTED).count() == 2


async def test_news_sends_no_notice(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    editor = await staff(StaffRole.EDITOR)
    await publish_as(
        client,
        await token_for(editor),
        {"kind": "NEWS", "translations": [{"locale": "sq", "title": "Lajm"}]},
    )
    await app.state.relay.wait()
    await run_worker(worker_settings)
    assert smtp_server.handler.messages == []


async def test_unpublish_and_publish_again_sends_no_second_notice(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    editor = await staff(StaffRole.EDITOR)
    await staff(StaffRole.AUTHOR)  # the one told (the publisher never is)
    entry_id = int(await publish_as(client, await token_for(editor), EVENT))
    await app.state.relay.wait()
    await run_worker(worker_settings)
    assert len(smtp_server.handler.messages) == 1

    await unpublish_entry(entry_id, actor=SYSTEM)
    await publish_entry(entry_id, actor=SYSTEM)
    await app.state.relay.wait()
    await relay(worker_settings)
    await run_worker(worker_settings)
    assert len(smtp_server.handler.messages) == 1


async def test_a_451_twice_still_delivers_once(
    worker_settings: Settings, smtp_server: SmtpServer, app: Starlette, db: None
) -> None:
    await staff(StaffRole.EDITOR, email="editor@example.org")
    smtp_server.handler.data_replies = ["451 4.3.0 try later", "451 4.3.0 try later"]
    await entry("Thirrje", kind=EntryKind.CALL, deadline=now() + days(9))
    await app.state.relay.wait()
    await relay(worker_settings)
    await run_worker(worker_settings)

    assert len(smtp_server.handler.messages) == 1
    assert smtp_server.handler.data_attempts == 3
    notice = await StaffNotice.get()
    assert notice.status is NoticeStatus.ACCEPTED


async def test_a_550_fails_the_notice_with_its_reason_and_nothing_loops(
    worker_settings: Settings, smtp_server: SmtpServer, app: Starlette, db: None
) -> None:
    await staff(StaffRole.EDITOR, email="editor@example.org")
    smtp_server.handler.rcpt_replies = ["550 5.1.1 no such user"]
    await entry("Thirrje", kind=EntryKind.CALL, deadline=now() + days(9))
    await relay(worker_settings)
    await run_worker(worker_settings)

    notice = await StaffNotice.get()
    assert notice.status is NoticeStatus.FAILED
    assert notice.last_error is not None
    assert "550" in notice.last_error
    assert "no such user" in notice.last_error
    attempts = smtp_server.handler.rcpt_attempts
    assert attempts == 1

    # Again: a failed notice is final.
    await relay(worker_settings)
    await run_worker(worker_settings)
    from workers.notices import resume_notices

    assert await resume_notices({"settings": worker_settings}) == 0
    assert smtp_server.handler.rcpt_attempts == attempts
    assert smtp_server.handler.messages == []


async def test_a_notice_names_the_time_zone_and_links_the_other_language_and_the_preview(
    client: httpx.AsyncClient, app: Starlette, worker_settings: Settings, smtp_server: SmtpServer
) -> None:
    editor = await staff(StaffRole.EDITOR)
    await staff(StaffRole.AUTHOR, email="ana@example.org", locale="sq")
    await staff(StaffRole.AUTHOR, email="john@example.org", locale="en")
    entry_id = await publish_as(client, await token_for(editor), EVENT)
    albanian_only = await publish_as(
        client,
        await token_for(editor),
        {**EVENT, "translations": [{"locale": "sq", "title": "Vetëm shqip"}]},
    )
    await app.state.relay.wait()
    await run_worker(worker_settings)

    [english] = [m for m in smtp_server.to("john@example.org") if "Workshop" in str(m["Subject"])]
    text = text_of(english)
    assert "When: Saturday, 4 May 2030, 10:00–16:00 (Albania Time)" in text
    assert (
        "Read it in Albanian: https://example.org/sq/event/punetori-per-sherbimet-sociale" in text
    )
    token = re.search(r"Staff preview: https://example.org/preview\?token=(\S+)&locale=en", text)
    assert token is not None
    assert entry_id_for_preview(token.group(1), worker_settings) == int(entry_id)
    assert 'hreflang="sq"' in html_of(english)

    albanian = {str(m["Subject"]): text_of(m) for m in smtp_server.to("ana@example.org")}
    text = next(body for subject, body in albanian.items() if "Punëtori" in subject)
    assert "(Ora: Shqipëri)" in text
    assert "Lexojeni në anglisht: https://example.org/en/event/workshop-on-social-services" in text
    # Nothing to read in another language: no such link.
    only = next(body for subject, body in albanian.items() if "Vetëm shqip" in subject)
    assert "Lexojeni në" not in only
    assert "locale=sq" in only
    assert albanian_only


async def test_a_notice_that_cannot_be_built_fails_visibly(
    client: httpx.AsyncClient,
    app: Starlette,
    worker_settings: Settings,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A name with a line break, stored before names were checked: no header can carry it.
    editor = await staff(StaffRole.EDITOR)
    colleague = await staff(StaffRole.AUTHOR, email="drita@example.org")
    await StaffUser.filter(id=colleague.id).update(name="Drita\r\nBcc: all@example.org")
    entry_id = await publish_as(client, await token_for(editor), EVENT)
    await app.state.relay.wait()
    with caplog.at_level(logging.WARNING, logger="buletin"):
        await run_worker(worker_settings)
    assert smtp_server.handler.messages == []
    notice = await StaffNotice.get(entry_id=int(entry_id), staff_id=colleague.id)
    assert notice.status is NoticeStatus.FAILED
    assert "line break" in (notice.last_error or "")
    event = await AuditEvent.get(action="notice.failed")
    assert event.entry_id == int(entry_id)
    assert event.target == f"staff:{colleague.id}"
    assert "line break" in event.details["cause"]
    logged = [r.getMessage() for r in caplog.records if "notices.failed" in r.getMessage()]
    assert len(logged) == 1
    assert f"notice={notice.id}" in logged[0]
    assert "line break" in logged[0]
