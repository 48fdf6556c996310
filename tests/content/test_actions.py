"""Creating and editing entries through the domain actions."""

from __future__ import annotations

import asyncio

import pytest

from service.content.actions import (
    EntryData,
    EntryPatch,
    TranslationData,
    create_entry,
    delete_entry,
    restore_revision,
    update_entry,
)
from service.content.enums import EntryKind, EntryStatus
from service.content.errors import ContentError
from service.content.models import Entry, EntryTranslation, Revision
from service.content.publishing import publish_entry
from service.settings import get_settings
from service.staff.actors import SYSTEM
from tests.factories import days, entry, now, topic


def codes(exc: pytest.ExceptionInfo[ContentError]) -> dict[str | None, str]:
    return {e.field: e.code.value for e in exc.value.errors}


async def test_every_validation_problem_is_reported_at_once(db: None) -> None:
    data = EntryData(
        kind=EntryKind.EVENT,
        translations=[
            TranslationData(locale="en", title=""),
            TranslationData(locale="fr", title="Bonjour"),
        ],
        starts_at=now(),
        ends_at=now() - days(1),
        registration_url="javascript:alert(1)",
    )
    with pytest.raises(ContentError) as exc:
        await create_entry(data, actor=SYSTEM, settings=get_settings())
    assert codes(exc) == {
        "translations.0.title": "REQUIRED",
        "translations.1.locale": "UNSUPPORTED_LOCALE",
        "translations": "REQUIRED",
        "endsAt": "INVALID",
        "registrationUrl": "INVALID",
    }
    assert await Entry.all().count() == 0


async def test_kind_specific_requirements(db: None) -> None:
    for kind, field in [(EntryKind.EVENT, "startsAt"), (EntryKind.CALL, "deadline")]:
        with pytest.raises(ContentError) as exc:
            await create_entry(
                EntryData(kind=kind, translations=[TranslationData("sq", "T")]),
                actor=SYSTEM,
                settings=get_settings(),
            )
        assert codes(exc) == {field: "REQUIRED"}


async def test_times_without_offset_are_refused_not_crashed(db: None) -> None:
    naive = now().replace(tzinfo=None)
    with pytest.raises(ContentError) as exc:
        await create_entry(
            EntryData(
                kind=EntryKind.EVENT,
                translations=[TranslationData("sq", "T")],
                starts_at=naive,
                ends_at=naive,
            ),
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == {"startsAt": "INVALID", "endsAt": "INVALID"}


async def test_over_long_fields_are_refused(db: None) -> None:
    with pytest.raises(ContentError) as exc:
        await create_entry(
            EntryData(
                kind=EntryKind.NEWS,
                translations=[TranslationData("sq", "T" * 301)],
                venue="v" * 301,
            ),
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == {"translations.0.title": "TOO_LONG", "venue": "TOO_LONG"}


async def test_unknown_topic_is_refused(db: None) -> None:
    with pytest.raises(ContentError) as exc:
        await entry("Lajm", topics=("nope",), publish=False)
    assert codes(exc) == {"topics": "UNKNOWN_TOPIC"}
    assert await Entry.all().count() == 0


async def test_slugs_transliterate_albanian_and_stay_unique(db: None) -> None:
    first = await entry("Çështje për shoqërinë", publish=False)
    second = await entry("Çështje për shoqërinë", publish=False)
    slugs = await EntryTranslation.filter(entry_id__in=[first.id, second.id]).values_list(
        "slug", flat=True
    )
    assert sorted(str(s) for s in slugs) == ["ceshtje-per-shoqerine", "ceshtje-per-shoqerine-2"]


async def test_explicit_duplicate_slug_is_refused(db: None) -> None:
    await entry("Një", publish=False)
    with pytest.raises(ContentError) as exc:
        await create_entry(
            EntryData(kind=EntryKind.NEWS, translations=[TranslationData("sq", "Dy", slug="nje")]),
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == {"translations.0.slug": "DUPLICATE_SLUG"}


async def test_slug_follows_title_until_published_then_stays(db: None) -> None:
    created = await entry("Titulli i parë", publish=False)
    await update_entry(
        created.id,
        EntryPatch(translations=[TranslationData("sq", "Titulli i dytë")]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    row = await EntryTranslation.get(entry_id=created.id, locale="sq")
    assert row.slug == "titulli-i-dyte"

    await publish_entry(created.id, actor=SYSTEM)
    await update_entry(
        created.id,
        EntryPatch(translations=[TranslationData("sq", "Titulli i tretë")]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    row = await EntryTranslation.get(entry_id=created.id, locale="sq")
    assert (row.title, row.slug) == ("Titulli i tretë", "titulli-i-dyte")

    with pytest.raises(ContentError) as exc:
        await update_entry(
            created.id,
            EntryPatch(translations=[TranslationData("sq", "Titulli", slug="tjeter")]),
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == {"translations.0.slug": "INVALID"}


async def test_update_upserts_and_removes_locales(db: None) -> None:
    created = await entry("Lajm", publish=False)
    await update_entry(
        created.id,
        EntryPatch(translations=[TranslationData("en", "News", summary="In English")]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    locales = await EntryTranslation.filter(entry_id=created.id).values_list("locale", flat=True)
    assert sorted(str(x) for x in locales) == ["en", "sq"]

    await update_entry(
        created.id, EntryPatch(remove_locales=["en"]), actor=SYSTEM, settings=get_settings()
    )
    assert await EntryTranslation.filter(entry_id=created.id).count() == 1

    with pytest.raises(ContentError) as exc:
        await update_entry(
            created.id, EntryPatch(remove_locales=["sq"]), actor=SYSTEM, settings=get_settings()
        )
    assert "REQUIRED" in codes(exc).values()


async def test_update_validates_the_merged_entry(db: None) -> None:
    event = await entry("Ngjarje", kind=EntryKind.EVENT, starts_at=now() + days(3), publish=False)
    with pytest.raises(ContentError) as exc:
        await update_entry(
            event.id, EntryPatch(ends_at=now() + days(1)), actor=SYSTEM, settings=get_settings()
        )
    assert codes(exc) == {"endsAt": "INVALID"}
    await update_entry(
        event.id,
        EntryPatch(ends_at=now() + days(4), venue="Tiranë"),
        actor=SYSTEM,
        settings=get_settings(),
    )
    stored = await Entry.get(id=event.id)
    assert stored.venue == "Tiranë"


async def test_patch_clears_a_field_with_none_and_keeps_the_rest(db: None) -> None:
    event = await entry("Ngjarje", kind=EntryKind.EVENT, venue="Durrës", publish=False)
    await update_entry(event.id, EntryPatch(venue=None), actor=SYSTEM, settings=get_settings())
    stored = await Entry.get(id=event.id)
    assert stored.venue is None
    assert stored.starts_at is not None


async def test_stale_updated_at_is_a_conflict(db: None) -> None:
    created = await entry("Lajm", publish=False)
    opened = (await Entry.get(id=created.id)).updated_at
    await update_entry(
        created.id,
        EntryPatch(translations=[TranslationData("sq", "Ndryshim 1")]),
        expected_updated_at=opened,
        actor=SYSTEM,
        settings=get_settings(),
    )
    with pytest.raises(ContentError) as exc:
        await update_entry(
            created.id,
            EntryPatch(translations=[TranslationData("sq", "Ndryshim 2")]),
            expected_updated_at=opened,
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == {"expectedUpdatedAt": "CONFLICT"}
    assert (await EntryTranslation.get(entry_id=created.id)).title == "Ndryshim 1"


async def test_concurrent_updates_from_the_same_version_one_wins(db: None) -> None:
    created = await entry("Lajm", publish=False)
    opened = (await Entry.get(id=created.id)).updated_at

    async def save(title: str) -> str:
        try:
            await update_entry(
                created.id,
                EntryPatch(translations=[TranslationData("sq", title)]),
                expected_updated_at=opened,
                actor=SYSTEM,
                settings=get_settings(),
            )
        except ContentError as exc:
            return str(exc.errors[0].code.value)
        return "OK"

    outcomes = await asyncio.gather(save("A"), save("B"))
    assert sorted(outcomes) == ["CONFLICT", "OK"]
    winner = "A" if outcomes[0] == "OK" else "B"
    assert (await EntryTranslation.get(entry_id=created.id)).title == winner


async def test_every_save_keeps_a_revision_and_restore_brings_one_back(db: None) -> None:
    await topic("youth", "Rinia")
    created = await entry("Versioni 1", topics=("youth",), publish=False, body="<p>Një</p>")
    await update_entry(
        created.id,
        EntryPatch(translations=[TranslationData("sq", "Versioni 2", body="<p>Dy</p>")], topics=[]),
        actor=SYSTEM,
        settings=get_settings(),
    )
    revisions = await Revision.filter(entry_id=created.id).order_by("number")
    assert [r.number for r in revisions] == [1, 2]

    await restore_revision(revisions[0].id, actor=SYSTEM, settings=get_settings())

    row = await EntryTranslation.get(entry_id=created.id)
    assert (row.title, row.body_html) == ("Versioni 1", "<p>Një</p>")
    restored = await Entry.get(id=created.id).prefetch_related("topics")
    assert [t.slug for t in restored.topics] == ["youth"]
    latest = await Revision.filter(entry_id=created.id).order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.note) == (3, "Restored revision 1")
    assert restored.status is EntryStatus.DRAFT


async def test_only_drafts_can_be_deleted(db: None) -> None:
    draft = await entry("Skicë", publish=False)
    public = await entry("Publik")
    await delete_entry(draft.id, actor=SYSTEM)
    assert not await Entry.exists(id=draft.id)
    assert not await Revision.exists(entry_id=draft.id)
    with pytest.raises(ContentError) as exc:
        await delete_entry(public.id, actor=SYSTEM)
    assert codes(exc) == {"id": "INVALID_TRANSITION"}
    assert await Entry.exists(id=public.id)


async def test_script_and_handlers_never_reach_the_database(db: None) -> None:
    body = (
        '<p>Hello <strong>world</strong> <a href="https://example.org">link</a></p>'
        "<script>alert(1)</script>"
        '<img src="https://example.org/a.png" alt="a" onerror="alert(2)">'
        '<a href="javascript:alert(3)">bad</a>'
    )
    created = await entry("Lajm", body=body, publish=False)
    stored = (await EntryTranslation.get(entry_id=created.id)).body_html
    for unsafe in ("script", "alert", "onerror", "javascript"):
        assert unsafe not in stored
    assert "<strong>world</strong>" in stored
    assert 'href="https://example.org"' in stored
    assert '<img src="https://example.org/a.png" alt="a">' in stored


async def test_an_action_without_an_actor_is_refused_before_it_changes_anything(db: None) -> None:
    draft = await entry("Pa autor", publish=False)
    data = EntryData(kind=EntryKind.NEWS, translations=[TranslationData("sq", "Pa autor 2")])
    with pytest.raises(TypeError):
        await create_entry(data, settings=get_settings())  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        await create_entry(data, actor=None, settings=get_settings())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await publish_entry(draft.id, actor=None)  # type: ignore[arg-type]
    assert await Entry.all().count() == 1
    assert (await Entry.get(id=draft.id)).status is EntryStatus.DRAFT


async def test_simultaneous_creations_with_one_title_all_get_their_own_slug(db: None) -> None:
    # Each save reads the taken slugs before another's insert commits: the loser of the
    # race must move on to the next suffix, not fail the editor with DUPLICATE_SLUG.
    data = EntryData(
        kind=EntryKind.NEWS,
        translations=[TranslationData("sq", "Thirrje e re"), TranslationData("en", "New call")],
    )
    created = await asyncio.gather(
        *(create_entry(data, actor=SYSTEM, settings=get_settings()) for _ in range(20))
    )
    assert len({e.id for e in created}) == 20
    for locale in ("sq", "en"):
        slugs = await EntryTranslation.filter(locale=locale).values_list("slug", flat=True)
        assert len(slugs) == len(set(slugs)) == 20
