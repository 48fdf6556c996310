"""Content tables. One `entry` table for every kind keeps feeds, digests and search one query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from service.staff.models import StaffUser

from service.content.enums import EntryKind, EntryStatus


class Topic(Model):
    id = fields.IntField(primary_key=True)
    # Language-neutral and stable: used in filters and feed URLs.
    slug = fields.CharField(max_length=80, unique=True)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    translations: fields.ReverseRelation[TopicTranslation]

    class Meta:
        table = "topic"
        ordering = ("position", "slug")


class TopicTranslation(Model):
    id = fields.IntField(primary_key=True)
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "buletin.Topic", related_name="translations", on_delete=fields.CASCADE
    )
    locale = fields.CharField(max_length=16)
    name = fields.CharField(max_length=120)

    class Meta:
        table = "topic_translation"
        unique_together = (("topic", "locale"),)


class Entry(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(EntryKind, max_length=16)
    status = fields.CharEnumField(EntryStatus, max_length=16, default=EntryStatus.DRAFT)
    publish_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    first_published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    cover_image_url = fields.CharField(max_length=500, null=True)
    organisers = fields.CharField(max_length=500, null=True)
    # Events
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    venue = fields.CharField(max_length=300, null=True)
    online_url = fields.CharField(max_length=500, null=True)
    registration_url = fields.CharField(max_length=500, null=True)
    # Open calls
    opens_at = fields.DatetimeField(null=True)
    deadline = fields.DatetimeField(null=True)
    apply_url = fields.CharField(max_length=500, null=True)
    budget = fields.CharField(max_length=200, null=True)
    # Editorial trail; SET_NULL keeps content when a staff account is deleted.
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # An author marks a draft ready for an editor's review.
    submitted_at = fields.DatetimeField(null=True)

    topics: fields.ManyToManyRelation[Topic] = fields.ManyToManyField(
        "buletin.Topic", related_name="entries", through="entry_topic"
    )
    translations: fields.ReverseRelation[EntryTranslation]

    class Meta:
        table = "entry"
        indexes = (
            Index(fields=("status", "published_at")),
            Index(fields=("kind", "status", "starts_at")),
            Index(fields=("kind", "status", "deadline")),
        )


class EntryTranslation(Model):
    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "buletin.Entry", related_name="translations", on_delete=fields.CASCADE
    )
    locale = fields.CharField(max_length=16)
    title = fields.CharField(max_length=300)
    slug = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    body_html = fields.TextField(default="")
    # body_html without markup, for full-text search (service/content/search.py): set with
    # body_html by the content actions; the search index is kept by database triggers.
    body_text = fields.TextField(default="", db_default="")
    eligibility = fields.TextField(null=True)

    class Meta:
        table = "entry_translation"
        unique_together = (("entry", "locale"), ("locale", "slug"))


class Revision(Model):
    """A snapshot of an entry as saved: fields, translations and topic slugs."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "buletin.Entry", related_name="revisions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=200, default="")
    snapshot: dict[str, Any] = fields.JSONField()

    class Meta:
        table = "revision"
        unique_together = (("entry", "number"),)
        ordering = ("-number",)


class ContentVersion(Model):
    """One row whose counter every content change bumps: the public result cache keys on it."""

    id = fields.IntField(primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "content_version"
