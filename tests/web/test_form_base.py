"""The forms' base (complaints/forms/base.py) writes the common fields itself and keeps
WTForms' catalogues: what a person gets must be exactly what WTForms and Flask-WTF would give
them. Every field of every form of the app, with hostile values, is held to the bytes of
WTForms' own widget; and WTForms' messages come in the page's language."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import i18n as flask_wtf_i18n
from wtforms import (BooleanField, FileField, HiddenField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField)
from wtforms.validators import DataRequired, Length
from wtforms.meta import DefaultMeta
from wtforms.widgets import DateInput, ListWidget, NumberInput, Select

import complaints.forms
from complaints.forms.base import KEPT_CATALOGUES, Form

HOSTILE = [("", "Choose"), ("a\"b", "<script>alert('x')</script> & co"), ("<i>", ""),
           ("plain", "Ordinary label")]
HOSTILE_NUMBERS = [(0, "Choose"), (3, "<script>alert('x')</script> & \"co\""), (12, "")]


def every_form_class() -> list[type[Form]]:
    for module in pkgutil.iter_modules(complaints.forms.__path__):
        importlib.import_module(f"complaints.forms.{module.name}")
    for name in ("complaints.views.statistics", "complaints.views.audit"):
        importlib.import_module(name)
    found, todo = [], [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def wtforms_writes(field, attributes: dict) -> str:  # type: ignore[no-untyped-def]
    """The field as WTForms' own Meta writes it: its render_kw under the call's attributes."""
    return str(DefaultMeta().render_field(field, dict(attributes)))


def plain_selects(form: Form) -> list:
    return [f for f in form if type(f.widget) is Select and not f.widget.multiple]


def test_every_select_of_the_app_is_written_as_wtforms_writes_it(app) -> None:
    forms = every_form_class()
    assert len(forms) > 40  # the app's forms were found, not an empty list
    checked = 0
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        for form_class in forms:
            form = form_class(formdata=None)
            for field in plain_selects(form):
                if not field.choices:
                    field.choices = HOSTILE_NUMBERS if field.coerce is int else HOSTILE
                for data in (None, field.choices[-1][0] if isinstance(field.choices, list) else None):
                    field.data = data
                    for attributes in ({}, {"aria_describedby": "x-hint x-error", "class_": "wide"}):
                        assert str(field(**attributes)) == wtforms_writes(field, attributes), \
                            (form_class.__name__, field.name)
                checked += 1
    assert checked > 20


HOSTILE_TEXT = "<script>alert('x')</script> & \"quoted\" \r\n second line"
ATTRIBUTES = ({}, {"aria_describedby": "x-hint x-error", "class_": "wide", "data_x": "<\">",
                   "required": False, "autofocus": True})


def test_every_field_of_the_app_is_written_as_wtforms_writes_it(app) -> None:
    """Inputs, text areas, checkboxes and radio options (each option through the form's own
    rendering), with the field's data empty, hostile and, for a checkbox, ticked."""
    kinds: set[str] = set()
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        for form_class in every_form_class():
            form = form_class(formdata=None)
            for field in form:
                if isinstance(field.widget, ListWidget):  # radios, checkbox lists: their options
                    if not field.choices:
                        field.choices = HOSTILE_NUMBERS if field.coerce is int else HOSTILE
                    last = field.choices[-1][0]
                    field.data = [last] if isinstance(field, SelectMultipleField) else last
                    rendered = list(field)
                else:
                    rendered = [field]
                for data in (None, HOSTILE_TEXT, True):
                    if not isinstance(field.widget, (ListWidget, Select, DateInput, NumberInput)):
                        field.data = data  # (WTForms itself can't write a date or number that is text)
                    for one in rendered:
                        for attributes in ATTRIBUTES:
                            assert str(one(**dict(attributes))) == wtforms_writes(one, attributes), \
                                (form_class.__name__, one.name, type(one.widget).__name__, data)
                        kinds.add(type(one.widget).__name__)
    assert {"TextInput", "HiddenInput", "PasswordInput", "EmailInput", "CheckboxInput", "RadioInput",
            "FileInput", "TextArea", "Select"} <= kinds, kinds


def test_hostile_inputs_are_written_byte_for_byte(app) -> None:
    """Fields built to reach every branch: a flag set by a validator (maxlength), a password
    never written back, a ticked box, a hidden value with quotes, a file field."""
    class Hostile(Form):
        text = StringField("Text", validators=[DataRequired(), Length(min=2, max=40)],
                           render_kw={"placeholder": "<\"&>"})
        secret = PasswordField("Secret")
        ticked = BooleanField("Ticked")
        hidden = HiddenField()
        upload = FileField("Upload")
        choose = RadioField("Choose", choices=HOSTILE)

    with app.test_request_context("/"):
        form = Hostile(formdata=None, data={"text": HOSTILE_TEXT, "secret": "hunter2", "ticked": True,
                                            "hidden": "a\"b<c>", "choose": "a\"b"})
        for field in [form.text, form.secret, form.ticked, form.hidden, form.upload, *form.choose]:
            for attributes in ATTRIBUTES:
                mine, theirs = str(field(**dict(attributes))), wtforms_writes(field, attributes)
                assert mine == theirs, (field.name, mine, theirs)
        assert "hunter2" not in str(form.secret()) and 'maxlength="40"' in str(form.text())
        assert "checked" in str(form.ticked()) and "<script>" not in str(form.text())


@pytest.mark.parametrize("choices, data", [
    (HOSTILE, "a\"b"),                                   # escaped values and labels, one selected
    ([(True, "Yes"), (False, "No")], True),             # booleans are written as words
    ([(0, "Choose"), (7, "Seven"), (12, None)], 7),     # integers; a missing label shows the value
    ([("x", "X", {"disabled": True}), ("y", "Y")], "y"),  # an option of its own: WTForms writes it
    ({"Group": [("x", "X"), ("y", "Y")]}, "x"),  # groups: WTForms writes them
])
def test_a_hostile_select_is_written_byte_for_byte(app, choices, data) -> None:
    class Hostile(Form):
        pick = SelectField("Pick", coerce=lambda v: v, validators=[DataRequired()],
                           render_kw={"data_x": "<\">"})

    with app.test_request_context("/"):
        form = Hostile(formdata=None)
        form.pick.choices = choices
        form.pick.data = data
        mine, theirs = str(form.pick(disabled=False, aria_invalid="true")), \
            str(Select()(form.pick, **{"data_x": "<\">", "disabled": False, "aria_invalid": "true"}))
        assert mine == theirs
        assert "required" in mine and "<script>" not in mine


@pytest.mark.parametrize("language", ["sr-Latn", "en", "sq"])
def test_wtforms_messages_come_in_the_pages_language(app, language) -> None:
    """The kept catalogue answers as Flask-WTF's per-request one does, language by language,
    and a second request in another language is not given the first one's."""
    message = "Not a valid choice."
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert KEPT_CATALOGUES.gettext(message) == flask_wtf_i18n.translations.gettext(message)
        assert KEPT_CATALOGUES.ngettext("Field must be at least %(min)d character long.",
                                        "Field must be at least %(min)d characters long.", 3) == \
            flask_wtf_i18n.translations.ngettext("Field must be at least %(min)d character long.",
                                                 "Field must be at least %(min)d characters long.", 3)
    with app.test_request_context("/", headers={"Accept-Language": "sr-Latn"}):
        serbian = KEPT_CATALOGUES.gettext(message)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert KEPT_CATALOGUES.gettext(message) == message != serbian


def test_a_refused_choice_is_told_in_serbian(app) -> None:
    """Through a form: WTForms' own message for a choice that is not on the list."""
    class Pick(Form):
        class Meta:
            csrf = False
        pick = SelectField("Pick", choices=[("a", "A")])

    with app.test_request_context("/", method="POST", data={"pick": "zzz"},
                                  headers={"Accept-Language": "sr-Latn"}):
        form = Pick()
        assert not form.validate()
        assert form.pick.errors == [flask_wtf_i18n.translations.gettext("Not a valid choice.")]
        assert form.pick.errors != ["Not a valid choice."]
