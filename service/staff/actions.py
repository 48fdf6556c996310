"""The one way staff state changes: the GraphQL mutations and the CLI both call these.

Each action checks who may do it (raising `NotAuthenticated` / `Forbidden`), so the
CLI and the API cannot disagree, and writes its audit event in the transaction of
the change. Secrets never reach a log line or an audit row.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from service.audit.log import record
from service.content.enums import EntryKind
from service.errors import FieldError, NotFound
from service.settings import Settings
from service.staff.actors import STRANGER, Actor
from service.staff.enums import StaffRole
from service.staff.errors import StaffError, StaffErrorCode
from service.staff.models import ApiToken, StaffSession, StaffUser
from service.staff.passwords import dummy_hash, hash_password, verify_password
from service.staff.roles import require_actor_role, require_role
from service.staff.throttle import LoginThrottle, ThrottleUnavailable
from service.staff.tokens import TokenKind, new_token, token_digest, token_kind
from service.staff.validation import (
    MAX_EMAIL_LENGTH,
    email_errors,
    locale_errors,
    name_errors,
    normalize_email,
    notify_on_errors,
    password_errors,
)

log = logging.getLogger("buletin.staff")

# Reads must not write on every request: a session's last_seen_at moves at most this often.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class LoginResult:
    token: str = field(repr=False)
    staff: StaffUser
    expires_at: datetime


def staff_target(staff_id: int) -> str:
    return f"staff:{staff_id}"


def api_token_target(token_id: int) -> str:
    return f"api_token:{token_id}"


def _duplicate(email: str) -> StaffError:
    return StaffError.single(
        StaffErrorCode.DUPLICATE_EMAIL, f"There is already an account for {email}.", "email"
    )


def _plain(value: object) -> object:
    """Audit details are JSON: enums go in by value."""
    return value.value if isinstance(value, StaffRole) else value


async def create_staff(
    email: str,
    name: str,
    role: StaffRole,
    password: str,
    *,
    actor: Actor,
    settings: Settings,
    locale: str | None = None,
) -> StaffUser:
    """A new staff account; the command line creates the first admin as SYSTEM."""
    require_actor_role(actor, StaffRole.ADMIN)
    email = normalize_email(email)
    name = name.strip()
    locale = locale or settings.default_locale
    errors = [
        *email_errors(email),
        *name_errors(name),
        *locale_errors(locale, settings),
        *password_errors(password, settings),
    ]
    if errors:
        raise StaffError(errors)
    if await StaffUser.filter(email=email).exists():
        raise _duplicate(email)
    password_hash = await asyncio.to_thread(hash_password, password, settings)
    try:
        async with in_transaction():
            staff = await StaffUser.create(
                email=email, name=name, role=role, locale=locale, password_hash=password_hash
            )
            await record(
                actor,
                "staff.created",
                target=staff_target(staff.id),
                details={"email": email, "role": role.value},
            )
    except IntegrityError as exc:  # a concurrent create took the address first
        raise _duplicate(email) from exc
    return staff


async def update_staff(
    actor: StaffUser,
    staff_id: int,
    *,
    role: StaffRole | None = None,
    is_active: bool | None = None,
    name: str | None = None,
) -> StaffUser:
    """An admin changes someone's role, name or active flag; never the last active admin's."""
    require_role(actor, StaffRole.ADMIN)
    if name is not None:
        name = name.strip()
        if errors := name_errors(name):
            raise StaffError(errors)
    may_remove_admin = (role is not None and role is not StaffRole.ADMIN) or is_active is False
    now = datetime.now(UTC)
    async with in_transaction():
        admins: list[StaffUser] = []
        if may_remove_admin:
            # Lock the admins first, in id order: two admins demoting each other at once
            # queue up here instead of both seeing the other still in place.
            admins = (
                await StaffUser.filter(role=StaffRole.ADMIN, is_active=True)
                .order_by("id")
                .select_for_update()
            )
        staff = await StaffUser.select_for_update().get_or_none(id=staff_id)
        if staff is None:
            raise NotFound(f"No staff member {staff_id}.")
        wanted = {"role": role, "is_active": is_active, "name": name}
        changes = {
            key: [_plain(getattr(staff, key)), _plain(value)]
            for key, value in wanted.items()
            if value is not None and value != getattr(staff, key)
        }
        if not changes:
            return staff
        if any(a.id == staff.id for a in admins) and len(admins) == 1:
            raise StaffError.single(
                StaffErrorCode.LAST_ADMIN,
                "This is the last active admin: make someone else an admin first.",
                "role" if role is not None else "isActive",
            )
        for key, value in wanted.items():
            if key in changes:
                setattr(staff, key, value)
        await staff.save(update_fields=list(changes))
        details: dict[str, object] = dict(changes)
        if is_active is False:
            # Sign-ins and API tokens end with the account; they must not come back with it.
            await StaffSession.filter(staff_id=staff.id, revoked_at__isnull=True).update(
                revoked_at=now
            )
            revoked = await ApiToken.filter(staff_id=staff.id, revoked_at__isnull=True).update(
                revoked_at=now
            )
            if revoked:
                details["api_tokens_revoked"] = revoked
        await record(actor, "staff.updated", target=staff_target(staff.id), details=details)
    return staff


async def update_me(
    staff: StaffUser,
    *,
    name: str | None = None,
    locale: str | None = None,
    settings: Settings,
    notify_on: Sequence[EntryKind] | None = None,
) -> StaffUser:
    """A staff member's own name, language, and the entry kinds whose publication they hear of."""
    require_role(staff, StaffRole.AUTHOR)
    errors: list[FieldError] = []
    if name is not None:
        name = name.strip()
        errors += name_errors(name)
    if locale is not None:
        errors += locale_errors(locale, settings)
    if notify_on is not None:
        errors += notify_on_errors(notify_on)
    if errors:
        raise StaffError(errors)
    wanted: dict[str, Any] = {"name": name, "locale": locale}
    if notify_on is not None:
        chosen = set(notify_on)
        wanted["notify_on"] = [kind.value for kind in EntryKind if kind in chosen]
    changes = {
        key: [getattr(staff, key), value]
        for key, value in wanted.items()
        if value is not None and value != getattr(staff, key)
    }
    if not changes:
        return staff
    async with in_transaction():
        for key, (_, value) in changes.items():
            setattr(staff, key, value)
        await staff.save(update_fields=list(changes))
        await record(staff, "staff.updated", target=staff_target(staff.id), details=changes)
    return staff


async def _store_password(
    staff: StaffUser,
    password: str,
    *,
    actor: Actor,
    keep_session: str | None,
    settings: Settings,
) -> None:
    """Hash, store, end the member's sessions (but `keep_session`'s) and audit: one transaction.

    API tokens are left alone: they belong to machines, and admins revoke them by name.
    """
    password_hash = await asyncio.to_thread(hash_password, password, settings)
    now = datetime.now(UTC)
    async with in_transaction():
        staff.password_hash = password_hash
        await staff.save(update_fields=["password_hash"])
        sessions = StaffSession.filter(staff_id=staff.id, revoked_at__isnull=True)
        if keep_session is not None:
            sessions = sessions.exclude(token_hash=token_digest(keep_session))
        ended = await sessions.update(revoked_at=now)
        await record(
            actor,
            "staff.password_changed",
            target=staff_target(staff.id),
            details={"sessions_ended": ended},
        )
    log.info("staff.password_changed staff=%s sessions_ended=%s", staff.id, ended)


async def change_password(
    actor: StaffUser,
    current_password: str,
    new_password: str,
    *,
    session_token: str | None,
    address: str,
    throttle: LoginThrottle,
    settings: Settings,
) -> StaffUser:
    """A staff member's own new password. Their other sessions end; `session_token`'s
    (the one asking, when it is a sign-in) stays, so the change does not sign them out."""
    require_role(actor, StaffRole.AUTHOR)
    errors = password_errors(new_password, settings, "newPassword")
    if errors:
        raise StaffError(errors)
    # A guess at the current password counts as a failed sign-in would: a stolen session
    # must not be a way round the sign-in throttle to learn the password itself.
    address = address[:64]
    await _count_attempt(throttle, email=actor.email, address=address, field="currentPassword")
    check = await asyncio.to_thread(
        verify_password, actor.password_hash, current_password, settings
    )
    if check.ok:
        await throttle.succeeded(email=actor.email, address=address)
    else:
        async with in_transaction():
            await record(
                actor,
                "staff.password_refused",
                target=staff_target(actor.id),
                details={"reason": "current_password"},
            )
        raise StaffError.single(
            StaffErrorCode.INVALID_CREDENTIALS,
            "The current password is wrong.",
            "currentPassword",
        )
    keep = session_token if token_kind(session_token or "") is TokenKind.SESSION else None
    await _store_password(actor, new_password, actor=actor, keep_session=keep, settings=settings)
    return actor


async def set_staff_password(
    actor: Actor,
    staff_id: int,
    password: str,
    *,
    settings: Settings,
) -> StaffUser:
    """Someone's new password, set by an admin (or SYSTEM, the operator at the command
    line); every session of theirs ends, so whoever knew the old one is out."""
    require_actor_role(actor, StaffRole.ADMIN)
    errors = password_errors(password, settings)
    if errors:
        raise StaffError(errors)
    staff = await StaffUser.get_or_none(id=staff_id)
    if staff is None:
        raise NotFound(f"No staff member {staff_id}.")
    await _store_password(staff, password, actor=actor, keep_session=None, settings=settings)
    return staff


async def staff_id_for_email(email: str) -> int | None:
    """The account of an address, for the command line, which names people by email."""
    found = await StaffUser.get_or_none(email=normalize_email(email))
    return found.id if found is not None else None


async def _count_attempt(
    throttle: LoginThrottle, *, email: str, address: str, field: str | None = None
) -> None:
    """Count one password check for the account from `address` (cut as the caller keeps it,
    so that `succeeded` forgives the same keys); refuse it when the account (from there) or
    the address has used up its tries, or when tries cannot be counted."""
    try:
        allowed = await throttle.attempt(email=email, address=address)
    except ThrottleUnavailable:
        # Fail closed: an uncounted check would let a password guesser run free.
        log.warning("staff.login_unavailable reason=throttle")
        raise StaffError.single(
            StaffErrorCode.UNAVAILABLE,
            "Passwords cannot be checked for a moment. Try again soon.",
            field,
        ) from None
    if not allowed:
        log.warning("staff.login_throttled address=%s", address)
        raise StaffError.single(
            StaffErrorCode.TOO_MANY_ATTEMPTS, "Too many wrong passwords. Try again later.", field
        )


async def login(
    email: str,
    password: str,
    *,
    address: str,
    throttle: LoginThrottle,
    settings: Settings,
) -> LoginResult:
    """A new session for the right email and password, unless too many attempts failed."""
    email = normalize_email(email)[:MAX_EMAIL_LENGTH]
    address = address[:64]
    await _count_attempt(throttle, email=email, address=address)
    staff = await StaffUser.get_or_none(email=email) if email else None
    # An unknown email costs a verification too, so timing does not tell which accounts exist.
    stored = staff.password_hash if staff is not None else dummy_hash(settings)
    check = await asyncio.to_thread(verify_password, stored, password, settings)
    if staff is None or not check.ok or not staff.is_active:
        reason = "unknown_account" if staff is None else "password" if not check.ok else "inactive"
        async with in_transaction():
            await record(
                STRANGER,
                "staff.login_failed",
                target=staff_target(staff.id) if staff is not None else None,
                details={"email": email, "address": address, "reason": reason},
            )
        log.info("staff.login_failed address=%s reason=%s", address, reason)
        # One answer for every reason: it must not reveal which accounts exist or are disabled.
        raise StaffError.single(
            StaffErrorCode.INVALID_CREDENTIALS, "The email or the password is wrong."
        )
    await throttle.succeeded(email=email, address=address)
    fields = ["last_login_at"]
    if check.needs_rehash:
        staff.password_hash = await asyncio.to_thread(hash_password, password, settings)
        fields.append("password_hash")
    token = new_token(TokenKind.SESSION)
    now = datetime.now(UTC)
    expires_at = now + timedelta(hours=settings.session_ttl_hours)
    async with in_transaction():
        await StaffSession.create(
            staff=staff,
            token_hash=token_digest(token),
            expires_at=expires_at,
            last_seen_at=now,
            address=address,
        )
        staff.last_login_at = now
        await staff.save(update_fields=fields)
        await record(
            staff, "staff.login", target=staff_target(staff.id), details={"address": address}
        )
    log.info("staff.login staff=%s address=%s", staff.id, address)
    return LoginResult(token=token, staff=staff, expires_at=expires_at)


async def logout(token: str) -> bool:
    """End the session `token` belongs to; False when it is no live session (API tokens too)."""
    if token_kind(token) is not TokenKind.SESSION:
        return False
    session = (
        await StaffSession.filter(token_hash=token_digest(token), revoked_at__isnull=True)
        .select_related("staff")
        .first()
    )
    if session is None:
        return False
    async with in_transaction():
        # Compare-and-set: of two concurrent logouts, one revokes and one records.
        ended = await StaffSession.filter(id=session.id, revoked_at__isnull=True).update(
            revoked_at=datetime.now(UTC)
        )
        if ended:
            await record(session.staff, "staff.logout", target=staff_target(session.staff.id))
    return bool(ended)


async def staff_for_token(token: str, *, now: datetime | None = None) -> StaffUser | None:
    """Who a bearer token signs in: a live session or an unrevoked API token of an active owner."""
    kind = token_kind(token)
    if kind is None:
        return None
    now = now or datetime.now(UTC)
    digest = token_digest(token)
    if kind is TokenKind.SESSION:
        session = (
            await StaffSession.filter(
                token_hash=digest,
                revoked_at__isnull=True,
                expires_at__gt=now,
                staff__is_active=True,
            )
            .select_related("staff")
            .first()
        )
        if session is None:
            return None
        if session.last_seen_at is None or now - session.last_seen_at >= TOUCH_EVERY:
            await StaffSession.filter(id=session.id).update(last_seen_at=now)
        return session.staff
    api_token = (
        await ApiToken.filter(token_hash=digest, revoked_at__isnull=True, staff__is_active=True)
        .select_related("staff")
        .first()
    )
    if api_token is None:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOUCH_EVERY:
        await ApiToken.filter(id=api_token.id).update(last_used_at=now)
    return api_token.staff


async def create_api_token(
    actor: StaffUser, name: str, *, owner_id: int | None = None
) -> tuple[str, ApiToken]:
    """A named token acting as `owner_id` (default: the admin asking). The plain token is
    returned here and never again: only its digest is stored."""
    require_role(actor, StaffRole.ADMIN)
    name = name.strip()
    if errors := name_errors(name):
        raise StaffError(errors)
    owner = actor
    if owner_id is not None and owner_id != actor.id:
        found = await StaffUser.get_or_none(id=owner_id)
        if found is None:
            raise NotFound(f"No staff member {owner_id}.")
        owner = found
    plain = new_token(TokenKind.API)
    async with in_transaction():
        api_token = await ApiToken.create(staff=owner, name=name, token_hash=token_digest(plain))
        await record(
            actor,
            "api_token.created",
            target=api_token_target(api_token.id),
            details={"name": name, "owner": owner.id},
        )
    return plain, api_token


async def revoke_api_token(actor: StaffUser, token_id: int) -> ApiToken:
    """Stop a token working at once. Revoking a revoked token changes nothing."""
    require_role(actor, StaffRole.ADMIN)
    async with in_transaction():
        api_token = await ApiToken.select_for_update().get_or_none(id=token_id)
        if api_token is None:
            raise NotFound(f"No API token {token_id}.")
        if api_token.revoked_at is None:
            api_token.revoked_at = datetime.now(UTC)
            await api_token.save(update_fields=["revoked_at"])
            await record(
                actor,
                "api_token.revoked",
                target=api_token_target(api_token.id),
                details={"name": api_token.name},
            )
    return api_token
