"""The base of every form here: Flask-WTF's, with two costs of a page's forms taken out.

A case page builds about fifteen forms and renders about fifty select options. Flask-WTF
reads WTForms' message catalogue from its file again in every request that builds a form,
and WTForms renders each option through a general attribute formatter (about 20 µs an
option: an account list of 500 staff took 10 ms of every intake officer's case page).
- The catalogue of each language is read once per process and kept (WTForms' messages
  change only with the installed package).
- A plain select is written out directly, to the very bytes WTForms writes
  (tests/unit/test_form_base.py holds the two equal); anything else, an option with its own
  attributes or a group of options, goes through WTForms' own widget.
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
from wtforms.widgets import Select, html_params


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


def render_select(field: Any, attributes: dict[str, Any]) -> Markup:
    """What ``wtforms.widgets.Select()(field, **attributes)`` writes, for a single select."""
    choices = field.iter_choices()
    if field.has_groups() or any(choice.render_kw for choice in choices):
        return field.widget(field, **attributes)
    attributes.setdefault("id", field.id)
    flags = field.flags
    for name in Select.validation_attrs:
        if name not in attributes and name in dir(flags):
            attributes[name] = getattr(flags, name)
    html = [f"<select {html_params(name=field.name, **attributes)}>"]
    for choice in choices:
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        html.append(f'<option {selected}value="{escape(value)}">{escape(choice.label or choice.value)}</option>')
    html.append("</select>")
    return Markup("".join(html))


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return KEPT_CATALOGUES

        def render_field(self, field: Any, render_kw: dict[str, Any]) -> Markup:
            widget = field.widget
            if type(widget) is Select and not widget.multiple:
                return render_select(field, {**(getattr(field, "render_kw", None) or {}), **render_kw})
            return super().render_field(field, render_kw)
