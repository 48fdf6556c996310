"""The one way entries change: the API, the CLI and the demo loader all call these.

Each action is one transaction that also keeps a revision (for saves), an audit
event, an outbox event (for what the public sees) and bumps the content version.
Publication state changes live in `publishing.py`, topics in `topics.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from service.audit.log import record
from service.content.enums import EntryStatus
from service.content.errors import ContentError, ContentErrorCode
from service.content.inputs import KEEP, EntryData, EntryPatch, TranslationData, fields_of
from service.content.models import ContentVersion, Entry, EntryTranslation, Revision, Topic
from service.content.permissions import require_can_edit
from service.content.revisions import patch_from_snapshot, save_revision
from service.content.sanitize import sanitize_html
from service.content.search import html_text
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH, slug_from_title, unique_slug
from service.content.validation import closed_call_error, validate_entry
from service.errors import NotFound
from service.outbox.events import ENTRY_UPDATED, emit
from service.settings import Settings
from service.staff.actors import staff_of

if TYPE_CHECKING:
    from service.staff.actors import Actor

# Saves of one title at the same moment each move on to the next free suffix.
GENERATED_SLUG_TRIES = 50

__all__ = [
    "EntryData",
    "EntryPatch",
    "TranslationData",
    "bump_content_version",
    "create_entry",
    "delete_entry",
    "read_content_version",
    "restore_revision",
    "submit_entry",
    "update_entry",
]


async def bump_content_version() -> None:
    """Every change the public can see calls this in its transaction: cached answers go stale."""
    await ContentVersion.filter(id=1).update(version=F("version") + 1)


async def read_content_version() -> int:
    """The counter bump_content_version moves: read before content, it dates what was read."""
    row = await ContentVersion.get_or_none(id=1)
    return int(row.version) if row is not None else 0


async def lock_entry(entry_id: int) -> Entry:
    """The entry, row-locked until the transaction ends, so concurrent changes queue up."""
    entry = await Entry.select_for_update().get_or_none(id=entry_id)
    if entry is None:
        raise NotFound(f"There is no entry {entry_id}.")
    return entry


async def _resolve_topics(slugs: Sequence[str]) -> list[Topic]:
    wanted = list(dict.fromkeys(slug_from_title(s) for s in slugs))
    if not wanted:
        return []
    # A slug longer than the column names no topic (and the ORM would refuse to look).
    possible = [s for s in wanted if len(s) <= MAX_TOPIC_SLUG_LENGTH]
    topics = {t.slug: t for t in await Topic.filter(slug__in=possible)} if possible else {}
    unknown = [s for s in wanted if s not in topics]
    if unknown:
        raise ContentError.single(
            ContentErrorCode.UNKNOWN_TOPIC, f"Unknown topic(s): {', '.join(unknown)}.", "topics"
        )
    return [topics[s] for s in wanted]


async def _explicit_slug(tr: TranslationData, index: int, entry_id: int | None) -> str:
    assert tr.slug is not None
    wanted = slug_from_title(tr.slug)
    clash = EntryTranslation.filter(locale=tr.locale, slug=wanted)
    if entry_id is not None:
        clash = clash.exclude(entry_id=entry_id)
    if await clash.exists():
        raise ContentError.single(
            ContentErrorCode.DUPLICATE_SLUG,
            f"Another entry already uses the slug {wanted!r} in {tr.locale}.",
            f"translations.{index}.slug",
        )
    return wanted


def _clean(html: str | None) -> str | None:
    return sanitize_html(html) if html else None


async def _with_generated_slug(
    title: str, locale: str, entry_id: int, save: Callable[[str], Awaitable[object]]
) -> None:
    """Save with a slug made from `title`, taking the next suffix if a concurrent save
    took this one between our look and our insert (the unique index tells us)."""
    base = slug_from_title(title)
    for _ in range(GENERATED_SLUG_TRIES):
        slug = await unique_slug(base, locale, exclude_entry_id=entry_id)
        try:
            async with in_transaction():  # a savepoint: the clash must not end the change
                await save(slug)
        except IntegrityError:
            continue
        return
    raise _duplicate_slug()


async def _add_translation(entry: Entry, tr: TranslationData, index: int) -> None:
    body_html = sanitize_html(tr.body or "")

    def create(slug: str) -> Awaitable[EntryTranslation]:
        return EntryTranslation.create(
            entry=entry,
            locale=tr.locale,
            title=tr.title.strip(),
            slug=slug,
            summary=(tr.summary or "").strip(),
            body_html=body_html,
            body_text=html_text(body_html),
            eligibility=_clean(tr.eligibility),
        )

    if tr.slug:
        await create(await _explicit_slug(tr, index, entry.id))
    else:
        await _with_generated_slug(tr.title, tr.locale, entry.id, create)


async def _update_translation(
    row: EntryTranslation, tr: TranslationData, index: int, *, slug_is_stable: bool
) -> None:
    title = tr.title.strip()
    follow_title = False
    if tr.slug and slug_from_title(tr.slug) != row.slug:
        if slug_is_stable:
            raise ContentError.single(
                ContentErrorCode.INVALID,
                "A published entry keeps its slug, so links to it keep working.",
                f"translations.{index}.slug",
            )
        row.slug = await _explicit_slug(tr, index, row.entry_id)  # type: ignore[attr-defined]
    elif not tr.slug and not slug_is_stable and title != row.title:
        # Until first publication the slug follows the title; afterwards it never moves.
        follow_title = True
    row.title = title
    if tr.summary is not None:
        row.summary = tr.summary.strip()
    if tr.body is not None:
        row.body_html = sanitize_html(tr.body)
        row.body_text = html_text(row.body_html)
    if tr.eligibility is not None:
        row.eligibility = _clean(tr.eligibility)  # type: ignore[assignment]  # nullable column
    if not follow_title:
        await row.save()
        return

    def save(slug: str) -> Awaitable[None]:
        row.slug = slug
        return row.save()

    await _with_generated_slug(title, row.locale, row.entry_id, save)  # type: ignore[attr-defined]


def _raise_if_invalid(data: EntryData, settings: Settings) -> None:
    errors = validate_entry(data, settings)
    if errors:
        raise ContentError(errors)


def _raise_if_unpublishable(entry: Entry, merged: EntryData) -> None:
    """A scheduled entry must stay publishable: the sweep would only fail it later."""
    if entry.status is EntryStatus.SCHEDULED and entry.publish_at is not None:
        closed = closed_call_error(entry.kind, merged.deadline, entry.publish_at)
        if closed is not None:
            raise ContentError([closed])


def _duplicate_slug() -> ContentError:
    # Two saves raced past the slug check; the unique index caught the second.
    return ContentError.single(
        ContentErrorCode.DUPLICATE_SLUG, "Another entry took this slug a moment ago.", "slug"
    )


async def create_entry(data: EntryData, *, actor: Actor, settings: Settings) -> Entry:
    """A new draft with its translations and topics; any staff member may write one."""
    _raise_if_invalid(data, settings)
    try:
        async with in_transaction():
            topics = await _resolve_topics(data.topics)
            entry = await Entry.create(
                kind=data.kind,
                status=EntryStatus.DRAFT,
                created_by=staff_of(actor),
                updated_by=staff_of(actor),
                **fields_of(data),
            )
            for i, tr in enumerate(data.translations):
                await _add_translation(entry, tr, i)
            if topics:
                await entry.topics.add(*topics)
            await save_revision(entry, actor, "Created")
            await record(actor, "entry.created", entry_id=entry.id, details={"kind": entry.kind})
    except IntegrityError as exc:
        raise _duplicate_slug() from exc
    return entry


def _merged(entry: Entry, existing: dict[str, EntryTranslation], patch: EntryPatch) -> EntryData:
    """The entry as it would be after `patch`, for validation: patched translations first."""
    patched = {tr.locale for tr in patch.translations}
    untouched = [
        TranslationData(locale=loc, title=row.title)
        for loc, row in existing.items()
        if loc not in patched and loc not in patch.remove_locales
    ]
    fields: dict[str, Any] = {**fields_of(entry), **patch.changes}
    return EntryData(kind=entry.kind, translations=[*patch.translations, *untouched], **fields)


async def update_entry(
    entry_id: int,
    patch: EntryPatch,
    *,
    actor: Actor,
    settings: Settings,
    expected_updated_at: datetime | None = None,
) -> Entry:
    """Change any subset of an entry; refuses with CONFLICT if someone saved it since."""
    try:
        async with in_transaction():
            entry = await lock_entry(entry_id)
            require_can_edit(actor, entry)
            if expected_updated_at is not None and entry.updated_at != expected_updated_at:
                raise ContentError.single(
                    ContentErrorCode.CONFLICT,
                    "Someone saved this entry after you opened it; reload and edit again.",
                    "expectedUpdatedAt",
                )
            existing = {tr.locale: tr for tr in await EntryTranslation.filter(entry_id=entry.id)}
            merged = _merged(entry, existing, patch)
            _raise_if_invalid(merged, settings)
            _raise_if_unpublishable(entry, merged)
            if settings.default_locale in patch.remove_locales:
                raise ContentError.single(
                    ContentErrorCode.REQUIRED,
                    f"The default locale ({settings.default_locale}) cannot be removed.",
                    "removeLocales",
                )
            await _apply(entry, existing, patch, actor)
            await save_revision(entry, actor)
            await record(actor, "entry.updated", entry_id=entry.id)
            if entry.status is EntryStatus.PUBLISHED:
                await emit(ENTRY_UPDATED, entry_id=entry.id)
                await bump_content_version()
    except IntegrityError as exc:
        raise _duplicate_slug() from exc
    return entry


async def _apply(
    entry: Entry,
    existing: dict[str, EntryTranslation],
    patch: EntryPatch,
    actor: Actor,
) -> None:
    for name, value in patch.changes.items():
        setattr(entry, name, value)
    entry.updated_by = staff_of(actor)
    # auto_now gives every save a new updated_at: that is the optimistic-concurrency token.
    await entry.save()
    stable = entry.first_published_at is not None
    for i, tr in enumerate(patch.translations):
        row = existing.get(tr.locale)
        if row is None:
            await _add_translation(entry, tr, i)
        else:
            await _update_translation(row, tr, i, slug_is_stable=stable)
    if patch.remove_locales:
        await EntryTranslation.filter(entry_id=entry.id, locale__in=patch.remove_locales).delete()
    if patch.topics is not KEEP:
        topics = await _resolve_topics(patch.topics)
        await entry.topics.clear()
        if topics:
            await entry.topics.add(*topics)


async def submit_entry(entry_id: int, *, actor: Actor) -> Entry:
    """An author hands a draft to the editors."""
    async with in_transaction():
        entry = await lock_entry(entry_id)
        require_can_edit(actor, entry)
        if entry.status is not EntryStatus.DRAFT:
            raise ContentError.single(
                ContentErrorCode.INVALID_TRANSITION, "Only a draft can be submitted.", "id"
            )
        entry.submitted_at = datetime.now(UTC)
        entry.updated_by = staff_of(actor)
        await entry.save()
        await record(actor, "entry.submitted", entry_id=entry.id)
    return entry


async def delete_entry(entry_id: int, *, actor: Actor) -> None:
    """Drafts only: anything once public is archived instead, so its history stays."""
    async with in_transaction():
        entry = await lock_entry(entry_id)
        require_can_edit(actor, entry)
        if entry.status is not EntryStatus.DRAFT:
            raise ContentError.single(
                ContentErrorCode.INVALID_TRANSITION,
                "Only drafts can be deleted; archive a published entry instead.",
                "id",
            )
        title = await EntryTranslation.filter(entry_id=entry.id).values_list("title", flat=True)
        await entry.delete()
        await record(
            actor, "entry.deleted", entry_id=entry_id, details={"titles": [str(t) for t in title]}
        )


async def restore_revision(revision_id: int, *, actor: Actor, settings: Settings) -> Entry:
    """Bring back an earlier revision's content as a new revision; the status is unchanged."""
    revision = await Revision.get_or_none(id=revision_id)
    if revision is None:
        raise NotFound(f"There is no revision {revision_id}.")
    entry_id: int = revision.entry_id  # type: ignore[attr-defined]
    async with in_transaction():
        entry = await lock_entry(entry_id)
        require_can_edit(actor, entry)
        existing = {tr.locale: tr for tr in await EntryTranslation.filter(entry_id=entry.id)}
        # Topics deleted since the snapshot are left out rather than failing the restore.
        still_there = await Topic.filter(slug__in=revision.snapshot["topics"]).values_list(
            "slug", flat=True
        )
        patch = patch_from_snapshot(
            revision.snapshot, set(existing), known_topics={str(s) for s in still_there}
        )
        merged = _merged(entry, existing, patch)
        _raise_if_invalid(merged, settings)
        _raise_if_unpublishable(entry, merged)
        await _apply(entry, existing, patch, actor)
        await save_revision(entry, actor, f"Restored revision {revision.number}")
        await record(
            actor, "entry.restored", entry_id=entry.id, details={"revision": revision.number}
        )
        if entry.status is EntryStatus.PUBLISHED:
            await emit(ENTRY_UPDATED, entry_id=entry.id)
            await bump_content_version()
    return entry
