"""Blueprints, one module per area. Each module exposes ``bp``."""
from __future__ import annotations

from importlib import import_module

from flask import Flask
from werkzeug.routing import IntegerConverter

BLUEPRINT_MODULES = (
    "public",
    "auth",
    "cases",
    "trust",
    "admin",
    "audit",
    "statistics",
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
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
    register_filters(app)

    @app.context_processor
    def site_globals() -> dict[str, object]:
        return {
            "demo_instance": bool(app.config.get("DEMO")),
            "staff_nav": staff_nav,
            "view_names": app.view_functions,
        }


# (endpoint, label, roles that see it); a link shows only once its blueprint exists.
STAFF_NAV = (
    ("cases.my_cases", "My cases", {"officer", "investigator", "mediator", "decision", "appeal", "trust"}),
    ("cases.register", "Register", {"coordinator"}),
    ("trust.consultations_page", "Consultations", {"trust"}),
    ("statistics.dashboard", "Statistics", {"gem"}),
    ("audit.log", "Audit log", {"auditor"}),
    ("admin.accounts", "Administration", {"admin"}),
)


def staff_nav() -> list[tuple[str, str]]:
    from flask import current_app, url_for
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [
        (url_for(endpoint), label)
        for endpoint, label, roles in STAFF_NAV
        if endpoint in current_app.view_functions and current_user.roles & roles
    ]


def register_filters(app: Flask) -> None:
    """Plain-word labels for codes, and dates as people read them."""
    from .. import workflow

    @app.template_filter("date")
    def format_date(value, with_time: bool = False):  # type: ignore[no-untyped-def]
        if value is None:
            return ""
        return value.strftime("%d %B %Y, %H:%M UTC" if with_time else "%d %B %Y").lstrip("0")

    @app.template_filter("state_label")
    def state_label(code: str) -> str:
        return code.replace("_", " ").capitalize()

    @app.template_filter("state_meaning")
    def state_meaning(code: str) -> str:
        return workflow.STATES.get(code, "")

    @app.template_filter("category_label")
    def category_label(code: str) -> str:
        category = app.extensions["complaints.profile"].category(code)
        return category.label if category else code

    @app.template_filter("deadline_label")
    def deadline_label(kind: str) -> str:
        return DEADLINE_LABELS.get(kind, kind.replace("_", " "))


DEADLINE_LABELS = {
    "acknowledge": "acknowledge receipt",
    "feedback": "feedback to the complainant (90 days)",
    "triage": "choose the route",
    "mediation_proposal": "parties answer the mediation proposal",
    "mediator_selection": "agree on a mediator",
    "mediation": "end of mediation",
    "preliminary_inquiry": "end of preliminary inquiry",
    "investigation": "investigation report",
    "decision": "decision",
    "delivery": "deliver the decision",
    "appeal_window": "end of the appeal window",
    "appeal_review": "appeal decision",
}
