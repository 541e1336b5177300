"""Time passing, for browser tests without waiting: rewrite the browser's signed session
cookie as the server would have written it earlier (the server's clocks live in the signed
session: when it was signed, when a staff member was last seen, when the sign-in began)."""
from __future__ import annotations

import time
from typing import Callable
from unittest import mock

from itsdangerous import TimestampSigner
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import User

COOKIE = "complaints_session"


def rewrite_session(context, app, change: Callable[[dict], None] | None = None,  # type: ignore[no-untyped-def]
                    signed_seconds_ago: int = 0) -> dict:
    """Change the session's data and/or the time its cookie was signed; returns the data."""
    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie["value"])
    if change is not None:
        change(data)
    signed_at = int(time.time()) - signed_seconds_ago
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=signed_at):
        value = serializer.dumps(data)
    context.add_cookies([{**cookie, "value": value}])
    return data


def minutes_pass(context, app, minutes: float, key: str) -> None:  # type: ignore[no-untyped-def]
    """``minutes`` pass for one of the session's clocks (``seen``, ``pending_since``)."""
    def earlier(data: dict) -> None:
        data[key] = data[key] - minutes * 60
    rewrite_session(context, app, earlier)


def allow_another_code(app, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in twice within 30 seconds: a code is accepted once, so forget the last one."""
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        user.totp_last_step = int(time.time()) // 30 - 2
        db.session.commit()
