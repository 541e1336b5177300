"""Public pages that need no account: home, report, and following a case with its receipt.

Nothing here logs or stores the visitor's address; the receipt never appears in a URL, log
or flash; the receipt page is shown once. A receipt opens the case for this browser session
only, with a short idle timeout.
"""
from __future__ import annotations

import time
import uuid

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext

from .. import metadata, workflow
from ..access import public
from ..translatable import N_
from ..complainant_status import status_for
from ..extensions import csrf, limiter
from ..forms.report import (CheckinForm, ComplainantMessageForm, ReasonForm, ReportForm,
                            RetaliationForm, RevealForm, TrackForm)
from ..instance import profile
from ..services import followup, intake
from ..services.case_access import CaseNotFound, case_id_for_receipt, open_for_complainant, read_attachment
from ..services.auditing import COMPLAINANT
from . import time_limits
from .helpers import download_response, uploaded_files

bp = Blueprint("public", __name__)

WRONG_RECEIPT = N_("We could not open a case with this code. Check it and try again.")


@bp.get("/")
@public
def home() -> str:
    return render_template("public/home.html")


# --- reporting ---------------------------------------------------------------------------


def _report_form() -> ReportForm:
    form = ReportForm()
    form.category.choices = [(c.code, gettext(c.label)) for c in profile().categories]
    form.excluded_staff.choices = [(u.id, u.display_name or u.username) for u in intake.case_handlers()]
    return form


def _refusal_status(refusal: intake.FileRefused) -> int:
    """400 for a file we won't take; 503 when the store itself failed (our side)."""
    return 503 if isinstance(refusal, intake.StoreUnavailable) else 400


def _uploads(files) -> list[intake.Upload]:  # type: ignore[no-untyped-def]
    return [intake.Upload(name, stream) for name, _, stream in uploaded_files(files)]


@bp.route("/report", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour; 3 per minute", methods=["POST"])
@csrf.exempt  # the form checks its own token: a refused one brings back what was typed
def report():  # type: ignore[no-untyped-def]
    form = _report_form()
    status = 400
    if form.validate_on_submit():
        anonymous = form.identity.data == "anonymous"
        channel = "on_behalf" if form.on_behalf.data else (
            "online_anonymous" if anonymous else "online_identified")
        data = intake.Report(
            category=form.category.data, narrative=form.narrative.data, wants=form.wants.data,
            anonymous=anonymous, channel=channel, incident_when=form.incident_when.data or "",
            last_incident_on=form.last_incident_on.data, ongoing=form.ongoing.data,
            unit_group=form.unit_group.data or "", location=form.location.data or "",
            respondent=form.respondent.data or "", respondent_rank_band=form.respondent_rank_band.data or "",
            respondent_relation=form.respondent_relation.data or "",
            respondent_sex=form.respondent_sex.data or "", witnesses=form.witnesses.data or "",
            protection_requested=form.protection_needed.data == "yes",
            protection_details=form.protection_details.data or "",
            complainant_name=form.name.data or "", complainant_contact=form.contact.data or "",
            complainant_sex=form.complainant_sex.data or "",
            complainant_rank_band=form.complainant_rank_band.data or "",
            excluded_staff=list(form.excluded_staff.data or []),
            excluded_other=form.excluded_other.data or "", keep_metadata=form.keep_metadata.data,
            files=_uploads(form.files.data),
        )
        try:
            filed = intake.file_complaint(data)
        except intake.FileRefused as refusal:
            form.files.errors = [*form.files.errors, gettext(
                "%(problem)s Nothing was sent yet: everything else you wrote is still here. Choose "
                "your files again.", problem=str(refusal))]
            status = _refusal_status(refusal)
        else:
            session.pop("track_case", None)
            session["receipt_once"] = filed.receipt
            return redirect(url_for(".report_sent"))
    elif form.is_submitted():
        time_limits.bring_back_if_token_refused(form)
    return render_template("public/report.html", form=form, allowed=gettext(metadata.ALLOWED_NAMES),
                           max_mb=current_app.config["MAX_UPLOAD_MB"],
                           explanations={c.code: gettext(c.explanation) for c in profile().categories}), \
        status if form.errors else 200


@bp.get("/report/sent")
@public
def report_sent():  # type: ignore[no-untyped-def]
    receipt = session.pop("receipt_once", None)
    if receipt is None:
        return redirect(url_for(".track"))
    return render_template("public/receipt.html", receipt=receipt)


# --- following a case --------------------------------------------------------------------


def _tracked_case_id() -> uuid.UUID | None:
    case_id, seen = session.get("track_case"), session.get("track_seen", 0)
    if case_id is None:
        return None
    if time.time() - seen > current_app.config["TRACK_IDLE_MINUTES"] * 60:
        session.pop("track_case", None)
        flash(gettext("For your safety, your case was closed on this device after a few minutes without "
              "activity. Enter your receipt again to continue."), "warning")
        return None
    session["track_seen"] = time.time()
    return uuid.UUID(case_id)


@bp.route("/track", methods=["GET", "POST"])
@public
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def track():  # type: ignore[no-untyped-def]
    if request.method == "GET" and _tracked_case_id() is not None:
        return redirect(url_for(".track_case"))
    form = TrackForm()
    if form.validate_on_submit():
        case_id = case_id_for_receipt(form.receipt.data)
        if case_id is None:
            flash(gettext(WRONG_RECEIPT), "error")
            return render_template("public/track_login.html", form=TrackForm(formdata=None)), 404
        session.clear()  # no earlier state survives into the case session
        session["track_case"] = str(case_id)
        session["track_seen"] = time.time()
        return redirect(url_for(".track_case"))
    return render_template("public/track_login.html", form=form), 400 if form.errors else 200


def _require_case() -> uuid.UUID:
    case_id = _tracked_case_id()
    if case_id is None:
        abort(redirect(url_for(".track")))
    return case_id


@bp.get("/track/case")
@public
def track_case(message_form=None, retaliation_form=None, reveal_form=None, checkin_form=None,
               status_code=200):  # type: ignore[no-untyped-def]
    case_id = _require_case()
    try:
        content = open_for_complainant(case_id)
        linked = [(child, open_for_complainant(child.id, "track linked"))
                  for child in followup.linked_cases(case_id)]
    except CaseNotFound:
        session.pop("track_case", None)
        return redirect(url_for(".track"))
    followup.mark_read(case_id)
    case = content.case
    return render_template(
        "public/track_case.html", content=content, case=case, status=status_for(case.state),
        deadline=followup.next_deadline(case.id), linked=linked, status_for=status_for,
        checkin=followup.due_checkin(case.id), can_withdraw=case.state in workflow.WITHDRAWABLE,
        can_appeal=case.state == "appeal_window",
        message_form=message_form or ComplainantMessageForm(formdata=None),
        retaliation_form=retaliation_form or RetaliationForm(formdata=None),
        reveal_form=reveal_form or RevealForm(formdata=None),
        checkin_form=checkin_form or CheckinForm(formdata=None),
        reason_form=ReasonForm(formdata=None), category=profile().category(case.category),
        notice=_notice(content),
    ), status_code


def _notice(content):  # type: ignore[no-untyped-def]
    case = content.case
    if case.complainant_notice_enc is None:
        return ""
    from ..services.case_access import cipher_for

    return cipher_for(case).open("cases", "complainant_notice_enc", case.id, case.complainant_notice_enc)


@bp.post("/track/message")
@public
@limiter.limit("20 per hour")
def track_message():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = ComplainantMessageForm()
    if form.validate_on_submit():
        try:
            followup.send_message(case_id, form.body.data, _uploads(form.files.data), form.keep_metadata.data)
        except intake.FileRefused as refusal:
            form.files.errors = [*form.files.errors, gettext(
                "%(problem)s Your text is still here; choose the file again.", problem=str(refusal))]
            return track_case(message_form=form, status_code=_refusal_status(refusal))
        else:
            flash(gettext("Your message was sent to the officer."), "success")
            return redirect(url_for(".track_case") + "#messages")
    return track_case(message_form=form, status_code=400)


@bp.route("/track/withdraw", methods=["GET", "POST"])
@public
def track_withdraw():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            followup.withdraw(case_id, form.reason.data or "")
        except workflow.TransitionRefused as refusal:
            flash(gettext(str(refusal)), "error")
        else:
            flash(gettext("Your report is withdrawn."), "success")
        return redirect(url_for(".track_case"))
    return render_template("public/track_withdraw.html", form=form)


@bp.post("/track/appeal")
@public
def track_appeal():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            followup.appeal(case_id, form.reason.data or "")
        except workflow.TransitionRefused as refusal:
            flash(gettext(str(refusal)), "error")
        else:
            flash(gettext("Your appeal was lodged. A second instance will review the decision."), "success")
    return redirect(url_for(".track_case"))


@bp.post("/track/retaliation")
@public
@limiter.limit("10 per hour")
def track_retaliation():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = RetaliationForm()
    if form.validate_on_submit():
        followup.report_retaliation(case_id, form.narrative.data)
        flash(gettext("Thank you. A new, linked report was opened; you follow it here with the same code."),
              "success")
        return redirect(url_for(".track_case"))
    return track_case(retaliation_form=form, status_code=400)


@bp.post("/track/reveal")
@public
def track_reveal():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = RevealForm()
    if form.validate_on_submit():
        try:
            followup.reveal_identity(case_id, form.name.data, form.contact.data)
        except workflow.TransitionRefused as refusal:
            flash(gettext(str(refusal)), "error")
        else:
            flash(gettext("The officer now knows your name and how to reach you."), "success")
        return redirect(url_for(".track_case"))
    return track_case(reveal_form=form, status_code=400)


@bp.post("/track/checkin/<uuid:checkin_id>")
@public
def track_checkin(checkin_id):  # type: ignore[no-untyped-def]
    case_id = _require_case()
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            linked = followup.answer_checkin(case_id, checkin_id, form.answer.data, form.details.data or "")
        except workflow.TransitionRefused as refusal:
            flash(gettext(str(refusal)), "error")
        else:
            flash(gettext("Thank you. A new, linked report was opened at once; an officer will "
                          "contact you here.") if linked else gettext("Thank you for letting us know."),
                  "success")
        return redirect(url_for(".track_case"))
    return track_case(checkin_form=form, status_code=400)


@bp.post("/track/close")
@public
def track_close():  # type: ignore[no-untyped-def]
    session.clear()
    flash(gettext("Your case is closed on this device. Use your receipt to open it again."), "success")
    return redirect(url_for(".home"))


@bp.get("/track/files/<uuid:attachment_id>")
@public
def track_file(attachment_id):  # type: ignore[no-untyped-def]
    case_id = _require_case()
    from ..extensions import db
    from ..models import Case

    allowed = {case_id, *(c.id for c in followup.linked_cases(case_id))}
    for candidate in allowed:
        case = db.session.get(Case, candidate)
        try:
            view, chunks = read_attachment(case, attachment_id, actor=COMPLAINANT, include_staff_only=False)
        except CaseNotFound:
            continue
        return download_response(view, chunks)
    abort(404)
