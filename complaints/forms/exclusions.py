"""The coordinator's form to resolve the names a complainant excluded (views/exclusions)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, widgets

from .base import Form


class ExclusionsForm(Form):
    user_ids = SelectMultipleField(_l("Staff accounts these names mean"), coerce=int,
                                   validate_choice=False,
                                   widget=widgets.ListWidget(prefix_label=False),
                                   option_widget=widgets.CheckboxInput())
