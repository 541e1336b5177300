"""The procedure panel's forms on the case page: pausing and resuming clocks, feedback to the
complainant, the protective-measure decision, and confirming a step a colleague proposed.

Thin: every route has a case in its URL and passes the same gate as the case page; services
check policy and capacities. An invalid form re-renders the case page with its errors and the
text kept.
"""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext
from flask_login import current_user

from .. import workflow
from ..access import roles_required
from ..forms.cases import ConfirmForm
from ..forms.procedure import (FeedbackForm, HearingConfirmationForm, HearingForm,
                               NoMeasureForm, PartyForm, PauseForm,
                               ReceivedComplaintForm, StepDecisionForm)
from ..instance import profile
from ..services import confirmations, deadlines, feedback, hearings, parties, received
from ..services.case_access import staff_case
from ..services.case_file import open_case_file
from ..services.casework import CaseworkRefused
from .cases import CASE_ROLES, _render_case

bp = Blueprint("procedure", __name__)


@bp.before_request
def check_case_access() -> None:
    case_id = (request.view_args or {}).get("case_id")
    if case_id is not None and current_user.is_authenticated:
        staff_case(current_user, case_id, "case.read")


def _back(case_id, anchor: str = "procedure"):  # type: ignore[no-untyped-def]
    return redirect(url_for("cases.case_page", case_id=case_id) + f"#{anchor}")


def _again(case_id, name: str, form):  # type: ignore[no-untyped-def]
    return _render_case(open_case_file(current_user, case_id, panel_forms={name: form}), status=400)


@bp.post("/cases/<uuid:case_id>/deadlines/<uuid:deadline_id>/pause")
@roles_required(*CASE_ROLES)
def pause(case_id, deadline_id):  # type: ignore[no-untyped-def]
    form = PauseForm(prefix="pause")
    if form.validate_on_submit():
        try:
            deadlines.pause(current_user, case_id, deadline_id, form.reason_code.data, form.reason.data)
        except CaseworkRefused as refusal:
            form.reason_code.errors = [*form.reason_code.errors, str(refusal)]
        else:
            flash(gettext("Deadline paused."), "success")
            return _back(case_id)
    return _again(case_id, "pause", form)


@bp.post("/cases/<uuid:case_id>/pauses/<uuid:pause_id>/resume")
@roles_required(*CASE_ROLES)
def resume(case_id, pause_id):  # type: ignore[no-untyped-def]
    if ConfirmForm().validate_on_submit():
        try:
            deadlines.resume(current_user, case_id, pause_id)
            flash(gettext("Deadline resumed."), "success")
        except CaseworkRefused as refusal:
            flash(str(refusal), "error")
    return _back(case_id)


@bp.post("/cases/<uuid:case_id>/feedback")
@roles_required(*CASE_ROLES)
def give_feedback(case_id):  # type: ignore[no-untyped-def]
    form = FeedbackForm(prefix="feedback")
    if form.validate_on_submit():
        try:
            feedback.give_feedback(current_user, case_id, form.action.data, form.grounds.data)
        except CaseworkRefused as refusal:
            form.grounds.errors = [*form.grounds.errors, str(refusal)]
        else:
            flash(gettext("Feedback sent to the complainant."), "success")
            return _back(case_id, "messages")
    return _again(case_id, "feedback", form)


@bp.post("/cases/<uuid:case_id>/no-measure")
@roles_required(*CASE_ROLES)
def no_measure(case_id):  # type: ignore[no-untyped-def]
    form = NoMeasureForm(prefix="nomeasure")
    if form.validate_on_submit():
        try:
            deadlines.no_measure_needed(current_user, case_id, form.reasons.data)
        except CaseworkRefused as refusal:
            form.reasons.errors = [*form.reasons.errors, str(refusal)]
        else:
            flash(gettext("Recorded: no protective measure needed now."), "success")
            return _back(case_id, "measures")
    return _again(case_id, "no_measure", form)


@bp.post("/cases/<uuid:case_id>/steps/<uuid:step_id>")
@roles_required(*CASE_ROLES)
def decide_step(case_id, step_id):  # type: ignore[no-untyped-def]
    form = StepDecisionForm(prefix="step")
    if not form.validate_on_submit():
        flash(gettext("Choose whether you confirm or refuse."), "error")
        return _back(case_id)
    try:
        confirmations.decide(current_user, case_id, step_id, form.decision.data == "confirm")
    except (confirmations.ConfirmationRefused, workflow.TransitionRefused) as refusal:
        flash(gettext(str(refusal)), "error")
    else:
        flash(gettext("Step confirmed.") if form.decision.data == "confirm" else gettext("Step refused."),
              "success")
    return _back(case_id)


@bp.post("/cases/<uuid:case_id>/parties")
@roles_required(*CASE_ROLES)
def record_party(case_id):  # type: ignore[no-untyped-def]
    form = PartyForm(prefix="party")
    if form.validate_on_submit():
        try:
            recorded = parties.record_party(
                current_user, case_id, kind=form.kind.data, who=form.who.data,
                staff_user_id=form.user_id.data or None, unit_id=form.unit_id.data or None,
                commands_unit=form.commands_unit.data, details=form.details.data or "",
                rank_band=form.rank_band.data or "", sex=form.sex.data or "")
        except CaseworkRefused as refusal:
            form.who.errors = [*form.who.errors, str(refusal)]
        else:
            flash(gettext("Recorded."), "success")
            if recorded.removed:
                flash(gettext("Because of this, these people are no longer on this case: %(names)s. "
                              "A coordinator assigns someone else.", names=", ".join(recorded.removed)),
                      "warning")
            if (current_user.display_name or current_user.username) in recorded.removed:
                return redirect(url_for("cases.my_cases"))
            return _back(case_id, "parties")
    return _again(case_id, "party", form)


@bp.post("/cases/<uuid:case_id>/hearings")
@roles_required(*CASE_ROLES)
def record_hearing(case_id):  # type: ignore[no-untyped-def]
    form = HearingForm(prefix="hearing")
    if form.validate_on_submit():
        try:
            hearings.record_hearing(current_user, case_id, kind=form.kind.data,
                                    heard_role=form.heard_role.data, party_id=form.party_id.data or None,
                                    held_on=form.held_on.data, text=form.text.data)
        except CaseworkRefused as refusal:
            form.text.errors = [*form.text.errors, str(refusal)]
        else:
            flash(gettext("Record saved."), "success")
            return _back(case_id, "hearings")
    return _again(case_id, "hearing", form)


@bp.post("/cases/<uuid:case_id>/hearings/<uuid:record_id>/confirmation")
@roles_required(*CASE_ROLES)
def confirm_hearing(case_id, record_id):  # type: ignore[no-untyped-def]
    form = HearingConfirmationForm(prefix=f"confirm-{record_id}")
    if form.validate_on_submit():
        try:
            hearings.confirm(current_user, case_id, record_id, form.confirmation.data, form.remarks.data or "")
        except CaseworkRefused as refusal:
            flash(str(refusal), "error")
        else:
            flash(gettext("Confirmation recorded."), "success")
    else:
        flash(gettext("Choose whether the person signed or refused to sign."), "error")
    return _back(case_id, "hearings")


# --- complaints received outside the system -------------------------------------------------


def _received_form() -> ReceivedComplaintForm:
    form = ReceivedComplaintForm()
    form.category.choices = [("", gettext("Choose"))] + [(c.code, gettext(c.label)) for c in profile().categories]
    allowed = set().union(*(received.CHANNELS_BY_ROLE.get(r, set()) for r in current_user.roles))
    form.channel.choices = [c for c in form.channel.choices if c[0] in allowed]
    return form


@bp.route("/cases/received", methods=["GET", "POST"])
@roles_required("officer", "trust")
def record_received():  # type: ignore[no-untyped-def]
    form = _received_form()
    if form.validate_on_submit():
        try:
            filed = received.record_received(current_user, received.Received(
                channel=form.channel.data, received_on=form.received_on.data,
                category=form.category.data, narrative=form.narrative.data, wants=form.wants.data,
                anonymous=form.identity.data == "anonymous", name=form.name.data or "",
                contact=form.contact.data or "", protection_requested=form.protection_needed.data == "yes",
                last_incident_on=form.last_incident_on.data, respondent=form.respondent.data or "",
                witnesses=form.witnesses.data or ""))
        except CaseworkRefused as refusal:
            form.channel.errors = [*form.channel.errors, str(refusal)]
        else:
            session["received_once"] = {"receipt": filed.receipt, "reference": filed.reference,
                                        "oral": form.channel.data in received.ORAL_CHANNELS}
            return redirect(url_for(".received_done"))
    return render_template("cases/received.html", form=form,
                           idle_minutes=current_app.config["STAFF_IDLE_MINUTES"]), 400 if form.errors else 200


@bp.get("/cases/received/done")
@roles_required("officer", "trust")
def received_done():  # type: ignore[no-untyped-def]
    once = session.pop("received_once", None)
    if once is None:
        return redirect(url_for(".record_received"))
    return render_template("cases/received_done.html", **once)


