"""`buletin createstaff` in a real process against the test database."""

from __future__ import annotations

import pytest

from service.settings import Settings
from service.staff.actions import staff_for_token
from service.staff.enums import StaffRole
from service.staff.models import StaffUser
from service.staff.passwords import verify_password
from tests.cli import buletin
from tests.factories import PASSWORD, staff, token_for

pytestmark = pytest.mark.usefixtures("db")


async def createstaff(
    settings: Settings, *args: str, password: str | None = PASSWORD
) -> tuple[int, str, str]:
    return await buletin(settings, "createstaff", *args, password=password)


async def test_createstaff_makes_the_first_admin(settings: Settings) -> None:
    code, out, err = await createstaff(
        settings, "--email", "Admin@Example.org", "--name", "Ana Admin", "--role", "admin"
    )
    assert code == 0, err
    assert "admin@example.org (admin)" in out
    assert PASSWORD not in out + err
    member = await StaffUser.get(email="admin@example.org")
    assert (member.role, member.name, member.locale) == (StaffRole.ADMIN, "Ana Admin", "sq")
    assert verify_password(member.password_hash, PASSWORD, settings).ok


async def test_createstaff_explains_a_duplicate_email(settings: Settings) -> None:
    await staff(StaffRole.EDITOR, "taken@example.org")
    code, _, err = await createstaff(
        settings, "--email", "taken@example.org", "--name", "X", "--role", "author"
    )
    assert code == 1
    assert "email: There is already an account for taken@example.org." in err
    assert await StaffUser.all().count() == 1


async def test_createstaff_refuses_an_unknown_role_and_a_short_password(
    settings: Settings,
) -> None:
    code, _, err = await createstaff(
        settings, "--email", "a@example.org", "--name", "A", "--role", "root"
    )
    assert code == 2
    assert "invalid choice: 'root'" in err
    code, _, err = await createstaff(
        settings, "--email", "a@example.org", "--name", "A", "--role", "author", password="short"
    )
    assert code == 1
    assert "password: A password needs at least 12 characters." in err
    assert await StaffUser.all().count() == 0


async def test_createstaff_without_a_password_or_a_terminal_says_so(settings: Settings) -> None:
    code, _, err = await createstaff(
        settings, "--email", "a@example.org", "--name", "A", "--role", "author", password=None
    )
    assert code == 1
    assert "set BULETIN_PASSWORD" in err


async def test_setpassword_changes_a_password_and_ends_the_sessions(settings: Settings) -> None:
    member = await staff(StaffRole.ADMIN, "demo@example.org")
    token = await token_for(member)
    code, out, err = await buletin(
        settings, "setpassword", "--email", "Demo@example.org", password="my own new password"
    )
    assert code == 0, err
    assert "demo@example.org" in out
    assert "my own new password" not in out + err
    stored = await StaffUser.get(id=member.id)
    assert verify_password(stored.password_hash, "my own new password", settings).ok
    assert await staff_for_token(token) is None


async def test_setpassword_explains_an_unknown_address_and_a_short_password(
    settings: Settings,
) -> None:
    code, _, err = await buletin(
        settings, "setpassword", "--email", "nobody@example.org", password="long enough password"
    )
    assert code == 1
    assert "no staff account for nobody@example.org" in err
    await staff(StaffRole.ADMIN, "demo@example.org")
    code, _, err = await buletin(
        settings, "setpassword", "--email", "demo@example.org", password="short"
    )
    assert code == 1
    assert "password: A password needs at least 12 characters." in err
