"""Forms of the officer's and the coordinator's pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import workflow
from . import translated_choices

TEXT_LIMIT = 20_000


class TransitionForm(FlaskForm):
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


class MessageForm(FlaskForm):
    """To the complainant only: internal notes have their own form (forms.case_day.NoteForm)."""
    body = TextAreaField(_l("Message to the complainant"),
                         validators=[DataRequired(_l("Write the message first.")), Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("Files (optional)"))
    preview = SubmitField(_l("Preview"))


class MeasureForm(FlaskForm):
    kind = SelectField(_l("Measure"), choices=[("", _l("Choose"))] + translated_choices(workflow.PROTECTIVE_MEASURES),
                       validators=[DataRequired(_l("Choose the kind of measure."))])
    details = TextAreaField(_l("Details (kept encrypted)"), validators=[Length(max=TEXT_LIMIT)])


class ConsentForm(FlaskForm):
    party = RadioField(_l("Whose consent"), choices=[("complainant", _l("Complainant")),
                                                 ("respondent", _l("Respondent"))],
                       validators=[DataRequired(_l("Choose whose consent this is."))])
    consent = RadioField(_l("Answer"), choices=[("yes", _l("Consents")), ("no", _l("Does not consent"))],
                         validators=[DataRequired(_l("Choose the answer."))])


class ConfirmForm(FlaskForm):
    """A button that only needs CSRF protection (recuse, lift a measure, approve)."""


class AssignForm(FlaskForm):
    capacity = SelectField(_l("Capacity"), choices=[
        ("intake", _l("Complaint officer (intake)")), ("investigator", _l("Investigator")),
        ("mediator", _l("Mediator")), ("decision", _l("Decision maker")), ("appeal", _l("Appeal authority")),
        ("trust", _l("Person of trust"))], validators=[DataRequired()])
    user_id = SelectField(_l("Staff member"), coerce=int, validate_choice=False,
                          validators=[DataRequired(_l("Choose a staff member.")),
                                      NumberRange(min=1, max=2**31 - 1, message=_l("Choose from the list."))])


class ExceptionForm(AssignForm):
    reason = TextAreaField(_l("Why is the exception needed? (kept encrypted)"),
                           validators=[DataRequired(_l("Give the reason.")), Length(max=4000)])


class CaseFilterForm(FlaskForm):
    class Meta:
        csrf = False  # GET filters: codes only, never content

    state = SelectField(_l("State"), choices=[("", _l("Any"))] + translated_choices(workflow.STATE_LABELS),
                        validators=[Optional()])
    category = SelectField(_l("Category"), choices=[("", _l("Any"))], validate_choice=False,
                           validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    page = IntegerField(default=1, validators=[Optional()])


class RetaliationForm(FlaskForm):
    narrative = TextAreaField(_l("What was reported (kept encrypted)"),
                              validators=[DataRequired(_l("Describe what was reported.")), Length(max=TEXT_LIMIT)])
