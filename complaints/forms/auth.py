from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .base import Form


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[DataRequired(_l("Enter your user name.")),
                                                    Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                     Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class CodeForm(Form):
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a new password.")), Length(max=256)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Repeat the new password.")), EqualTo("new", _l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class WelcomeForm(Form):
    """The one-time link's page: the person's own password and authenticator."""

    password = PasswordField(_l("Choose a password"), validators=[
        DataRequired(_l("Choose a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the code.")), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasskeyNameForm(Form):
    name = StringField(_l("A name for this passkey (for example: work laptop)"),
                       validators=[Length(max=60)], render_kw={"autocomplete": "off"})


class TurnOffTotpForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
