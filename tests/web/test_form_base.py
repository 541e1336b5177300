"""The forms' base (complaints/forms/base.py) writes selects itself and keeps WTForms'
catalogues: what a person gets must be exactly what WTForms and Flask-WTF would give them.
Every select of every form of the app, with hostile labels and values, is held to the bytes
of WTForms' own widget; and WTForms' messages come in the page's language."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import i18n as flask_wtf_i18n
from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.widgets import Select

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
                        assert str(field(**attributes)) == str(field.widget(field, **attributes)), \
                            (form_class.__name__, field.name)
                checked += 1
    assert checked > 20


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
