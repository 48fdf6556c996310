"""`buletin suppress --file F`: a suppression list imported from the command line."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from service.audience.enums import SubscriberStatus
from service.audience.models import Subscriber
from service.settings import Settings
from tests.audience.digest_audience import subscriber
from tests.cli import buletin


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
    assert "suppressed 1, already suppressed 0, not subscribed 1, not an address 1" in out

    suppressed = await Subscriber.get(id=listed.id)
    assert suppressed.status is SubscriberStatus.SUPPRESSED
    assert suppressed.suppressed_reason == "old provider bounces"
    assert (await Subscriber.get(id=kept.id)).status is SubscriberStatus.ACTIVE
