"""A login throttle with keys of its own per test, under the run's prefix (cleaned by `db`)."""

from __future__ import annotations

import secrets

import pytest
from starlette.applications import Starlette

from service.settings import Settings
from service.staff.throttle import LoginThrottle


@pytest.fixture
def throttle(app: Starlette, settings: Settings) -> LoginThrottle:
    prefix = f"{settings.login_throttle_prefix}:{secrets.token_hex(4)}"
    return LoginThrottle.from_settings(
        app.state.redis, settings.model_copy(update={"login_throttle_prefix": prefix})
    )
