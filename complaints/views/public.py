"""Public pages that need no account: home and reporting (following a case: views/track.py).

Nothing here logs or stores the visitor's address; the receipt never appears in a URL, log,
flash or cookie; the receipt page is shown once. A report refused for any reason (a missing
choice, a file we can't take, the abuse control) comes back with everything typed in it and
says what to do, and when.
"""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import force_locale, gettext
from flask_wtf.csrf import generate_csrf

from .. import metadata
from ..access import public
from ..forms.report import ReportForm
from ..i18n import BY_CODE, remember
from ..instance import profile
from ..extensions import csrf, db
from ..services import abuse, intake, outcomes, track_sessions
from ..translatable import N_
from . import form_pages, time_limits
from .helpers import uploaded_files

bp = Blueprint("public", __name__)

REFUSALS = {
    "too_early": N_("Your report is not sent yet. To protect this service from automated floods, a "
                    "report can only be sent once its form has been open for a short while. Everything "
                    "you wrote is still here: press \u201cSend my report\u201d again in %(seconds)s seconds."),
    "busy": N_("Many reports are being sent without JavaScript right now, so yours is not sent yet. "
               "Everything you wrote is still here: press \u201cSend my report\u201d again in about "
               "%(minutes)s minutes."),
    "renew": N_("Your report is not sent yet: the form's security check had to be renewed. Everything "
                "you wrote is still here: press \u201cSend my report\u201d again."),
    "shown": N_("This report was already sent a moment ago, and its receipt code was shown then. If you "
               "could not write the code down, please send your report again."),
}
FILES_AGAIN = N_("Files can't be kept by the browser: choose them again before sending.")


@bp.get("/")
@public
def home() -> str:
    return render_template("public/home.html")


# --- reporting ---------------------------------------------------------------------------


def _report_form() -> ReportForm:
    form = ReportForm()
    form.category.choices = [(c.code, gettext(c.label)) for c in profile().categories]
    return form


def _report_html(form: ReportForm, **context: object) -> str:
    return render_template(
        "public/report.html", form=form, allowed=gettext(metadata.ALLOWED_NAMES),
        max_mb=current_app.config["MAX_UPLOAD_MB"],
        explanations={c.code: gettext(c.explanation) for c in profile().categories},
        limitation_hint=outcomes.limitation_hint(), **context)


def _render_report(form: ReportForm, status: int = 200, retry_after: int = 0) -> Response:
    response = make_response(_report_html(form), status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _refusal_status(refusal: intake.FileRefused) -> int:
    """400 for a file we won't take; 503 when the store itself failed (our side)."""
    return 503 if isinstance(refusal, intake.StoreUnavailable) else 400


def _uploads(files) -> list[intake.Upload]:  # type: ignore[no-untyped-def]
    return [intake.Upload(name, stream) for name, _, stream in uploaded_files(files)]


def _handoff_token(challenge: str | None) -> str:
    """One token per report form and browser session: a second press of Send finds the
    receipt of the first instead of filing the report twice."""
    return track_sessions.handoff_token(abuse.handoff_key(), session.get("csrf_token", ""),
                                        abuse.salt_of("report", challenge))


def _report_data(form: ReportForm) -> intake.Report:
    anonymous = form.identity.data == "anonymous"
    channel = "on_behalf" if form.on_behalf.data else (
        "online_anonymous" if anonymous else "online_identified")
    return intake.Report(
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
        excluded_other=form.excluded_other.data or "", keep_metadata=form.keep_metadata.data,
        files=_uploads(form.files.data),
    )


def _empty_report_page() -> str:
    """The empty form: kept per language, this visitor's CSRF token and challenge put in."""
    def render(slots: dict[str, str]) -> str:
        form = _report_form()
        form.proof_challenge.data = slots["proof_challenge"]
        return _report_html(form, csrf_token=lambda: slots["csrf_token"])

    return form_pages.page("report", render, {"csrf_token": generate_csrf(),
                                              "proof_challenge": abuse.challenge_for("report").token})


def _new_challenge(form: ReportForm) -> None:
    form.proof_challenge.data = abuse.challenge_for("report").token
    form.proof_nonce.data = ""


def _refused(form: ReportForm, verdict: abuse.Verdict) -> Response:
    """The form again, everything typed in it, and when to send it."""
    if verdict.reason in ("too_early", "busy"):
        text = gettext(REFUSALS[verdict.reason], seconds=verdict.retry_after,
                       minutes=max(1, (verdict.retry_after + 59) // 60))
        status = 429
    else:
        text = gettext(REFUSALS["shown" if verdict.reason == "shown" else "renew"])
        _new_challenge(form)
        status = 400
    if uploaded_files(form.files.data):
        text += " " + gettext(FILES_AGAIN)
    flash(text, "error")
    return _render_report(form, status, verdict.retry_after)


@bp.route("/report", methods=["GET", "POST"])
@public
@csrf.exempt  # the form checks its own token: a refused one brings back what was typed
def report():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return _empty_report_page()
    form = _report_form()
    if not form.validate_on_submit():  # a refusal for what was typed costs nothing
        time_limits.bring_back_if_token_refused(form)  # a lost session keeps the text too
        form.proof_challenge.data = abuse.renewed("report", form.proof_challenge.data)
        return _render_report(form, 400)
    token = _handoff_token(form.proof_challenge.data)
    earlier = track_sessions.claim_handoff(token)  # a second press of Send waits for the first
    if earlier == "waiting":
        session["receipt_handoff"] = token
        return redirect(url_for(".report_sent"))
    if earlier != "claimed":
        return _refused(form, abuse.Verdict(False, "shown" if earlier == "shown" else "invalid"))
    verdict = abuse.admit("report", form.proof_challenge.data, form.proof_nonce.data)
    if not verdict.accepted:
        db.session.rollback()  # the claimed row goes: nothing written
        return _refused(form, verdict)
    try:
        intake.file_complaint(_report_data(form), handoff_token=token)
    except intake.FileRefused as refusal:  # every file refused is named, with why
        form.files.errors = [*form.files.errors, *refusal.messages[:-1], gettext(
            "%(problem)s Nothing was sent yet: everything else you wrote is still here. Choose "
            "your files again.", problem=refusal.messages[-1])]
        _new_challenge(form)  # the one sent was spent
        return _render_report(form, _refusal_status(refusal))
    track_sessions.close(session.pop("track", None))  # a case open on this device closes
    session["receipt_handoff"] = token
    return redirect(url_for(".report_sent"))


@bp.post("/report/language/<code>")
@public
def report_language(code: str):  # type: ignore[no-untyped-def]
    """The language menu of the report form sends the form here: the same form comes back in
    the chosen language with everything typed in it (without JavaScript too)."""
    language = BY_CODE.get(code)
    if language is None:
        abort(404)
    with force_locale(language.locale):
        form = _report_form()
        if any(request.form.getlist("files")):  # the menu sends names only, never the files
            flash(gettext(FILES_AGAIN), "warning")
        response = _render_report(form)
    return remember(response, language)


@bp.get("/report/sent")
@public
def report_sent():  # type: ignore[no-untyped-def]
    handoff = track_sessions.take_receipt(session.pop("receipt_handoff", None))
    if handoff is None:
        return redirect(url_for("public.track"))
    return render_template("public/receipt.html", receipt=handoff.receipt,
                           not_cleaned=list(handoff.not_cleaned))


from . import track  # noqa: E402,F401  (the follow-up routes live on this blueprint)
