"""Passkeys: a person's own security page (add, remove, passkeys instead of the app) and
the passkey sign-in step. JSON endpoints take the CSRF token in the X-CSRFToken header;
everything else works without JavaScript (passkeys themselves need it: the code stays)."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import public, staff
from ..extensions import db, limiter
from ..forms.auth import PasskeyNameForm, TurnOffTotpForm
from ..forms.admin import ActionForm
from ..models import User
from ..services import passkeys
from .auth import FAILED, pending_user_id, browser_device, complete_sign_in, known_device_exempt

bp = Blueprint("passkeys", __name__)


def _relying_party() -> passkeys.RelyingParty:
    return passkeys.RelyingParty.from_url(current_app.config.get("BASE_URL") or request.host_url)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.get("/account/security")
@staff
def security():  # type: ignore[no-untyped-def]
    return render_template("account/security.html", passkeys=passkeys.passkeys_of(current_user.id),
                           name_form=PasskeyNameForm(), totp_form=TurnOffTotpForm(),
                           action_form=ActionForm())


@bp.post("/account/passkeys/options")
@staff
@limiter.limit("20 per minute")
def registration_options():  # type: ignore[no-untyped-def]
    options = passkeys.registration_options(current_user, _relying_party())
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/account/passkeys")
@staff
@limiter.limit("20 per minute")
def add():  # type: ignore[no-untyped-def]
    body = _json_body()
    try:
        passkeys.register(current_user, json.dumps(body.get("credential")), str(body.get("name") or ""),
                          _relying_party())
    except passkeys.PasskeyError as error:
        return jsonify({"error": str(error)}), 400
    flash(gettext("Passkey added. You can use it instead of the code when you sign in."), "success")
    return jsonify({"redirect": url_for(".security")})


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@staff
def remove(passkey_id: int):  # type: ignore[no-untyped-def]
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".security"))
    try:
        passkeys.remove(current_user, passkey_id)
    except passkeys.PasskeyError as error:
        flash(str(error), "error")
    else:
        flash(gettext("Passkey removed."), "success")
    return redirect(url_for(".security"))


@bp.post("/account/authenticator/off")
@staff
def totp_off():  # type: ignore[no-untyped-def]
    form = TurnOffTotpForm()
    if form.validate_on_submit():
        try:
            passkeys.turn_off_totp(db.session.get(User, current_user.id), form.password.data)
        except passkeys.PasskeyError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The authenticator app is off: sign in with your passkey."), "success")
    return redirect(url_for(".security"))


@bp.post("/login/passkey/options")
@public
@limiter.limit("10 per minute", exempt_when=known_device_exempt)
def authentication_options():  # type: ignore[no-untyped-def]
    user_id = pending_user_id()
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not passkeys.passkeys_of(user.id):
        return jsonify({"error": gettext(FAILED), "redirect": url_for("auth.login")}), 400
    return current_app.response_class(passkeys.authentication_options(user, _relying_party()),
                                      mimetype="application/json")


@bp.post("/login/passkey")
@public
@limiter.limit("10 per minute", exempt_when=known_device_exempt)
def sign_in():  # type: ignore[no-untyped-def]
    user_id = pending_user_id()
    if user_id is None:
        return jsonify({"error": gettext(FAILED), "redirect": url_for("auth.login")}), 400
    user = passkeys.authenticate(user_id, json.dumps(_json_body().get("credential")),
                                 _relying_party(), browser_device())
    if user is None:
        return jsonify({"error": gettext("The passkey was not accepted. Try again, or use the "
                                         "code from your authenticator app.")}), 400
    response = complete_sign_in(user)
    location = response.headers["Location"]
    body = current_app.response_class(json.dumps({"redirect": location}), mimetype="application/json")
    for cookie in response.headers.getlist("Set-Cookie"):
        body.headers.add("Set-Cookie", cookie)
    return body
