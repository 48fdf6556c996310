"""Digest mutations: send one now, or a test to one address (editors)."""

from __future__ import annotations

from collections import Counter

import strawberry

from service.api.context import Info
from service.api.digests.types import Digest, DigestPayload
from service.api.payloads import user_errors
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import digest_tools
from service.audience.digest_errors import DigestError
from service.audience.digests import plan_digest
from service.audience.enums import DigestFrequency


@strawberry.type
class DigestMutation:
    @strawberry.mutation(
        description="Send the next digest of this frequency now; NOTHING_TO_SEND when "
        "nothing was published since the last one (editors; audited).",
        permission_classes=[IsEditor],
    )
    async def send_digest_now(self, info: Info, frequency: DigestFrequency) -> DigestPayload:
        with refusals_as_errors():
            try:
                digest = await plan_digest(frequency, actor=current_staff(info))
            except DigestError as exc:
                return DigestPayload(errors=user_errors(exc))
        # Committed: its outbox event goes to the workers now, not at the relay's next tick.
        info.context.services.relay.kick()
        return DigestPayload(digest=Digest.of(digest, Counter(), info.context.settings.zone))

    @strawberry.mutation(
        description="Have a worker mail the next digest, as it would go out now, to one "
        "address (INVALID_EMAIL for one a sign-up would refuse); no digest or delivery is "
        "recorded, only the audit log notes it (editors).",
        permission_classes=[IsEditor],
    )
    async def send_test_digest(
        self, info: Info, frequency: DigestFrequency, locales: list[str], email: str
    ) -> DigestPayload:
        with refusals_as_errors():
            try:
                await digest_tools.request_test_digest(
                    frequency,
                    locales,
                    email,
                    actor=current_staff(info),
                    settings=info.context.settings,
                )
            except DigestError as exc:
                return DigestPayload(errors=user_errors(exc))
        info.context.services.relay.kick()
        return DigestPayload()
