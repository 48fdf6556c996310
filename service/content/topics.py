"""Topics: created, renamed and deleted by editors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from service.audit.log import record
from service.content.actions import bump_content_version
from service.content.errors import ContentError, ContentErrorCode, FieldError
from service.content.models import Topic, TopicTranslation
from service.content.permissions import require_editor
from service.content.slugs import MAX_TOPIC_SLUG_LENGTH, slug_from_title
from service.errors import NotFound
from service.feeds.streams import RESERVED_TOPIC_SLUGS
from service.settings import Settings
from service.text import has_control_characters

if TYPE_CHECKING:
    from service.staff.actors import Actor

MAX_NAME = 120


def _name_errors(names: Mapping[str, str], settings: Settings) -> list[FieldError]:
    errors = [
        FieldError(ContentErrorCode.UNSUPPORTED_LOCALE, f"Unsupported locale {loc!r}.", "names")
        for loc in names
        if loc not in settings.locales
    ]
    errors += [
        FieldError(ContentErrorCode.REQUIRED, f"The {loc} name is empty.", "names")
        for loc, name in names.items()
        if not name.strip()
    ]
    errors += [
        FieldError(ContentErrorCode.TOO_LONG, f"A name has at most {MAX_NAME} characters.", "names")
        for name in names.values()
        if len(name.strip()) > MAX_NAME
    ]
    errors += [
        FieldError(
            ContentErrorCode.INVALID, "A name is one line, without control characters.", "names"
        )
        for name in names.values()
        if has_control_characters(name)
    ]
    return errors


def _slug_errors(slug: str) -> list[FieldError]:
    """What is wrong with a topic slug, already normalised as it would be stored."""
    if not slug:
        return [FieldError(ContentErrorCode.REQUIRED, "A topic needs a slug.", "slug")]
    if len(slug) > MAX_TOPIC_SLUG_LENGTH:
        message = f"A slug has at most {MAX_TOPIC_SLUG_LENGTH} characters."
        return [FieldError(ContentErrorCode.TOO_LONG, message, "slug")]
    if slug in RESERVED_TOPIC_SLUGS:
        # The topic's feeds would carry the same `stream` as a named feed's, and a site
        # choosing its feed link by stream could not tell them apart.
        names = ", ".join(sorted(RESERVED_TOPIC_SLUGS))
        message = f"{slug!r} names a feed stream; a topic slug cannot be one of {names}."
        return [FieldError(ContentErrorCode.RESERVED_SLUG, message, "slug")]
    return []


async def save_topic(
    slug: str,
    names: Mapping[str, str],
    *,
    actor: Actor,
    settings: Settings,
    position: int | None = None,
) -> Topic:
    """Create a topic or rename it; `names` maps locale to the topic's name there."""
    require_editor(actor, "manage topics")
    clean_slug = slug_from_title(slug) if slug.strip() else ""
    errors = _name_errors(names, settings)
    errors += _slug_errors(clean_slug)
    if errors:
        raise ContentError(errors)
    async with in_transaction():
        topic, created = await Topic.get_or_create(
            slug=clean_slug, defaults={"position": position or 0}
        )
        if created and settings.default_locale not in names:
            raise ContentError.single(
                ContentErrorCode.REQUIRED,
                f"A new topic needs a name in {settings.default_locale}.",
                "names",
            )
        if position is not None and topic.position != position:
            topic.position = position
            await topic.save(update_fields=["position"])
        for locale, name in names.items():
            await TopicTranslation.update_or_create(
                topic=topic, locale=locale, defaults={"name": name.strip()}
            )
        await record(actor, "topic.saved", target=f"topic:{topic.slug}", details=dict(names))
        await bump_content_version()
    return topic


async def delete_topic(slug: str, *, actor: Actor) -> None:
    """Entries keep their other topics; feeds and filters of this one go away."""
    require_editor(actor, "manage topics")
    async with in_transaction():
        topic = await Topic.get_or_none(slug=slug)
        if topic is None:
            raise NotFound(f"There is no topic {slug!r}.")
        await topic.delete()
        await record(actor, "topic.deleted", target=f"topic:{slug}")
        await bump_content_version()


async def topic_exists(slug: str) -> bool:
    return await Topic.exists(slug=slug)


async def topic_names(topic_id: int) -> dict[str, str]:
    rows = await TopicTranslation.filter(topic_id=topic_id).values_list("locale", "name")
    return {str(locale): str(name) for locale, name in rows}
