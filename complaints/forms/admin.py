from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..models import ROLES
from .base import Form

# An id a database column can hold; a larger number would overflow the driver (a 500).
DATABASE_ID = NumberRange(min=0, max=2**31 - 1, message=_l("Choose from the list."))

ROLE_LABELS = {
    "officer": _l("Complaint officer (intake)"), "investigator": _l("Investigator"), "mediator": _l("Mediator"),
    "decision": _l("Decision maker"), "appeal": _l("Appeal authority"), "trust": _l("Person of trust"),
    "coordinator": _l("Coordinator"), "gem": _l("Gender equality mechanism analyst"),
    "auditor": _l("Auditor"), "admin": _l("Administrator"),
}


class RolesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AccountForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(_l("Choose a user name.")), Length(max=64)])
    display_name = StringField(_l("Name shown to colleagues"), validators=[Optional(), Length(max=120)])
    # A plain shape check: WTForms' Email() needs the email_validator package (not a
    # dependency), without which it raised on every address (a 500).
    email = EmailField(_l("E-mail (deadline reminders only)"), validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an address like name@example.org.")),
        Length(max=254)])
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False, validators=[DATABASE_ID])
    roles = RolesField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired(_l("Choose at least one role."))])


class RolesForm(Form):
    roles = RolesField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES],
                       validators=[DataRequired(_l("Choose at least one role."))])


class UnitForm(Form):
    name = StringField(_l("Unit name"), validators=[DataRequired(_l("Give the unit's name.")), Length(max=200)])
    unit_group = StringField(_l("Unit group (used in statistics)"),
                             validators=[DataRequired(_l("Give the group.")), Length(max=60)])
    parent_id = SelectField(_l("Next level up the chain of command"), coerce=int, validate_choice=False,
                            validators=[DATABASE_ID])


class ActionForm(Form):
    """A button that needs only CSRF protection."""


class LegalHoldForm(Form):
    reference = StringField(_l("Case reference"), validators=[
        DataRequired(_l("Give the case's reference.")), Length(max=32)])
    reason = StringField(_l("Why the case must be kept"), validators=[
        DataRequired(_l("Say why the case must be kept (for example the court's order).")),
        Length(max=500)])
