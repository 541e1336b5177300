"""The coordinator's form to resolve the names a complainant excluded (views/exclusions)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets


class ExclusionsForm(FlaskForm):
    user_ids = SelectMultipleField(_l("Staff accounts these names mean"), coerce=int,
                                   validate_choice=False,
                                   widget=widgets.ListWidget(prefix_label=False),
                                   option_widget=widgets.CheckboxInput())
