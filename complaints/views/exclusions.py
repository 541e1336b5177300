"""A coordinator resolves the people a complainant excluded by name (services/exclusions)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import roles_required
from ..forms.exclusions import ExclusionsForm
from ..services import exclusions
from ..services.case_access import CaseNotFound

bp = Blueprint("exclusions", __name__)


@bp.route("/register/<uuid:case_id>/exclusions", methods=["GET", "POST"])
@roles_required("coordinator")
def review(case_id):  # type: ignore[no-untyped-def]
    form = ExclusionsForm()
    try:
        if form.validate_on_submit():
            added = exclusions.resolve(current_user, case_id, form.user_ids.data or [])
            flash(gettext("Exclusions resolved; %(count)s more staff accounts excluded.", count=added)
                  if added else gettext("Exclusions resolved."), "success")
            return redirect(url_for("cases.register_case", case_id=case_id))
        found = exclusions.review(current_user, case_id)
    except CaseNotFound:
        abort(404)
    excluded_ids = {u.id for u in found.excluded}
    form.user_ids.choices = [(u.id, u.display_name or u.username) for u in found.handlers
                             if u.id not in excluded_ids]
    if not form.is_submitted():  # when in doubt, exclude: every account a name could mean is ticked
        form.user_ids.data = sorted({u.id for _, matches in found.typed for u in matches} - excluded_ids)
    return render_template("cases/exclusions.html", review=found, form=form), 400 if form.errors else 200
