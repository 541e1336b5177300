"""The administrator's operations page: keys, retention schedule, legal holds, last backup."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import roles_required
from ..forms.admin import ActionForm, LegalHoldForm
from ..services import legal_holds, operations_status

bp = Blueprint("maintenance", __name__, url_prefix="/admin")

DECISIONS = ("approve", "refuse", "approve_lift", "refuse_lift")


def _page(form: LegalHoldForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("admin/operations.html", status=operations_status.current(),
                           holds=legal_holds.holds(), form=form, action_form=ActionForm()), status


@bp.get("/operations")
@roles_required("admin")
def operations():  # type: ignore[no-untyped-def]
    return _page(LegalHoldForm())


@bp.post("/holds")
@roles_required("admin")
def request_hold():  # type: ignore[no-untyped-def]
    form = LegalHoldForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        legal_holds.request_hold(current_user, form.reference.data, form.reason.data)
    except legal_holds.HoldRefused as refusal:
        form.reference.errors.append(str(refusal))
        return _page(form, 422)
    flash(gettext("Hold asked for. It protects the case now; a second administrator approves it."))
    return redirect(url_for("maintenance.operations"))


@bp.post("/holds/<int:hold_id>/<string:decision>")
@roles_required("admin")
def decide(hold_id: int, decision: str):  # type: ignore[no-untyped-def]
    form = ActionForm()
    if not form.validate_on_submit() or decision not in (*DECISIONS, "lift"):
        return _page(LegalHoldForm(), 400)
    try:
        if decision == "lift":
            legal_holds.request_lift(current_user, hold_id)
        else:
            legal_holds.decide(current_user, hold_id, decision)
    except legal_holds.HoldRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("maintenance.operations"))
    flash({"approve": gettext("Hold approved."), "refuse": gettext("Hold refused."),
           "approve_lift": gettext("Hold lifted: the case follows the retention schedule again."),
           "refuse_lift": gettext("The hold stays."),
           "lift": gettext("Lifting asked for. A second administrator approves it.")}[decision])
    return redirect(url_for("maintenance.operations"))
