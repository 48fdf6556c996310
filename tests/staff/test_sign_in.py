"""Sessions and API tokens: login, throttling, expiry, revocation and last-use times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.audit.models import AuditEvent
from service.errors import Forbidden
from service.settings import get_settings
from service.staff.actions import (
    TOUCH_EVERY,
    create_api_token,
    login,
    logout,
    revoke_api_token,
    staff_for_token,
    update_staff,
)
from service.staff.enums import StaffRole
from service.staff.errors import StaffError
from service.staff.models import ApiToken, StaffSession, StaffUser
from service.staff.passwords import hash_password
from service.staff.throttle import LoginThrottle
from service.staff.tokens import token_digest
from tests.factories import PASSWORD, now, staff

pytestmark = pytest.mark.usefixtures("db")


async def refused(email: str, password: str, throttle: LoginThrottle, address: str) -> str:
    with pytest.raises(StaffError) as exc:
        await login(email, password, address=address, throttle=throttle, settings=get_settings())
    return str(exc.value.errors[0].code.value)


async def test_login_opens_a_session_that_signs_in(throttle: LoginThrottle) -> None:
    editor = await staff(StaffRole.EDITOR)
    result = await login(
        editor.email.upper(),
        PASSWORD,
        address="10.0.0.1",
        throttle=throttle,
        settings=get_settings(),
    )
    assert result.token.startswith("bls_")
    assert result.token not in repr(result)
    session = await StaffSession.get(token_hash=token_digest(result.token))
    ttl = result.expires_at - session.created_at
    assert abs(ttl - timedelta(hours=get_settings().session_ttl_hours)) < timedelta(minutes=1)
    assert (await staff_for_token(result.token)) == editor
    assert (await StaffUser.get(id=editor.id)).last_login_at is not None
    event = await AuditEvent.get(action="staff.login")
    assert event.details == {"address": "10.0.0.1"}
    assert result.token not in str(event.details)


async def test_wrong_password_unknown_email_and_inactive_look_the_same(
    throttle: LoginThrottle,
) -> None:
    admin = await staff(StaffRole.ADMIN)
    gone = await staff(StaffRole.EDITOR)
    await update_staff(admin, gone.id, is_active=False)
    assert await refused(admin.email, "wrong password!", throttle, "a") == "INVALID_CREDENTIALS"
    assert await refused("nobody@example.org", PASSWORD, throttle, "b") == "INVALID_CREDENTIALS"
    assert await refused(gone.email, PASSWORD, throttle, "c") == "INVALID_CREDENTIALS"
    failures = await AuditEvent.filter(action="staff.login_failed").order_by("id")
    assert [e.details["reason"] for e in failures] == ["password", "unknown_account", "inactive"]
    assert all("wrong password" not in str(e.details) for e in failures)
    assert await StaffSession.all().count() == 0


async def test_an_account_is_locked_after_five_failures_even_for_the_right_password(
    throttle: LoginThrottle,
) -> None:
    editor = await staff(StaffRole.EDITOR)
    for _ in range(5):
        assert await refused(editor.email, "wrong", throttle, "10.0.0.1") == ("INVALID_CREDENTIALS")
    assert await refused(editor.email, PASSWORD, throttle, "10.0.0.1") == "TOO_MANY_ATTEMPTS"
    # Refused without checking the password, so no audit row is written for it either.
    assert await AuditEvent.filter(action="staff.login_failed").count() == 5


async def test_a_guesser_cannot_lock_the_owner_out_of_their_own_address(
    throttle: LoginThrottle,
) -> None:
    editor = await staff(StaffRole.EDITOR)
    for _ in range(20):  # until the guesser's address is spent, and again
        await refused(editor.email, "wrong", throttle, "203.0.113.66")
    assert await refused(editor.email, PASSWORD, throttle, "203.0.113.66") == "TOO_MANY_ATTEMPTS"
    assert await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )


async def test_an_address_is_locked_after_twenty_failures(throttle: LoginThrottle) -> None:
    editor = await staff(StaffRole.EDITOR)
    for i in range(20):
        await refused(f"guess{i}@example.org", "wrong", throttle, "10.6.6.6")
    assert await refused(editor.email, PASSWORD, throttle, "10.6.6.6") == "TOO_MANY_ATTEMPTS"
    assert await login(
        editor.email, PASSWORD, address="10.7.7.7", throttle=throttle, settings=get_settings()
    )


async def test_a_successful_login_clears_the_account_count(throttle: LoginThrottle) -> None:
    editor = await staff(StaffRole.EDITOR)
    for _ in range(4):
        await refused(editor.email, "wrong", throttle, "10.0.0.1")
    await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )
    for _ in range(5):
        assert await refused(editor.email, "wrong", throttle, "10.0.0.1") == ("INVALID_CREDENTIALS")


async def test_login_upgrades_a_hash_made_with_older_costs(throttle: LoginThrottle) -> None:
    settings = get_settings()
    editor = await staff(StaffRole.EDITOR)
    weaker = settings.model_copy(update={"password_memory_kib": 2048})
    editor.password_hash = hash_password(PASSWORD, weaker)
    await editor.save(update_fields=["password_hash"])
    await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )
    stored = (await StaffUser.get(id=editor.id)).password_hash
    assert f"m={settings.password_memory_kib}," in stored


async def test_logout_revokes_the_session_once(throttle: LoginThrottle) -> None:
    editor = await staff(StaffRole.EDITOR)
    result = await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )
    assert await logout(result.token)
    assert await staff_for_token(result.token) is None
    assert not await logout(result.token)
    assert await AuditEvent.filter(action="staff.logout").count() == 1


async def test_expired_sessions_and_inactive_staff_sign_nobody_in(throttle: LoginThrottle) -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    result = await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )
    assert await staff_for_token(result.token, now=result.expires_at - timedelta(seconds=1))
    assert await staff_for_token(result.token, now=result.expires_at) is None
    await update_staff(admin, editor.id, is_active=False)
    assert await staff_for_token(result.token) is None
    assert await staff_for_token("bls_not-a-token-we-gave") is None
    assert await staff_for_token("garbage") is None


async def test_last_seen_moves_at_most_once_a_minute(throttle: LoginThrottle) -> None:
    editor = await staff(StaffRole.EDITOR)
    result = await login(
        editor.email, PASSWORD, address="10.0.0.1", throttle=throttle, settings=get_settings()
    )
    seen = (await StaffSession.get(token_hash=token_digest(result.token))).last_seen_at
    assert seen is not None
    await staff_for_token(result.token, now=seen + TOUCH_EVERY / 2)
    session = await StaffSession.get(token_hash=token_digest(result.token))
    assert session.last_seen_at == seen
    later = seen + TOUCH_EVERY
    await staff_for_token(result.token, now=later)
    session = await StaffSession.get(token_hash=token_digest(result.token))
    assert session.last_seen_at == later


async def test_api_tokens_act_as_their_owner_until_revoked() -> None:
    admin = await staff(StaffRole.ADMIN)
    bot = await staff(StaffRole.AUTHOR, name="Preview bot")
    plain, api_token = await create_api_token(admin, " Preview ", owner_id=bot.id)
    assert plain.startswith("blt_")
    assert api_token.name == "Preview"
    assert api_token.token_hash == token_digest(plain)
    assert (await staff_for_token(plain)) == bot
    used = (await ApiToken.get(id=api_token.id)).last_used_at
    assert used is not None
    assert now() - used < timedelta(minutes=1)
    await revoke_api_token(admin, api_token.id)
    await revoke_api_token(admin, api_token.id)  # twice changes nothing
    assert await staff_for_token(plain) is None
    events = await AuditEvent.filter(target=f"api_token:{api_token.id}").order_by("id")
    assert [e.action for e in events] == ["api_token.created", "api_token.revoked"]


async def test_only_admins_manage_api_tokens() -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    _, api_token = await create_api_token(admin, "Build server")
    with pytest.raises(Forbidden):
        await create_api_token(editor, "Mine")
    with pytest.raises(Forbidden):
        await revoke_api_token(editor, api_token.id)
    assert (await ApiToken.get(id=api_token.id)).revoked_at is None
