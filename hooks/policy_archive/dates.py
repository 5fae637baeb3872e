"""Dates as readers see them: in the site's time zone, written out in the site's language by Babel."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import babel
import babel.dates


class DateFormatter:
    """Turns instants into calendar days of one time zone, and days into words of one locale."""

    def __init__(self, locale: str = "en", time_zone: str = "UTC") -> None:
        try:
            self.zone = ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {time_zone!r}; use an IANA name such as 'UTC' or 'Europe/Berlin'"
            ) from None
        try:
            self.locale = babel.Locale.parse(locale.replace("-", "_"))
        except (ValueError, babel.UnknownLocaleError):
            raise ValueError(
                f"unknown locale {locale!r}; use a language code such as 'en' or 'de_CH'"
            ) from None

    def day(self, moment: datetime | date) -> date:
        """The calendar day of `moment` in the site's time zone (a date is already a day)."""
        if isinstance(moment, datetime):
            return moment.astimezone(self.zone).date()
        return moment

    def long(self, moment: datetime | date) -> str:
        """'7 December 2006', 'December 7, 2006', '7. Dezember 2006', as the locale writes it."""
        return babel.dates.format_date(self.day(moment), format="long", locale=self.locale)

    def iso(self, moment: datetime | date) -> str:
        return self.day(moment).isoformat()
