"""The whole case file as a PDF, for a formal proceeding (court, disciplinary board, inspector).

Only an assignee with intake or decision capacity may export (policy: ``case.export``). The
content is read through case_file / case_access like the case page (the ``case.read`` audit
entry, purpose "export"), and each finished export is its own ``case.export`` audit entry
holding the PDF's SHA-256, so a copy produced later in a proceeding can be matched to the
export it came from. The evidence manifest lists each file with the SHA-256 taken when it
arrived (chain of custody).
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from .. import pdf
from ..extensions import db
from .case_access import AttachmentView, staff_case
from .case_file import CaseFile, TimelineEntry, open_case_file
from . import auditing


@dataclass(frozen=True)
class ManifestEntry:
    number: int
    attachment: AttachmentView
    sha256: str | None     # hex digest taken at receipt, when recorded


@dataclass(frozen=True)
class ExportContents:
    file: CaseFile
    include_notes: bool
    timeline: list[TimelineEntry]
    manifest: list[ManifestEntry]
    exported_at: datetime


@dataclass(frozen=True)
class Export:
    filename: str
    pdf: bytes
    sha256: str


def prepare(user: Any, case_id: uuid.UUID | str, *, include_notes: bool) -> ExportContents:
    """What the PDF shows; CaseNotFound unless ``user`` may export this case."""
    staff_case(user, case_id, "case.export")
    case_file = open_case_file(user, case_id, purpose="export", panel=False)
    internal = {m.id for m in case_file.content.messages if m.internal}
    timeline = [entry for entry in case_file.timeline if include_notes or entry.kind != "note"]
    files = [a for a in case_file.content.attachments
             if include_notes or a.message_id is None or a.message_id not in internal]
    manifest = [ManifestEntry(n, a, _receipt_hash(a.id)) for n, a in enumerate(files, start=1)]
    return ExportContents(case_file, include_notes, timeline, manifest, datetime.now(timezone.utc))


def finish(user: Any, contents: ExportContents, render: Callable[[ExportContents], str]) -> Export:
    """Render the PDF from the HTML ``render`` gives, and audit the export."""
    case = contents.file.case
    document = pdf.html_to_pdf(render(contents))
    digest = hashlib.sha256(document).hexdigest()
    auditing.record("case.export", case_id=case.id, actor=auditing.actor_for(user),
                    detail={"format": "pdf", "notes": contents.include_notes,
                            "files": len(contents.manifest), "sha256": digest})
    db.session.commit()
    return Export(f"{case.reference}.pdf", document, digest)


def _receipt_hash(attachment_id: uuid.UUID) -> str | None:
    """The SHA-256 recorded when the file arrived (``attachments.sha256``), if this
    installation records it; None prints as "not recorded"."""
    from ..models import Attachment

    row = db.session.get(Attachment, attachment_id)
    value = getattr(row, "sha256", None)
    return value if isinstance(value, str) and len(value) == 64 else None
