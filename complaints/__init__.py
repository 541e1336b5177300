"""complaints: confidential case management for discrimination, harassment and abuse complaints."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .config import derive_paths, load_settings, validate_settings

if TYPE_CHECKING:  # Flask is imported when an app is made, not by every submodule's import
    from flask import Flask  # (the sandboxed file checker starts without it)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory: settings, keys, extensions, security hooks, blueprints."""
    settings = load_settings()
    if test_config:
        settings.update(test_config)
    settings = derive_paths(settings)
    validate_settings(settings)

    from flask import Flask

    from .uploads import SpoolingRequest

    app = Flask(
        __name__,
        instance_path=settings["INSTANCE"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    app.request_class = SpoolingRequest  # uploads never wait in clear on disk

    from . import errors, extensions, i18n, instance, metrics, security
    from .views import register_blueprints

    from .procedures import load_profile

    app.extensions["complaints.profile"] = load_profile(settings["PROCEDURE"])
    instance.configure_secrets(app)
    security.configure_sessions(app)
    extensions.register(app)
    i18n.register(app)
    security.register(app)
    metrics.register(app)
    errors.register(app)
    register_blueprints(app)
    instance.check_keyring_against_database(app)
    return app
