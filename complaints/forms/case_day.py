"""Forms of the officers' and coordinators' day: internal notes, recusal and ending an
assignment (confirmed, with a reason), category correction, risk assessment, notifications."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .. import assignment_reasons, triage
from . import translated_choices
from .report import clean_text
from ..metadata import ACCEPT
from .base import Form

TEXT_LIMIT = 20_000
TEXT = {"filters": [clean_text]}


class NoteForm(Form):
    body = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write the note first.")),
                                                 Length(max=TEXT_LIMIT)])
    files = MultipleFileField(_l("Files (optional)"), render_kw={"accept": ACCEPT})


class RecusalForm(Form):
    reason = RadioField(_l("Why do you recuse yourself?"),
                        choices=translated_choices(assignment_reasons.RECUSAL_REASONS),
                        validators=[DataRequired(_l("Choose the reason for your recusal."))])
    note = TextAreaField(_l("Anything the next person should know (optional, kept encrypted)"),
                         validators=[Length(max=assignment_reasons.NOTE_LIMIT)], **TEXT)


class EndAssignmentForm(Form):
    reason = SelectField(_l("Why does the assignment end?"),
                         choices=[("", _l("Choose"))] + translated_choices(assignment_reasons.END_REASONS),
                         validators=[DataRequired(_l("Choose the reason the assignment ends."))])
    note = TextAreaField(_l("Note for the people assigned to the case (optional, kept encrypted)"),
                         validators=[Length(max=assignment_reasons.NOTE_LIMIT)], **TEXT)


class CategoryForm(Form):
    category = SelectField(_l("Correct category"), validate_choice=False,
                           validators=[DataRequired(_l("Choose the correct category."))])
    reason = TextAreaField(_l("Why the category changes (kept encrypted)"),
                           validators=[DataRequired(_l("Give the reason for the correction.")),
                                       Length(max=TEXT_LIMIT)], **TEXT)
    version = IntegerField(validators=[InputRequired()])


class RiskForm(Form):
    retaliation = RadioField(_l("Risk of retaliation against the complainant"),
                             choices=translated_choices(triage.RISK_LEVELS),
                             validators=[DataRequired(_l("Choose the risk of retaliation."))])
    repeat = RadioField(_l("Risk that the conduct happens again"),
                        choices=translated_choices(triage.RISK_LEVELS),
                        validators=[DataRequired(_l("Choose the risk of repeat conduct."))])
    note = TextAreaField(_l("What the assessment rests on (kept encrypted)"),
                         validators=[Length(max=TEXT_LIMIT)], **TEXT)


class NotificationSettingsForm(Form):
    email = BooleanField(_l("Also send me an e-mail when something new arrives (it says only the "
                            "case reference and the kind of event, never what the case says)"))


class MarkReadForm(Form):
    """"Mark all as read": a button that needs only CSRF protection."""
