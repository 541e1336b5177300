"""Time limits a person is warned about and can extend (WCAG 2.2.1), with static/js/time-limit.js.

The script's contract: an element with ``data-time-limit-seconds`` (seconds left when the page
was rendered) and ``data-time-limit-renew`` (a POST endpoint, CSRF token in ``X-CSRFToken``,
answering ``{"seconds": N}``); optional ``data-time-limit-warning`` / ``-expired`` texts.

The limits of this module, put on ``<main>`` by the page frame (base.html):
- a staff session ends after STAFF_IDLE_MINUTES without a request (views/auth.py);
  POST /session/renew renews it;
- the second sign-in step (the code, or setting up the authenticator app) must follow the
  password within SIGN_IN_CODE_MINUTES; POST /login/renew renews it,
  and when it has run out the sign-in page says so and keeps the user name.
Without JavaScript the page says the limit in words (templates/time_limits/_page.html). What
happens to a form sent too late: views/kept_forms.py (staff) and views/public.py (report).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape

from ..access import public
from ..security import sent_from_our_pages
from ..extensions import db, limiter
from ..models import User
from ..translatable import N_

bp = Blueprint("time_limits", __name__)

SIGN_IN_STEPS = ("auth.code",)

STAFF_WARNING = N_("For your safety you will be signed out in 2 minutes if nothing happens on this "
                   "page. Choose More time, or keep typing, to stay signed in.")
STAFF_EXPIRED = N_("For your safety you are now signed out. What you wrote on this page is kept: "
                   "send it, sign in again, and you can continue.")
STAFF_NOTE = N_("For your safety you are signed out after %(minutes)s minutes without activity. A "
                "form you send after that is kept until you sign in again.")
STEP_WARNING = N_("The time for this step ends in 2 minutes. Choose More time if you need longer.")
STEP_EXPIRED = N_("The time for this step has run out. Send the form to start again with your "
                  "password.")
STEP_NOTE = N_("Finish this step within %(minutes)s minutes of entering your password. After that, "
               "sign in again.")
STEP_RAN_OUT = N_("The sign-in stopped because this step was not finished within %(minutes)s "
                  "minutes. Please enter your password again; your user name is filled in.")


@dataclass(frozen=True)
class Limit:
    seconds: int    # left now
    renew: str      # the renew endpoint's URL
    warning: str
    expired: str
    note: str       # the limit in words, for browsers without JavaScript


# --- the staff session ---------------------------------------------------------------------


def staff_idle_seconds() -> int:
    return int(current_app.config["STAFF_IDLE_MINUTES"] * 60)


@bp.post("/session/renew")
@public  # answers for itself: 401 when nobody is signed in (the script wants JSON, not a page)
def renew_session():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        return jsonify(seconds=0), 401
    return jsonify(seconds=staff_idle_seconds())  # the request itself renewed it (auth)


# --- the second sign-in step --------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    limit: int         # seconds the step may take
    seconds_left: int


def _step_limit(user: User) -> int:
    # The second factor only: setting up an authenticator happens on the invitation's page
    # (views/welcome), which has no short limit.
    minutes = current_app.config["SIGN_IN_CODE_MINUTES"]
    return int(minutes * 60)


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    return db.session.get(User, int(user_id)) if user_id is not None else None


def pending_sign_in() -> Pending | None:
    """The sign-in waiting for its second step, while its time lasts."""
    user = _pending_user()
    if user is None:
        return None
    limit = _step_limit(user)
    left = limit - int(time.time() - session.get("pending_since", 0))
    return Pending(user, limit, left) if left > 0 else None


def back_to_sign_in():  # type: ignore[no-untyped-def]
    """No sign-in step to continue: back to the password, saying so if the time ran out."""
    user = _pending_user()
    if user is not None and pending_sign_in() is None:  # there was one, and its time ran out
        for key in ("pending_user", "pending_since"):
            session.pop(key, None)
        session["sign_in_name"] = user.username
        flash(gettext(STEP_RAN_OUT, minutes=_step_limit(user) // 60), "warning")
    return redirect(url_for("auth.login"))


def remembered_user_name() -> str | None:
    """The user name of a sign-in whose time ran out, for the sign-in form (once)."""
    return session.pop("sign_in_name", None)


@bp.post("/login/renew")
@public
@limiter.limit("30 per minute")
def renew_sign_in():  # type: ignore[no-untyped-def]
    pending = pending_sign_in()
    if pending is None:
        return jsonify(seconds=0), 401
    session["pending_since"] = time.time()
    return jsonify(seconds=pending.limit)


# --- the report form: no limit of its own -------------------------------------------------


REPORT_NOT_SENT = N_("Your report has not been sent yet. Everything you wrote is still here: "
                     "please check it and send it again. Files you had chosen must be chosen again.")


def bring_back_if_token_refused(form) -> None:  # type: ignore[no-untyped-def]
    """After a report form failed validation: if its token was refused (its session ended:
    a restarted browser, another window), show it again with everything typed and a fresh
    token, when the browser says it came from our own page. From anywhere else it is refused
    like any bad token, and nothing of it is shown."""
    if "csrf_token" not in form.errors:
        return
    if not sent_from_our_pages():
        raise CSRFError(form.errors["csrf_token"][0])
    flash(gettext(REPORT_NOT_SENT), "error")


# --- what the page frame shows --------------------------------------------------------------


@bp.app_template_global()
def current_time_limit() -> Limit | None:
    """The limit that applies to this page, if any."""
    if current_user.is_authenticated:
        minutes = current_app.config["STAFF_IDLE_MINUTES"]
        return Limit(staff_idle_seconds(), url_for("time_limits.renew_session"), gettext(STAFF_WARNING),
                     gettext(STAFF_EXPIRED), gettext(STAFF_NOTE, minutes=minutes))
    if request.endpoint in SIGN_IN_STEPS:
        pending = pending_sign_in()
        if pending is not None:
            return Limit(pending.seconds_left, url_for("time_limits.renew_sign_in"), gettext(STEP_WARNING),
                         gettext(STEP_EXPIRED), gettext(STEP_NOTE, minutes=pending.limit // 60))
    return None


@bp.app_template_global()
def time_limit_attributes(limit: Limit | None) -> Markup:
    """The script's attributes for the element the limit applies to."""
    if limit is None:
        return Markup("")
    attributes = {"seconds": limit.seconds, "renew": limit.renew, "warning": limit.warning,
                  "expired": limit.expired}
    return Markup("").join(Markup(' data-time-limit-{}="{}"').format(name, escape(value))
                           for name, value in attributes.items())
