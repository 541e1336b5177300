from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired("Enter your user name."),
                                                    Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=256)])


class CodeForm(FlaskForm):
    code = StringField("Six-digit code from your authenticator app",
                       validators=[DataRequired("Enter the code."), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[DataRequired("Choose a new password."), Length(max=256)])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Repeat the new password."), EqualTo("new", "The two new passwords differ.")])
    code = StringField("Six-digit code from your authenticator app",
                       validators=[DataRequired("Enter the code.")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
