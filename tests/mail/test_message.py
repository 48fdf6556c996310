"""MIME building: the parts, the encoded headers, the ids, the bulk-mail headers."""

from __future__ import annotations

import base64
import email
import email.policy
import html as html_lib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from service.mail._mime import EncodedBody
from service.mail.message import ListHeaders, MessageBody, MessageBuilder
from service.mail.render import Rendered, Renderer, slot_marker
from service.settings import Settings
from tests.mail.samples import event_context
from tests.smtp import list_id_of, raw_header


def _parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.fixture(scope="module")
def notice(renderer: Renderer) -> Rendered:
    return renderer.render("staff_notice", "sq", event_context())


def test_alternative_parts_text_then_html_in_utf8(
    builder: MessageBuilder, notice: Rendered
) -> None:
    message = builder.build(notice, key="notice-1-2", to_address="endri@example.org")
    parsed = _parse(message.data)
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in parts] == ["utf-8", "utf-8"]
    assert isinstance(parts[0], EmailMessage)
    assert isinstance(parts[1], EmailMessage)
    assert parts[0].get_content() == notice.text
    assert parts[1].get_content() == notice.html


def test_albanian_names_and_subjects_survive_the_headers(
    builder: MessageBuilder, notice: Rendered
) -> None:
    message = builder.build(
        notice, key="notice-1-2", to_address="endri@example.org", to_name="Ëndri Çela"
    )
    raw_headers = message.data.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # RFC 2047 encoded, nothing 8-bit in the header block
    assert max(len(line) for line in raw_headers.split(b"\r\n")) <= 78
    parsed = _parse(message.data)
    assert parsed["Subject"] == notice.subject
    assert "ë" in parsed["Subject"]
    assert parsed["From"].addresses[0].display_name == "Buletini i Shoqatës"
    assert parsed["From"].addresses[0].addr_spec == "buletin@shoqata.al"
    assert parsed["To"].addresses[0].display_name == "Ëndri Çela"
    assert parsed["To"].addresses[0].addr_spec == "endri@example.org"


def test_a_long_subject_folds_and_reads_back_whole(builder: MessageBuilder) -> None:
    subject = "Thirrje e re e publikuar: " + "Fuqizimi i shoqërisë civile në çdo bashki " * 4
    rendered = Rendered(subject.strip(), "tekst\n", "<p>tekst</p>", "sq")
    parsed = _parse(builder.build(rendered, key="k1", to_address="a@example.org").data)
    assert parsed["Subject"] == subject.strip()


def test_ascii_names_with_specials_are_quoted(builder: MessageBuilder, notice: Rendered) -> None:
    message = builder.build(notice, key="k2", to_address="ana@example.org", to_name="Hoxha, Ana")
    assert _parse(message.data)["To"].addresses[0].display_name == "Hoxha, Ana"


def test_the_message_id_is_stable_for_a_key(builder: MessageBuilder, notice: Rendered) -> None:
    first = builder.build(notice, key="notice-12-3", to_address="a@example.org")
    again = builder.build(notice, key="notice-12-3", to_address="a@example.org")
    other = builder.build(notice, key="notice-12-4", to_address="a@example.org")
    assert first.message_id == again.message_id == "<notice-12-3@shoqata.al>"
    assert other.message_id != first.message_id
    assert _parse(first.data)["Message-ID"] == "<notice-12-3@shoqata.al>"


def test_notices_say_they_are_automatic_and_carry_their_language(
    builder: MessageBuilder, notice: Rendered
) -> None:
    date = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    message = builder.build(
        notice, key="n", to_address="a@example.org", auto_submitted=True, date=date
    )
    parsed = _parse(message.data)
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Content-Language"] == "sq"
    assert parsed["Date"].datetime == date
    assert parsed["List-Unsubscribe"] is None


def test_bulk_mail_carries_one_click_unsubscribe(builder: MessageBuilder, notice: Rendered) -> None:
    headers = ListHeaders(
        list_name="Buletini i Shoqatës",
        list_id="sq.digest.shoqata.al",
        unsubscribe_url="https://shoqata.al/unsubscribe?token=abc",
        unsubscribe_mailto="mailto:unsubscribe@shoqata.al?subject=abc",
    )
    message = builder.build(
        notice, key="digest-4-17", to_address="a@example.org", list_headers=headers,
        language="sq, en",
    )  # fmt: skip
    parsed = _parse(message.data)
    assert parsed["List-Unsubscribe"] == (
        "<https://shoqata.al/unsubscribe?token=abc>, <mailto:unsubscribe@shoqata.al?subject=abc>"
    )
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert list_id_of(parsed) == ("Buletini i Shoqatës", "sq.digest.shoqata.al")
    assert parsed["Content-Language"] == "sq, en"
    assert parsed["Auto-Submitted"] is None


def test_the_envelope_is_the_bare_addresses(builder: MessageBuilder, notice: Rendered) -> None:
    message = builder.build(notice, key="k", to_address="a@example.org", to_name="Ana")
    assert (message.sender, message.recipient) == ("buletin@shoqata.al", "a@example.org")


@pytest.mark.parametrize(
    "address",
    ["not-an-address", "a@b.org\r\nBcc: x@evil.org", "ëndri@example.org", "a b@example.org"],
)
def test_undeliverable_addresses_are_refused(
    builder: MessageBuilder, notice: Rendered, address: str
) -> None:
    with pytest.raises(ValueError, match="address"):
        builder.build(notice, key="k", to_address=address)


@pytest.mark.parametrize("key", ["", "a b", "x@y", "<k>", "-k"])
def test_keys_that_cannot_be_a_message_id_are_refused(builder: MessageBuilder, key: str) -> None:
    with pytest.raises(ValueError, match="key"):
        builder.message_id(key)


def test_a_name_cannot_smuggle_a_header(builder: MessageBuilder, notice: Rendered) -> None:
    with pytest.raises(ValueError, match="line break"):
        builder.build(notice, key="k", to_address="a@example.org", to_name="Ana\r\nBcc: x@y")


def test_unfilled_slots_are_refused(builder: MessageBuilder, renderer: Renderer) -> None:
    variant = renderer.render("staff_notice", "sq", event_context(), slots=("recipient_name",))
    with pytest.raises(ValueError, match="no value for slot"):
        builder.build(variant, key="k", to_address="a@example.org")


def test_a_prepared_body_gives_each_recipient_what_filling_the_variant_gives(
    builder: MessageBuilder, renderer: Renderer
) -> None:
    # The body is encoded once up to its first slot; what each message carries must be
    # exactly the filled variant, escaped in the HTML, whatever the name's bytes are.
    variant = renderer.render("staff_notice", "sq", event_context(), slots=("recipient_name",))
    body = MessageBody(variant)
    for name in ["Ana", "Ëndri <Çela> & Co", "ë" * 300]:
        message = builder.build(
            body, values={"recipient_name": name}, key="k", to_address="a@example.org"
        )
        text, html = (p.get_content() for p in _parse(message.data).iter_parts())
        filled = variant.fill({"recipient_name": name})
        assert (text, html) == (filled.text, filled.html)
        assert html_lib.escape(name) in html
        assert max(len(line) for line in message.data.split(b"\r\n")) <= 78
        assert b"\n" not in message.data.replace(b"\r\n", b"")  # CRLF line ends only


@pytest.mark.parametrize("before", [0, 1, 56, 57, 58, 113, 114, 1000])
def test_a_slot_anywhere_gives_the_same_base64_as_encoding_the_whole_body(before: int) -> None:
    marker = slot_marker("link")
    body = "ë" * before + marker + "\n tail ç"  # a cut may fall inside a two-byte letter
    encoded = EncodedBody(body, [marker]).encode([(marker.encode(), b"https://x.example/?t=1")])
    whole = body.replace(marker, "https://x.example/?t=1").encode()
    assert encoded == base64.encodebytes(whole).replace(b"\n", b"\r\n")


def test_unsubscribe_targets_must_be_web_or_mailto_uris(
    builder: MessageBuilder, notice: Rendered
) -> None:
    headers = ListHeaders("Buletin", "l.example.org", "javascript:alert(1)")
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        builder.build(notice, key="k", to_address="a@example.org", list_headers=headers)


def test_ids_use_the_service_host_when_mail_from_is_localhost() -> None:
    settings = Settings(
        debug=True,
        mail_from="Buletin <buletin@localhost>",
        public_base_url="https://cms.shoqata.al",
    )
    assert MessageBuilder.from_settings(settings).message_id("n-1") == "<n-1@cms.shoqata.al>"


# SITE_NAME as organisations write it: specials (comma, quotes, parentheses), Albanian.
NAMES = ['Bashkite per Evropen, "AKKSHI" (Tirane)', 'Bashkitë për Evropën, "AKKSHI" (Tiranë)']


def _header_lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.mark.parametrize("name", NAMES)
def test_list_id_keeps_its_id_literal_and_its_name_whole(
    builder: MessageBuilder, notice: Rendered, name: str
) -> None:
    headers = ListHeaders(name, "weekly.digest.akkshi.al", "https://akkshi.al/unsubscribe?t=1")
    message = builder.build(notice, key="k", to_address="a@example.org", list_headers=headers)
    parsed = _parse(message.data)
    assert list_id_of(parsed) == (name, "weekly.digest.akkshi.al")
    assert "<weekly.digest.akkshi.al>" in raw_header(parsed, "List-Id")
    assert all(len(line) <= 78 for line in _header_lines(message.data))


@pytest.mark.parametrize("name", NAMES)
def test_to_names_with_specials_or_albanian_read_back_whole(
    builder: MessageBuilder, notice: Rendered, name: str
) -> None:
    message = builder.build(notice, key="k", to_address="ana@example.org", to_name=name)
    parsed = _parse(message.data)
    [address] = parsed["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "ana@example.org")
    assert all(len(line) <= 78 for line in _header_lines(message.data))


def test_a_list_id_must_be_a_bare_dot_atom(builder: MessageBuilder, notice: Rendered) -> None:
    headers = ListHeaders("Buletin", "Buletin <l.example.org>", "https://l.example.org/u")
    with pytest.raises(ValueError, match="list id"):
        builder.build(notice, key="k", to_address="a@example.org", list_headers=headers)
