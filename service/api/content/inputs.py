"""GraphQL inputs of the editorial mutations, turned into the domain's plain dataclasses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from service.content.enums import EntryKind
from service.content.inputs import KEEP, EntryData, EntryPatch, TranslationData, fields_of


@strawberry.input(description="One language of an entry; on update, omitted texts are kept.")
class TranslationInput:
    locale: str
    title: str
    summary: str | None = None
    body: str | None = strawberry.field(default=None, description="HTML; sanitised on save.")
    slug: str | None = strawberry.field(
        default=None, description="Made from the title when omitted; fixed once published."
    )
    eligibility: str | None = strawberry.field(
        default=None, description="Open calls: who may apply (HTML)."
    )

    def to_domain(self) -> TranslationData:
        return TranslationData(
            locale=self.locale,
            title=self.title,
            summary=self.summary,
            body=self.body,
            slug=self.slug,
            eligibility=self.eligibility,
        )


@strawberry.input
class CreateEntryInput:
    kind: EntryKind
    translations: list[TranslationInput]
    topics: list[str] | None = None
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

    def to_domain(self) -> EntryData:
        return EntryData(
            kind=self.kind,
            translations=[tr.to_domain() for tr in self.translations],
            topics=self.topics or [],
            **fields_of(self),
        )


@strawberry.input(description="Only the fields given change; null clears a field.")
class UpdateEntryInput:
    translations: list[TranslationInput] | None = strawberry.field(
        default=None, description="Upserted by locale."
    )
    remove_locales: list[str] | None = None
    topics: list[str] | None = strawberry.UNSET
    cover_image_url: str | None = strawberry.UNSET
    organisers: str | None = strawberry.UNSET
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET
    venue: str | None = strawberry.UNSET
    online_url: str | None = strawberry.UNSET
    registration_url: str | None = strawberry.UNSET
    opens_at: datetime | None = strawberry.UNSET
    deadline: datetime | None = strawberry.UNSET
    apply_url: str | None = strawberry.UNSET
    budget: str | None = strawberry.UNSET

    def to_domain(self) -> EntryPatch:
        topics: Any = KEEP if self.topics is strawberry.UNSET else self.topics or []
        return EntryPatch(
            translations=[tr.to_domain() for tr in self.translations or []],
            remove_locales=self.remove_locales or [],
            topics=topics,
            **{k: v for k, v in fields_of(self).items() if v is not strawberry.UNSET},
        )


@strawberry.input(description="A topic's names, by locale.")
class TopicNameInput:
    locale: str
    name: str


@strawberry.input
class TopicInput:
    slug: str
    names: list[TopicNameInput]
    position: int | None = None
