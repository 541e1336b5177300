from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(_l("Enter your user name.")),
                                                    Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                     Length(max=256)])


class CodeForm(FlaskForm):
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a new password.")), Length(max=256)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Repeat the new password.")), EqualTo("new", _l("The two new passwords differ."))])
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
