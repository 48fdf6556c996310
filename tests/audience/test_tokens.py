"""Subscriber links: one purpose each, tamper-proof, and only confirmation links expire."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from service.audience.tokens import InvalidToken, Purpose, link, make_token, read_token
from service.settings import Settings


@pytest.fixture
def conf() -> Settings:
    return Settings(debug=True, secret_key="k1", public_base_url="https://news.example.org/")


def test_a_token_reads_back_for_its_own_purpose(conf: Settings) -> None:
    for purpose in Purpose:
        subject = read_token(conf, purpose, make_token(conf, purpose, 7, "ana@example.org"))
        assert (subject.subscriber_id, subject.email) == (7, "ana@example.org")


def test_a_token_made_for_another_purpose_is_refused(conf: Settings) -> None:
    confirm = make_token(conf, Purpose.CONFIRM, 7, "ana@example.org")
    unsubscribe = make_token(conf, Purpose.UNSUBSCRIBE, 7, "ana@example.org")
    with pytest.raises(InvalidToken):
        read_token(conf, Purpose.UNSUBSCRIBE, confirm)
    with pytest.raises(InvalidToken):
        read_token(conf, Purpose.PREFERENCES, unsubscribe)


def test_tampered_and_foreign_tokens_are_refused(conf: Settings) -> None:
    token = make_token(conf, Purpose.UNSUBSCRIBE, 7, "ana@example.org")
    with pytest.raises(InvalidToken):
        read_token(
            conf, Purpose.UNSUBSCRIBE, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        )
    other = Settings(debug=True, secret_key="k2")
    with pytest.raises(InvalidToken):
        read_token(other, Purpose.UNSUBSCRIBE, token)
    with pytest.raises(InvalidToken):
        read_token(conf, Purpose.UNSUBSCRIBE, "not-a-token")


def test_links_open_the_route_of_their_purpose(conf: Settings) -> None:
    url = link(conf, Purpose.UNSUBSCRIBE, 7, "ana@example.org")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://news.example.org/unsubscribe"
    token = parse_qs(parts.query)["token"][0]
    assert read_token(conf, Purpose.UNSUBSCRIBE, token).subscriber_id == 7
