"""Jurisdiction profiles: deadlines, day counting, holidays, categories, routes, retention.

One TOML file per profile beside this module (TOML, so each value can carry a comment naming
its source, or marking it as our proposal where no source was found); ``COMPLAINTS_PROCEDURE``
chooses one. A bad profile stops the app at start with a message naming the file and the
problem. ``tests/unit/test_procedures.py`` fails when a profile key is read by no code or a
value has neither a source nor a [PROPOSAL] mark.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..clocks import Calendar, CalendarError

PROFILE_DIR = Path(__file__).parent
REQUIRED_DEADLINES = (
    "acknowledge", "acknowledge_maximum", "triage", "decision", "delivery",
    "appeal_window", "appeal_review", "investigation",
)
REQUIRED_MONTHS = ("feedback",)


class ProfileError(Exception):
    """The chosen procedure profile is missing or invalid."""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    explanation: str
    mediable: bool
    external_referral: bool
    time_limited: bool = False  # the profile's limitation period applies to it


@dataclass(frozen=True)
class ExternalRoute:
    """A body outside the internal procedure the complainant can turn to (court, equality
    body, ombudsperson...). ``deadline_days`` runs from the delivery of the decision or
    notice; 0 when the law sets none or none was found."""

    code: str
    label: str
    explanation: str
    deadline_days: int = 0


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    calendar: Calendar
    deadlines_days: dict[str, int]
    deadlines_months: dict[str, int]
    limitation_months: int              # 0: no limitation period for any category
    internal_appeal: bool               # a second instance inside the organisation
    disciplinary_duty: bool             # the law obliges the employer to start proceedings
    investigation_order_required: bool  # a formal investigation needs a written order
    monitoring_checkins_days: tuple[int, ...]
    monitoring_period_days: int
    retention_years_after_closure: int
    categories: tuple[Category, ...]
    external_routes: tuple[ExternalRoute, ...] = ()

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    @property
    def court_route(self) -> ExternalRoute | None:
        return next((r for r in self.external_routes if r.code == "court"), None)


def available_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


@lru_cache(maxsize=None)
def load_profile(name: str) -> Profile:
    path = PROFILE_DIR / f"{name}.toml"
    if "/" in name or "\\" in name or not path.is_file():
        raise ProfileError(
            f"unknown procedure profile '{name}' (COMPLAINTS_PROCEDURE); "
            f"available: {', '.join(available_profiles())}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _parse(data)
    except (KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"procedure profile {path.name} is invalid: {error}") from None


def _parse(data: dict) -> Profile:
    deadlines = {str(k): int(v) for k, v in data["deadlines_days"].items()}
    months = {str(k): int(v) for k, v in data.get("deadlines_months", {}).items()}
    missing = [k for k in REQUIRED_DEADLINES if k not in deadlines] + \
              [k for k in REQUIRED_MONTHS if k not in months]
    if missing:
        raise ValueError(f"missing deadlines: {', '.join(missing)}")
    if any(v < 0 for v in [*deadlines.values(), *months.values()]):
        raise ValueError("deadlines must not be negative")
    categories = tuple(
        Category(c["code"], c["label"], c["explanation"], bool(c["mediable"]),
                 bool(c["external_referral"]), bool(c.get("time_limited", False)))
        for c in data["categories"]
    )
    if not categories or len({c.code for c in categories}) != len(categories):
        raise ValueError("categories must be present and have unique codes")
    routes = tuple(ExternalRoute(r["code"], r["label"], r["explanation"], int(r.get("deadline_days", 0)))
                   for r in data.get("external_routes", []))
    try:
        calendar = Calendar(
            counting=data["day_counting"], zone_name=data.get("time_zone", "UTC"),
            roll_to_working_day=bool(data.get("roll_to_working_day", False)),
            fixed=tuple(_month_day(text) for text in data.get("holidays_fixed", [])),
            moveable=tuple(data.get("holidays_moveable", [])),
            dates=frozenset(date.fromisoformat(d) for d in data.get("holidays_dates", [])),
        )
    except CalendarError as error:
        raise ValueError(str(error)) from None
    return Profile(
        name=data["name"],
        title=data["title"],
        calendar=calendar,
        deadlines_days=deadlines,
        deadlines_months=months,
        limitation_months=int(data.get("limitation_months", 0)),
        internal_appeal=bool(data.get("internal_appeal", True)),
        disciplinary_duty=bool(data.get("disciplinary_duty", False)),
        investigation_order_required=bool(data.get("investigation_order_required", False)),
        monitoring_checkins_days=tuple(int(d) for d in data["monitoring_checkins_days"]),
        monitoring_period_days=int(data["monitoring_period_days"]),
        retention_years_after_closure=int(data["retention_years_after_closure"]),
        categories=categories,
        external_routes=routes,
    )


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    date(2000, month, day)  # a real day of some year (2000 is a leap year)
    return month, day
