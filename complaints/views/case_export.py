"""The case file as a PDF (POST: an audited act with a choice, never a link to prefetch)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template
from markupsafe import Markup
from flask_login import current_user

from .. import workflow
from ..access import roles_required
from ..forms.cases import ExportForm
from ..services import case_export
from .cases import CASE_ROLES

bp = Blueprint("case_export", __name__)


@bp.post("/cases/<uuid:case_id>/export")
@roles_required(*CASE_ROLES)
def export(case_id) -> Response:  # type: ignore[no-untyped-def]
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    contents = case_export.prepare(current_user, case_id, include_notes=form.include_notes.data)
    done = case_export.finish(current_user, contents,
                              lambda c: render_template("cases/export.html", export=c, file=c.file,
                                                        case=c.file.case, workflow=workflow,
                                                        stylesheet=_stylesheet()))
    response = Response(done.pdf, mimetype="application/pdf")
    # The reference only: a file name never carries content.
    response.headers["Content-Disposition"] = f'attachment; filename="{done.filename}"'
    response.headers["Content-Length"] = str(len(done.pdf))
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response



def _stylesheet() -> Markup:
    """The PDF's styles, inlined (the renderer fetches nothing); a file of this application."""
    return Markup(Path(current_app.static_folder or "", "css", "case-file.css").read_text(encoding="utf-8"))
