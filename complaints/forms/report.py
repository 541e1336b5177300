"""The report form and the follow-up forms of a complainant (no account)."""
from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

NARRATIVE_LIMIT = 20_000
SHORT_LIMIT = 2_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value):  # type: ignore[no-untyped-def]
    """Strip control and bidirectional-override characters; keep newlines and tabs."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


TEXT = {"filters": [clean_text]}

RANK_BANDS = [("", "Don't know / prefer not to say"), ("enlisted", "Soldier / sailor / airman"),
              ("nco", "Non-commissioned officer"), ("junior_officer", "Junior officer"),
              ("senior_officer", "Senior officer"), ("general", "General / flag officer"),
              ("civilian", "Civilian employee")]
SEXES = [("", "Prefer not to say"), ("female", "Female"), ("male", "Male"), ("other", "Other")]
UNIT_GROUPS = [("", "Prefer not to say"), ("ministry", "Ministry"), ("general_staff", "General Staff"),
               ("land_forces", "Land forces"), ("air_force", "Air force and air defence"),
               ("navy", "Navy / river flotilla"), ("training", "Training and education"),
               ("logistics", "Logistics"), ("deployment", "On deployment abroad"), ("other", "Other")]


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReportForm(FlaskForm):
    category = RadioField("What happened?", validators=[DataRequired("Choose what best describes what happened.")])
    narrative = TextAreaField("Tell us what happened, in your own words", validators=[
        DataRequired("Please describe what happened."),
        Length(max=NARRATIVE_LIMIT, message=f"Please keep it under {NARRATIVE_LIMIT:,} characters; add more later as a message.")], **TEXT)
    last_incident_on = DateField("Date of the last incident (if you know it)", validators=[Optional()])
    incident_when = StringField("When, and how often? (optional)", validators=[Length(max=SHORT_LIMIT)], **TEXT)
    ongoing = BooleanField("It is still happening")
    unit_group = SelectField("Where do you serve?", choices=UNIT_GROUPS, default="")
    location = StringField("Where did it happen? (optional)", validators=[Length(max=SHORT_LIMIT)], **TEXT)
    respondent_rank_band = SelectField("The person's rank or position", choices=RANK_BANDS, default="")
    respondent_relation = RadioField("The person is your...", choices=[
        ("superior", "Superior"), ("peer", "Colleague of similar rank"), ("subordinate", "Subordinate"),
        ("other", "Other / don't know")], default="other")
    respondent_sex = SelectField("The person's sex (optional)", choices=SEXES, default="")
    respondent = TextAreaField("Who was involved? (optional)", validators=[Length(max=SHORT_LIMIT)], **TEXT)
    witnesses = TextAreaField("Witnesses (optional)", validators=[Length(max=SHORT_LIMIT)], **TEXT)
    wants = RadioField("What would you like to happen?", choices=[
        ("information", "First, information and advice about my options"),
        ("informal", "An informal solution (for example a conversation, or mediation where suitable)"),
        ("formal", "A formal investigation")], validators=[DataRequired("Choose what you would like to happen.")])
    protection_needed = RadioField("Do you need protection now?", choices=[
        ("no", "No"), ("yes", "Yes")], default="no")
    protection_details = TextAreaField("What protection do you need? (optional)",
                                       validators=[Length(max=SHORT_LIMIT)], **TEXT)
    files = MultipleFileField("Evidence files (optional)")
    keep_metadata = BooleanField("Keep the hidden information in my files as evidence")
    excluded_staff = CheckboxList("People who must never handle my case", coerce=int, validate_choice=False)
    excluded_other = TextAreaField("Others who must not handle my case (optional)",
                                   validators=[Length(max=SHORT_LIMIT)], **TEXT)
    identity = RadioField("Anonymous or with your name?", choices=[
        ("anonymous", "Stay anonymous"), ("identified", "Give my name and a way to reach me")],
        default="anonymous", validators=[DataRequired()])
    name = StringField("Your name", validators=[Length(max=200)], **TEXT)
    contact = StringField("How we can reach you (phone or e-mail)", validators=[Length(max=300)], **TEXT)
    on_behalf = BooleanField("I am reporting on behalf of someone else")
    on_behalf_consent = BooleanField("The person concerned agreed that I report this for them")
    complainant_sex = SelectField("Your sex (optional, for statistics only)", choices=SEXES, default="")
    complainant_rank_band = SelectField("Your rank band (optional, for statistics only)", choices=RANK_BANDS, default="")

    def validate_last_incident_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and field.data > date.today():
            raise ValidationError("The date can't be in the future.")

    def validate_name(self, field):  # type: ignore[no-untyped-def]
        if self.identity.data == "identified" and not field.data:
            raise ValidationError("Give your name, or choose to stay anonymous.")

    def validate_contact(self, field):  # type: ignore[no-untyped-def]
        if self.identity.data == "identified" and not field.data:
            raise ValidationError("Give a way to reach you, or choose to stay anonymous.")

    def validate_on_behalf_consent(self, field):  # type: ignore[no-untyped-def]
        if self.on_behalf.data and not field.data:
            raise ValidationError("Reporting for someone else needs their agreement.")


class TrackForm(FlaskForm):
    receipt = StringField("Your receipt code", validators=[DataRequired("Enter your receipt code."),
                                                           Length(max=64)],
                          render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                     "spellcheck": "false"})


class ComplainantMessageForm(FlaskForm):
    body = TextAreaField("Your message or new information", validators=[
        DataRequired("Write your message first."), Length(max=NARRATIVE_LIMIT)], **TEXT)
    files = MultipleFileField("Files (optional)")
    keep_metadata = BooleanField("Keep the hidden information in my files as evidence")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Your reasons", validators=[Length(max=NARRATIVE_LIMIT)], **TEXT)


class RevealForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired("Give your name."), Length(max=200)], **TEXT)
    contact = StringField("How we can reach you", validators=[DataRequired("Give a way to reach you."),
                                                              Length(max=300)], **TEXT)
    understood = BooleanField("I understand this can't be undone",
                              validators=[DataRequired("Please confirm you understand.")])


class RetaliationForm(FlaskForm):
    narrative = TextAreaField("What happened since you reported?", validators=[
        DataRequired("Please describe what happened."), Length(max=NARRATIVE_LIMIT)], **TEXT)


class CheckinForm(FlaskForm):
    answer = RadioField("Has anything happened since?", choices=[
        ("nothing", "No, nothing has happened"),
        ("retaliation", "Yes: I have been treated worse because I reported"),
        ("repeat", "Yes: the behaviour happened again")],
        validators=[DataRequired("Choose an answer.")])
    details = TextAreaField("What happened? (if anything)", validators=[Length(max=NARRATIVE_LIMIT)], **TEXT)
