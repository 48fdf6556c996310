"""A staff notice end to end: rendered, built, sent to a real SMTP server, parsed as it arrived."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from service.mail.message import MessageBuilder
from service.mail.render import Renderer
from service.mail.smtp import SmtpPool
from tests.mail.samples import call_context, event_context
from tests.smtp import SmtpServer


async def _send_and_receive(
    smtp_server: SmtpServer,
    pool: SmtpPool,
    builder: MessageBuilder,
    renderer: Renderer,
    locale: str,
    context: dict[str, object],
) -> EmailMessage:
    rendered = renderer.render("staff_notice", locale, context)
    message = builder.build(
        rendered,
        key="notice-12-3",
        to_address="endri@example.org",
        to_name="Ëndri Çela",
        auto_submitted=True,
    )
    assert (await pool.send(message)).accepted
    [received] = smtp_server.handler.messages
    assert received.rcpt_tos == ["endri@example.org"]
    assert received.mail_from == "buletin@shoqata.al"
    parsed = email.message_from_bytes(received.content, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _bodies(parsed: EmailMessage) -> tuple[str, str]:
    assert parsed.get_content_type() == "multipart/alternative"
    text_part, html_part = parsed.iter_parts()
    assert isinstance(text_part, EmailMessage)
    assert isinstance(html_part, EmailMessage)
    assert (text_part.get_content_type(), html_part.get_content_type()) == (
        "text/plain",
        "text/html",
    )
    assert text_part.get_content_charset() == html_part.get_content_charset() == "utf-8"
    return text_part.get_content(), html_part.get_content()


async def test_an_event_notice_arrives_in_albanian(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder, renderer: Renderer
) -> None:
    parsed = await _send_and_receive(smtp_server, pool, builder, renderer, "sq", event_context())
    assert parsed["Subject"] == "Ngjarje e re e publikuar: Trajnim për shoqërinë civile në Shkodër"
    assert parsed["From"].addresses[0].display_name == "Buletini i Shoqatës"
    assert parsed["To"].addresses[0].display_name == "Ëndri Çela"
    assert parsed["Message-ID"] == "<notice-12-3@shoqata.al>"
    assert parsed["Content-Language"] == "sq"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["List-Unsubscribe"] is None
    text, html = _bodies(parsed)
    assert "Përshëndetje Ëndri Çela," in text
    assert "Kur: e hënë, 4 maj 2026, 10:00–13:00" in text
    assert "Ku: Pallati i Kulturës, Shkodër" in text
    assert "Publikuar nga: Ana Hoxha" in text
    assert "https://example.org/sq/event/trajnim-shkoder" in text
    assert "<style" not in html
    button = html[html.index('class="button"') :]
    assert 'style="' in button[: button.index(">")]  # the CSS went into the tag
    assert "Shihni ngjarjen" in html


async def test_a_call_notice_arrives_in_english(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder, renderer: Renderer
) -> None:
    parsed = await _send_and_receive(smtp_server, pool, builder, renderer, "en", call_context())
    assert parsed["Subject"] == "New open call published: Thirrje për grante të vogla 2026"
    assert parsed["Content-Language"] == "en"
    text, html = _bodies(parsed)
    assert "A new open call has just been published on Buletin." in text
    assert "Deadline: Friday, 15 May 2026, 23:59" in text
    assert "How to apply: https://example.org/apliko" in text
    assert "View the open call: https://example.org/en/call/small-grants-2026" in text
    assert "Friday, 15 May 2026, 23:59" in html
    assert 'href="https://example.org/apliko"' in html


async def test_one_render_serves_every_recipient_of_a_language(
    smtp_server: SmtpServer, pool: SmtpPool, builder: MessageBuilder, renderer: Renderer
) -> None:
    variant = renderer.render("staff_notice", "sq", event_context(), slots=("recipient_name",))
    staff = [(1, "Ana Hoxha", "ana@example.org"), (2, "Çlirim Gjoça", "clirim@example.org")]
    for staff_id, name, address in staff:
        rendered = variant.fill({"recipient_name": name})
        message = builder.build(
            rendered, key=f"notice-12-{staff_id}", to_address=address, to_name=name,
            auto_submitted=True,
        )  # fmt: skip
        assert (await pool.send(message)).accepted
    received = [
        email.message_from_bytes(m.content, policy=email.policy.default)
        for m in smtp_server.handler.messages
    ]
    greetings = []
    for parsed in received:
        assert isinstance(parsed, EmailMessage)
        text, _ = _bodies(parsed)
        greetings.append(text.splitlines()[0])
    assert greetings == ["Përshëndetje Ana Hoxha,", "Përshëndetje Çlirim Gjoça,"]
    assert [p["Message-ID"] for p in received] == [
        "<notice-12-1@shoqata.al>",
        "<notice-12-2@shoqata.al>",
    ]
