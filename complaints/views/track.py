"""Following a case with its receipt (/track...): routes of the public blueprint.

A receipt opens the case on this device through a server-side session (track_sessions): the
cookie holds only a random token. The session closes after TRACK_IDLE_MINUTES without
activity; text typed meanwhile is not lost: the sign-in page carries it, and after the
receipt it is back in its form. Limits count per case, never per address.
"""
from __future__ import annotations

import uuid

from flask import (abort, current_app, flash, g, jsonify, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import gettext

from .. import workflow
from ..access import public
from ..complainant_status import status_for
from ..forms.report import (CheckinForm, ComplainantMessageForm, ReasonForm, ReplyNoticeForm,
                            RetaliationForm, RevealForm, TrackForm)
from ..i18n import current_language
from ..instance import profile
from ..forms.procedure import MinutesConfirmationForm
from ..services import (abuse, complainant_page, followup, hearings, intake, reply_notice,
                        track_sessions)
from ..services.case_access import CaseNotFound, open_for_complainant, read_attachment
from ..services.casework import CaseworkRefused
from ..services.auditing import COMPLAINANT
from ..translatable import N_
from .helpers import not_cleaned_notice
from .public import _refusal_status, _uploads, bp

WRONG_RECEIPT = N_("We could not open a case with this code. Check it and try again.")
IDLE = N_("For your safety, your case was closed on this device after %(minutes)s minutes without "
          "activity. Enter your receipt again to continue.")
DRAFT_KEPT = N_("For your safety, your case was closed on this device after %(minutes)s minutes "
                "without activity. What you wrote is kept: enter your receipt code, and it will be back "
                "in the form, ready to send.")
SIGNIN_REFUSALS = {
    "too_early": N_("Please wait %(seconds)s seconds, then press \u201cOpen my case\u201d again. This "
                    "short wait protects the service from automated guessing."),
    "busy": N_("Many people are opening their case without JavaScript right now. Please press "
               "\u201cOpen my case\u201d again in about %(seconds)s seconds."),
    "renew": N_("Please press \u201cOpen my case\u201d again: the form's security check had to be renewed."),
}
LIMITED = N_("You have sent many messages in the last hour, so this one is not sent yet. It is still "
             "here: please send it again in about %(minutes)s minutes.")


def _idle_minutes() -> int:
    return current_app.config["TRACK_IDLE_MINUTES"]


def _token() -> str | None:
    return session.get("track")


def _current(touch: bool = True) -> track_sessions.Current:
    current = track_sessions.current(_token(), _idle_minutes(), touch)
    if current.case_id is not None:
        g.complainant_case = current.case_id  # the audit log's "complainant" needs a live session
    return current


def _require_case(draft_kind: str = "", draft: str = "") -> uuid.UUID:
    """The case this device has open, or the sign-in page (carrying ``draft``, if any)."""
    current = _current()
    if current.case_id is not None:
        return current.case_id
    session.pop("track", None)
    if draft.strip():
        form = TrackForm(formdata=None)
        form.proof_challenge.data = abuse.challenge_for("track").token
        form.draft_kind.data, form.draft.data = draft_kind, draft
        flash(gettext(DRAFT_KEPT, minutes=_idle_minutes()), "warning")
        abort(make_response(render_template("public/track_login.html", form=form), 200))
    if current.expired:
        flash(gettext(IDLE, minutes=_idle_minutes()), "warning")
    abort(redirect(url_for(".track")))


# --- signing in with the receipt -----------------------------------------------------------


@bp.route("/track", methods=["GET", "POST"])
@public
def track():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        if _current().case_id is not None:
            return redirect(url_for(".track_case"))
        form = TrackForm(formdata=None)
        form.proof_challenge.data = abuse.challenge_for("track").token
        return render_template("public/track_login.html", form=form)
    form = TrackForm()
    if not form.validate_on_submit():
        form.proof_challenge.data = abuse.renewed("track", form.proof_challenge.data)
        return render_template("public/track_login.html", form=form), 400
    verdict = abuse.admit("track", form.proof_challenge.data, form.proof_nonce.data)
    if not verdict.accepted:
        return _sign_in_refused(form, verdict)
    opened = track_sessions.open_with_receipt(form.receipt.data, _idle_minutes(),
                                              form.draft_kind.data or "", form.draft.data or "")
    if opened is None:
        # What was typed stays (it is no secret once wrong), so one wrong character can be fixed.
        form.receipt.errors = [gettext(WRONG_RECEIPT)]
        _new_sign_in_challenge(form)
        return render_template("public/track_login.html", form=form), 404
    session.clear()  # no earlier state survives into the case session
    session["track"] = opened.token
    return redirect(url_for(".track_case"))


def _new_sign_in_challenge(form: TrackForm) -> None:
    form.proof_challenge.data = abuse.challenge_for("track").token
    form.proof_nonce.data = ""


def _sign_in_refused(form: TrackForm, verdict: abuse.Verdict):  # type: ignore[no-untyped-def]
    if verdict.reason in ("too_early", "busy"):
        flash(gettext(SIGNIN_REFUSALS[verdict.reason], seconds=verdict.retry_after), "error")
        response = make_response(render_template("public/track_login.html", form=form), 429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    _new_sign_in_challenge(form)
    flash(gettext(SIGNIN_REFUSALS["renew"]), "error")
    return render_template("public/track_login.html", form=form), 400


@bp.post("/track/renew")
@public
def track_renew():  # type: ignore[no-untyped-def]
    """More time on the follow-up page (the time-limit warning's button): {"seconds": N}."""
    current = _current()
    return jsonify(seconds=current.seconds_left if current.case_id else 0)


# --- the case page -------------------------------------------------------------------------


@bp.get("/track/case")
@public
def track_case(message_form=None, retaliation_form=None, reveal_form=None, checkin_form=None,
               notice_form=None, status_code=200):  # type: ignore[no-untyped-def]
    case_id = _require_case()
    try:
        content = open_for_complainant(case_id)
        linked = [(child, open_for_complainant(child.id, "track linked"))
                  for child in followup.linked_cases(case_id)]
    except CaseNotFound:
        track_sessions.close(session.pop("track", None))
        return redirect(url_for(".track"))
    followup.mark_read(case_id)
    page = complainant_page.build(content)
    case = content.case
    draft_kind, draft = track_sessions.draft(_token())
    if message_form is None:
        message_form = ComplainantMessageForm(formdata=None, data={"body": draft if draft_kind == "message" else ""})
    if retaliation_form is None:
        retaliation_form = RetaliationForm(formdata=None,
                                           data={"narrative": draft if draft_kind == "retaliation" else ""})
    return render_template(
        "public/track_case.html", page=page, content=content, case=case, status=status_for(case.state),
        deadline=followup.next_deadline(case.id), linked=linked, status_for=status_for,
        checkin=followup.due_checkin(case.id), can_withdraw=case.state in workflow.WITHDRAWABLE,
        can_appeal=case.state == "appeal_window",
        message_form=message_form, retaliation_form=retaliation_form,
        reveal_form=reveal_form or RevealForm(formdata=None),
        checkin_form=checkin_form or CheckinForm(formdata=None),
        notice_form=notice_form or ReplyNoticeForm(formdata=None),
        notices_offered=bool(current_app.config["SMTP_HOST"]),
        has_notice=reply_notice.has_contact(case),
        reason_form=ReasonForm(formdata=None), category=profile().category(case.category),
        time_limit_seconds=_idle_minutes() * 60, drafts_sent=session.pop("drafts_sent", ""),
        minutes=hearings.minutes_for_complainant(case),
    ), status_code


def _limited(verdict: abuse.Verdict) -> None:
    flash(gettext(LIMITED, minutes=max(1, (verdict.retry_after + 59) // 60)), "error")


@bp.post("/track/message")
@public
def track_message():  # type: ignore[no-untyped-def]
    case_id = _require_case("message", request.form.get("body", ""))
    form = ComplainantMessageForm()
    if not form.validate_on_submit():
        return track_case(message_form=form, status_code=400)
    verdict = abuse.allow_case_action(case_id, "message")
    if not verdict.accepted:
        _limited(verdict)
        return track_case(message_form=form, status_code=429)
    try:
        sent = followup.send_message(case_id, form.body.data, _uploads(form.files.data),
                                     form.keep_metadata.data)
    except intake.FileRefused as refusal:  # every file refused is named, with why
        form.files.errors = [*form.files.errors, *refusal.messages[:-1], gettext(
            "%(problem)s Your text is still here; choose the file again.", problem=refusal.messages[-1])]
        return track_case(message_form=form, status_code=_refusal_status(refusal))
    except workflow.TransitionRefused as refusal:
        form.body.errors = [*form.body.errors, str(refusal)]
        return track_case(message_form=form, status_code=400)
    track_sessions.clear_draft(_token(), "message")
    session["drafts_sent"] = "track-message"  # the page's script forgets its copy
    flash(gettext("Your message was sent to the officer."), "success")
    if sent.not_fully_cleaned:
        flash(not_cleaned_notice(sent.not_fully_cleaned), "warning")
    return redirect(url_for(".track_case") + "#messages")


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


@bp.post("/track/mediation")
@public
def track_mediation():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    answer = {"1": "yes", "0": "no"}.get(request.form.get("answer", ""))
    if answer is None:
        flash(gettext("Choose whether you accept mediation."), "error")
        return redirect(url_for(".track_case") + "#mediation")
    try:
        followup.answer_mediation(case_id, answer == "yes")
    except CaseworkRefused as refusal:
        flash(str(refusal), "error")
    else:
        flash(gettext("Thank you. The officer now knows that you accept mediation.") if answer == "yes"
              else gettext("Thank you. The officer now knows that you do not want mediation; your "
                           "report goes on without it."), "success")
    return redirect(url_for(".track_case") + "#mediation")


@bp.post("/track/retaliation")
@public
def track_retaliation():  # type: ignore[no-untyped-def]
    case_id = _require_case("retaliation", request.form.get("narrative", ""))
    form = RetaliationForm()
    if not form.validate_on_submit():
        return track_case(retaliation_form=form, status_code=400)
    verdict = abuse.allow_case_action(case_id, "retaliation")
    if not verdict.accepted:
        _limited(verdict)
        return track_case(retaliation_form=form, status_code=429)
    followup.report_retaliation(case_id, form.narrative.data)
    track_sessions.clear_draft(_token(), "retaliation")
    session["drafts_sent"] = "track-retaliation"
    flash(gettext("Thank you. A new, linked report was opened; you follow it here with the same code."),
          "success")
    return redirect(url_for(".track_case"))


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


@bp.post("/track/notice")
@public
def track_notice():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    if not current_app.config["SMTP_HOST"]:
        abort(404)
    form = ReplyNoticeForm()
    if not form.validate_on_submit():
        return track_case(notice_form=form, status_code=400)
    followup.set_reply_notice(case_id, form.address.data, current_language().locale)
    flash(gettext("Saved. When there is something new for you, a short notice goes to this address."),
          "success")
    return redirect(url_for(".track_case") + "#notice")


@bp.post("/track/notice/remove")
@public
def track_notice_remove():  # type: ignore[no-untyped-def]
    case_id = _require_case()
    followup.remove_reply_notice(case_id)
    flash(gettext("The address was deleted. No more notices will be sent."), "success")
    return redirect(url_for(".track_case") + "#notice")


@bp.post("/track/close")
@public
def track_close():  # type: ignore[no-untyped-def]
    track_sessions.close(_token())
    session.clear()
    flash(gettext("Your case is closed on this device. Use your receipt to open it again."), "success")
    return redirect(url_for(".home"))


@bp.get("/track/files/<uuid:attachment_id>")
@public
def track_file(attachment_id):  # type: ignore[no-untyped-def]
    case_id = _require_case()
    from ..extensions import db
    from ..models import Case
    from .helpers import download_response

    allowed = {case_id, *(c.id for c in followup.linked_cases(case_id))}
    for candidate in allowed:
        case = db.session.get(Case, candidate)
        try:
            view, chunks = read_attachment(case, attachment_id, actor=COMPLAINANT, include_staff_only=False)
        except CaseNotFound:
            continue
        return download_response(view, chunks)
    abort(404)


@bp.post("/track/minutes/<uuid:record_id>")
@public
def confirm_minutes(record_id):  # type: ignore[no-untyped-def]
    """The complainant confirms the minutes of their oral report (EU 2019/1937 Art. 18)."""
    case_id = _require_case()
    form = MinutesConfirmationForm(prefix="minutes")
    if form.validate_on_submit():
        try:
            hearings.confirm_minutes_by_complainant(case_id, record_id, form.remarks.data or "")
        except CaseworkRefused as refusal:
            flash(str(refusal), "error")
        else:
            flash(gettext("Thank you: you have confirmed the minutes of your report."), "success")
    return redirect(url_for(".track_case") + "#minutes")
