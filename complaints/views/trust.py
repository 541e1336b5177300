"""Persons of trust: anonymous consultation records (no names, no free text)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..access import roles_required
from ..forms.trust import UNIT_GROUPS, ConsultationForm
from ..instance import profile
from ..services import consultations

bp = Blueprint("trust", __name__)


@bp.route("/consultations", methods=["GET", "POST"])
@roles_required("trust")
def consultations_page():  # type: ignore[no-untyped-def]
    form = ConsultationForm()
    form.category.choices = [("", gettext("Choose"))] + [(c.code, gettext(c.label)) for c in profile().categories]
    status = 200
    if form.validate_on_submit():
        try:
            consultations.record(current_user, held_on=form.held_on.data, category=form.category.data,
                                 unit_group=form.unit_group.data, complainant_sex=form.complainant_sex.data,
                                 outcome=form.outcome.data, categories=profile().category_codes)
        except consultations.ConsultationRefused as refusal:
            form.category.errors = [*form.category.errors, str(refusal)]
            status = 400
        else:
            flash(gettext("Consultation recorded. No name or detail was stored."), "success")
            return redirect(url_for(".consultations_page"))
    elif form.is_submitted():
        status = 400
    return render_template("trust/consultations.html", form=form,
                           rows=consultations.mine(current_user),
                           outcomes=consultations.OUTCOMES,
                           unit_groups=dict(UNIT_GROUPS)), status
