"""WSGI entry point for production servers: ``gunicorn complaints.wsgi:app``.

The instance must have been prepared once (``complaints init``: migrations and keys). A
missing or wrong key file, a bad setting or profile stops the worker with one clear line on
standard error (and exit code 2), never a traceback.
"""
from __future__ import annotations

import sys

from . import create_app
from .config import SettingsError
from .crypto import KeyringError
from .procedures import ProfileError

try:
    app = create_app()
except (SettingsError, KeyringError, ProfileError) as error:
    print(f"complaints: cannot start: {error}", file=sys.stderr)
    sys.exit(2)
