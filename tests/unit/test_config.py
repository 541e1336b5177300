import pytest

from complaints import create_app
from complaints.config import SettingsError, derive_paths, load_settings, validate_settings
from complaints.procedures import ProfileError


def test_defaults_are_safe():
    settings = derive_paths(load_settings({}))
    assert settings["DATABASE_URL"].startswith("sqlite:///")
    assert settings["DATABASE_URL"].endswith("instance/complaints.db")
    assert settings["RATELIMIT_STORAGE"] == "memory://"
    assert settings["PROCEDURE"] == "generic"
    assert settings["HTTPS"] is False
    assert settings["STATS_THRESHOLD"] == 5


def test_settings_come_from_complaints_variables():
    settings = load_settings({"COMPLAINTS_HTTPS": "true", "COMPLAINTS_MAX_UPLOAD_MB": "7",
                              "COMPLAINTS_PROCEDURE": "serbia"})
    assert settings["HTTPS"] is True
    assert settings["MAX_UPLOAD_MB"] == 7
    assert settings["PROCEDURE"] == "serbia"


@pytest.mark.parametrize("name,value", [("COMPLAINTS_HTTPS", "maybe"),
                                        ("COMPLAINTS_MAX_UPLOAD_MB", "lots")])
def test_a_bad_value_names_the_setting(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


@pytest.mark.parametrize("name", ["STAFF_IDLE_MINUTES", "SIGN_IN_CODE_MINUTES"])
def test_a_time_limit_too_short_to_warn_before_is_refused(name):
    settings = derive_paths(load_settings({f"COMPLAINTS_{name}": "2"}))
    with pytest.raises(SettingsError, match=name):
        validate_settings(settings)
    validate_settings(derive_paths(load_settings({f"COMPLAINTS_{name}": "3"})))


def test_an_unknown_database_is_refused():
    settings = derive_paths(load_settings({"COMPLAINTS_DATABASE_URL": "mysql://x"}))
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        validate_settings(settings)


def test_an_unknown_procedure_profile_stops_the_app(app_config):
    with pytest.raises(ProfileError, match="unknown procedure profile 'atlantis'"):
        create_app({**app_config, "PROCEDURE": "atlantis"})
