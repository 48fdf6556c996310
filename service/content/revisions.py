"""Snapshots of an entry at each save, and turning one back into an edit."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from service.content.inputs import SCALAR_FIELDS, TIME_FIELDS, EntryPatch, TranslationData
from service.content.models import Entry, EntryTranslation, Revision
from service.staff.actors import staff_of

if TYPE_CHECKING:
    from service.staff.actors import Actor


async def snapshot_of(entry: Entry) -> dict[str, Any]:
    translations = await EntryTranslation.filter(entry_id=entry.id).order_by("locale")
    topics = await entry.topics.all().values_list("slug", flat=True)
    fields: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(entry, name)
        fields[name] = value.isoformat() if isinstance(value, datetime) else value
    return {
        "kind": entry.kind.value,
        "fields": fields,
        "topics": sorted(str(slug) for slug in topics),
        "translations": [
            {
                "locale": tr.locale,
                "title": tr.title,
                "slug": tr.slug,
                "summary": tr.summary,
                "body": tr.body_html,
                "eligibility": tr.eligibility,
            }
            for tr in translations
        ],
    }


async def save_revision(entry: Entry, actor: Actor, note: str = "") -> Revision:
    """Call inside the save's transaction, after the entry and its translations are written."""
    # The caller holds the entry's row lock, so two saves cannot take the same number.
    last = await Revision.filter(entry_id=entry.id).order_by("-number").first()
    number = last.number + 1 if last else 1
    return await Revision.create(
        entry=entry,
        number=number,
        created_by=staff_of(actor),
        note=note[:200],
        snapshot=await snapshot_of(entry),
    )


def patch_from_snapshot(
    snapshot: dict[str, Any], current_locales: set[str], *, known_topics: set[str]
) -> EntryPatch:
    """The edit that brings an entry back to `snapshot`; slugs follow the usual rules."""
    fields = dict(snapshot["fields"])
    for name in TIME_FIELDS:
        if fields.get(name) is not None:
            fields[name] = datetime.fromisoformat(fields[name])
    translations = [
        TranslationData(
            locale=tr["locale"],
            title=tr["title"],
            summary=tr["summary"],
            body=tr["body"],
            eligibility=tr["eligibility"],
        )
        for tr in snapshot["translations"]
    ]
    kept = {tr.locale for tr in translations}
    return EntryPatch(
        translations=translations,
        remove_locales=sorted(current_locales - kept),
        topics=[slug for slug in snapshot["topics"] if slug in known_topics],
        **{name: fields.get(name) for name in SCALAR_FIELDS},
    )
