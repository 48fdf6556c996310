"""The one way content changes: the API, the CLI and the demo loader all call these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError, ContentErrorCode, FieldError
from service.content.models import ContentVersion, Entry, EntryTranslation, Topic, TopicTranslation
from service.content.sanitize import sanitize_html
from service.content.slugs import slug_from_title, unique_slug
from service.settings import Settings, get_settings


@dataclass(frozen=True)
class TranslationData:
    locale: str
    title: str
    summary: str = ""
    body: str = ""
    slug: str | None = None
    eligibility: str | None = None


@dataclass(frozen=True)
class EntryData:
    kind: EntryKind
    translations: Sequence[TranslationData]
    topics: Sequence[str] = ()
    cover_image_url: str | None = None
    organisers: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = None
    online_url: str | None = None
    registration_url: str | None = None
    opens_at: datetime | None = None
    deadline: datetime | None = None
    apply_url: str | None = None
    budget: str | None = None


_URL_FIELDS = {
    "cover_image_url": "coverImageUrl",
    "online_url": "onlineUrl",
    "registration_url": "registrationUrl",
    "apply_url": "applyUrl",
}


def _validate(data: EntryData, settings: Settings) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, tr in enumerate(data.translations):
        if tr.locale not in settings.locales:
            errors.append(
                FieldError(
                    ContentErrorCode.UNSUPPORTED_LOCALE,
                    f"Locale {tr.locale!r} is not one of {', '.join(settings.locales)}.",
                    f"translations.{i}.locale",
                )
            )
        if tr.locale in seen:
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID,
                    f"Locale {tr.locale!r} is given twice.",
                    f"translations.{i}.locale",
                )
            )
        seen.add(tr.locale)
        if not tr.title.strip():
            errors.append(
                FieldError(
                    ContentErrorCode.REQUIRED, "A title is required.", f"translations.{i}.title"
                )
            )
    if settings.default_locale not in seen:
        errors.append(
            FieldError(
                ContentErrorCode.REQUIRED,
                f"A translation in the default locale ({settings.default_locale}) is required.",
                "translations",
            )
        )
    if data.kind is EntryKind.EVENT:
        if data.starts_at is None:
            errors.append(
                FieldError(ContentErrorCode.REQUIRED, "An event needs a start.", "startsAt")
            )
        elif data.ends_at is not None and data.ends_at < data.starts_at:
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID, "An event cannot end before it starts.", "endsAt"
                )
            )
    if data.kind is EntryKind.CALL:
        if data.deadline is None:
            errors.append(
                FieldError(ContentErrorCode.REQUIRED, "A call needs a deadline.", "deadline")
            )
        elif data.opens_at is not None and data.opens_at > data.deadline:
            errors.append(
                FieldError(
                    ContentErrorCode.INVALID, "A call cannot open after its deadline.", "opensAt"
                )
            )
    for attr, name in _URL_FIELDS.items():
        value = getattr(data, attr)
        if value is not None and not _is_web_url(value):
            errors.append(
                FieldError(ContentErrorCode.INVALID, "Give an http:// or https:// address.", name)
            )
    return errors


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


async def bump_content_version() -> None:
    """Every content change calls this inside its transaction: cached public answers go stale."""
    await ContentVersion.filter(id=1).update(version=F("version") + 1)


async def _resolve_topics(slugs: Sequence[str]) -> list[Topic]:
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return []
    topics = {t.slug: t for t in await Topic.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in topics]
    if unknown:
        raise ContentError.single(
            ContentErrorCode.UNKNOWN_TOPIC, f"Unknown topic(s): {', '.join(unknown)}.", "topics"
        )
    return [topics[s] for s in wanted]


async def _slug_for(tr: TranslationData, index: int, entry_id: int | None) -> str:
    if tr.slug:
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
    return await unique_slug(slug_from_title(tr.title), tr.locale, exclude_entry_id=entry_id)


async def create_entry(data: EntryData, *, settings: Settings | None = None) -> Entry:
    """A new draft with its translations and topics."""
    settings = settings or get_settings()
    errors = _validate(data, settings)
    if errors:
        raise ContentError(errors)
    async with in_transaction():
        topics = await _resolve_topics(data.topics)
        entry = await Entry.create(
            kind=data.kind,
            status=EntryStatus.DRAFT,
            cover_image_url=data.cover_image_url,
            organisers=data.organisers,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            venue=data.venue,
            online_url=data.online_url,
            registration_url=data.registration_url,
            opens_at=data.opens_at,
            deadline=data.deadline,
            apply_url=data.apply_url,
            budget=data.budget,
        )
        for i, tr in enumerate(data.translations):
            await EntryTranslation.create(
                entry=entry,
                locale=tr.locale,
                title=tr.title.strip(),
                slug=await _slug_for(tr, i, None),
                summary=tr.summary.strip(),
                body_html=sanitize_html(tr.body),
                eligibility=sanitize_html(tr.eligibility) if tr.eligibility else None,
            )
        if topics:
            await entry.topics.add(*topics)
        await bump_content_version()
    return entry


async def publish_entry(entry_id: int, *, at: datetime | None = None) -> Entry:
    """Make an entry public. `at` backdates publication (imports, demo content)."""
    moment = at or datetime.now(UTC)
    async with in_transaction():
        entry = await Entry.select_for_update().get_or_none(id=entry_id)
        if entry is None:
            raise ContentError.single(ContentErrorCode.NOT_FOUND, f"No entry {entry_id}.", "id")
        if entry.status is EntryStatus.PUBLISHED:
            raise ContentError.single(
                ContentErrorCode.INVALID_TRANSITION, "The entry is already published.", "id"
            )
        if entry.kind is EntryKind.CALL and entry.deadline is not None and entry.deadline < moment:
            raise ContentError.single(
                ContentErrorCode.INVALID, "The call's deadline has passed.", "deadline"
            )
        entry.status = EntryStatus.PUBLISHED
        entry.published_at = moment
        entry.publish_at = None
        if entry.first_published_at is None:
            entry.first_published_at = moment
        await entry.save()
        await bump_content_version()
    return entry


async def save_topic(slug: str, names: Mapping[str, str], *, position: int = 0) -> Topic:
    """Create a topic or rename it; `names` maps locale to the topic's name there."""
    settings = get_settings()
    unsupported = [loc for loc in names if loc not in settings.locales]
    if unsupported:
        raise ContentError.single(
            ContentErrorCode.UNSUPPORTED_LOCALE,
            f"Unsupported locale(s): {', '.join(unsupported)}.",
            "names",
        )
    clean_slug = slug_from_title(slug)
    async with in_transaction():
        topic, _ = await Topic.get_or_create(slug=clean_slug, defaults={"position": position})
        if topic.position != position:
            topic.position = position
            await topic.save(update_fields=["position"])
        for locale, name in names.items():
            await TopicTranslation.update_or_create(
                topic=topic, locale=locale, defaults={"name": name.strip()}
            )
        await bump_content_version()
    return topic
