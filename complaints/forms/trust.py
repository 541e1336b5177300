from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, ValidationError

from ..services.consultations import OUTCOMES, SEXES

UNIT_GROUPS = [("", "Not recorded"), ("ministry", "Ministry"), ("general_staff", "General Staff"),
               ("land_forces", "Land forces"), ("air_force", "Air force"), ("navy", "Navy / river flotilla"),
               ("training", "Training and education"), ("logistics", "Logistics"), ("other", "Other")]


class ConsultationForm(FlaskForm):
    held_on = DateField("Date of the consultation", default=date.today,
                        validators=[DataRequired("Give the date.")])
    category = SelectField("What it was about", validators=[DataRequired("Choose a category.")])
    unit_group = SelectField("Unit group", choices=UNIT_GROUPS, validate_choice=True)
    complainant_sex = SelectField("Sex of the person (optional)", choices=list(SEXES.items()))
    outcome = SelectField("Outcome", choices=[("", "Choose")] + list(OUTCOMES.items()),
                          validators=[DataRequired("Choose the outcome.")])

    def validate_held_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and field.data > date.today():
            raise ValidationError("The date can't be in the future.")
