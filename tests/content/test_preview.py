"""Preview tokens open exactly one entry, until they expire, and cannot be forged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.content.preview import (
    InvalidPreviewToken,
    entry_id_for_preview,
    make_preview_token,
)
from service.settings import Settings

SETTINGS = Settings(secret_key="one secret", debug=False)


def test_a_token_names_its_entry() -> None:
    preview = make_preview_token(42, SETTINGS)
    assert entry_id_for_preview(preview.token, SETTINGS) == 42


def test_an_expired_token_is_refused() -> None:
    preview = make_preview_token(42, SETTINGS, ttl=timedelta(seconds=-1))
    with pytest.raises(InvalidPreviewToken, match="expired"):
        entry_id_for_preview(preview.token, SETTINGS)


def test_a_token_signed_with_another_key_is_refused() -> None:
    other = Settings(secret_key="another secret", debug=False)
    preview = make_preview_token(42, other)
    with pytest.raises(InvalidPreviewToken):
        entry_id_for_preview(preview.token, SETTINGS)


def test_a_tampered_token_is_refused() -> None:
    token = make_preview_token(42, SETTINGS).token
    payload, rest = token.split(".", 1)
    with pytest.raises(InvalidPreviewToken):
        entry_id_for_preview(
            payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + rest, SETTINGS
        )
