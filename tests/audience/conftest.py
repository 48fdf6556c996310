"""Sign-ups for the audience tests, through the `throttle` fixture of tests/conftest.py."""

from __future__ import annotations

from service.audience.models import Subscriber
from service.audience.subscriptions import Consent, SignUp, SignUpOutcome, SignUpSource, subscribe
from service.audience.throttle import SignUpThrottle
from service.settings import Settings

FORM = Consent(SignUpSource.FORM, "203.0.113.7")


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


async def pending(throttle: SignUpThrottle, settings: Settings) -> Subscriber:
    """The default sign-up's row, pending."""
    await sign_up(throttle, settings)
    return await Subscriber.get(email="ana@example.org")
