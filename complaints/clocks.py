"""How the profiles' laws count time. Pure Python: no Flask, no database.

A deadline ends at the end of its last day in the profile's time zone (not UTC), counted in
calendar or working days; where the profile says so, a deadline whose last day is a weekend
or a public holiday rolls to the next working day (Serbian administrative procedure: "ističe
prvog narednog radnog dana"). Public holidays are the profile's fixed dates plus moveable
feasts computed for the year asked: Orthodox and Catholic Easter with python-dateutil, and
the two Eids from the Umm al-Qura calendar with hijridate (1924-2077; the Islamic community
announces the day, which may differ by one).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from hijridate import Gregorian, Hijri

# Moveable feasts a profile may name: Easter-based ones by their offset from Easter Sunday,
# Islamic ones by their Hijri month and day.
EASTER_FEASTS = {
    "orthodox_good_friday": (EASTER_ORTHODOX, -2),
    "orthodox_holy_saturday": (EASTER_ORTHODOX, -1),
    "orthodox_easter": (EASTER_ORTHODOX, 0),
    "orthodox_easter_monday": (EASTER_ORTHODOX, 1),
    "catholic_good_friday": (EASTER_WESTERN, -2),
    "catholic_easter": (EASTER_WESTERN, 0),
    "catholic_easter_monday": (EASTER_WESTERN, 1),
}
HIJRI_FEASTS = {
    "eid_al_fitr": (10, 1),     # 1 Shawwal
    "eid_al_fitr_2": (10, 2),
    "eid_al_adha": (12, 10),    # 10 Dhu al-Hijjah
    "eid_al_adha_2": (12, 11),
}
MOVEABLE_FEASTS = frozenset(EASTER_FEASTS) | frozenset(HIJRI_FEASTS)
HIJRI_YEARS = range(1343, 1501)  # hijridate's Umm al-Qura table


class CalendarError(ValueError):
    """A profile's calendar settings are unusable (unknown zone or feast)."""


@dataclass(frozen=True)
class Calendar:
    counting: str = "calendar"          # "calendar" | "working"
    zone_name: str = "UTC"
    roll_to_working_day: bool = False
    fixed: tuple[tuple[int, int], ...] = ()   # (month, day) every year
    moveable: tuple[str, ...] = ()
    dates: frozenset[date] = frozenset()       # one-off non-working days

    def __post_init__(self) -> None:
        if self.counting not in ("calendar", "working"):
            raise CalendarError("day_counting must be 'calendar' or 'working'")
        unknown = set(self.moveable) - MOVEABLE_FEASTS
        if unknown:
            raise CalendarError(f"unknown moveable feasts: {', '.join(sorted(unknown))}")
        try:
            ZoneInfo(self.zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"unknown time zone '{self.zone_name}'") from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    # --- days ------------------------------------------------------------------------------

    def holidays(self, year: int) -> frozenset[date]:
        return _holidays(self.fixed, self.moveable, year) | {d for d in self.dates if d.year == year}

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def end_of_day(self, day: date) -> datetime:
        """The last second of ``day`` in the profile's zone, in UTC."""
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone).astimezone(timezone.utc)

    def start_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.zone).astimezone(timezone.utc)

    # --- deadlines -------------------------------------------------------------------------

    def add_days(self, start: datetime, days: int) -> datetime:
        """The end of the ``days``-th day after ``start``'s day, counted as the profile says."""
        day = self.local_date(start)
        if self.counting == "working":
            remaining = days
            while remaining > 0:
                day += timedelta(days=1)
                if self.is_working_day(day):
                    remaining -= 1
        else:
            day += timedelta(days=days)
        return self.end_of_day(self._rolled(day))

    def add_months(self, start: datetime, months: int) -> datetime:
        """The end of the same day ``months`` later (the month's last day when it is shorter)."""
        return self.end_of_day(self._rolled(add_months(self.local_date(start), months)))

    def _rolled(self, day: date) -> date:
        if self.roll_to_working_day:
            while not self.is_working_day(day):
                day += timedelta(days=1)
        return day


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=512)
def _holidays(fixed: tuple[tuple[int, int], ...], moveable: tuple[str, ...],
              year: int) -> frozenset[date]:
    days = set()
    for month, day in fixed:
        if month == 2 and day == 29 and not calendar.isleap(year):
            continue
        days.add(date(year, month, day))
    for name in moveable:
        if name in EASTER_FEASTS:
            method, offset = EASTER_FEASTS[name]
            days.add(easter(year, method) + timedelta(days=offset))
        else:
            days.update(_hijri_days_in(year, *HIJRI_FEASTS[name]))
    return frozenset(days)


def _hijri_days_in(year: int, month: int, day: int) -> set[date]:
    """Every Gregorian date in ``year`` that falls on ``day``/``month`` of a Hijri year (a
    Hijri year is 11 days shorter, so a feast can fall twice in one Gregorian year)."""
    try:
        hijri_year = Gregorian(year, 1, 1).to_hijri().year
    except (OverflowError, ValueError):
        return set()  # outside the Umm al-Qura table: no estimate is better than a wrong one
    found = set()
    for candidate in (hijri_year - 1, hijri_year, hijri_year + 1):
        if candidate not in HIJRI_YEARS:
            continue
        try:
            gregorian = Hijri(candidate, month, day).to_gregorian()
        except (OverflowError, ValueError):
            continue
        if gregorian.year == year:
            found.add(date(gregorian.year, gregorian.month, gregorian.day))
    return found
