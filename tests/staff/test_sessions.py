"""Ended sessions are purged after a month; live ones and recent ones stay."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.staff.enums import StaffRole
from service.staff.models import StaffSession
from service.staff.sessions import purge_ended_sessions
from service.staff.tokens import token_digest
from tests.factories import now, staff


async def test_sessions_ended_a_month_ago_are_purged(db: None) -> None:
    member = await staff(StaffRole.AUTHOR)
    moment = now()

    async def session(name: str, expires_at: datetime, revoked_at: datetime | None = None) -> None:
        await StaffSession.create(
            staff=member,
            token_hash=token_digest(name),
            expires_at=expires_at,
            revoked_at=revoked_at,
        )

    await session("live", moment + timedelta(days=3))
    await session("expired-yesterday", moment - timedelta(days=1))
    await session("expired-long-ago", moment - timedelta(days=40))
    await session("revoked-long-ago", moment + timedelta(days=3), moment - timedelta(days=31))

    assert await purge_ended_sessions(moment) == 2
    left = await StaffSession.all().values_list("token_hash", flat=True)
    assert sorted(str(h) for h in left) == sorted(
        [token_digest("live"), token_digest("expired-yesterday")]
    )
