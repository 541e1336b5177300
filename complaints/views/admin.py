"""Administrators: accounts, roles, units. Administrators never see case content."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..extensions import db
from ..forms.admin import ROLE_LABELS, AccountForm, ActionForm, RolesForm, UnitForm
from ..models import Unit, User
from ..services import accounts
from .auth import qr_svg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _units() -> list[Unit]:
    return list(db.session.execute(select(Unit).order_by(Unit.name)).scalars())


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@roles_required("admin")
def accounts_page():  # type: ignore[no-untyped-def]
    users = list(db.session.execute(select(User).order_by(User.username)).scalars())
    return render_template("admin/accounts.html", users=users, role_labels=ROLE_LABELS,
                           action_form=ActionForm(), now=accounts.auth.utcnow())


# The nav links the endpoint "admin.accounts".
bp.add_url_rule("/accounts", "accounts", accounts_page)


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required("admin")
def new_account():  # type: ignore[no-untyped-def]
    form = AccountForm()
    form.unit_id.choices = [(0, gettext("None"))] + [(u.id, u.name) for u in _units()]
    if form.validate_on_submit():
        try:
            user, uri = accounts.create_user(form.username.data, form.password.data, form.roles.data,
                                             display_name=form.display_name.data or "",
                                             email=form.email.data or "",
                                             unit_id=form.unit_id.data or None)
        except accounts.AccountError as error:
            form.username.errors = [*form.username.errors, str(error)]
        else:
            return render_template("admin/created.html", user=user, uri=uri, qr=qr_svg(uri))
    return render_template("admin/new_account.html", form=form), 400 if form.errors else 200


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def account(user_id: int):  # type: ignore[no-untyped-def]
    user = _user(user_id)
    form = RolesForm(data={"roles": sorted(user.roles)})
    if form.validate_on_submit():
        try:
            accounts.set_roles(current_user, user.id, form.roles.data)
        except accounts.AccountError as error:
            form.roles.errors = [*form.roles.errors, str(error)]
        else:
            flash(gettext("Roles changed. The person's sessions were ended."), "success")
            return redirect(url_for(".account", user_id=user.id))
    return render_template("admin/account.html", user=user, form=form, action_form=ActionForm(),
                           role_labels=ROLE_LABELS), 400 if form.errors else 200


@bp.post("/accounts/<int:user_id>/<any(disable, enable, unlock, reset_code):operation>")
@roles_required("admin")
def account_action(user_id: int, operation: str):  # type: ignore[no-untyped-def]
    user = _user(user_id)
    try:
        if operation in ("disable", "enable"):
            accounts.set_active(current_user, user.id, operation == "enable")
            flash(gettext("%(name)s is enabled.", name=user.username) if operation == "enable"
                  else gettext("%(name)s is disabled.", name=user.username), "success")
        elif operation == "unlock":
            accounts.unlock(user.id)
            flash(gettext("%(name)s is unlocked.", name=user.username), "success")
        else:
            user, uri = accounts.reset_totp(user.id)
            flash(gettext("%(name)s must set up the authenticator app again at the next sign-in.",
                          name=user.username),
                  "success")
    except accounts.AccountError as error:
        flash(str(error), "error")
    return redirect(url_for(".account", user_id=user.id))


@bp.route("/units", methods=["GET", "POST"])
@roles_required("admin")
def units():  # type: ignore[no-untyped-def]
    form = UnitForm()
    existing = _units()
    form.parent_id.choices = [(0, gettext("None (top level)"))] + [(u.id, u.name) for u in existing]
    if form.validate_on_submit():
        try:
            accounts.add_unit(form.name.data, form.unit_group.data, form.parent_id.data or None)
        except accounts.AccountError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            flash(gettext("Unit added."), "success")
            return redirect(url_for(".units"))
    names = {u.id: u.name for u in existing}
    return render_template("admin/units.html", form=form, units=existing, names=names), \
        400 if form.errors else 200
