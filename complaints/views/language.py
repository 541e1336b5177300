"""The language switcher: a plain link that stores the choice and goes back to the page."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request

from .. import i18n
from ..access import public

bp = Blueprint("language", __name__)


@bp.get("/language/<code>")
@public
def choose(code: str):  # type: ignore[no-untyped-def]
    language = i18n.BY_CODE.get(code)
    if language is None:
        abort(404)
    response = redirect(i18n.safe_return_path(request.args.get("next")))
    return i18n.remember(response, language)
