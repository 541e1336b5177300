"""Errors tied to their fields, for the form macros (templates/macros.html) and the page title.

A screen reader hears a control's label, then its description: the hint and every error of
that field, linked by ``aria-describedby``, with ``aria-invalid`` while an error stands. The
error summary links to the field: the control, or a group's fieldset, so that the question
and its error come into view (static/js/error-summary.js then puts the focus in the control).
The title counts the errors of the page, the first thing read after a form comes back.
"""
from __future__ import annotations

from typing import Any, Iterable

from flask import Blueprint, get_flashed_messages
from jinja2 import pass_context
from jinja2.runtime import Context
from wtforms import Field, Form

bp = Blueprint("form_errors", __name__)

# An expired token is explained by the page, not as a field error; None holds form-wide errors.
NOT_SHOWN = {"csrf_token", None}


@bp.app_template_global()
def hint_id(field: Field) -> str:
    return f"{field.id}-hint"


@bp.app_template_global()
def error_ids(field: Field) -> list[str]:
    return [f"{field.id}-error-{number}" for number in range(1, len(field.errors) + 1)]


@bp.app_template_global()
def described_by(field: Field, hint: object = None, *own: str | None) -> dict[str, str]:
    """aria-describedby (hint, errors, then the option's own hint) and aria-invalid."""
    ids = ([hint_id(field)] if hint else []) + error_ids(field) + [i for i in own if i]
    attributes = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


@bp.app_template_global()
def summary_errors(forms: Iterable[Form]) -> list[tuple[str, str]]:
    """(target id, message) for every error of these forms, in the order of their fields."""
    return [(form[name].id, message)
            for form in forms for name, messages in form.errors.items() if name not in NOT_SHOWN
            for message in messages]


def _forms_in(values: Iterable[Any]) -> list[Form]:
    found: list[Form] = []
    for value in values:
        if isinstance(value, Form):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(v for v in value if isinstance(v, Form))
        elif isinstance(value, dict):
            found.extend(v for v in value.values() if isinstance(v, Form))
    return found


@bp.app_template_global()
@pass_context
def page_error_count(context: Context) -> int:
    """Errors shown on this page: every field error of the forms it was given, and error
    messages flashed to it."""
    forms = {id(form): form for form in _forms_in(context.get_all().values())}.values()
    field_errors = sum(len(messages) for form in forms for name, messages in form.errors.items()
                       if name not in NOT_SHOWN)
    return field_errors + len(get_flashed_messages(category_filter=["error"]))
