"""The digest tools over GraphQL: preview, send now, a test send, the list with counts."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from service.audience.models import Digest
from service.content.enums import EntryKind
from service.outbox.models import OutboxEvent
from service.settings import Settings
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from tests.api.test_staff import AUDIT
from tests.audience.digest_audience import subscriber
from tests.factories import bearer, days, entry, gql, now, run_operation, staff, token_for
from tests.smtp import SmtpServer, html_of, text_of
from tests.workers.conftest import relay, run_worker
from tests.workers.test_digests import send_weekly

PREVIEW = """query($locales: [String!]!) {
  previewDigest(frequency: WEEKLY, locales: $locales) { subject html text newItems } }"""
SEND_NOW = """mutation($frequency: DigestFrequency!) {
  sendDigestNow(frequency: $frequency) { digest { id status } errors { field code message } } }"""
SEND_TEST = """mutation($locales: [String!]!, $email: String!) {
  sendTestDigest(frequency: WEEKLY, locales: $locales, email: $email) {
    errors { field code message } } }"""
DIGESTS = """query($after: String) { digests(first: 1, after: $after) {
  edges { cursor node { id frequency status recipients
    counts { queued sending accepted failed skipped } } }
  pageInfo { hasNextPage endCursor } } }"""


async def editor_headers() -> dict[str, str]:
    return bearer(await token_for(await staff(StaffRole.EDITOR)))


async def audit_log(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The audit log's newest rows, as an admin reads them."""
    admin = await StaffUser.get_or_none(email="admin@example.org")
    headers = bearer(await token_for(admin or await staff(StaffRole.ADMIN, "admin@example.org")))
    body = await gql(client, AUDIT, {"first": 20}, headers=headers)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditLog"]["edges"]]


async def test_an_editor_previews_the_next_digest_in_both_languages(
    client: httpx.AsyncClient,
) -> None:
    await entry("Lajm i ri", en="Fresh news", published_at=now() - days(1))
    body = await gql(client, PREVIEW, {"locales": ["en", "sq"]}, headers=await editor_headers())
    preview = body["data"]["previewDigest"]
    assert preview["subject"] == "Buletini javor: 1 e re / Weekly digest: 1 new"
    assert "Fresh news" in preview["text"]
    assert "Lajm i ri" in preview["html"]
    assert preview["newItems"] == 1
    # Not sent, so no web version: no "read it in your browser" link that would be a 404.
    assert "/digests/" not in preview["text"] + preview["html"]

    refused = await gql(client, PREVIEW, {"locales": ["de"]}, headers=await editor_headers())
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    author = bearer(await token_for(await staff(StaffRole.AUTHOR)))
    forbidden = await gql(client, PREVIEW, {"locales": ["sq"]}, headers=author)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_preview_says_when_nothing_new_would_go_out(
    client: httpx.AsyncClient,
) -> None:
    await entry(
        "Trajnim",
        en="Training",
        kind=EntryKind.EVENT,
        starts_at=now() + days(3),
        published_at=now() - days(30),
    )  # an upcoming event rides along, but is not new
    body = await gql(client, PREVIEW, {"locales": ["en"]}, headers=await editor_headers())
    preview = body["data"]["previewDigest"]
    assert preview["newItems"] == 0
    assert "Training" in preview["text"]  # the layout can still be checked
    sent = await gql(client, SEND_NOW, {"frequency": "WEEKLY"}, headers=await editor_headers())
    assert [e["code"] for e in sent["data"]["sendDigestNow"]["errors"]] == ["NOTHING_TO_SEND"]


async def test_send_now_with_nothing_new_answers_nothing_to_send(
    client: httpx.AsyncClient,
) -> None:
    await entry("Lajm i vjetër", published_at=now() - days(30))
    body = await gql(client, SEND_NOW, {"frequency": "WEEKLY"}, headers=await editor_headers())
    payload = body["data"]["sendDigestNow"]
    assert payload["digest"] is None
    assert [e["code"] for e in payload["errors"]] == ["NOTHING_TO_SEND"]
    assert await Digest.all().count() == 0


async def test_send_now_sends_and_the_list_counts_the_deliveries(
    app: Starlette,
    client: httpx.AsyncClient,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    headers = bearer(await token_for(await staff(StaffRole.EDITOR, "editor@example.org")))
    await entry("Lajm", published_at=now() - days(1))
    await subscriber("one@example.org")
    await subscriber("two@example.org", kinds=["event"])  # nothing new for her
    body = await gql(client, SEND_NOW, {"frequency": "WEEKLY"}, headers=headers)
    digest = body["data"]["sendDigestNow"]["digest"]
    assert digest["status"] == "PLANNING"
    [planned] = [e for e in await audit_log(client) if e["action"] == "digest.planned"]
    assert planned["actor"] == {"email": "editor@example.org"}
    assert planned["target"] == f"digest:{digest['id']}"
    assert planned["details"] == {"frequency": "weekly"}
    await app.state.relay.wait()
    await run_worker(worker_settings)
    assert [str(m["To"]) for m in smtp_server.parsed()] == ["one@example.org"]

    await entry("Lajm tjetër")
    await send_weekly(worker_settings)
    first_page = (await gql(client, DIGESTS, headers=headers))["data"]["digests"]
    [newest] = first_page["edges"]
    assert newest["node"]["status"] == "SENT"
    assert first_page["pageInfo"]["hasNextPage"] is True
    after = first_page["pageInfo"]["endCursor"]
    second_page = (await gql(client, DIGESTS, {"after": after}, headers=headers))["data"]
    [older] = second_page["digests"]["edges"]
    assert older["node"]["id"] == digest["id"]
    assert older["node"]["frequency"] == "WEEKLY"
    assert older["node"]["recipients"] == 1
    assert older["node"]["counts"] == {
        "queued": 0, "sending": 0, "accepted": 1, "failed": 0, "skipped": 1,
    }  # fmt: skip


async def test_a_test_digest_goes_to_the_one_address_and_records_only_an_audit_row(
    app: Starlette,
    client: httpx.AsyncClient,
    worker_settings: Settings,
    smtp_server: SmtpServer,
) -> None:
    headers = bearer(await token_for(await staff(StaffRole.EDITOR, "editor@example.org")))
    await entry("Lajm", en="News", published_at=now() - days(1))
    await subscriber("reader@example.org")
    # What a sign-up refuses, a test send refuses alike: a@b has no domain to send to.
    for address in ("not an address", "a@b", "foo@bar@baz"):
        bad = await gql(client, SEND_TEST, {"locales": ["sq"], "email": address}, headers=headers)
        errors = bad["data"]["sendTestDigest"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("email", "INVALID_EMAIL")], address
    unknown = await gql(
        client, SEND_TEST, {"locales": ["xx"], "email": "me@example.org"}, headers=headers
    )
    assert [e["code"] for e in unknown["data"]["sendTestDigest"]["errors"]] == [
        "UNSUPPORTED_LOCALE"
    ]
    assert await OutboxEvent.filter(topic="digest.test_requested").count() == 0
    assert all(e["action"] != "digest.test_requested" for e in await audit_log(client))

    body = await gql(
        client, SEND_TEST, {"locales": ["sq", "en"], "email": "Me@Example.org"}, headers=headers
    )
    assert body["data"]["sendTestDigest"]["errors"] == []
    [requested] = [e for e in await audit_log(client) if e["action"] == "digest.test_requested"]
    assert requested["actor"] == {"email": "editor@example.org"}
    assert requested["details"] == {
        "frequency": "weekly",
        "locales": ["sq", "en"],
        "email": "me@example.org",
    }
    await app.state.relay.wait()
    await relay(worker_settings)
    await run_worker(worker_settings)
    [test] = smtp_server.parsed()
    assert str(test["To"]) == "me@example.org"
    assert test["Subject"] == "Buletini javor: 1 e re / Weekly digest: 1 new"
    assert "News" in text_of(test)
    assert "/digests/" not in text_of(test) + html_of(test)  # no web version of a test
    # Nobody to unsubscribe: no link to a page of the service (a 404 outside dev).
    assert worker_settings.public_base_url not in text_of(test) + html_of(test)
    assert await Digest.all().count() == 0


async def test_the_newsletter_desk_operations_run_as_an_editor(
    client: httpx.AsyncClient,
) -> None:
    token = await token_for(await staff(StaffRole.EDITOR))
    await entry("Lajm", published_at=now() - days(1))

    preview = await run_operation(
        client,
        "StaffDigests",
        "StaffPreviewDigest",
        {"frequency": "WEEKLY", "locales": ["sq"]},
        token,
    )
    assert "Lajm" in preview["previewDigest"]["text"]
    sent = await run_operation(
        client, "StaffDigests", "StaffSendDigestNow", {"frequency": "WEEKLY"}, token
    )
    assert sent["sendDigestNow"]["errors"] == []
    desk = await run_operation(client, "StaffDigests", "StaffDigests", {}, token)
    assert [e["node"]["id"] for e in desk["digests"]["edges"]] == [
        sent["sendDigestNow"]["digest"]["id"]
    ]
