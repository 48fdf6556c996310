"""Rendering: translated, dated in the organisation's zone, CSS inlined, slots filled late."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from service.mail.dates import DateFormatter
from service.mail.render import Renderer, TemplatesNotFound, find_templates_dir, slot_marker
from service.settings import Settings
from tests.mail.conftest import ZONE
from tests.mail.samples import call_context, event_context


def test_dates_read_in_the_organisation_zone_and_the_reader_language() -> None:
    may = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    assert DateFormatter("sq", ZONE).full(may) == "e hënë, 4 maj 2026, 10:00"
    assert DateFormatter("en", ZONE).full(may) == "Monday, 4 May 2026, 10:00"
    # Winter time is one hour less ahead of UTC.
    january = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)
    assert DateFormatter("sq", ZONE).full(january) == "e hënë, 12 janar 2026, 09:00"


def test_a_span_within_one_day_names_the_day_once() -> None:
    start = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    same_day = DateFormatter("en", ZONE).span(start, datetime(2026, 5, 4, 11, 0, tzinfo=UTC))
    assert same_day == "Monday, 4 May 2026, 10:00–13:00"
    two_days = DateFormatter("sq", ZONE).span(start, datetime(2026, 5, 5, 14, 0, tzinfo=UTC))
    assert two_days == "e hënë, 4 maj 2026, 10:00 – e martë, 5 maj 2026, 16:00"
    assert DateFormatter("en", ZONE).span(start, None) == "Monday, 4 May 2026, 10:00"


def test_event_notice_in_albanian(renderer: Renderer) -> None:
    rendered = renderer.render("staff_notice", "sq", event_context())
    assert rendered.subject == "Ngjarje e re e publikuar: Trajnim për shoqërinë civile në Shkodër"
    text = rendered.text
    assert "Përshëndetje Ëndri Çela," in text
    assert "Sapo u publikua një ngjarje e re në Buletin." in text
    assert "Kur: e hënë, 4 maj 2026, 10:00–13:00" in text
    assert "Ku: Pallati i Kulturës, Shkodër" in text
    assert "Pjesëmarrje online: https://meet.example.org/trajnim" in text
    assert "Regjistrimi: https://example.org/regjistrohu" in text
    assert "Publikuar nga: Ana Hoxha" in text
    assert "Shihni ngjarjen: https://example.org/sq/event/trajnim-shkoder" in text
    assert 'lang="sq"' in rendered.html
    assert "e hënë, 4 maj 2026, 10:00–13:00" in rendered.html


def test_call_notice_in_english(renderer: Renderer) -> None:
    rendered = renderer.render("staff_notice", "en", call_context())
    assert rendered.subject == "New open call published: Thirrje për grante të vogla 2026"
    text = rendered.text
    assert "A new open call has just been published on Buletin." in text
    assert "Kind: Open call" in text
    assert "Opens: Friday, 1 May 2026, 09:00" in text
    assert "Deadline: Friday, 15 May 2026, 23:59" in text
    assert "How to apply: https://example.org/apliko" in text
    assert "View the open call: https://example.org/en/call/small-grants-2026" in text
    # Nobody to name: an entry published by the scheduler.
    assert "Published by" not in text
    assert "Where" not in text


def test_call_notice_in_albanian_names_the_deadline(renderer: Renderer) -> None:
    rendered = renderer.render("staff_notice", "sq", call_context())
    assert rendered.subject == "Thirrje e re e publikuar: Thirrje për grante të vogla 2026"
    assert "Afati i fundit: e premte, 15 maj 2026, 23:59" in rendered.text
    assert "Si të aplikoni: https://example.org/apliko" in rendered.text


def test_css_is_inlined_and_the_style_block_dropped(renderer: Renderer) -> None:
    html = renderer.render("staff_notice", "en", event_context()).html
    assert "<style" not in html
    assert 'class="button"' in html
    button = html[html.index('class="button"') :]
    assert 'style="' in button[: button.index(">")]
    assert "background-color: #1d4ed8" in button


def test_html_escapes_what_the_text_part_keeps(renderer: Renderer) -> None:
    rendered = renderer.render(
        "staff_notice", "en", event_context(entry_title='Tom & "Jerry" <script>')
    )
    assert rendered.subject == 'New event published: Tom & "Jerry" <script>'
    assert 'Tom & "Jerry" <script>' in rendered.text
    assert "<script>" not in rendered.html
    assert "Tom &amp; " in rendered.html


def test_without_a_name_the_greeting_is_plain(renderer: Renderer) -> None:
    rendered = renderer.render("staff_notice", "sq", event_context(recipient_name=None))
    assert rendered.text.startswith("Përshëndetje,\n")


def test_a_missing_context_key_is_an_error_not_a_blank(renderer: Renderer) -> None:
    context = event_context()
    del context["venue"]
    with pytest.raises(UndefinedError, match="venue"):
        renderer.render("staff_notice", "en", context)


def test_slots_render_once_and_fill_per_recipient(renderer: Renderer) -> None:
    variant = renderer.render("staff_notice", "sq", event_context(), slots=("recipient_name",))
    assert slot_marker("recipient_name") in variant.text
    assert slot_marker("recipient_name") in variant.html
    ana = variant.fill({"recipient_name": "Ana <Hoxha>"})
    assert "Përshëndetje Ana <Hoxha>," in ana.text
    assert "Përshëndetje Ana &lt;Hoxha&gt;," in ana.html
    assert ana.slots == ()
    with pytest.raises(ValueError, match="recipient_name"):
        variant.fill({})


def test_templates_are_found_beside_the_package(templates_dir: Path) -> None:
    assert (templates_dir / "base.html").is_file()
    assert templates_dir.name == "email_templates"


def test_the_templates_folder_can_be_configured(tmp_path: Path, templates_dir: Path) -> None:
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir, copy)
    base = copy / "base.txt"
    base.write_text(base.read_text().replace("{{ site_name }}", "{{ site_name }} (copy)"))
    settings = Settings(debug=True, email_templates_dir=copy)
    rendered = Renderer.from_settings(settings).render("staff_notice", "en", event_context())
    assert "Buletin (copy)" in rendered.text


def test_a_configured_folder_without_templates_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplatesNotFound, match=r"base\.html"):
        find_templates_dir(tmp_path)


def test_a_locale_without_a_catalog_falls_back_to_the_source_strings(
    renderer: Renderer,
) -> None:
    rendered = renderer.render("staff_notice", "it", event_context())
    assert rendered.subject.startswith("New event published:")
    assert "lunedì, 4 maggio 2026" in rendered.text  # dates still in the reader's language
