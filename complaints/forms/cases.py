"""Forms of the officer's and the coordinator's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import workflow
from ..metadata import ACCEPT
from . import translated_choices
from .base import Form

TEXT_LIMIT = 20_000


def _int_or_zero(value: object) -> int:
    """A staff id from a GET filter; anything else means "anyone"."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


class TransitionForm(Form):
    action = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reasons (kept encrypted)"), validators=[Length(max=TEXT_LIMIT)])
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Choose"))] + translated_choices(workflow.OUTCOMES)
                          + translated_choices(workflow.APPEAL_OUTCOMES), validate_choice=False)
    code = SelectField(_l("Reason for rejecting"),
                       choices=[("", _l("Choose"))] + translated_choices(workflow.REJECTION_REASONS),
                       validate_choice=False)
    sanction = SelectField(_l("Disciplinary sanction"), choices=translated_choices(workflow.SANCTIONS),
                           validate_choice=False)
    disciplinary_referral = BooleanField(_l("Order a disciplinary procedure (reasonable suspicion)"))
    complainant_notice = TextAreaField(_l("What the complainant is told"),
                                       validators=[Length(max=TEXT_LIMIT)])
    disciplinary = RadioField(_l("Disciplinary proceedings"), choices=translated_choices(workflow.DISCIPLINARY_CHOICES),
                              validate_choice=False, validators=[Optional()])
    disciplinary_reasons = TextAreaField(_l("Why no disciplinary proceedings (kept encrypted)"),
                                         validators=[Length(max=TEXT_LIMIT)])
    referral_body = SelectField(_l("Referred to"), choices=[("", _l("Choose"))] + translated_choices(workflow.REFERRAL_BODIES),
                                validate_choice=False)
    referral_consent = SelectField(_l("The complainant's consent"),
                                   choices=[("", _l("Choose"))] + translated_choices(workflow.REFERRAL_CONSENT),
                                   validate_choice=False)
    referral_on = DateField(_l("Date of the referral"), validators=[Optional()])
    referral_reference = StringField(_l("The body's reference number (kept encrypted)"),
                                     validators=[Length(max=200)])


class MessageForm(Form):
    """To the complainant only: internal notes have their own form (forms.case_day.NoteForm)."""
    body = TextAreaField(_l("Message to the complainant"),
                         validators=[DataRequired(_l("Write the message first.")), Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("Files (optional)"), render_kw={"accept": ACCEPT})
    preview = SubmitField(_l("Preview"))


class MeasureForm(Form):
    kind = SelectField(_l("Measure"), choices=[("", _l("Choose"))] + translated_choices(workflow.PROTECTIVE_MEASURES),
                       validators=[DataRequired(_l("Choose the kind of measure."))])
    details = TextAreaField(_l("Details (kept encrypted)"), validators=[Length(max=TEXT_LIMIT)])


class ConsentForm(Form):
    party = RadioField(_l("Whose consent"), choices=[("complainant", _l("Complainant")),
                                                 ("respondent", _l("Respondent"))],
                       validators=[DataRequired(_l("Choose whose consent this is."))])
    consent = RadioField(_l("Answer"), choices=[("yes", _l("Consents")), ("no", _l("Does not consent"))],
                         validators=[DataRequired(_l("Choose the answer."))])


class ExportForm(Form):
    include_notes = BooleanField(_l("Include internal notes"))


class ConfirmForm(Form):
    """A button that only needs CSRF protection (recuse, lift a measure, approve)."""


CAPACITY_CHOICES = [
    ("intake", _l("Complaint officer (intake)")), ("investigator", _l("Investigator")),
    ("mediator", _l("Mediator")), ("decision", _l("Decision maker")), ("appeal", _l("Appeal authority")),
    ("trust", _l("Person of trust"))]


class AssignForm(Form):
    """One person per capacity, several capacities in one step; 0 leaves a capacity as it is.
    The view fills each list with the people who hold its role, conflicts marked."""

    intake = SelectField(CAPACITY_CHOICES[0][1], coerce=_int_or_zero, validate_choice=False)
    investigator = SelectField(CAPACITY_CHOICES[1][1], coerce=_int_or_zero, validate_choice=False)
    mediator = SelectField(CAPACITY_CHOICES[2][1], coerce=_int_or_zero, validate_choice=False)
    decision = SelectField(CAPACITY_CHOICES[3][1], coerce=_int_or_zero, validate_choice=False)
    appeal = SelectField(CAPACITY_CHOICES[4][1], coerce=_int_or_zero, validate_choice=False)
    trust = SelectField(CAPACITY_CHOICES[5][1], coerce=_int_or_zero, validate_choice=False)

    def chosen(self) -> dict[str, int]:
        return {capacity: self[capacity].data for capacity, _ in CAPACITY_CHOICES if self[capacity].data}


class ExceptionForm(Form):
    capacity = SelectField(_l("Capacity"), choices=CAPACITY_CHOICES, validators=[DataRequired()])
    user_id = SelectField(_l("Staff member"), coerce=int, validate_choice=False,
                          validators=[DataRequired(_l("Choose a staff member.")),
                                      NumberRange(min=1, max=2**31 - 1, message=_l("Choose from the list."))])
    reason = TextAreaField(_l("Why is the exception needed? (kept encrypted)"),
                           validators=[DataRequired(_l("Give the reason.")), Length(max=4000)])


class CaseFilterForm(Form):
    class Meta:
        csrf = False  # GET filters: codes and a reference only, never content

    q = StringField(_l("Reference or its beginning"), filters=[lambda text: (text or "").strip()[:64]])
    state = SelectField(_l("Stage"), choices=[("", _l("Any"))] + translated_choices(workflow.STATE_LABELS),
                        validators=[Optional()])
    category = SelectField(_l("Category"), choices=[("", _l("Any"))], validate_choice=False,
                           validators=[Optional()])
    assignee = SelectField(_l("Assigned to"), coerce=_int_or_zero, choices=[(0, _l("Anyone"))],
                           validate_choice=False)
    new = BooleanField(_l("New"))
    unassigned = BooleanField(_l("Unassigned"))
    unread = BooleanField(_l("Unread messages"))
    overdue = BooleanField(_l("Overdue"))
    due_week = BooleanField(_l("Due this week"))
    closed = BooleanField(_l("Include closed cases"))
    sort = HiddenField()
    dir = HiddenField()
    page = IntegerField(default=1, validators=[Optional()])


class RetaliationForm(Form):
    narrative = TextAreaField(_l("What was reported (kept encrypted)"),
                              validators=[DataRequired(_l("Describe what was reported.")), Length(max=TEXT_LIMIT)])
