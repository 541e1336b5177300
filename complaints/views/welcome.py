"""The one-time link's page (/welcome): an invited person, or one whose account was reset,
sets their own password and authenticator app, and is signed in.

The link (/welcome?t=TOKEN) is checked, remembered in the session and left at once for
/welcome, so the token stays out of the address bar, the history and any later request.
The page has no five-minute limit: the link is valid for days and the form keeps working
while the person installs an app (CSRF tokens last as long as the session).
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext

from .. import auth
from ..access import public
from ..extensions import db, limiter
from ..forms.auth import WelcomeForm
from ..models import User
from ..services import account_links
from .auth import complete_sign_in, qr_svg

bp = Blueprint("welcome", __name__)

SESSION_KEY = "account_link"


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@bp.route("/welcome", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
@limiter.limit("30 per minute", methods=["GET"])
def page():  # type: ignore[no-untyped-def]
    token = request.args.get("t")
    if token is not None:
        link = account_links.find(token)
        session.pop(SESSION_KEY, None)
        if link is None:
            return render_template("welcome/unusable.html"), 410
        session[SESSION_KEY] = link.id
        return redirect(url_for(".page"))
    link = account_links.usable_link(session.get(SESSION_KEY))
    if link is None:
        session.pop(SESSION_KEY, None)
        return render_template("welcome/unusable.html"), 410
    user = db.session.get(User, link.user_id)
    form = WelcomeForm()
    if form.validate_on_submit():
        try:
            signed_in = account_links.complete(link.id, form.password.data, form.code.data)
        except account_links.LinkError as error:
            form.code.errors = [*form.code.errors, str(error)]
        else:
            response = complete_sign_in(signed_in)
            from flask import flash

            flash(gettext("Your account is ready: you are signed in."), "success")
            return response
    secret = account_links.enrolment_secret(link)
    uri = auth.provisioning_uri(secret, user.username)
    return render_template("welcome/page.html", form=form, user=user, purpose=link.purpose,
                           expires_at=link.expires_at, qr=qr_svg(uri), uri=uri,
                           secret=_grouped(secret)), \
        400 if form.errors else 200
