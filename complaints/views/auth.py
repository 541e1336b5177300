"""Staff sign-in with password and mandatory TOTP, sign-out, own password change.

Sessions live in signed cookies; each carries the user's session nonce, checked on every
request, so sign-out, a password change or disabling an account ends every session of that
user at once. Idle sessions end after STAFF_IDLE_MINUTES.
"""
from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup

from ..access import public, staff
from ..extensions import db, limiter, login_manager
from ..forms.auth import CodeForm, LoginForm, PasswordChangeForm
from ..models import User
from ..services import accounts
from ..translatable import N_
from . import kept_forms, staff_nav, time_limits

bp = Blueprint("auth", __name__)

FAILED = N_("Sign-in failed. Check your user name, password and code.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
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


def _pending_user_id() -> int | None:
    pending = time_limits.pending_sign_in()  # the code or enrolment step, while its time lasts
    return pending.user.id if pending else None


def _complete_sign_in(user: User):  # type: ignore[no-untyped-def]
    session.clear()  # a fresh session: nothing from before sign-in survives (fixation)
    login_user(user)
    session["nonce"] = user.session_nonce
    session["seen"] = int(time.time())
    links = staff_nav()
    return redirect(kept_forms.after_sign_in(user.id) or (links[0][0] if links else url_for("public.home")))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if not form.is_submitted():
        form.username.data = time_limits.remembered_user_name()
    if form.validate_on_submit():
        user = accounts.check_password(form.username.data, form.password.data)
        if user is None:
            flash(gettext(FAILED), "error")
            form.password.data = ""
            return render_template("auth/login.html", form=form), 401
        session.clear()
        session["pending_user"] = user.id
        session["pending_since"] = time.time()
        return redirect(url_for(".code" if user.totp_enrolled else ".enrol"))
    return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def code():  # type: ignore[no-untyped-def]
    user_id = _pending_user_id()
    if user_id is None:
        return time_limits.back_to_sign_in()
    form = CodeForm()
    if form.validate_on_submit():
        user = accounts.check_code(user_id, form.code.data)
        if user is None:
            session.clear()
            flash(gettext(FAILED), "error")
            return redirect(url_for(".login"))
        return _complete_sign_in(user)
    return render_template("auth/code.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def enrol():  # type: ignore[no-untyped-def]
    user_id = _pending_user_id()
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or user.totp_enrolled:
        return time_limits.back_to_sign_in()
    form = CodeForm()
    if form.validate_on_submit():
        signed_in = accounts.check_code(user.id, form.code.data, enrolling=True)
        if signed_in is None:
            session.clear()
            flash(gettext(FAILED), "error")
            return redirect(url_for(".login"))
        flash(gettext("Your authenticator app is set up."), "success")
        return _complete_sign_in(signed_in)
    secret = accounts.totp_secret(user)
    from ..auth import provisioning_uri

    uri = provisioning_uri(secret, user.username)
    return render_template("auth/enrol.html", form=form, qr=qr_svg(uri),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (segno escapes nothing of ours: the URI is ours)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff",
                                                 title=gettext("QR code for your authenticator app"))
    return Markup(svg)


@bp.post("/logout")
@staff
def logout():  # type: ignore[no-untyped-def]
    # CSRFProtect has already checked the token, as for every POST.
    accounts.sign_out_everywhere(current_user)
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
        if accounts.check_code(user_id, form.code.data) is None:
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
