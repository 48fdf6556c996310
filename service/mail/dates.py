"""Dates and times as email readers expect them: in the organisation's zone, in their language.

"e hënë, 4 maj 2026, 10:00" / "Monday, 4 May 2026, 10:00". One explicit pattern for every
locale (Babel translates the names) rather than CLDR's "full" format, which would add
seconds and a long zone name and, in English, the US month-day order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

DATE_PATTERN = "EEEE, d MMMM y"
TIME_PATTERN = "HH:mm"
DATETIME_PATTERN = f"{DATE_PATTERN}, {TIME_PATTERN}"


@dataclass(frozen=True, slots=True)
class DateFormatter:
    locale: str
    zone: ZoneInfo

    def _local(self, value: datetime) -> datetime:
        # The database stores UTC; a naive value can only have come from there.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(self.zone)

    def full(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(self._local(value), DATETIME_PATTERN, locale=self.locale)

    def day(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(self._local(value), DATE_PATTERN, locale=self.locale)

    def span(self, start: datetime | None, end: datetime | None) -> str:
        """ "Monday, 4 May 2026, 10:00–13:00", or both full dates when it spans days."""
        if start is None:
            return self.full(end)
        if end is None or end <= start:
            return self.full(start)
        local_start, local_end = self._local(start), self._local(end)
        if local_start.date() == local_end.date():
            end_time = format_datetime(local_end, TIME_PATTERN, locale=self.locale)
            return f"{self.full(start)}–{end_time}"
        return f"{self.full(start)} – {self.full(end)}"
