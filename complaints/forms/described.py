"""What a submitted field is, found from the form classes: its label and whether it holds
typed text, a choice, or something the page filled in. Used to show a kept form again
(views/kept_forms.py) without knowing which form of a page it came from."""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from importlib import import_module
from typing import Iterable

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, RadioField,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.fields.core import UnboundField

from .base import Form

TEXT_FIELDS = (TextAreaField, StringField, EmailField)  # typed by the person
CHOICE_FIELDS = (SelectField, SelectMultipleField, RadioField, BooleanField, DateField, IntegerField)
PREFIX = re.compile(r"^[\w]+-(?=\w)")


@dataclass(frozen=True)
class Described:
    name: str
    value: str
    label: str          # "" when the field is unknown or has none
    kind: str           # "textarea", "text" (one line), "choice" (shown as chosen), "hidden"
    shown_value: str    # for a choice: the option's label


def _forms_of(blueprint: str) -> list[type[FlaskForm]]:
    try:
        module = import_module(f"complaints.forms.{blueprint}")
    except ImportError:
        return []
    return [cls for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, FlaskForm) and cls not in (FlaskForm, Form)]


def _fields_of(form: type[FlaskForm]) -> dict[str, UnboundField]:
    return {name: value for name, value in inspect.getmembers(form) if isinstance(value, UnboundField)}


def _label(unbound: UnboundField) -> str:
    label = unbound.kwargs.get("label", unbound.args[0] if unbound.args else "")
    return str(label) if label else ""


def _choice_label(unbound: UnboundField, value: str) -> str:
    if unbound.field_class is BooleanField or issubclass(unbound.field_class, BooleanField):
        return ""
    for code, label in unbound.kwargs.get("choices") or []:
        if str(code) == value:
            return str(label)
    return value


def _kind(unbound: UnboundField | None, value: str) -> str:
    if unbound is None:  # a field of a hand-written form: text if it reads like text
        return "textarea" if ("\n" in value or " " in value.strip() or len(value) > 40) else "hidden"
    field_class = unbound.field_class
    if issubclass(field_class, TextAreaField):
        return "textarea"
    if issubclass(field_class, TEXT_FIELDS):
        return "text"
    if issubclass(field_class, HiddenField):
        return "hidden"
    if issubclass(field_class, CHOICE_FIELDS):
        return "choice"
    return "hidden"


def describe(blueprint: str, fields: Iterable[tuple[str, str]]) -> list[Described]:
    """Each (name, value) as sent to a view of ``blueprint``, described from the form class of
    that area whose fields best match what was sent."""
    fields = list(fields)
    names = {PREFIX.sub("", name) for name, _ in fields}
    forms = sorted(_forms_of(blueprint), key=lambda form: -len(names & set(_fields_of(form))))
    described = []
    for name, value in fields:
        bare = PREFIX.sub("", name)
        unbound = next((_fields_of(form)[n] for form in forms for n in (name, bare) if n in _fields_of(form)), None)
        kind = _kind(unbound, value)
        label = _label(unbound) if unbound is not None else ""
        shown = _choice_label(unbound, value) if unbound is not None and kind == "choice" else value
        described.append(Described(name=name, value=value, label=label, kind=kind, shown_value=shown))
    return described


def holds_typed_text(described: Iterable[Described]) -> bool:
    return any(d.kind in ("textarea", "text") and d.value.strip() for d in described)
