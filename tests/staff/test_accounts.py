"""Creating and changing staff accounts: validation, roles, the last admin, the audit trail."""

from __future__ import annotations

import pytest

from service.audit.models import AuditEvent
from service.content.enums import EntryKind
from service.errors import Forbidden, NotAuthenticated, NotFound
from service.settings import get_settings
from service.staff.actions import (
    create_api_token,
    create_staff,
    staff_for_token,
    update_me,
    update_staff,
)
from service.staff.actors import SYSTEM
from service.staff.enums import StaffRole
from service.staff.errors import StaffError, StaffErrorCode
from service.staff.models import ApiToken, StaffSession, StaffUser
from tests.factories import PASSWORD, staff, token_for

pytestmark = pytest.mark.usefixtures("db")


def codes(exc: pytest.ExceptionInfo[StaffError]) -> list[tuple[str | None, str]]:
    return [(e.field, e.code.value) for e in exc.value.errors]


async def test_create_staff_stores_a_hash_and_a_lower_case_email() -> None:
    member = await create_staff(
        " Ana@Example.ORG ",
        "Ana Hoxha",
        StaffRole.EDITOR,
        PASSWORD,
        actor=SYSTEM,
        settings=get_settings(),
    )
    assert member.email == "ana@example.org"
    assert member.password_hash.startswith("$argon2id$")
    assert PASSWORD not in member.password_hash
    assert member.locale == "sq"
    assert member.notify_on == ["event", "call"]
    event = await AuditEvent.get(action="staff.created")
    assert event.target == f"staff:{member.id}"
    assert event.details == {"email": "ana@example.org", "role": "editor"}


async def test_an_email_has_one_account_whatever_its_case() -> None:
    await create_staff(
        "ana@example.org", "Ana", StaffRole.AUTHOR, PASSWORD, actor=SYSTEM, settings=get_settings()
    )
    with pytest.raises(StaffError) as exc:
        await create_staff(
            "ANA@example.org",
            "Ana 2",
            StaffRole.AUTHOR,
            PASSWORD,
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == [("email", "DUPLICATE_EMAIL")]
    assert await StaffUser.all().count() == 1


async def test_create_staff_reports_every_bad_field_at_once() -> None:
    with pytest.raises(StaffError) as exc:
        await create_staff(
            "not-an-email",
            "  ",
            StaffRole.AUTHOR,
            "short",
            locale="de",
            actor=SYSTEM,
            settings=get_settings(),
        )
    assert codes(exc) == [
        ("email", "INVALID"),
        ("name", "REQUIRED"),
        ("locale", "UNSUPPORTED_LOCALE"),
        ("password", "PASSWORD_TOO_SHORT"),
    ]
    assert await StaffUser.all().count() == 0
    assert await AuditEvent.all().count() == 0


async def test_only_admins_create_staff() -> None:
    editor = await staff(StaffRole.EDITOR)
    with pytest.raises(Forbidden):
        await create_staff(
            "x@example.org", "X", StaffRole.AUTHOR, PASSWORD, actor=editor, settings=get_settings()
        )
    admin = await staff(StaffRole.ADMIN)
    made = await create_staff(
        "x@example.org", "X", StaffRole.AUTHOR, PASSWORD, actor=admin, settings=get_settings()
    )
    event = await AuditEvent.get(target=f"staff:{made.id}")
    assert event.actor_id == admin.id  # type: ignore[attr-defined]


async def test_an_admin_changes_role_and_name_with_an_audit_of_the_change() -> None:
    admin = await staff(StaffRole.ADMIN)
    author = await staff(StaffRole.AUTHOR, name="Old")
    updated = await update_staff(admin, author.id, role=StaffRole.EDITOR, name=" New ")
    assert (updated.role, updated.name) == (StaffRole.EDITOR, "New")
    event = await AuditEvent.get(action="staff.updated")
    assert event.details == {"role": ["author", "editor"], "name": ["Old", "New"]}


async def test_no_change_writes_nothing() -> None:
    admin = await staff(StaffRole.ADMIN)
    author = await staff(StaffRole.AUTHOR)
    before = await AuditEvent.all().count()
    await update_staff(admin, author.id, role=StaffRole.AUTHOR)
    assert await AuditEvent.all().count() == before


async def test_the_last_active_admin_cannot_step_down() -> None:
    admin = await staff(StaffRole.ADMIN)
    for change in ({"role": StaffRole.EDITOR}, {"is_active": False}):
        with pytest.raises(StaffError) as exc:
            await update_staff(admin, admin.id, **change)
        assert exc.value.errors[0].code is StaffErrorCode.LAST_ADMIN
    assert (await StaffUser.get(id=admin.id)).role is StaffRole.ADMIN
    second = await staff(StaffRole.ADMIN)
    await update_staff(admin, admin.id, role=StaffRole.EDITOR)
    with pytest.raises(Forbidden):  # no longer an admin
        await update_staff(await StaffUser.get(id=admin.id), second.id, role=StaffRole.EDITOR)
    # Even acting on a stale row that still says "admin", the last admin stays.
    with pytest.raises(StaffError) as exc:
        await update_staff(admin, second.id, role=StaffRole.EDITOR)
    assert exc.value.errors[0].code is StaffErrorCode.LAST_ADMIN


async def test_deactivating_ends_the_members_sessions() -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    await token_for(editor)
    await update_staff(admin, editor.id, is_active=False)
    assert await StaffSession.filter(staff_id=editor.id, revoked_at__isnull=True).count() == 0


async def test_reactivation_does_not_bring_back_old_tokens() -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    session = await token_for(editor)
    plain, api_token = await create_api_token(admin, "Build server", owner_id=editor.id)
    assert await staff_for_token(plain) is not None
    await update_staff(admin, editor.id, is_active=False)
    await update_staff(admin, editor.id, is_active=True)
    # Whoever held them when the account was closed must not get back in with it.
    assert await staff_for_token(plain) is None
    assert await staff_for_token(session) is None
    assert (await ApiToken.get(id=api_token.id)).revoked_at is not None


async def test_update_staff_refuses_the_unknown_and_the_unprivileged() -> None:
    admin = await staff(StaffRole.ADMIN)
    editor = await staff(StaffRole.EDITOR)
    with pytest.raises(NotFound):
        await update_staff(admin, 999_999, name="Nobody")
    with pytest.raises(Forbidden):
        await update_staff(editor, admin.id, role=StaffRole.AUTHOR)
    admin.is_active = False  # a stale row of someone deactivated meanwhile
    with pytest.raises(NotAuthenticated):
        await update_staff(admin, editor.id, name="X")


async def test_update_me_changes_name_locale_and_notices() -> None:
    author = await staff(StaffRole.AUTHOR)
    await update_me(
        author,
        name="Drita",
        locale="en",
        notify_on=[EntryKind.CALL, EntryKind.EVENT],
        settings=get_settings(),
    )
    fresh = await StaffUser.get(id=author.id)
    assert (fresh.name, fresh.locale, fresh.notify_on) == ("Drita", "en", ["event", "call"])
    event = await AuditEvent.get(action="staff.updated")
    assert event.actor_id == author.id  # type: ignore[attr-defined]


async def test_update_me_refuses_an_unsupported_locale_and_a_blank_name() -> None:
    author = await staff(StaffRole.AUTHOR)
    with pytest.raises(StaffError) as exc:
        await update_me(
            author, name=" ", locale="fr", notify_on=[EntryKind.NEWS], settings=get_settings()
        )
    assert codes(exc) == [
        ("name", "REQUIRED"),
        ("locale", "UNSUPPORTED_LOCALE"),
        ("notifyOn", "INVALID"),  # news sends no notice
    ]
    assert (await StaffUser.get(id=author.id)).locale == "sq"
