"""Blueprints, one module per area. Each module exposes ``bp``."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

BLUEPRINT_MODULES = (
    "public",
)


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)

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
    ("trust.consultations", "Consultations", {"trust"}),
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
