"""Staff sign-in with password and a second factor (TOTP code or passkey), sign-out, own
password change. New accounts and resets set their credentials on a one-time link
(views/welcome), never here.

Sessions live in signed cookies; each carries the user's session nonce, checked on every
request, so sign-out, a password change or disabling an account ends every session of that
user at once. Idle sessions end after STAFF_IDLE_MINUTES.
"""
from __future__ import annotations

import time

import segno
from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from ..access import public, staff
from ..extensions import db, limiter, login_manager
from ..forms.auth import CodeForm, LoginForm, PasswordChangeForm
from ..models import User
from ..services import accounts, signin
from ..translatable import N_
from . import kept_forms, staff_nav, time_limits

bp = Blueprint("auth", __name__)

FAILED = N_("Sign-in failed. Check your user name, password and code.")
NOT_SET_UP = N_("Your account is not set up yet. Open the invitation link your administrator "
                "gave you, or ask them for a new one.")
DEVICE_COOKIE = "complaints_device"
DEVICE_DAYS = 180


def browser_device() -> signin.Device:
    return signin.Device.from_cookie(request.cookies.get(DEVICE_COOKIE))


def known_device_exempt() -> bool:
    """A browser holding a device token this server issued is not throttled by address
    (many people share one address); its failures have their own budget (signin)."""
    return signin.device_nonce_of(browser_device()) is not None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = accounts.signed_in(int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_active_account or session.get("nonce") != user.session_nonce:
        return None
    return user


@bp.before_app_request
def end_idle_or_revoked_sessions() -> None:
    if "_user_id" not in session:
        return
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    if now - int(session.get("seen", 0)) > idle or not current_user.is_authenticated:
        # A form sent with a timed-out (not revoked) session is kept for after sign-in.
        kept = current_user.is_authenticated and kept_forms.keep_sent_form(current_user.id)
        logout_user()
        session.clear()
        flash(kept_forms.time_out_message(kept), "warning")
        return
    session["seen"] = now


def pending_user_id() -> int | None:
    """The person between the password and the second factor, while that step's time lasts
    (views/time_limits: a warning with more time before it ends)."""
    pending = time_limits.pending_sign_in()
    return pending.user.id if pending else None


def complete_sign_in(user: User) -> Response:
    """Start the signed-in session, and remember this browser as one of the person's devices."""
    session.clear()  # a fresh session: nothing from before sign-in survives (fixation)
    login_user(user)
    session["nonce"] = user.session_nonce
    session["seen"] = int(time.time())
    links = staff_nav()
    # A form kept when the session timed out waits for its author right after sign-in.
    response = redirect(kept_forms.after_sign_in(user.id) or (links[0][0] if links else url_for("public.home")))
    tokens = [signin.new_device_token(user), *browser_device().tokens]
    response.set_cookie(DEVICE_COOKIE, signin.known_devices(tokens), max_age=DEVICE_DAYS * 86400,
                        path="/login", httponly=True, samesite="Strict",
                        secure=bool(current_app.config["HTTPS"]))
    return response


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"], exempt_when=known_device_exempt)
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if not form.is_submitted():
        form.username.data = time_limits.remembered_user_name()
    if form.validate_on_submit():
        user = signin.check_password(form.username.data, form.password.data, browser_device())
        if user is None:
            flash(gettext(FAILED), "error")
            form.password.data = ""
            return render_template("auth/login.html", form=form), 401
        if not signin.has_second_factor(user):
            flash(gettext(NOT_SET_UP), "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()
        session["pending_user"] = user.id
        session["pending_since"] = time.time()
        return redirect(url_for(".code"))
    return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"], exempt_when=known_device_exempt)
def code():  # type: ignore[no-untyped-def]
    user_id = pending_user_id()
    if user_id is None:
        return time_limits.back_to_sign_in()
    user = db.session.get(User, user_id)
    if user is None:
        return time_limits.back_to_sign_in()
    form = CodeForm()
    if user.totp_enrolled and form.validate_on_submit():
        signed_in = signin.check_code(user_id, form.code.data, browser_device())
        if signed_in is None:
            session.clear()
            flash(gettext(FAILED), "error")
            return redirect(url_for(".login"))
        return complete_sign_in(signed_in)
    return render_template("auth/code.html", form=form, totp=user.totp_enrolled,
                           passkeys=signin.passkey_count(user.id) > 0)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (segno escapes nothing of ours: the URI is ours).

    Without width and height but with a viewBox (``omitsize``), so CSS scales the whole
    code; with a fixed size, CSS cut off its right and bottom edges and no reader decoded
    it. The quiet zone is the standard four modules."""
    svg = segno.make(uri, error="m").svg_inline(scale=1, border=4, dark="#000", light="#fff",
                                                 omitsize=True,
                                                 title=gettext("QR code for your authenticator app"))
    return Markup(svg)


@bp.post("/logout")
@staff
def logout():  # type: ignore[no-untyped-def]
    # CSRFProtect has already checked the token, as for every POST.
    signin.sign_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash(gettext("You are signed out."), "success")
    return redirect(url_for(".login"))


@bp.route("/account/password", methods=["GET", "POST"])
@staff
def change_password():  # type: ignore[no-untyped-def]
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user_id = current_user.id
        if signin.check_code(user_id, form.code.data, browser_device()) is None:
            form.code.errors = [*form.code.errors, gettext("The code is not right or was already used.")]
        else:
            try:
                accounts.change_password(user_id, form.current.data, form.new.data)
            except accounts.AccountError as error:
                form.new.errors = [*form.new.errors, str(error)]
            else:
                logout_user()
                session.clear()
                flash(gettext("Password changed. Every session was ended; sign in with the new password."),
                      "success")
                return redirect(url_for(".login"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200
