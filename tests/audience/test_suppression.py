"""The suppression list: imported from the command line, and kept for addresses that have
no subscriber row (listed before anyone signed them up, or erased while suppressed)."""

from __future__ import annotations

from pathlib import Path

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
from tests.audience.conftest import sign_up
from tests.audience.digest_audience import subscriber
from tests.cli import buletin
from tests.factories import staff


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
