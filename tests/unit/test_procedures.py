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
    assert profile.deadlines_days["acknowledge"] <= profile.deadlines_days["acknowledge_maximum"] <= 7
    assert profile.deadlines_days["feedback"] <= 90
    assert {c.code for c in profile.categories} >= {"SH_VERBAL", "MOBBING", "RETALIATION"}
    assert all(c.explanation for c in profile.categories)
    # Mediation is never offered for sexual harassment or abuse, in any country.
    for code in ("SH_VERBAL", "SH_NONVERBAL", "SH_PHYSICAL", "SEXUAL_BLACKMAIL",
                 "SEXUAL_ABUSE_ASSAULT", "SEA"):
        assert profile.category(code).mediable is False


def test_country_differences_from_the_sources():
    assert load_profile("serbia").deadlines_days["mediation_proposal"] == 3
    assert load_profile("north-macedonia").deadlines_days["mediation_proposal"] == 8
    assert date(2027, 1, 7) in load_profile("serbia").holidays       # Orthodox Christmas
    assert date(2026, 5, 21) in load_profile("montenegro").holidays  # Independence Day
    assert date(2026, 8, 2) in load_profile("north-macedonia").holidays  # Ilinden


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
