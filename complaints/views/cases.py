"""Officers' case work (/cases) and the coordinator's register (/register).

Thin views: every case access goes through services (case_access via case_file, casework,
transitions, assignments), which call policy; a case the user may not see is a 404.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import workflow
from ..access import roles_required
from ..forms.case_day import CategoryForm, EndAssignmentForm, NoteForm, RecusalForm, RiskForm
from ..forms.cases import (AssignForm, CaseFilterForm, ConfirmForm, ConsentForm, ExceptionForm,
                           MeasureForm, MessageForm, RetaliationForm, TransitionForm)
from ..instance import profile
from ..policy import readable_parts
from ..services import (assignments, case_lists, casework, notifications, transitions, triage)
from ..services.case_access import read_attachment, staff_case
from ..services.case_file import open_case_file
from .helpers import candidate_label, download_response, uploaded_files

bp = Blueprint("cases", __name__)

CASE_ROLES = ("officer", "investigator", "mediator", "decision", "appeal", "trust")


@bp.before_request
def check_case_access() -> None:
    """One gate for every route with a case in its URL: 404 unless policy allows, before the
    view parses anything (register routes check the coordinator's metadata view)."""
    case_id = (request.view_args or {}).get("case_id")
    if case_id is None or not current_user.is_authenticated:
        return  # no case here, or roles_required sends the visitor to sign in
    if request.endpoint in {"cases.register_case", "cases.assign", "cases.request_exception"}:
        assignments.register_case(current_user, case_id)
    else:
        staff_case(current_user, case_id, "case.read")


def _filters(form: CaseFilterForm) -> case_lists.Filters:
    sort = form.sort.data if form.sort.data in case_lists.SORTS else case_lists.DEFAULT_SORT
    return case_lists.Filters(
        q=form.q.data or "", state=form.state.data or "", category=form.category.data or "",
        show=frozenset(name for name in case_lists.SHOWS if form[name].data),
        assignee_id=form.assignee.data or 0, include_closed=bool(form.closed.data),
        sort=sort, descending=form.dir.data == "desc", page=form.page.data or 1)


def _filter_form() -> CaseFilterForm:
    form = CaseFilterForm(request.args)
    form.validate()  # GET filters: never a 400; an unknown stage or category matches nothing
    form.category.choices = [("", gettext("Any"))] + [(c.code, gettext(c.label)) for c in profile().categories]
    return form


# --- officer -----------------------------------------------------------------------------


@bp.get("/cases")
@roles_required(*CASE_ROLES)
def my_cases() -> str:
    form = _filter_form()
    return render_template("cases/list.html", listing=case_lists.my_cases(current_user, _filters(form)),
                           form=form)


@bp.get("/cases/<uuid:case_id>")
@roles_required(*CASE_ROLES)
def case_page(case_id) -> str:  # type: ignore[no-untyped-def]
    return _render_case(open_case_file(current_user, case_id))


def _render_case(case_file, message_form=None, measure_form=None, status=200, *, note_form=None,  # type: ignore[no-untyped-def]
                 category_form=None, risk_form=None, preview=None):
    category_form = category_form or CategoryForm(formdata=None, prefix="category")
    category_form.category.choices = [("", gettext("Choose"))] + [
        (c.code, gettext(c.label)) for c in profile().categories if c.code != case_file.case.category]
    return render_template(
        "cases/case.html", file=case_file, case=case_file.case,
        message_form=message_form or MessageForm(formdata=None),
        note_form=note_form or NoteForm(formdata=None, prefix="note"),
        category_form=category_form, risk_form=risk_form or RiskForm(formdata=None, prefix="risk"),
        preview=preview,
        measure_form=measure_form or MeasureForm(formdata=None),
        consent_form=ConsentForm(formdata=None) if case_file.asks_consent else None,
        retaliation_form=RetaliationForm(formdata=None),
        workflow=workflow,
        procedure=case_file.procedure,
        # counted in the case file's transaction: the navigation needs no transaction of its own
        unread_notifications=lambda: case_file.unread_notifications,
    ), status


@bp.post("/cases/<uuid:case_id>/act")
@roles_required(*CASE_ROLES)
def act(case_id):  # type: ignore[no-untyped-def]
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(gettext("The form was incomplete; nothing was changed."), "error")
        return redirect(url_for(".case_page", case_id=case_id))
    inputs = transitions.TransitionInputs(
        reason=form.reason.data or "", outcome=form.outcome.data or "", code=form.code.data or "",
        sanction=form.sanction.data or "", disciplinary_referral=form.disciplinary_referral.data,
        complainant_notice=form.complainant_notice.data or "", disciplinary=form.disciplinary.data or "",
        disciplinary_reasons=form.disciplinary_reasons.data or "",
        referral_body=form.referral_body.data or "", referral_consent=form.referral_consent.data or "",
        referral_on=form.referral_on.data, referral_reference=form.referral_reference.data or "")
    try:
        transitions.perform(current_user, case_id, form.action.data, inputs, form.version.data)
    except workflow.TransitionRefused as refusal:
        flash(gettext(str(refusal)), "error")
        return redirect(url_for(".case_page", case_id=case_id))
    except transitions.SecondPersonNeeded as waiting:
        flash(gettext(str(waiting)), "success")
        return redirect(url_for(".case_page", case_id=case_id))
    rule = workflow.RULES_BY_ACTION[form.action.data]
    flash(gettext("Done: %(step)s.", step=gettext(rule.label)), "success")
    return redirect(url_for(".case_page", case_id=case_id))


@bp.post("/cases/<uuid:case_id>/messages")
@roles_required(*CASE_ROLES)
def send_message(case_id):  # type: ignore[no-untyped-def]
    """A message to the complainant; with "Preview", nothing is sent and the page shows it as
    the complainant will read it, the text kept in the form."""
    form = MessageForm()
    if "internal" in request.form:  # a page from before notes had their own form
        form.body.errors = [gettext("This page is out of date: internal notes now have their own "
                                    "form. Nothing was sent; check where your text should go.")]
        return _render_case(open_case_file(current_user, case_id), message_form=form, status=400)
    if form.validate_on_submit():
        if form.preview.data:
            return _render_case(open_case_file(current_user, case_id), message_form=form,
                                preview=form.body.data.strip())
        return _write(case_id, form, "message_form", internal=False, done=gettext("Message sent."))
    return _render_case(open_case_file(current_user, case_id), message_form=form, status=400)


def _write(case_id, form, form_name: str, internal: bool, done: str):  # type: ignore[no-untyped-def]
    """Send a message or save a note with its files; a refusal shows the case page again with
    the text kept in its form (503 when the file store failed: our side, not theirs)."""
    try:
        casework.send_message(current_user, case_id, form.body.data, internal=internal,
                              files=uploaded_files(form.files.data))
    except casework.CaseworkRefused as refusal:
        form.body.errors = [*form.body.errors, str(refusal)]
        status = 503 if isinstance(refusal, casework.StoreFault) else 400
        return _render_case(open_case_file(current_user, case_id), status=status, **{form_name: form})
    flash(done, "success")
    return redirect(url_for(".case_page", case_id=case_id) + "#messages")


@bp.post("/cases/<uuid:case_id>/notes")
@roles_required(*CASE_ROLES)
def add_note(case_id):  # type: ignore[no-untyped-def]
    """An internal note: only the people assigned to the case read it."""
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        return _write(case_id, form, "note_form", internal=True, done=gettext("Note saved."))
    return _render_case(open_case_file(current_user, case_id), note_form=form, status=400)


@bp.post("/cases/<uuid:case_id>/category")
@roles_required(*CASE_ROLES)
def correct_category(case_id):  # type: ignore[no-untyped-def]
    form = CategoryForm(prefix="category")
    form.category.choices = []
    if form.validate_on_submit():
        try:
            change = triage.correct_category(current_user, case_id, form.category.data,
                                             form.reason.data, form.version.data)
        except triage.TriageRefused as refusal:
            form.category.errors = [*form.category.errors, str(refusal)]
        else:
            category = profile().category(change.to_category)
            flash(gettext("Category corrected. Deadlines already running are unchanged."), "success")
            if category and category.external_referral:
                flash(gettext("This category is normally referred to the military police or the "
                              "prosecutor: see What you can do now."), "warning")
            return redirect(url_for(".case_page", case_id=case_id))
    return _render_case(open_case_file(current_user, case_id), category_form=form, status=400)


@bp.post("/cases/<uuid:case_id>/risk")
@roles_required(*CASE_ROLES)
def assess_risk(case_id):  # type: ignore[no-untyped-def]
    form = RiskForm(prefix="risk")
    if form.validate_on_submit():
        try:
            triage.record_risk(current_user, case_id, form.retaliation.data, form.repeat.data,
                               form.note.data or "")
        except triage.TriageRefused as refusal:
            form.retaliation.errors = [*form.retaliation.errors, str(refusal)]
        else:
            flash(gettext("Risk assessment recorded."), "success")
            return redirect(url_for(".case_page", case_id=case_id) + "#risk")
    return _render_case(open_case_file(current_user, case_id), risk_form=form, status=400)


@bp.post("/cases/<uuid:case_id>/measures")
@roles_required(*CASE_ROLES)
def order_measure(case_id):  # type: ignore[no-untyped-def]
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            casework.order_measure(current_user, case_id, form.kind.data, form.details.data or "")
        except casework.CaseworkRefused as refusal:
            form.kind.errors = [*form.kind.errors, str(refusal)]
        else:
            flash(gettext("Protective measure recorded."), "success")
            return redirect(url_for(".case_page", case_id=case_id) + "#measures")
    return _render_case(open_case_file(current_user, case_id), measure_form=form, status=400)


@bp.post("/cases/<uuid:case_id>/measures/<uuid:measure_id>/lift")
@roles_required(*CASE_ROLES)
def lift_measure(case_id, measure_id):  # type: ignore[no-untyped-def]
    if ConfirmForm().validate_on_submit():
        try:
            casework.lift_measure(current_user, case_id, measure_id)
            flash(gettext("Measure lifted."), "success")
        except casework.CaseworkRefused as refusal:
            flash(str(refusal), "error")
    return redirect(url_for(".case_page", case_id=case_id) + "#measures")


@bp.post("/cases/<uuid:case_id>/consent")
@roles_required(*CASE_ROLES)
def record_consent(case_id):  # type: ignore[no-untyped-def]
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            casework.record_mediation_consent(current_user, case_id, form.party.data,
                                              form.consent.data == "yes")
            flash(gettext("Consent recorded."), "success")
        except casework.CaseworkRefused as refusal:
            flash(str(refusal), "error")
    else:
        flash(gettext("Choose whose consent and the answer."), "error")
    return redirect(url_for(".case_page", case_id=case_id))


@bp.post("/cases/<uuid:case_id>/retaliation")
@roles_required(*CASE_ROLES)
def record_retaliation(case_id):  # type: ignore[no-untyped-def]
    form = RetaliationForm()
    if form.validate_on_submit():
        linked = casework.record_retaliation(current_user, case_id, form.narrative.data)
        flash(gettext("Linked case %(reference)s opened; a coordinator will assign it.",
                      reference=linked.reference), "success")
    else:
        flash(gettext("Describe what was reported."), "error")
    return redirect(url_for(".case_page", case_id=case_id))


@bp.route("/cases/<uuid:case_id>/recuse", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def recuse(case_id):  # type: ignore[no-untyped-def]
    """Never one click: a page says what recusing means and asks for the reason."""
    form = RecusalForm()
    if form.validate_on_submit():
        try:
            assignments.recuse(current_user, case_id, form.reason.data, form.note.data or "")
        except assignments.AssignmentRefused as refusal:
            form.reason.errors = [*form.reason.errors, str(refusal)]
        else:
            flash(gettext("You have stepped away from this case. The coordinators were told, so "
                          "that someone else takes it over."), "success")
            return redirect(url_for(".my_cases"))
    case = staff_case(current_user, case_id, "case.read")
    return render_template("cases/recuse.html", case=case, form=form), 400 if form.errors else 200


@bp.get("/cases/<uuid:case_id>/files/<uuid:attachment_id>")
@roles_required(*CASE_ROLES)
def download(case_id, attachment_id) -> Response:  # type: ignore[no-untyped-def]
    case = staff_case(current_user, case_id, "case.read")
    view, chunks = read_attachment(case, attachment_id, readable=readable_parts(current_user, case))
    return download_response(view, chunks)


# --- coordinator -------------------------------------------------------------------------


@bp.get("/register")
@roles_required("coordinator")
def register() -> str:
    form = _filter_form()
    form.assignee.choices = [(0, gettext("Anyone"))] + case_lists.case_staff()
    return render_template("cases/register.html", listing=case_lists.register(_filters(form), current_user),
                           form=form, pending_exception_count=assignments.waiting_exception_count())


@bp.get("/register/<uuid:case_id>")
@roles_required("coordinator")
def register_case(case_id, assign_form=None, exception_form=None, status=200):  # type: ignore[no-untyped-def]
    case = assignments.register_case(current_user, case_id)
    notifications.mark_case_read(current_user, case.id)
    options = assignments.assignment_options(case, current_user)
    assign_form = assign_form or AssignForm(formdata=None)
    for capacity, people in options.items():
        assign_form[capacity].choices = [(0, gettext("Nobody new"))] + [
            (c.user_id, candidate_label(c), {"disabled": True} if c.blocked or c.assigned else {})
            for c in people]
    exception_form = exception_form or ExceptionForm(formdata=None, prefix="exception")
    exception_form.user_id.choices = [(0, gettext("Choose"))] + sorted(
        {(c.user_id, c.name) for people in options.values() for c in people if c.conflicts},
        key=lambda choice: choice[1].casefold())
    return render_template(
        "cases/register_case.html", case=case, options=options,
        assignees=assignments.active_assignments(case),
        ended=assignments.ended_assignments(case),
        pending=assignments.pending_exceptions(case),
        assign_form=assign_form, exception_form=exception_form, confirm_form=ConfirmForm(),
    ), status


@bp.post("/register/<uuid:case_id>/assign")
@roles_required("coordinator")
def assign(case_id):  # type: ignore[no-untyped-def]
    form = AssignForm()
    if form.validate_on_submit():
        try:
            made = assignments.assign_many(current_user, case_id, form.chosen())
        except assignments.AssignmentsRefused as refusal:
            for capacity, reason in refusal.reasons.items():
                form[capacity].errors = [*form[capacity].errors, reason]
        except assignments.AssignmentRefused as refusal:
            field = next(iter(form.chosen()), "intake")
            form[field].errors = [*form[field].errors, str(refusal)]
        else:
            flash(gettext("Assigned.") if len(made) == 1 else
                  gettext("%(num)d assignments made.", num=len(made)), "success")
            return redirect(url_for(".register_case", case_id=case_id))
    return register_case(case_id, assign_form=form, status=400)


@bp.post("/register/<uuid:case_id>/exception")
@roles_required("coordinator")
def request_exception(case_id):  # type: ignore[no-untyped-def]
    form = ExceptionForm(prefix="exception")  # its fields sit beside the assign form's
    if form.validate_on_submit():
        try:
            assignments.request_exception(current_user, case_id, form.user_id.data,
                                          form.capacity.data, form.reason.data)
        except assignments.AssignmentRefused as refusal:
            form.user_id.errors = [*form.user_id.errors, str(refusal)]
        else:
            flash(gettext("Exception requested. A second coordinator must approve it."), "success")
            return redirect(url_for(".register_case", case_id=case_id))
    return register_case(case_id, exception_form=form, status=400)


@bp.post("/register/exceptions/<uuid:exception_id>/approve")
@roles_required("coordinator")
def approve_exception(exception_id):  # type: ignore[no-untyped-def]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        exception = assignments.approve_exception(current_user, exception_id)
    except assignments.AssignmentRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for(".register"))
    flash(gettext("Exception approved; the assignment can now be made."), "success")
    return redirect(url_for(".register_case", case_id=exception.case_id))


@bp.route("/register/assignments/<uuid:assignment_id>/end", methods=["GET", "POST"])
@roles_required("coordinator")
def end_assignment(assignment_id):  # type: ignore[no-untyped-def]
    """Never one click: a page names the person and the case and asks for the reason."""
    assignment, person, case = assignments.assignment_to_end(current_user, assignment_id)
    if assignment.ended_at is not None:
        flash(gettext("This assignment has already ended."), "error")
        return redirect(url_for(".register_case", case_id=case.id))
    form = EndAssignmentForm()
    if form.validate_on_submit():
        try:
            assignments.end_assignment(current_user, assignment_id, form.reason.data,
                                       form.note.data or "")
        except assignments.AssignmentRefused as refusal:
            form.reason.errors = [*form.reason.errors, str(refusal)]
        else:
            flash(gettext("Assignment ended; %(name)s was told.", name=person.display_name or person.username),
                  "success")
            return redirect(url_for(".register_case", case_id=case.id))
    return render_template("cases/end_assignment.html", assignment=assignment, person=person,
                           case=case, form=form), 400 if form.errors else 200
