"""Reading staff accounts and API tokens (the API lets only admins see these lists)."""

from __future__ import annotations

from service.staff.models import ApiToken, StaffUser


async def list_staff() -> list[StaffUser]:
    return await StaffUser.all().order_by("name", "id")


async def list_api_tokens() -> list[ApiToken]:
    """Newest first, with their owners: one statement."""
    return await ApiToken.all().select_related("staff").order_by("-id")
