"""Public pages that need no account."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..access import public

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def home() -> str:
    return render_template("public/home.html")
