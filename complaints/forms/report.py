"""The report form and the follow-up forms of a complainant (no account)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_decimal, lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.fields import EmailField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..metadata import ACCEPT
from .base import Form

NARRATIVE_LIMIT = 20_000
SHORT_LIMIT = 2_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value):  # type: ignore[no-untyped-def]
    """Strip control and bidirectional-override characters; keep newlines and tabs."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


TEXT = {"filters": [clean_text]}

RANK_BANDS = [("", _l("Don't know / prefer not to say")), ("enlisted", _l("Soldier / sailor / airman")),
              ("nco", _l("Non-commissioned officer")), ("junior_officer", _l("Junior officer")),
              ("senior_officer", _l("Senior officer")), ("general", _l("General / flag officer")),
              ("civilian", _l("Civilian employee"))]
SEXES = [("", _l("Prefer not to say")), ("female", _l("Female")), ("male", _l("Male")), ("other", _l("Other"))]
UNIT_GROUPS = [("", _l("Prefer not to say")), ("ministry", _l("Ministry")), ("general_staff", _l("General Staff")),
               ("land_forces", _l("Land forces")), ("air_force", _l("Air force and air defence")),
               ("navy", _l("Navy / river flotilla")), ("training", _l("Training and education")),
               ("logistics", _l("Logistics")), ("deployment", _l("On deployment abroad")), ("other", _l("Other"))]


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProofFields(Form):
    """The proof of work a public form carries (services/abuse.py): the server's signed
    challenge, and the browser's answer (empty without JavaScript)."""

    # An empty label: a field without one asks for WTForms' own catalogue on every request.
    proof_challenge = HiddenField("")
    proof_nonce = HiddenField("")


class ReportForm(ProofFields):
    category = RadioField(_l("What happened?"), validators=[DataRequired(_l("Choose what best describes what happened."))])
    narrative = TextAreaField(_l("Tell us what happened, in your own words (required)"), validators=[
        DataRequired(_l("Please describe what happened.")),
        Length(max=NARRATIVE_LIMIT, message=_l("Please keep it under %(limit)s characters; add more later as a message.", limit=LazyString(format_decimal, NARRATIVE_LIMIT)))], **TEXT)
    last_incident_on = DateField(_l("Date of the last incident (if you know it)"), validators=[Optional()])
    incident_when = StringField(_l("When, and how often? (optional)"), validators=[Length(max=SHORT_LIMIT)], **TEXT)
    ongoing = BooleanField(_l("It is still happening"))
    unit_group = SelectField(_l("Where do you serve?"), choices=UNIT_GROUPS, default="")
    location = StringField(_l("Where did it happen? (optional)"), validators=[Length(max=SHORT_LIMIT)], **TEXT)
    respondent_rank_band = SelectField(_l("The person's rank or position"), choices=RANK_BANDS, default="")
    respondent_relation = RadioField(_l("The person is your..."), choices=[
        ("superior", _l("Superior")), ("peer", _l("Colleague of similar rank")), ("subordinate", _l("Subordinate")),
        ("other", _l("Other / don't know"))], default="other")
    respondent_sex = SelectField(_l("The person's sex (optional)"), choices=SEXES, default="")
    respondent = TextAreaField(_l("Who was involved? (optional)"), validators=[Length(max=SHORT_LIMIT)], **TEXT)
    witnesses = TextAreaField(_l("Witnesses (optional)"), validators=[Length(max=SHORT_LIMIT)], **TEXT)
    wants = RadioField(_l("What would you like to happen? (required)"), choices=[
        ("information", _l("First, information and advice about my options")),
        ("informal", _l("An informal solution (for example a conversation, or mediation where suitable)")),
        ("formal", _l("A formal investigation"))], validators=[DataRequired(_l("Choose what you would like to happen."))])
    protection_needed = RadioField(_l("Do you need protection now?"), choices=[
        ("no", _l("No")), ("yes", _l("Yes"))], default="no")
    protection_details = TextAreaField(_l("What protection do you need? (optional)"),
                                       validators=[Length(max=SHORT_LIMIT)], **TEXT)
    files = MultipleFileField(_l("Evidence files (optional)"), render_kw={"accept": ACCEPT})
    keep_metadata = BooleanField(_l("Keep the hidden information in my files as evidence"))
    excluded_other = TextAreaField(_l("People who must never handle my case (optional)"),
                                   validators=[Length(max=SHORT_LIMIT)], **TEXT)
    identity = RadioField(_l("Anonymous or with your name?"), choices=[
        ("anonymous", _l("Stay anonymous")), ("identified", _l("Give my name and a way to reach me"))],
        default="anonymous", validators=[DataRequired()])
    name = StringField(_l("Your name"), validators=[Length(max=200)], **TEXT)
    contact = StringField(_l("How we can reach you (phone or e-mail)"), validators=[Length(max=300)], **TEXT)
    on_behalf = BooleanField(_l("I am reporting on behalf of someone else"))
    on_behalf_consent = BooleanField(_l("The person concerned agreed that I report this for them"))
    complainant_sex = SelectField(_l("Your sex (optional, for statistics only)"), choices=SEXES, default="")
    complainant_rank_band = SelectField(_l("Your rank band (optional, for statistics only)"), choices=RANK_BANDS, default="")

    def validate_last_incident_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date can't be in the future."))

    def validate_name(self, field):  # type: ignore[no-untyped-def]
        if self.identity.data == "identified" and not field.data:
            raise ValidationError(_l("Give your name, or choose to stay anonymous."))

    def validate_contact(self, field):  # type: ignore[no-untyped-def]
        if self.identity.data == "identified" and not field.data:
            raise ValidationError(_l("Give a way to reach you, or choose to stay anonymous."))

    def validate_on_behalf_consent(self, field):  # type: ignore[no-untyped-def]
        if self.on_behalf.data and not field.data:
            raise ValidationError(_l("Reporting for someone else needs their agreement."))


class TrackForm(ProofFields):
    receipt = StringField(_l("Your receipt code"), validators=[DataRequired(_l("Enter your receipt code.")),
                                                           Length(max=64)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                     "spellcheck": "false"})
    # What the person was writing when their case closed for inactivity, carried through the
    # sign-in and put back in the same form (never stored before the receipt is checked).
    draft_kind = HiddenField()
    draft = HiddenField(filters=[clean_text], validators=[Length(max=NARRATIVE_LIMIT)])


class ComplainantMessageForm(Form):
    body = TextAreaField(_l("Your message or new information"), validators=[
        DataRequired(_l("Write your message first.")), Length(max=NARRATIVE_LIMIT)], **TEXT)
    files = MultipleFileField(_l("Files (optional)"), render_kw={"accept": ACCEPT})
    keep_metadata = BooleanField(_l("Keep the hidden information in my files as evidence"))


class ReasonForm(Form):
    reason = TextAreaField(_l("Your reasons"), validators=[Length(max=NARRATIVE_LIMIT)], **TEXT)


class RevealForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Give your name.")), Length(max=200)], **TEXT)
    contact = StringField(_l("How we can reach you"), validators=[DataRequired(_l("Give a way to reach you.")),
                                                              Length(max=300)], **TEXT)
    understood = BooleanField(_l("I understand this can't be undone"),
                              validators=[DataRequired(_l("Please confirm you understand."))])


class RetaliationForm(Form):
    narrative = TextAreaField(_l("What happened since you reported?"), validators=[
        DataRequired(_l("Please describe what happened.")), Length(max=NARRATIVE_LIMIT)], **TEXT)


class CheckinForm(Form):
    answer = RadioField(_l("Has anything happened since?"), choices=[
        ("nothing", _l("No, nothing has happened")),
        ("retaliation", _l("Yes: I have been treated worse because I reported")),
        ("repeat", _l("Yes: the behaviour happened again"))],
        validators=[DataRequired(_l("Choose an answer."))])
    details = TextAreaField(_l("What happened? (if anything)"), validators=[Length(max=NARRATIVE_LIMIT)], **TEXT)


class ReplyNoticeForm(Form):
    # A plain shape check, as on the account form (no email_validator dependency).
    address = EmailField(_l("E-mail address for the notice"), validators=[
        DataRequired(_l("Enter the e-mail address to write to.")),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an address like name@example.org.")),
        Length(max=254)], render_kw={"autocomplete": "off", "spellcheck": "false"}, **TEXT)
    understood = BooleanField(_l("I understand that anyone who reads this mailbox can see that I "
                                 "use this service"),
                              validators=[DataRequired(_l("Please confirm you understand the risk."))])
