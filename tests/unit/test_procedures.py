from datetime import date

import pytest

from complaints import workflow
from complaints.procedures import ProfileError, _parse, available_profiles, load_profile

COUNTRIES = ["serbia", "montenegro", "north-macedonia", "bosnia-herzegovina"]


def test_every_required_profile_exists():
    assert set(available_profiles()) >= {"generic", *COUNTRIES}


@pytest.mark.parametrize("name", ["generic", *COUNTRIES])
def test_profile_is_complete(name):
    profile = load_profile(name)
    assert profile.name == name
    for rule in workflow.RULES:
        if rule.deadline and rule.deadline != "monitoring":
            assert rule.deadline in profile.deadlines_days
    for kind in workflow.CLOCKS:
        assert kind in profile.deadlines_days or kind in profile.deadlines_months, kind
    assert profile.deadlines_days["acknowledge"] <= profile.deadlines_days["acknowledge_maximum"] <= 7
    assert profile.deadlines_months["feedback"] <= 3   # EU 2019/1937 Art. 9(1)(f)
    assert {c.code for c in profile.categories} >= {"SH_VERBAL", "MOBBING", "RETALIATION"}
    assert all(c.explanation for c in profile.categories)
    # Mediation is never offered for sexual harassment or abuse, in any country.
    for code in ("SH_VERBAL", "SH_NONVERBAL", "SH_PHYSICAL", "SEXUAL_BLACKMAIL",
                 "SEXUAL_ABUSE_ASSAULT", "SEA"):
        assert profile.category(code).mediable is False


def test_country_differences_from_the_sources():
    assert load_profile("serbia").deadlines_days["mediation_proposal"] == 3
    assert load_profile("north-macedonia").deadlines_days["mediation_proposal"] == 8
    assert load_profile("serbia").calendar.is_holiday(date(2027, 1, 7))       # Orthodox Christmas
    assert load_profile("montenegro").calendar.is_holiday(date(2026, 5, 21))  # Independence Day
    assert load_profile("north-macedonia").calendar.is_holiday(date(2026, 8, 2))  # Ilinden


@pytest.mark.parametrize("name", COUNTRIES)
def test_unknown_country_rules_are_marked_as_such(name):
    from complaints.procedures import PROFILE_DIR

    text = (PROFILE_DIR / f"{name}.toml").read_text()
    assert "NOT FOUND" in text or "not found" in text


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ProfileError, match="available: .*generic"):
        load_profile("atlantis")
    with pytest.raises(ProfileError):
        load_profile("../pyproject")


def test_invalid_profile_is_refused():
    with pytest.raises(ValueError, match="missing deadlines"):
        _parse({"name": "x", "title": "x", "day_counting": "calendar",
                "deadlines_days": {"acknowledge": 3}, "monitoring_checkins_days": [],
                "monitoring_period_days": 1, "retention_years_after_closure": 1,
                "categories": []})


# --- every profile value does something, and says where it comes from -----------------------

import re  # noqa: E402
import tomllib  # noqa: E402

from complaints import PROJECT_ROOT  # noqa: E402
from complaints.procedures import PROFILE_DIR  # noqa: E402

CODE = {path: path.read_text() for path in (PROJECT_ROOT / "complaints").rglob("*.py")
        if path.parent.name != "procedures"}
# Where each top-level key lives once parsed (procedures/__init__.py), and so what code must read.
PARSED_AS = {
    "day_counting": "counting", "time_zone": "zone_name", "holidays_fixed": "fixed",
    "holidays_moveable": "moveable", "holidays_dates": "dates",
}
DESCRIPTIVE = {"name", "title"}
SOURCED = re.compile(r"\[PROPOSAL\]|\[FOUND|Art\. \d|EU 2019/1937|Law")


def _is_read(key: str, table: str) -> bool:
    if table in ("deadlines_days", "deadlines_months"):
        return any(f'"{key}"' in text for text in CODE.values())
    attribute = PARSED_AS.get(key, key)
    return any(re.search(rf"\.{attribute}\b", text) for text in CODE.values())


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_key_is_read_by_some_code(name):
    data = tomllib.loads((PROFILE_DIR / f"{name}.toml").read_text())
    tables = {key for key, value in data.items() if isinstance(value, dict)
              or (isinstance(value, list) and value and isinstance(value[0], dict))}
    unread = [key for key in data if key not in tables | DESCRIPTIVE and not _is_read(key, "")]
    for table in ("deadlines_days", "deadlines_months"):
        unread += [f"{table}.{key}" for key in data.get(table, {}) if not _is_read(key, table)]
    assert unread == [], f"{name}: profile values that no code reads: {unread}"


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_value_names_its_source_or_is_a_proposal(name):
    lines = (PROFILE_DIR / f"{name}.toml").read_text().splitlines()
    table, unsourced = "", []
    for line in lines:
        if line.startswith("["):
            table = line.strip("[] ")
            continue
        match = re.match(r"(\w+)\s*=\s*[^#]*(#.*)?$", line)
        if not match or table == "categories" or match.group(1) in DESCRIPTIVE:
            continue
        if table == "external_routes" and match.group(1) != "deadline_days":
            continue
        if not SOURCED.search(match.group(2) or ""):
            unsourced.append(f"{table}.{match.group(1)}" if table else match.group(1))
    assert unsourced == [], f"{name}: values without a source or [PROPOSAL]: {unsourced}"
