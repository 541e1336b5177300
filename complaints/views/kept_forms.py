"""Nothing typed is lost to a time limit: a staff form that arrives after its session timed
out (or with a token from before the last sign-in) is kept and put back after signing in.

- The form's fields, without passwords, codes or files, are sealed server-side
  (services/kept_forms.py) under a key that goes to the browser in the ``complaints_kept``
  cookie (HttpOnly, SameSite=Strict, a browser-session cookie). Never a readable cookie or
  URL with the text in it.
- Only a form the browser says came from our own pages is kept, only for the user whose
  session it was, and only if something was typed: a one-click action is never replayed.
- After signing in again, /continue shows the form with what was typed, to check and send to
  the same address as before (the view there checks everything again), or to discard.
- A form with a refused token and no session to bind it to (a restarted browser) gets the
  usual "expired" page, with what was typed shown so it can be copied.
"""
from __future__ import annotations

import base64
import binascii
import uuid
from urllib.parse import urlsplit

from flask import (Blueprint, Response, after_this_request, current_app, flash, redirect,
                   render_template, request, url_for)
from flask_babel import gettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..access import staff
from ..forms.described import Described, describe, holds_typed_text
from ..security import sent_from_our_pages
from ..services import kept_forms
from ..translatable import N_

bp = Blueprint("kept_forms", __name__)

COOKIE = "complaints_kept"
# Sign-in and complainants' forms are never kept here; neither are secrets of any form.
NEVER_KEPT_AREAS = {"auth", "public", "language", "time_limits", "kept_forms"}
SECRET_NAMES = {"csrf_token", "password", "confirm", "current", "new", "code", "passphrase", "secret", "token",
                "receipt"}

KEPT_AFTER_TIME_OUT = N_("For your safety you were signed out after %(minutes)s minutes without "
                         "activity. What you were sending is kept: sign in again to continue.")
KEPT_AFTER_NEW_SIGN_IN = N_("This form was not sent, because its page was opened before you last "
                            "signed in. Here is what you wrote: check it and send it again.")


def _is_secret(name: str) -> bool:
    bare = name.rsplit("-", 1)[-1].lower()
    return bare in SECRET_NAMES or "password" in bare


def _area() -> str:
    return (request.endpoint or "").split(".", 1)[0]


def _sent_fields() -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.form.items(multi=True) if not _is_secret(name)]


def keep_sent_form(user_id: int) -> bool:
    """Keep what this POST carries for ``user_id``, whose session it came with. True when
    something typed was kept (the browser gets the key with the response)."""
    if (request.method != "POST" or not request.endpoint or _area() in NEVER_KEPT_AREAS
            or not sent_from_our_pages()):
        return False
    fields = _sent_fields()
    if not holds_typed_text(describe(_area(), fields)):
        return False
    files = sum(1 for _, upload in request.files.items(multi=True) if upload.filename)
    kept_id, key = kept_forms.keep(user_id, request.path, fields, files)
    value = f"{kept_id.hex}.{base64.urlsafe_b64encode(key).decode('ascii')}"

    @after_this_request
    def give_the_key(response: Response) -> Response:
        # A browser-session cookie: the key is not written to disk for later (the row expires).
        response.set_cookie(COOKIE, value, path="/", httponly=True, samesite="Strict",
                            secure=bool(current_app.config["HTTPS"]))
        return response

    return True


def time_out_message(kept: bool) -> str:
    if kept:
        return gettext(KEPT_AFTER_TIME_OUT, minutes=current_app.config["STAFF_IDLE_MINUTES"])
    return gettext("You were signed out. Please sign in again.")


def _cookie() -> tuple[uuid.UUID, bytes] | None:
    kept_id, _, key = request.cookies.get(COOKIE, "").partition(".")
    try:
        return uuid.UUID(hex=kept_id), base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None


def _forget_cookie() -> None:
    @after_this_request
    def remove(response: Response) -> Response:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict",
                               secure=bool(current_app.config["HTTPS"]))
        return response


def after_sign_in(user_id: int) -> str | None:
    """Where to go after signing in: the kept form of this person, if there is one."""
    found = _cookie()
    if found is None or not kept_forms.is_kept_for(user_id, found[0]):
        return None
    return url_for("kept_forms.continue_page")


def recover_from_refused_token():  # type: ignore[no-untyped-def]
    """For the CSRF error handler: a staff form from our own pages whose token was refused.
    Returns a redirect, or None for the plain "expired" page."""
    if request.method != "POST" or not sent_from_our_pages() or not current_user.is_authenticated:
        return None
    from .auth import end_idle_or_revoked_sessions  # the idle check has not run yet

    end_idle_or_revoked_sessions()  # a timed-out session: keeps the form and signs out
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if not keep_sent_form(current_user.id):  # signed in again since the page was opened
        return None
    flash(gettext(KEPT_AFTER_NEW_SIGN_IN), "warning")
    return redirect(url_for("kept_forms.continue_page"))


def typed_text_of_refused_form() -> list[Described]:
    """What a refused form from our own pages carried, to show on the "expired" page."""
    if request.method != "POST" or not request.endpoint or not sent_from_our_pages() \
            or _area() in ("auth", "time_limits"):
        return []
    return [d for d in describe(_area(), _sent_fields()) if d.kind in ("textarea", "text") and d.value.strip()]


@bp.before_app_request
def forget_once_sent() -> None:
    """The kept form was sent again to its address: it is no longer needed."""
    if request.method != "POST" or COOKIE not in request.cookies or not current_user.is_authenticated:
        return
    found = _cookie()
    if found is not None and kept_forms.forget(current_user.id, found[0], action=request.path):
        _forget_cookie()


def _page_of(action: str) -> str:
    """The page a form's address belongs to: the nearest path that answers GET."""
    adapter = current_app.url_map.bind("localhost")
    path = action.rstrip("/")
    while path:
        try:
            adapter.match(path, method="GET")
            return path
        except RequestRedirect as moved:
            return urlsplit(moved.new_url).path
        except HTTPException:
            path = path.rsplit("/", 1)[0]
    return url_for("public.home")


def _kept_for_current_user():  # type: ignore[no-untyped-def]
    found = _cookie()
    return kept_forms.restore(current_user.id, *found) if found else None


@bp.get("/continue")
@staff
def continue_page():  # type: ignore[no-untyped-def]
    kept = _kept_for_current_user()
    if kept is None:
        _forget_cookie()
        return redirect(url_for("public.home"))
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(kept.action, method="POST")
    except HTTPException:
        endpoint = ""  # the address is gone: fields are shown without labels
    fields = describe(endpoint.split(".", 1)[0], kept.fields)
    return render_template("kept_forms/continue.html", kept=kept, fields=fields, page=_page_of(kept.action))


@bp.post("/continue/discard")
@staff
def discard():  # type: ignore[no-untyped-def]
    found = _cookie()
    page = url_for("public.home")
    if found is not None:
        kept = kept_forms.restore(current_user.id, *found)
        if kept is not None:
            page = _page_of(kept.action)
        kept_forms.forget(current_user.id, found[0])
    _forget_cookie()
    flash(gettext("What you wrote was discarded."), "success")
    return redirect(page)

