"""Settings from the environment, as the process started."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from service.settings import Settings


def test_locales_come_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALES", "sq, en ,it")
    assert Settings(debug=True).locales == ("sq", "en", "it")


def test_the_default_locale_must_be_one_of_the_locales() -> None:
    with pytest.raises(ValidationError, match="DEFAULT_LOCALE"):
        Settings(debug=True, locales=("en",), default_locale="sq")


def test_a_secret_key_is_required_outside_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(_env_file=None, debug=False)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Settings(debug=True, timezone="Mars/Olympus")


def test_the_organisation_zone_survives_the_orm_setting_its_own() -> None:
    # Tortoise's init sets os.environ["TIMEZONE"] = "UTC"; Buletin must keep the zone
    # the process was started with.
    script = (
        "import asyncio, os\n"
        "from service.settings import Settings\n"
        "from service.db import orm\n"
        "async def main():\n"
        "    async with orm(Settings(debug=True, database_url='sqlite://:memory:')):\n"
        "        assert os.environ['TIMEZONE'] == 'UTC'\n"
        "        print(Settings(debug=True).timezone)\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "TIMEZONE": "Europe/Tirane"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "Europe/Tirane"
