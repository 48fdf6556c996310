"""A digest's two links for one subscriber, signed together: the same links as one by one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from service.audience.tokens import InvalidToken, Purpose, link, links, read_token
from service.settings import Settings


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.mark.parametrize("email", ["ana@example.org", "a" * 60 + "@example.org"])
def test_links_made_together_are_each_purposes_own_link(email: str) -> None:
    # A long repetitive address makes itsdangerous compress the payload: the same then too.
    conf = Settings(debug=True, secret_key="k1", public_base_url="https://news.example.org/")
    unsubscribe, preferences = links(conf, [Purpose.UNSUBSCRIBE, Purpose.PREFERENCES], 7, email)
    assert unsubscribe == link(conf, Purpose.UNSUBSCRIBE, 7, email)
    assert preferences == link(conf, Purpose.PREFERENCES, 7, email)
    assert read_token(conf, Purpose.UNSUBSCRIBE, _token(unsubscribe)).email == email
    with pytest.raises(InvalidToken):
        read_token(conf, Purpose.UNSUBSCRIBE, _token(preferences))
