"""WSGI entry point for production servers: ``gunicorn complaints.wsgi:app``.

The instance must have been prepared once (``complaints init``: migrations and keys). A
missing or wrong key file, a bad setting or profile stops the worker with one clear line on
standard error, never a traceback. The exit code is 4, which gunicorn reads as "the
application could not load" and stops; with any other code it would start the worker again
and again, each time failing the same way.
"""
from __future__ import annotations

import sys

from . import create_app
from .config import SettingsError
from .crypto import KeyringError
from .procedures import ProfileError

APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR

try:
    app = create_app()
except (SettingsError, KeyringError, ProfileError) as error:
    print(f"complaints: cannot start: {error}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
