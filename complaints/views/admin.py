"""Administrators: accounts, roles, units. Administrators never see case content, never
hold a colleague's password or authenticator (they hand out one-time links), and never
change their own roles; roles that reach cases wait for a second administrator."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..extensions import db
from ..i18n import safe_return_path
from ..forms.admin import ROLE_LABELS, AccountForm, ActionForm, RolesForm, UnitForm
from ..models import Unit, User
from ..services import account_links, accounts, roles

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Actions that end a person's access or credentials: a page asks first (no one-click).
CONFIRMED_OPERATIONS = ("disable", "reset")


def _units() -> list[Unit]:
    return list(db.session.execute(select(Unit).order_by(Unit.name)).scalars())


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _link_page(user: User, issued: account_links.IssuedLink, waiting: set[str]):  # type: ignore[no-untyped-def]
    base = current_app.config.get("BASE_URL") or request.host_url
    return render_template("admin/link.html", user=user, issued=issued,
                           link=account_links.url_for_token(issued.token, base),
                           waiting=[str(ROLE_LABELS[r]) for r in sorted(waiting)])


@bp.get("/")
@roles_required("admin")
def accounts_page():  # type: ignore[no-untyped-def]
    users = list(db.session.execute(select(User).order_by(User.username)).scalars())
    return render_template("admin/accounts.html", users=users, role_labels=ROLE_LABELS,
                           action_form=ActionForm(), now=accounts.auth.utcnow(),
                           grants=roles.pending_grants())


# The nav links the endpoint "admin.accounts".
bp.add_url_rule("/accounts", "accounts", accounts_page)


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required("admin")
def new_account():  # type: ignore[no-untyped-def]
    form = AccountForm()
    form.unit_id.choices = [(0, gettext("None"))] + [(u.id, u.name) for u in _units()]
    if form.validate_on_submit():
        try:
            invitation = accounts.invite_user(current_user, form.username.data, form.roles.data,
                                              display_name=form.display_name.data or "",
                                              email=form.email.data or "",
                                              unit_id=form.unit_id.data or None)
        except (accounts.AccountError, roles.RoleRefused) as error:
            target = form.roles if isinstance(error, roles.RoleRefused) else form.username
            target.errors = [*target.errors, str(error)]
        else:
            return _link_page(invitation.user, invitation.link, set(invitation.roles.requested))
    return render_template("admin/new_account.html", form=form), 400 if form.errors else 200


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def account(user_id: int):  # type: ignore[no-untyped-def]
    user = _user(user_id)
    waiting = roles.pending_roles(user.id)
    form = RolesForm(data={"roles": sorted(user.roles | waiting)})
    if form.validate_on_submit():
        try:
            change = roles.change_roles(current_user, user.id, form.roles.data)
        except roles.RoleRefused as error:
            form.roles.errors = [*form.roles.errors, str(error)]
        else:
            if change.requested:
                flash(gettext("Asked for: %(roles)s. A second administrator must approve before it "
                              "takes effect.", roles=", ".join(str(ROLE_LABELS[r]) for r in sorted(change.requested))),
                      "success")
            if change.removed or change.added:
                flash(gettext("Roles changed. The person's sessions were ended."), "success")
            return redirect(url_for(".account", user_id=user.id))
    return render_template("admin/account.html", user=user, form=form, action_form=ActionForm(),
                           role_labels=ROLE_LABELS, grants=roles.pending_grants(user.id),
                           is_self=user.id == current_user.id), 400 if form.errors else 200


@bp.get("/accounts/<int:user_id>/<any(disable, reset):operation>")
@roles_required("admin")
def confirm_action(user_id: int, operation: str):  # type: ignore[no-untyped-def]
    return render_template("admin/confirm.html", user=_user(user_id), operation=operation,
                           action_form=ActionForm())


@bp.post("/accounts/<int:user_id>/<any(disable, enable, unlock, reset, invite):operation>")
@roles_required("admin")
def account_action(user_id: int, operation: str):  # type: ignore[no-untyped-def]
    user = _user(user_id)
    if operation in CONFIRMED_OPERATIONS and request.form.get("confirmed") != "yes":
        return redirect(url_for(".confirm_action", user_id=user.id, operation=operation))
    try:
        if operation in ("disable", "enable"):
            accounts.set_active(current_user, user.id, operation == "enable")
            flash(gettext("%(name)s is enabled.", name=user.username) if operation == "enable"
                  else gettext("%(name)s is disabled.", name=user.username), "success")
        elif operation == "unlock":
            accounts.unlock(user.id)
            flash(gettext("%(name)s is unlocked.", name=user.username), "success")
        elif operation == "reset":
            return _link_page(user, accounts.issue_reset(current_user, user.id), set())
        else:
            return _link_page(user, accounts.issue_invitation_again(current_user, user.id),
                              roles.pending_roles(user.id))
    except accounts.AccountError as error:
        flash(str(error), "error")
    return redirect(url_for(".account", user_id=user.id))


@bp.post("/grants/<int:grant_id>/<any(approve, refuse):decision>")
@roles_required("admin")
def decide_grant(grant_id: int, decision: str):  # type: ignore[no-untyped-def]
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        grant = (roles.approve if decision == "approve" else roles.refuse)(current_user, grant_id)
    except roles.RoleRefused as error:
        flash(str(error), "error")
    else:
        user = db.session.get(User, grant.user_id)
        label = str(ROLE_LABELS.get(grant.role, grant.role))
        flash(gettext("%(name)s now holds the role %(role)s. Their sessions were ended.",
                      name=user.username, role=label) if decision == "approve" else
              gettext("The request for %(name)s (%(role)s) was refused.", name=user.username, role=label),
              "success")
    target = safe_return_path(request.form.get("back"))
    return redirect(target if target.startswith("/admin/") else url_for(".accounts"))


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
