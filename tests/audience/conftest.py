"""Sign-ups for the audience tests: a throttle over the run's Redis prefix (cleaned by `db`)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from service.audience.subscriptions import Consent, SignUp, SignUpOutcome, SignUpSource, subscribe
from service.audience.throttle import SignUpThrottle
from service.settings import Settings

FORM = Consent(SignUpSource.FORM, "203.0.113.7")


@pytest.fixture
def throttle(app: Starlette, settings: Settings) -> SignUpThrottle:
    return SignUpThrottle.from_settings(app.state.redis, settings)


async def sign_up(
    throttle: SignUpThrottle,
    settings: Settings,
    email: str = "ana@example.org",
    locales: tuple[str, ...] = ("sq",),
    consent: Consent = FORM,
    **choices: object,
) -> SignUpOutcome:
    return await subscribe(
        SignUp(email=email, locales=locales, **choices),  # type: ignore[arg-type]
        consent=consent,
        throttle=throttle,
        settings=settings,
    )
