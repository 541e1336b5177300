"""Forms of the procedure panel on the case page: clocks, feedback, confirmations."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import workflow
from . import translated_choices
from .report import RANK_BANDS, SEXES, clean_text
from .base import Form

TEXT_LIMIT = 20_000
TEXT = {"filters": [clean_text]}


class PauseForm(Form):
    reason_code = SelectField(_l("Why is the deadline paused?"), choices=[("", _l("Choose"))],
                              validators=[DataRequired(_l("Choose why the deadline is paused."))])
    reason = TextAreaField(_l("Reasons (kept encrypted)"), validators=[
        DataRequired(_l("Give the reasons for pausing; they are kept encrypted.")),
        Length(max=TEXT_LIMIT)], **TEXT)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from ..services.deadlines import PAUSE_REASONS

        super().__init__(*args, **kwargs)
        self.reason_code.choices = [("", _l("Choose"))] + translated_choices(PAUSE_REASONS)


class FeedbackForm(Form):
    action = SelectField(_l("Action taken or envisaged"),
                         choices=[("", _l("Choose"))] + translated_choices(workflow.FEEDBACK_ACTIONS),
                         validators=[DataRequired(_l("Choose the action taken or envisaged."))])
    grounds = TextAreaField(_l("Grounds, and what happens next"), validators=[
        DataRequired(_l("Give the grounds: why this action, and what happens next.")),
        Length(max=TEXT_LIMIT)], **TEXT)


class NoMeasureForm(Form):
    reasons = TextAreaField(_l("Why no protective measure is needed now (kept encrypted)"), validators=[
        DataRequired(_l("Give the reasons why no measure is needed now.")), Length(max=TEXT_LIMIT)], **TEXT)


class StepDecisionForm(Form):
    decision = RadioField(_l("Your decision"), choices=[("confirm", _l("Confirm")), ("refuse", _l("Refuse"))],
                          validators=[DataRequired(_l("Choose whether you confirm or refuse."))])


class PartyForm(Form):
    kind = RadioField(_l("Who is this?"), choices=[("respondent", _l("A respondent")),
                                                  ("complainant", _l("A further complainant")),
                                                  ("witness", _l("A witness"))],
                      default="respondent", validators=[DataRequired(_l("Choose who this is."))])
    who = RadioField(_l("Staff member?"), choices=[
        ("account", _l("A staff member with an account here")),
        ("unit", _l("A staff member without an account here: their unit")),
        ("not_staff", _l("Not a staff member"))],
        validators=[DataRequired(_l("Say whether the person is a staff member."))])
    user_id = SelectField(_l("Staff account"), coerce=int, validate_choice=False, default=0)
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False, default=0)
    commands_unit = BooleanField(_l("Commands or heads this unit"))
    details = TextAreaField(_l("Name, rank, post, as known (kept encrypted)"),
                            validators=[Length(max=2000)], **TEXT)
    rank_band = SelectField(_l("Rank band"), choices=RANK_BANDS, default="")
    sex = SelectField(_l("Sex"), choices=SEXES, default="")


class HearingForm(Form):
    kind = RadioField(_l("Record"), choices=[("hearing", _l("Hearing minutes")),
                                             ("witness_statement", _l("Witness statement"))],
                      default="hearing", validators=[DataRequired(_l("Choose what kind of record this is."))])
    heard_role = SelectField(_l("Who was heard"), choices=[
        ("", _l("Choose")), ("complainant", _l("The complainant")), ("respondent", _l("A respondent")),
        ("witness", _l("A witness"))], validators=[DataRequired(_l("Choose who was heard."))])
    party_id = SelectField(_l("Which person (from the parties)"), choices=[("", _l("Not recorded as a party"))],
                           validate_choice=False, default="")
    held_on = DateField(_l("Date of the hearing"), validators=[DataRequired(_l("Give the date of the hearing."))])
    text = TextAreaField(_l("Minutes or statement (kept encrypted)"), validators=[
        DataRequired(_l("Write the minutes or the statement.")), Length(max=50_000)], **TEXT)


class HearingConfirmationForm(Form):
    confirmation = RadioField(_l("The person heard"), choices=[
        ("signed", _l("read and signed the record")), ("refused", _l("refused to sign"))],
        validators=[DataRequired(_l("Choose whether the person signed or refused to sign."))])
    remarks = TextAreaField(_l("Their remarks or corrections (kept encrypted)"),
                            validators=[Length(max=20_000)], **TEXT)


class MinutesConfirmationForm(Form):
    remarks = TextAreaField(_l("Corrections, if anything is missing or wrong (optional)"),
                            validators=[Length(max=20_000)], **TEXT)


STAFF_CHANNELS = [("paper", _l("On paper (a letter or a form)")), ("oral", _l("Orally (by telephone)")),
                  ("in_person", _l("In person, at a meeting")),
                  ("person_of_trust", _l("Through a person of trust"))]


class ReceivedComplaintForm(Form):
    """A complaint received outside this system, recorded by the staff member who received it."""

    channel = RadioField(_l("How was the complaint received?"), choices=STAFF_CHANNELS,
                         validators=[DataRequired(_l("Choose how the complaint was received."))])
    received_on = DateField(_l("Date it was received"), default=date.today, validators=[
        DataRequired(_l("Give the date the complaint was received."))])
    category = SelectField(_l("What happened?"), choices=[], validate_choice=False,
                           validators=[DataRequired(_l("Choose what best describes what happened."))])
    narrative = TextAreaField(_l("What the complainant reported (for an oral report: the minutes)"), validators=[
        DataRequired(_l("Write what the complainant reported.")), Length(max=20_000)], **TEXT)
    last_incident_on = DateField(_l("Date of the last incident (if known)"), validators=[Optional()])
    respondent = TextAreaField(_l("Who was involved (as the complainant said)"), validators=[Length(max=2000)], **TEXT)
    witnesses = TextAreaField(_l("Witnesses (optional)"), validators=[Length(max=2000)], **TEXT)
    wants = RadioField(_l("What does the complainant want?"), choices=[
        ("information", _l("First, information and advice")), ("informal", _l("An informal solution")),
        ("formal", _l("A formal investigation"))], default="formal",
        validators=[DataRequired(_l("Choose what the complainant wants."))])
    protection_needed = RadioField(_l("Did they ask for protection now?"), choices=[
        ("no", _l("No")), ("yes", _l("Yes"))], default="no")
    identity = RadioField(_l("Anonymous or with their name?"), choices=[
        ("anonymous", _l("Anonymous")), ("identified", _l("With their name"))], default="anonymous",
        validators=[DataRequired()])
    name = StringField(_l("Their name"), validators=[Length(max=200)], **TEXT)
    contact = StringField(_l("How to reach them"), validators=[Length(max=300)], **TEXT)

    def validate_received_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date can't be in the future."))
        if field.data and field.data < date(2000, 1, 1):
            raise ValidationError(_l("Check the date."))

    def validate_name(self, field):  # type: ignore[no-untyped-def]
        if self.identity.data == "identified" and not field.data:
            raise ValidationError(_l("Give their name, or record the complaint as anonymous."))
