"""Newsletter mutations: the public sign-up, and GDPR erasure for editors."""

from __future__ import annotations

import strawberry

from service.api.arguments import int_id
from service.api.audience.types import EraseSubscriberPayload, SubscribeInput, SubscribePayload
from service.api.context import Info
from service.api.payloads import user_errors
from service.api.permissions import IsEditor, current_staff, refusals_as_errors
from service.audience import records, subscriptions
from service.audience.subscriptions import Consent, SignUp, SignUpSource
from service.errors import DomainError


@strawberry.type
class AudienceMutation:
    @strawberry.mutation(
        description="Sign up for the newsletter (public). The answer is the same for every "
        "address; a confirmation mail follows, and only its link makes the subscriber active."
    )
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribePayload:
        request = info.context.request
        settings = info.context.settings
        sign_up = SignUp(
            email=input.email,
            locales=input.locales,
            topics=input.topics,
            kinds=[kind.value for kind in input.kinds or ()],
            frequency=input.frequency,
        )
        try:
            await subscriptions.subscribe(
                sign_up,
                consent=Consent(
                    SignUpSource.GRAPHQL, request.client.host if request.client else None
                ),
                throttle=info.context.services.signup_throttle,
                settings=settings,
            )
        except DomainError as exc:
            return SubscribePayload(ok=False, errors=user_errors(exc))
        # Committed: hand the confirmation to the workers now, not at the relay cron's tick.
        info.context.services.relay.kick()
        return SubscribePayload(ok=True)

    @strawberry.mutation(
        description="Delete a subscriber and every delivery to them (GDPR erasure; editors; "
        "audited without the address).",
        permission_classes=[IsEditor],
    )
    async def erase_subscriber(self, info: Info, id: strawberry.ID) -> EraseSubscriberPayload:
        with refusals_as_errors():
            erased = await records.erase_subscriber(current_staff(info), int_id(id, "subscriber"))
        return EraseSubscriberPayload(erased_id=strawberry.ID(str(erased)))
