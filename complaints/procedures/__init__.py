"""Jurisdiction profiles: deadlines, day counting, holidays, categories, retention.

One TOML file per profile beside this module (TOML, so each value can carry a comment naming
its source, or saying that the country's rule was not found and the generic value is used);
``COMPLAINTS_PROCEDURE`` chooses one. A bad profile stops the app at start with a message
naming the file and the problem.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

PROFILE_DIR = Path(__file__).parent
REQUIRED_DEADLINES = (
    "acknowledge", "acknowledge_maximum", "triage", "decision", "delivery",
    "appeal_window", "appeal_review", "feedback", "investigation",
)


class ProfileError(Exception):
    """The chosen procedure profile is missing or invalid."""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    explanation: str
    mediable: bool
    external_referral: bool


@dataclass(frozen=True)
class ExternalBody:
    """Somewhere outside the organisation a complainant can turn to (court, equality body,
    ombudsperson), shown on their page with what it does and any time limit to go there."""

    label: str
    explanation: str
    days_after_decision: int | None = None  # a time limit counted from the decision's delivery


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    day_counting: str  # "calendar" | "working"
    holidays: frozenset[date]
    deadlines_days: dict[str, int]
    monitoring_checkins_days: tuple[int, ...]
    monitoring_period_days: int
    retention_years_after_closure: int
    categories: tuple[Category, ...]
    external_bodies: tuple[ExternalBody, ...] = ()

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)


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
    missing = [k for k in REQUIRED_DEADLINES if k not in deadlines]
    if missing:
        raise ValueError(f"missing deadlines: {', '.join(missing)}")
    if any(v < 0 for v in deadlines.values()):
        raise ValueError("deadlines must not be negative")
    if data["day_counting"] not in ("calendar", "working"):
        raise ValueError("day_counting must be 'calendar' or 'working'")
    categories = tuple(
        Category(c["code"], c["label"], c["explanation"], bool(c["mediable"]),
                 bool(c["external_referral"]))
        for c in data["categories"]
    )
    if not categories or len({c.code for c in categories}) != len(categories):
        raise ValueError("categories must be present and have unique codes")
    return Profile(
        name=data["name"],
        title=data["title"],
        day_counting=data["day_counting"],
        holidays=_holidays(data.get("holidays_fixed", []), data.get("holidays_dates", [])),
        deadlines_days=deadlines,
        monitoring_checkins_days=tuple(int(d) for d in data["monitoring_checkins_days"]),
        monitoring_period_days=int(data["monitoring_period_days"]),
        retention_years_after_closure=int(data["retention_years_after_closure"]),
        categories=categories,
        external_bodies=tuple(
            ExternalBody(b["label"], b["explanation"],
                         int(b["days_after_decision"]) if "days_after_decision" in b else None)
            for b in data.get("external_bodies", [])),
    )


HOLIDAY_YEARS = range(2000, 2100)


def _holidays(fixed: list[str], dates: list[str]) -> frozenset[date]:
    """Fixed "MM-DD" holidays for every year, plus dated moveable feasts."""
    days = {date.fromisoformat(d) for d in dates}
    for month_day in fixed:
        month, day = (int(part) for part in month_day.split("-"))
        days.update(date(year, month, day) for year in HOLIDAY_YEARS)
    return frozenset(days)
