"""Forms of the officer's and the coordinator's pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import workflow

TEXT_LIMIT = 20_000


class TransitionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField("Reasons (kept encrypted)", validators=[Length(max=TEXT_LIMIT)])
    outcome = SelectField("Outcome", choices=[("", "Choose")] + list(workflow.OUTCOMES.items())
                          + list(workflow.APPEAL_OUTCOMES.items()), validate_choice=False)
    code = SelectField("Reason for rejecting",
                       choices=[("", "Choose")] + list(workflow.REJECTION_REASONS.items()),
                       validate_choice=False)
    sanction = SelectField("Disciplinary sanction", choices=list(workflow.SANCTIONS.items()),
                           validate_choice=False)
    disciplinary_referral = BooleanField("Order a disciplinary procedure (reasonable suspicion)")
    complainant_notice = TextAreaField("What the complainant is told",
                                       validators=[Length(max=TEXT_LIMIT)])


class MessageForm(FlaskForm):
    body = TextAreaField("Message", validators=[DataRequired("Write the message first."),
                                                Length(max=TEXT_LIMIT)])
    internal = BooleanField("Internal note (the complainant does not see it)")
    files = MultipleFileField("Files (optional)")


class MeasureForm(FlaskForm):
    kind = SelectField("Measure", choices=[("", "Choose")] + list(workflow.PROTECTIVE_MEASURES.items()),
                       validators=[DataRequired("Choose the kind of measure.")])
    details = TextAreaField("Details (kept encrypted)", validators=[Length(max=TEXT_LIMIT)])


class ConsentForm(FlaskForm):
    party = RadioField("Whose consent", choices=[("complainant", "Complainant"),
                                                 ("respondent", "Respondent")],
                       validators=[DataRequired("Choose whose consent this is.")])
    consent = RadioField("Answer", choices=[("yes", "Consents"), ("no", "Does not consent")],
                         validators=[DataRequired("Choose the answer.")])


class ConfirmForm(FlaskForm):
    """A button that only needs CSRF protection (recuse, lift a measure, approve)."""


class AssignForm(FlaskForm):
    capacity = SelectField("Capacity", choices=[
        ("intake", "Complaint officer (intake)"), ("investigator", "Investigator"),
        ("mediator", "Mediator"), ("decision", "Decision maker"), ("appeal", "Appeal authority"),
        ("trust", "Person of trust")], validators=[DataRequired()])
    user_id = SelectField("Staff member", coerce=int, validate_choice=False,
                          validators=[DataRequired("Choose a staff member."),
                                      NumberRange(min=1, max=2**31 - 1, message="Choose from the list.")])


class ExceptionForm(AssignForm):
    reason = TextAreaField("Why is the exception needed? (kept encrypted)",
                           validators=[DataRequired("Give the reason."), Length(max=4000)])


class CaseFilterForm(FlaskForm):
    class Meta:
        csrf = False  # GET filters: codes only, never content

    state = SelectField("State", choices=[("", "Any")] + [(s, s.replace("_", " ")) for s in workflow.STATES],
                        validators=[Optional()])
    category = SelectField("Category", choices=[("", "Any")], validate_choice=False,
                           validators=[Optional()])
    overdue = BooleanField("Overdue only")
    page = IntegerField(default=1, validators=[Optional()])


class RetaliationForm(FlaskForm):
    narrative = TextAreaField("What was reported (kept encrypted)",
                              validators=[DataRequired("Describe what was reported."), Length(max=TEXT_LIMIT)])
