"""Blueprints, one module per area. Each module exposes ``bp``."""
from __future__ import annotations

import math
from importlib import import_module

from flask import Flask
from werkzeug.routing import IntegerConverter

from ..translatable import N_

BLUEPRINT_MODULES = (
    "public",
    "auth",
    "cases",
    "register",
    "case_export",
    "procedure",
    "trust",
    "admin",
    "audit",
    "statistics",
    "language",
    "operations",
    "maintenance",
    "welcome",
    "exclusions",
    "passkeys",
    "form_errors",
    "time_limits",
    "kept_forms",
    "notifications",
)


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` for database ids: a number past what an id column holds (32-bit
    INTEGER) matches no route, a 404, instead of an overflow in the database driver."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


MAX_DATABASE_ID = 2**31 - 1


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIntConverter
    from .. import labels

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
    register_filters(app)

    @app.context_processor
    def site_globals() -> dict[str, object]:
        return {
            "demo_instance": bool(app.config.get("DEMO")),
            "staff_nav": staff_nav,
            "view_names": app.view_functions,
            "labels": labels.tables(),
        }


# (endpoint, label, roles that see it); a link shows only once its blueprint exists.
STAFF_NAV = (
    ("cases.my_cases", N_("My cases"), {"officer", "investigator", "mediator", "decision", "appeal", "trust"}),
    ("cases.register", N_("Register"), {"coordinator"}),
    ("procedure.record_received", N_("Record a complaint"), {"officer", "trust"}),
    ("trust.consultations_page", N_("Consultations"), {"trust"}),
    ("statistics.dashboard", N_("Statistics"), {"gem"}),
    ("audit.log", N_("Audit log"), {"auditor"}),
    ("admin.accounts", N_("Administration"), {"admin"}),
)


def staff_nav() -> list[tuple[str, str]]:
    from flask import current_app, url_for
    from flask_babel import gettext
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [
        (url_for(endpoint), gettext(label))
        for endpoint, label, roles in STAFF_NAV
        if endpoint in current_app.view_functions and current_user.roles & roles
    ]


def register_filters(app: Flask) -> None:
    """Plain-word labels for codes, and dates as people read them, in the visitor's language."""
    from babel.dates import format_time
    from flask_babel import get_locale, gettext

    from ..i18n import long_date, on_local_clock

    from .. import workflow

    @app.template_filter("date")
    def date_filter(value, with_time: bool = False):  # type: ignore[no-untyped-def]
        if value is None:
            return ""
        locale = get_locale() or "en_GB"
        day = long_date(value, str(locale))
        if not with_time:
            return day
        here = on_local_clock(value)  # the time as the organisation's clock reads it, and its zone
        return gettext("%(date)s, %(time)s %(zone)s", date=day, zone=here.tzname(),
                       time=format_time(here, "short", tzinfo=here.tzinfo, locale=locale))

    @app.template_filter("state_label")
    def state_label(code: str) -> str:
        label = workflow.STATE_LABELS.get(code)
        return gettext(label) if label else code.replace("_", " ").capitalize()

    @app.template_filter("state_meaning")
    def state_meaning(code: str) -> str:
        meaning = workflow.STATES.get(code)
        return gettext(meaning) if meaning else ""

    @app.template_filter("category_label")
    def category_label(code: str) -> str:
        category = app.extensions["complaints.profile"].category(code)
        return gettext(category.label) if category else code

    @app.template_filter("deadline_label")
    def deadline_label(kind: str) -> str:
        label = DEADLINE_LABELS.get(kind)
        return gettext(label) if label else kind.replace("_", " ")

    @app.template_filter("capacity_label")
    def capacity_label(code: str) -> str:
        label = CAPACITY_LABELS.get(code)
        return gettext(label) if label else code

    @app.template_filter("kilobytes")
    def kilobytes(size: int) -> float:
        """A file's size in KB to one decimal, rounded up: a file of a few bytes reads "0.1 KB",
        never "0.0 KB", which looks like an empty file."""
        return math.ceil(size * 10 / 1024) / 10

    @app.template_filter("label")
    def label(code: str, labels: dict[str, str]) -> str:
        """A code's label from one of workflow's tables (outcomes, measures...), translated."""
        text = labels.get(code)
        if not text:
            return code
        return gettext(text) if isinstance(text, str) else str(text)  # str(): already lazy


# What an assignee does on a case, in a word or two (lists; the forms use longer labels).
CAPACITY_LABELS = {
    "intake": N_("intake"),
    "investigator": N_("investigator"),
    "mediator": N_("mediator"),
    "decision": N_("decision maker"),
    "appeal": N_("appeal authority"),
    "trust": N_("person of trust"),
}

DEADLINE_LABELS = {
    "acknowledge": N_("acknowledge receipt"),
    "acknowledge_maximum": N_("acknowledge receipt at the latest (7 days)"),
    "feedback": N_("feedback to the complainant (3 months)"),
    "protective_measure": N_("decide on protective measures"),
    "triage": N_("choose the route"),
    "external_referral": N_("refer to the competent authority"),
    "mediation_proposal": N_("propose mediation"),
    "mediator_selection": N_("agree on a mediator"),
    "mediation": N_("end of mediation"),
    "preliminary_inquiry": N_("end of preliminary inquiry"),
    "investigation": N_("investigation report"),
    "decision": N_("decision"),
    "delivery": N_("deliver the decision"),
    "appeal_window": N_("end of the appeal window"),
    "appeal_review": N_("appeal decision"),
}
