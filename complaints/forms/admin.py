from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from ..models import ROLES

# An id a database column can hold; a larger number would overflow the driver (a 500).
DATABASE_ID = NumberRange(min=0, max=2**31 - 1, message="Choose from the list.")

ROLE_LABELS = {
    "officer": "Complaint officer (intake)", "investigator": "Investigator", "mediator": "Mediator",
    "decision": "Decision maker", "appeal": "Appeal authority", "trust": "Person of trust",
    "coordinator": "Coordinator", "gem": "Gender equality mechanism analyst",
    "auditor": "Auditor", "admin": "Administrator",
}


class RolesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AccountForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired("Choose a user name."), Length(max=64)])
    display_name = StringField("Name shown to colleagues", validators=[Optional(), Length(max=120)])
    # A plain shape check: WTForms' Email() needs the email_validator package (not a
    # dependency), without which it raised on every address (a 500).
    email = EmailField("E-mail (deadline reminders only)", validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an address like name@example.org."),
        Length(max=254)])
    unit_id = SelectField("Unit", coerce=int, validate_choice=False, validators=[DATABASE_ID])
    roles = RolesField("Roles", choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired("Choose at least one role.")])
    password = PasswordField("Initial password", validators=[DataRequired("Set an initial password.")])
    confirm = PasswordField("Initial password again",
                            validators=[EqualTo("password", "The two passwords differ.")])


class RolesForm(FlaskForm):
    roles = RolesField("Roles", choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired("Choose at least one role.")])


class UnitForm(FlaskForm):
    name = StringField("Unit name", validators=[DataRequired("Give the unit's name."), Length(max=200)])
    unit_group = StringField("Unit group (used in statistics)",
                             validators=[DataRequired("Give the group."), Length(max=60)])
    parent_id = SelectField("Next level up the chain of command", coerce=int, validate_choice=False,
                            validators=[DATABASE_ID])


class ActionForm(FlaskForm):
    """A button that needs only CSRF protection."""
