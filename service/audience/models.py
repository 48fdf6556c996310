"""Audience tables: who gets the newsletter, each issue of it, and each send of an issue."""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from service.audience.enums import (
    DeliveryStatus,
    DigestFrequency,
    DigestStatus,
    SubscriberStatus,
)


class Subscriber(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-case
    # Locale codes from settings: ["sq"], ["en"] or both (a bilingual digest).
    locales: list[str] = fields.JSONField()
    # Topic slugs and entry kinds wanted; empty means everything.
    topics: list[str] = fields.JSONField(default=list)
    kinds: list[str] = fields.JSONField(default=list)
    frequency = fields.CharEnumField(DigestFrequency, max_length=16)
    status = fields.CharEnumField(SubscriberStatus, max_length=16)
    # Consent evidence (GDPR): when, through which door, from which address.
    consented_at = fields.DatetimeField(null=True)
    source = fields.CharField(max_length=32)  # "graphql", "form", "import", "demo"
    ip_address = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    confirmed_at = fields.DatetimeField(null=True)
    unsubscribed_at = fields.DatetimeField(null=True)
    suppressed_reason = fields.CharField(max_length=255, null=True)
    # The confirmation ledger: each sign-up that asks for a mail takes the next request
    # number; a worker claims it (lease) before the SMTP call and records it as sent after,
    # so a job run twice sends one confirmation per request.
    confirmation_requests = fields.IntField(default=0, db_default=0)
    confirmations_sent = fields.IntField(default=0, db_default=0)
    confirmation_lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "subscriber"
        indexes = (Index(fields=("status", "frequency", "id")),)


class SuppressedAddress(Model):
    """An address suppressed with no subscriber row behind it: listed by an import before
    anyone signed it up, or kept when a suppressed subscriber was erased. Only a hash of the
    address is stored (an erasure must not keep it), which is all refusing a sign-up needs."""

    id = fields.IntField(primary_key=True)
    address_hash = fields.CharField(max_length=64, unique=True)  # SHA-256 hex, lower-case address
    reason = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "suppressed_address"


class Digest(Model):
    """One issue of the newsletter for one frequency and period."""

    id = fields.IntField(primary_key=True)
    frequency = fields.CharEnumField(DigestFrequency, max_length=16)
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    status = fields.CharEnumField(DigestStatus, max_length=16, default=DigestStatus.PLANNING)
    # The entry ids it carries, frozen when it is built: resends show the same issue.
    content: dict[str, list[int]] = fields.JSONField(default=dict)
    # Keyset cursor of the audience freeze: a worker that dies mid-freeze resumes here.
    planned_through = fields.IntField(default=0)
    # Held by the worker freezing the audience, renewed each page: nobody else freezes it
    # meanwhile, and once it lapses (that worker died) the resume cron takes over.
    freeze_lease_until = fields.DatetimeField(null=True)
    recipients = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "digest"
        unique_together = (("frequency", "period_end"),)


class Delivery(Model):
    """One digest to one subscriber: the ledger row that makes sending idempotent."""

    id = fields.BigIntField(primary_key=True)
    digest: fields.ForeignKeyRelation[Digest] = fields.ForeignKeyField(
        "buletin.Digest", related_name=False, on_delete=fields.CASCADE
    )
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "buletin.Subscriber", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.QUEUED)
    attempts = fields.IntField(default=0)
    # A claim expires: a worker that died mid-send leaves it for another to take.
    lease_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery"
        unique_together = (("digest", "subscriber"),)
        indexes = (
            Index(fields=("digest_id", "status", "id")),
            Index(fields=("status", "lease_until")),
        )
