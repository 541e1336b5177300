"""The auditor's page: who did what when (never content), and the chain's verification."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timezone

from flask import Blueprint, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Select, select
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from .. import audit
from ..access import roles_required
from ..extensions import db
from ..instance import keyring
from ..models import AuditEntry
from ..services import auditing
from ..forms.base import Form

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100
MAX_PAGE = 100_000  # keeps OFFSET within what the database accepts
_NEWEST_FIRST = select(AuditEntry).order_by(AuditEntry.seq.desc())


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # GET filters hold no content

    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    case_id = StringField(_l("Case id"), validators=[Optional(), Length(max=40)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


@bp.get("/audit")
@roles_required("auditor")
def log():  # type: ignore[no-untyped-def]
    form = AuditFilterForm(request.args)
    form.validate()
    query = _NEWEST_FIRST
    if form.actor.data:
        query = query.where(AuditEntry.actor == form.actor.data.strip())
    if form.action.data:
        query = query.where(AuditEntry.action.startswith(form.action.data.strip()))
    if form.case_id.data:
        try:
            query = query.where(AuditEntry.case_id == uuid.UUID(form.case_id.data.strip()))
        except ValueError:
            form.case_id.errors = [gettext("Not a case id.")]
    if form.since.data:
        query = query.where(AuditEntry.at >= datetime.combine(form.since.data, time.min, timezone.utc))
    if form.until.data:
        query = query.where(AuditEntry.at <= datetime.combine(form.until.data, time.max, timezone.utc))
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    return render_template("audit/log.html", form=form, entries=_page_of(query, page), page=page,
                           page_size=PAGE_SIZE, verify_form=Form(), result=None)


def _page_of(query: Select, page: int) -> list[AuditEntry]:  # type: ignore[type-arg]
    return list(db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())


@bp.post("/audit/verify")
@roles_required("auditor")
def verify():  # type: ignore[no-untyped-def]
    result = audit.verify(db.session, keyring().audit_key)
    auditing.record("audit.verify", detail={"ok": result.ok, "entries": result.entries})
    db.session.commit()
    form = AuditFilterForm(formdata=None)
    # The result above the latest entries (this verification first), as the log shows them.
    latest = _page_of(_NEWEST_FIRST, 1)
    return render_template("audit/log.html", form=form, entries=latest, page=1, page_size=PAGE_SIZE,
                           verify_form=Form(), result=result)
