"""The suppression list: imported from the command line, and kept for addresses that have
no subscriber row (listed before anyone signed them up, or erased while suppressed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from service.audience.enums import SubscriberStatus
from service.audience.models import Subscriber, SuppressedAddress
from service.audience.records import erase_subscriber
from service.audience.subscriptions import SignUpOutcome
from service.audience.suppression import suppress_subscriber
from service.audience.throttle import SignUpThrottle
from service.outbox.models import OutboxEvent
from service.settings import Settings
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from tests.api.test_staff import AUDIT
from tests.audience.conftest import sign_up
from tests.audience.digest_audience import subscriber
from tests.cli import buletin
from tests.factories import bearer, gql, staff, token_for


async def test_the_listed_addresses_are_suppressed_and_the_rest_untouched(
    app: Starlette, db: None, settings: Settings, tmp_path: Path
) -> None:
    listed = await subscriber("drita@example.org")
    kept = await subscriber("arben@example.org")
    listing = tmp_path / "bounces.txt"
    listing.write_text(
        "# from the old provider\nDrita@Example.org\nnobody@example.org\nnot an address\n"
    )

    code, out, err = await buletin(
        settings, "suppress", "--file", str(listing), "--reason", "old provider bounces"
    )
    assert code == 0, err
    assert (
        "suppressed 1, already suppressed 0, not subscribed (kept, so a sign-up is refused) 1,"
        " not an address 1"
    ) in out
    assert "line 4: not an address: 'not an address'" in out

    suppressed = await Subscriber.get(id=listed.id)
    assert suppressed.status is SubscriberStatus.SUPPRESSED
    assert suppressed.suppressed_reason == "old provider bounces"
    assert (await Subscriber.get(id=kept.id)).status is SubscriberStatus.ACTIVE


async def test_an_imported_address_nobody_had_signed_up_stays_unsubscribable(
    app: Starlette, db: None, settings: Settings, throttle: SignUpThrottle, tmp_path: Path
) -> None:
    # An old provider's bounces and complaints are mostly addresses not subscribed here:
    # a later sign-up of one must get no confirmation mail and leave no row.
    listing = tmp_path / "complaints.txt"
    listing.write_text("Nobody@Example.org\n")
    code, _, err = await buletin(settings, "suppress", "--file", str(listing))
    assert code == 0, err
    code, out, err = await buletin(settings, "suppress", "--file", str(listing))
    assert code == 0, err
    assert "already suppressed 1, not subscribed (kept, so a sign-up is refused) 0" in out
    [kept] = await SuppressedAddress.all()
    assert "nobody" not in kept.address_hash  # a hash, not the address
    outcome = await sign_up(throttle, settings, email="nobody@example.org")
    assert outcome is SignUpOutcome.SUPPRESSED  # answered as any sign-up is
    assert not await Subscriber.exists()
    assert not await OutboxEvent.exists()  # no confirmation mail
    assert await sign_up(throttle, settings, email="somebody@example.org") is (
        SignUpOutcome.CONFIRMATION_REQUESTED
    )


async def test_erasing_a_suppressed_subscriber_keeps_the_address_suppressed(
    app: Starlette, db: None, settings: Settings, throttle: SignUpThrottle
) -> None:
    editor = await staff(StaffRole.EDITOR)
    bounced = await subscriber("bounced@example.org")
    reply = "bounce: 550 5.1.1 <bounced@example.org>: no such user"  # replies quote addresses
    await suppress_subscriber(bounced.id, reply, actor=SYSTEM)
    left = await subscriber("left@example.org")
    await erase_subscriber(editor, bounced.id)
    await erase_subscriber(editor, left.id)
    [kept] = await SuppressedAddress.all()
    assert "bounced" not in f"{kept.address_hash} {kept.reason}"  # erased means erased

    assert await sign_up(throttle, settings, email="Bounced@example.org") is (
        SignUpOutcome.SUPPRESSED
    )
    assert not await Subscriber.filter(email="bounced@example.org").exists()
    # Erasing someone who was not suppressed keeps nothing: they may sign up again.
    assert await sign_up(throttle, settings, email="left@example.org") is (
        SignUpOutcome.CONFIRMATION_REQUESTED
    )


async def test_bounce_lists_as_providers_and_spreadsheets_export_them(
    app: Starlette, db: None, settings: Settings, tmp_path: Path
) -> None:
    shapes = {
        "bom": "bom@example.org",  # first line, behind Excel's byte order mark
        "angle": "<angle@example.org>",
        "named": '"Hoxha, Drita" <named@example.org>',
        "mailto": "mailto:MailTo@example.org",
        "tab": "tab@example.org\t2026-11-30",
        "comma": "comma@example.org,hard bounce",
        "semicolon": "semicolon@example.org;550 5.1.1",
    }
    rows = {name: await subscriber(f"{name}@example.org") for name in shapes}
    listing = tmp_path / "bounces.csv"
    lines = [*shapes.values(), "foo@bar@baz", "x@y"]
    listing.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")

    code, out, err = await buletin(settings, "suppress", "--file", str(listing))

    assert code == 0, err
    assert "suppressed 7, already suppressed 0, not subscribed" in out
    assert "refused) 0, not an address 2" in out
    assert "line 8: not an address: 'foo@bar@baz'" in out
    assert "line 9: not an address: 'x@y'" in out
    for name, row in rows.items():
        assert (await Subscriber.get(id=row.id)).status is SubscriberStatus.SUPPRESSED, name
    assert not await SuppressedAddress.exists()  # every line found its subscriber


async def test_invalid_lines_are_counted_and_a_few_shown_and_the_valid_ones_still_count(
    app: Starlette, db: None, settings: Settings, tmp_path: Path
) -> None:
    listed = await subscriber("drita@example.org")
    listing = tmp_path / "bounces.txt"
    bad = [f"bad{n}@nowhere" for n in range(7)]
    listing.write_text("\n".join([*bad, "x" * 300, "drita@example.org"]) + "\n")

    code, out, err = await buletin(settings, "suppress", "--file", str(listing))

    assert code == 0, err
    assert "suppressed 1," in out
    assert "not an address 8" in out
    assert out.count("not an address: ") == 5
    assert "line 1: not an address: 'bad0@nowhere'" in out
    assert "and 3 more lines" in out
    assert "x" * 41 not in out  # a long line is quoted cut short
    assert (await Subscriber.get(id=listed.id)).status is SubscriberStatus.SUPPRESSED


async def test_a_listing_that_is_not_utf8_is_refused_in_one_line_and_changes_nothing(
    app: Starlette, db: None, settings: Settings, tmp_path: Path
) -> None:
    kept = await subscriber("ana@example.org")
    listing = tmp_path / "latin1.txt"
    listing.write_bytes("ana@example.org\n# kthimet e vjeshtës\n".encode("latin-1"))

    code, _, err = await buletin(settings, "suppress", "--file", str(listing))

    assert code == 1
    assert "Traceback" not in err
    assert "is not UTF-8 text (line 2)" in err
    assert (await Subscriber.get(id=kept.id)).status is SubscriberStatus.ACTIVE


async def audit_actions(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    admin = bearer(await token_for(await staff(StaffRole.ADMIN, "admin@example.org")))
    body = await gql(client, AUDIT, {"first": 10}, headers=admin)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["auditLog"]["edges"]]


async def test_an_import_is_in_the_audit_log_with_its_counts_and_no_address(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    await subscriber("drita@example.org")
    listing = tmp_path / "bounces.txt"
    listing.write_text("drita@example.org\nnobody@example.org\nnot an address\n")
    code, _, err = await buletin(settings, "suppress", "--file", str(listing), "--reason", "old")
    assert code == 0, err

    imported = [e for e in await audit_actions(client) if e["action"] == "suppressions.imported"]
    assert imported == [
        {
            "action": "suppressions.imported",
            "actor": None,  # the command line acts as SYSTEM
            "target": None,
            "details": {"suppressed": 1, "already": 0, "listed": 1, "invalid": 1, "reason": "old"},
        }
    ]


async def test_a_wrong_import_is_lifted_and_the_addresses_may_sign_up_again(
    client: httpx.AsyncClient, settings: Settings, throttle: SignUpThrottle, tmp_path: Path
) -> None:
    wrongly = await subscriber("drita@example.org")
    bounced = await subscriber("bounced@example.org")
    await subscriber("arben@example.org")
    listing = tmp_path / "wrong.txt"
    listing.write_text("drita@example.org\nnobody@example.org\nbounced@example.org\n")
    assert (await buletin(settings, "suppress", "--file", str(listing)))[0] == 0

    lift = tmp_path / "lift.txt"
    lift.write_text("<Drita@Example.org>\nnobody@example.org\narben@example.org\nnot an address\n")
    code, out, err = await buletin(settings, "unsuppress", "--file", str(lift))
    assert code == 0, err
    assert (
        "lifted 1 (now unsubscribed: they may sign up again), taken off the list 1, "
        "not suppressed 1, not an address 1"
    ) in out

    # Unsubscribed, not active: after a suppression only a new confirmation mails them.
    assert (await Subscriber.get(id=wrongly.id)).status is SubscriberStatus.UNSUBSCRIBED
    assert (await Subscriber.get(id=bounced.id)).status is SubscriberStatus.SUPPRESSED
    assert not await SuppressedAddress.exists()
    for email in ("drita@example.org", "nobody@example.org"):
        outcome = await sign_up(throttle, settings, email=email)
        assert outcome is SignUpOutcome.CONFIRMATION_REQUESTED, email

    [lifted] = [e for e in await audit_actions(client) if e["action"] == "suppressions.lifted"]
    assert lifted["details"] == {"lifted": 1, "unlisted": 1, "not_suppressed": 1, "invalid": 1}
