from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, ValidationError

from ..services.consultations import OUTCOMES, SEXES
from . import translated_choices
from .base import Form

UNIT_GROUPS = [("", _l("Not recorded")), ("ministry", _l("Ministry")), ("general_staff", _l("General Staff")),
               ("land_forces", _l("Land forces")), ("air_force", _l("Air force")), ("navy", _l("Navy / river flotilla")),
               ("training", _l("Training and education")), ("logistics", _l("Logistics")), ("other", _l("Other"))]


class ConsultationForm(Form):
    held_on = DateField(_l("Date of the consultation"), default=date.today,
                        validators=[DataRequired(_l("Give the date."))])
    category = SelectField(_l("What it was about"), validators=[DataRequired(_l("Choose a category."))])
    unit_group = SelectField(_l("Unit group"), choices=UNIT_GROUPS, validate_choice=True)
    complainant_sex = SelectField(_l("Sex of the person (optional)"), choices=translated_choices(SEXES))
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Choose"))] + translated_choices(OUTCOMES),
                          validators=[DataRequired(_l("Choose the outcome."))])

    def validate_held_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date can't be in the future."))
