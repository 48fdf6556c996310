"""Staff tables. Secrets are stored only as hashes: a database dump signs nobody in."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from service.staff.enums import StaffRole


def default_notify_on() -> list[str]:
    return ["event", "call"]


class StaffUser(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-case
    name = fields.CharField(max_length=120)
    role = fields.CharEnumField(StaffRole, max_length=16)
    locale = fields.CharField(max_length=16, default="sq")
    is_active = fields.BooleanField(default=True)
    password_hash = fields.CharField(max_length=255)
    # Entry kinds whose first publication emails this staff member (see the notices issue).
    notify_on: list[str] = fields.JSONField(default=default_notify_on)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_user"


class StaffSession(Model):
    """A sign-in from `login`: an opaque bearer token with an expiry."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    address = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "staff_session"


class ApiToken(Model):
    """A long-lived, named bearer token (build servers, previews) acting as its owner."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[StaffUser] = fields.ForeignKeyField(
        "buletin.StaffUser", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
