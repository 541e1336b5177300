"""Settings from COMPLAINTS_* environment variables, with safe defaults.

Every setting has one name in the environment (``COMPLAINTS_<NAME>``) and one key in
``app.config`` (``<NAME>``). ``load_settings`` returns a plain dict so the factory can layer
the test mapping on top; ``validate_settings`` turns a bad value into one clear message.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Mapping

PREFIX = "COMPLAINTS_"


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it and says what to do."""


def _as_bool(value: str) -> bool:
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _as_int(value: str) -> int:
    return int(value.strip())


# name -> (parser, default). A default of None means "derived below".
SETTINGS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "INSTANCE": (str, "instance"),
    "DATABASE_URL": (str, None),
    "RATELIMIT_STORAGE": (str, "memory://"),
    "PROCEDURE": (str, "generic"),
    "KEYS": (str, None),                    # keyring JSON from a secrets manager, instead of the key file
    "HTTPS": (_as_bool, False),             # served over HTTPS (directly or behind a TLS proxy)
    "TRUSTED_PROXIES": (_as_int, 0),        # number of reverse proxies to trust for X-Forwarded-*
    "PROXY_ADDRESSES": (str, "127.0.0.1,::1"),  # peers whose X-Forwarded-* headers are believed
    "METRICS_ALLOW": (str, ""),             # addresses/networks that may read /metrics (none: 404)
    "MAX_UPLOAD_MB": (_as_int, 20),         # one evidence file
    "MAX_REQUEST_MB": (_as_int, 60),        # one whole request
    "FILE_CHECK_SECONDS": (float, 4.0),     # CPU time to check and clean all files of one request
    "STAFF_IDLE_MINUTES": (_as_int, 30),
    "TRACK_IDLE_MINUTES": (_as_int, 10),
    # Abuse control of the public forms (services/abuse.py; docs/manual/security.md)
    "REPORT_PROOF_BITS": (_as_int, 18),     # proof of work of a report: 2**18 hashes on average
    "TRACK_PROOF_BITS": (_as_int, 14),      # ... of a follow-up sign-in
    "PROOF_NORMAL_FORMS": (_as_int, 30),    # forms of one kind served per 10 minutes that are normal
    "PROOF_EXTRA_BITS_MAX": (_as_int, 8),   # at most 2**8 times harder under a flood
    "NOJS_REPORT_WAIT_SECONDS": (_as_int, 20),  # without JavaScript: a report open at least this long
    "NOJS_REPORTS_PER_HOUR": (_as_int, 30),     # ... and at most this many such reports an hour
    "NOJS_SIGNINS_PER_MINUTE": (_as_int, 30),   # ... and such sign-ins a minute
    "CASE_MESSAGES_PER_HOUR": (_as_int, 30),    # messages from one receipt session's case
    "SIGN_IN_CODE_MINUTES": (_as_int, 5),   # to enter the authenticator code after the password
    "LOCKOUT_THRESHOLD": (_as_int, 5),
    "STATS_THRESHOLD": (_as_int, 5),
    "DEMO": (_as_bool, False),
    "LANGUAGE": (str, "en"),                # interface language when the browser names none we have
    "SMTP_HOST": (str, ""),
    "SMTP_PORT": (_as_int, 587),
    "SMTP_USER": (str, ""),
    "SMTP_PASSWORD": (str, ""),
    "SMTP_FROM": (str, ""),
    "SMTP_STARTTLS": (_as_bool, True),
    "LOG_LEVEL": (str, "INFO"),
    "BASE_URL": (str, ""),                  # the site's address for links made outside a request (CLI)
}


def load_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every known setting from the environment, falling back to defaults."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for name, (parse, default) in SETTINGS.items():
        raw = environ.get(PREFIX + name)
        if raw is None:
            settings[name] = default
            continue
        try:
            settings[name] = parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{PREFIX}{name} is not valid: {exc}") from None
    return settings


def derive_paths(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill in the settings that depend on the instance folder."""
    instance = Path(settings["INSTANCE"]).expanduser().resolve()
    settings["INSTANCE"] = str(instance)
    settings.setdefault("KEY_FILE", str(instance / "keys.json"))
    settings.setdefault("SECRET_KEY_FILE", str(instance / "secret_key"))
    settings.setdefault("ATTACHMENTS_DIR", str(instance / "attachments"))
    if not settings.get("DATABASE_URL"):
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'complaints.db'}"
    return settings


def validate_settings(settings: Mapping[str, Any]) -> None:
    if settings["MAX_UPLOAD_MB"] <= 0 or settings["MAX_REQUEST_MB"] < settings["MAX_UPLOAD_MB"]:
        raise SettingsError(
            f"{PREFIX}MAX_UPLOAD_MB must be positive and at most {PREFIX}MAX_REQUEST_MB"
        )
    if settings["FILE_CHECK_SECONDS"] <= 0:
        raise SettingsError(f"{PREFIX}FILE_CHECK_SECONDS must be a positive number of seconds")
    for name in ("REPORT_PROOF_BITS", "TRACK_PROOF_BITS"):
        if not 0 <= settings[name] <= 24:
            raise SettingsError(f"{PREFIX}{name} must be between 0 and 24")
    if settings["STATS_THRESHOLD"] < 3:  # with 2, a hidden count shown as "1-1" would say it
        raise SettingsError(f"{PREFIX}STATS_THRESHOLD must be at least 3")
    from .proxies import parse_networks

    for name in ("PROXY_ADDRESSES", "METRICS_ALLOW"):
        try:
            parse_networks(settings[name])
        except ValueError as error:
            raise SettingsError(f"{PREFIX}{name}: {error}") from None
    for name in ("STAFF_IDLE_MINUTES", "SIGN_IN_CODE_MINUTES"):
        if settings[name] < 3:  # the warning comes two minutes before the end
            raise SettingsError(f"{PREFIX}{name} must be at least 3 (minutes)")
    url = settings["DATABASE_URL"]
    if not (url.startswith("sqlite") or url.startswith("postgresql")):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL"
        )
