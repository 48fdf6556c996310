"""What a digest looks like: its entries loaded once, rendered once per variant and
selection, with only the subscriber's links left as slots.

A variant is a language ("sq", "en") or "bilingual" (both, one after the other, with a
subject in both); a selection is the entries one group of subscribers gets (their kinds
and topics). Subscribers who share both share one render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import get_timezone_location

from service.audience.digests import Contents, Selection, load_contents, variant_locales
from service.audience.enums import DigestFrequency, DigestStatus
from service.audience.models import Digest
from service.content import queries
from service.content.enums import EntryStatus
from service.content.locales import pick
from service.content.queries import EntryRecord, TranslationRecord
from service.content.urls import entry_url
from service.mail.render import Rendered, Renderer, slot_marker
from service.settings import Settings

TEMPLATE = "digest"
PARTS = "digest_parts"
# Filled in per subscriber (service/audience/tokens.py links).
SLOTS = ("unsubscribe_url", "preferences_url")


@dataclass(frozen=True)
class DigestView:
    """One digest's entries as they are now, loaded once for every render of it."""

    digest_id: int
    frequency: DigestFrequency
    contents: Contents
    entries: dict[int, EntryRecord]
    translations: dict[int, dict[str, TranslationRecord]]


async def build_view(
    digest_id: int, frequency: DigestFrequency, content: dict[str, list[int]]
) -> DigestView:
    contents = await load_contents(content)
    ids = sorted({item.id for items in contents.sections.values() for item in items})
    # Still public ones only: an entry unpublished since the digest was planned drops out.
    entries = await queries.find_by_ids(ids, statuses=(EntryStatus.PUBLISHED,))
    found = await queries.translations_by_entry(list(entries), with_body=False)
    translations = {eid: {tr.locale: tr for tr in rows} for eid, rows in found.items()}
    return DigestView(digest_id, frequency, contents, entries, translations)


async def load_view(digest: Digest) -> DigestView:
    return await build_view(digest.id, digest.frequency, digest.content)


def web_path(digest_id: int, variant: str) -> str:
    return f"/digests/{digest_id}/{variant}"


def _item(
    view: DigestView, entry_id: int, locale: str, settings: Settings
) -> dict[str, Any] | None:
    row = view.entries.get(entry_id)
    tr = pick(view.translations.get(entry_id, {}), locale, settings)
    if row is None or tr is None:
        return None
    return {
        "kind": row.kind.value,
        "title": tr.title,
        "url": entry_url(row.kind, row.id, tr.locale, tr.slug, settings),
        "summary": tr.summary,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "venue": row.venue,
        "deadline": row.deadline,
    }


def _sections(
    view: DigestView, selection: Selection, locale: str, settings: Settings
) -> list[dict[str, Any]]:
    sections = []
    for name, ids in selection.sections().items():
        items = [item for i in ids if (item := _item(view, i, locale, settings)) is not None]
        if items:
            sections.append({"name": name, "items": items})
    return sections


def render_digest(
    view: DigestView,
    variant: str,
    selection: Selection,
    *,
    renderer: Renderer,
    settings: Settings,
    personal: bool = True,
) -> Rendered:
    """One variant of the digest for one selection. `personal`: the mail, with the
    subscriber's links as slots and a link to the web version; else the web version."""
    locales = variant_locales(variant, settings.locales)
    if locales is None:
        raise ValueError(f"no digest variant {variant!r}")
    links = {name: slot_marker(name) for name in SLOTS} if personal else dict.fromkeys(SLOTS)
    web_url = settings.public_base_url.rstrip("/") + web_path(view.digest_id, variant)
    parts, subjects = [], []
    for locale in locales:
        # Readers abroad take a bare time for their own: every time names its zone.
        zone = {"time_zone": get_timezone_location(renderer.zone, locale=locale)}
        text = renderer.macros(f"{PARTS}.txt", locale, zone)
        html = renderer.macros(f"{PARTS}.html", locale, zone)
        sections = _sections(view, selection, locale, settings)
        subjects.append(str(text.subject(view.frequency.value, len(selection.new))).strip())
        parts.append(
            {
                "locale": locale,
                "text": str(text.body(sections)).strip(),
                "html": html.body(sections),
                "browser_text": str(text.browser(web_url)).strip(),
                "browser_html": html.browser(web_url),
                "footer_text": str(text.footer(links[SLOTS[0]], links[SLOTS[1]])).strip(),
                "footer_html": html.footer(links[SLOTS[0]], links[SLOTS[1]]),
            }
        )
    context = {
        "parts": parts,
        "subject_line": " / ".join(subjects),
        # A preview or a test send (id 0) has no web version to link to yet.
        "web_url": web_url if personal and view.digest_id else None,
    }
    return renderer.render(TEMPLATE, locales[0], context, slots=SLOTS if personal else ())


def content_language(variant: str, settings: Settings) -> str:
    """The Content-Language header of a variant: "sq", or "sq, en" when bilingual."""
    return ", ".join(variant_locales(variant, settings.locales) or (variant,))


async def web_version(
    digest_id: int, variant: str, *, renderer: Renderer, settings: Settings
) -> str | None:
    """The HTML of a digest as the web shows it: all of it, in that variant, without
    anyone's links. None when there is no such digest (or not yet sent) or variant."""
    if variant_locales(variant, settings.locales) is None:
        return None
    digest = await Digest.get_or_none(id=digest_id)
    if digest is None or digest.status is DigestStatus.PLANNING:
        return None
    view = await load_view(digest)
    everything = view.contents.everything()
    return render_digest(
        view, variant, everything, renderer=renderer, settings=settings, personal=False
    ).html
