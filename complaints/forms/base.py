"""The base of every form here: Flask-WTF's, with the costs of a page's forms taken out.

A case page builds about a dozen forms and writes about forty fields with fifty options.
Flask-WTF read WTForms' message catalogue from its file again in every request that built a
form, and WTForms writes every attribute of every field and option through a general
formatter (about 70 µs a field: an account list of 500 staff took 10 ms of every intake
officer's case page).
- The catalogue of each language is read once per process and kept (WTForms' messages
  change only with the installed package).
- The common widgets (text, hidden, password, e-mail, checkbox, radio and file inputs, text
  areas, plain selects) are written out directly, to the very bytes WTForms writes:
  tests/web/test_form_base.py holds every field of every form of the app, with hostile
  values, to WTForms' own widget. Anything else (dates, numbers, an option with its own
  attributes, groups of options) goes through WTForms.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.i18n import messages_path
from wtforms.widgets import (CheckboxInput, EmailInput, FileInput, HiddenInput, PasswordInput,
                             RadioInput, Select, TextArea, TextInput)
from wtforms.widgets.core import clean_key


@lru_cache(maxsize=32)  # one per language: the locale comes from the instance's own list
def _catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _KeptCatalogues:
    """WTForms' messages in the request's language, as Flask-WTF's ``translations`` gives them."""

    @staticmethod
    def _here() -> support.NullTranslations:
        locale = get_locale()
        return _catalogue(str(locale)) if locale is not None else support.NullTranslations()

    def gettext(self, string: str) -> str:
        return self._here().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._here().ungettext(singular, plural, n)


KEPT_CATALOGUES = _KeptCatalogues()


def attributes_html(**attributes: Any) -> str:
    """``wtforms.widgets.html_params``, written with f-strings instead of a formatter."""
    written = []
    for key, value in sorted(attributes.items()):
        key = clean_key(key)
        if value is True:
            written.append(str(escape(key)))
        elif value is not False:
            written.append(f'{escape(key)}="{escape(value)}"')
    return " ".join(written)


def _validation_flags(field: Any, widget: Any, attributes: dict[str, Any], call: bool) -> None:
    """The widget's validation attributes the field's flags set (``required``, ``maxlength``)."""
    present = dir(field.flags)
    for name in widget.validation_attrs:
        if name not in attributes and name in present:
            value = getattr(field.flags, name)
            attributes[name] = value() if call and callable(value) else value


def render_select(field: Any, attributes: dict[str, Any]) -> Markup:
    """What ``wtforms.widgets.Select()(field, **attributes)`` writes, for a single select."""
    choices = field.iter_choices()
    if field.has_groups() or any(choice.render_kw for choice in choices):
        return field.widget(field, **attributes)
    attributes.setdefault("id", field.id)
    _validation_flags(field, field.widget, attributes, call=False)
    html = [f"<select {attributes_html(name=field.name, **attributes)}>"]
    for choice in choices:
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        html.append(f'<option {selected}value="{escape(value)}">{escape(choice.label or choice.value)}</option>')
    html.append("</select>")
    return Markup("".join(html))


def render_input(field: Any, attributes: dict[str, Any]) -> Markup:
    """What WTForms' ``Input`` widgets of _INPUTS write (their ``__call__`` is Input's, after
    what each sets first)."""
    widget = field.widget
    kind = type(widget)
    if kind is CheckboxInput:
        if getattr(field, "checked", field.data):
            attributes.setdefault("checked", True)
    elif kind is RadioInput:
        if field.checked:
            attributes.setdefault("checked", True)
    elif kind is PasswordInput:
        if widget.hide_value:
            attributes["value"] = ""
    elif kind is FileInput:
        attributes["value"] = False
        if widget.multiple:
            attributes["multiple"] = True
    attributes.setdefault("id", field.id)
    attributes.setdefault("type", widget.input_type)
    if "value" not in attributes:
        attributes["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in attributes:
        attributes["list"] = datalist if isinstance(datalist, str) else datalist.id
    _validation_flags(field, widget, attributes, call=True)
    return Markup(f"<input {attributes_html(name=field.name, **attributes)}>")


def render_textarea(field: Any, attributes: dict[str, Any]) -> Markup:
    """What ``wtforms.widgets.TextArea()(field, **attributes)`` writes."""
    attributes.setdefault("id", field.id)
    _validation_flags(field, field.widget, attributes, call=False)
    return Markup(f"<textarea {attributes_html(name=field.name, **attributes)}>\r\n"
                  f"{escape(field._value())}</textarea>")


_INPUTS = (TextInput, HiddenInput, PasswordInput, EmailInput, CheckboxInput, RadioInput, FileInput)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return KEPT_CATALOGUES

        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Markup:
            kind = type(field.widget)
            if kind in _INPUTS:
                render = render_input
            elif kind is TextArea:
                render = render_textarea
            elif kind is Select and not field.widget.multiple:
                render = render_select
            else:
                return super().render_field(field, render_kw)
            return render(field, {**(getattr(field, "render_kw", None) or {}), **render_kw})
