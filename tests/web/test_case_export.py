"""The case file as a PDF: only the intake officer and the decision maker of the case, an
audit entry per export, a confidentiality header on every page, the reader's language, notes
only when chosen, the evidence manifest with SHA-256 at receipt, nothing fetched, no-store."""
from __future__ import annotations

import hashlib
import io
import json
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from complaints import pdf
from complaints.extensions import db
from complaints.models import Attachment, AuditEntry, Message, User
from complaints.services import case_export, casework, transitions
from complaints.services.case_access import CaseNotFound, cipher_for
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


@pytest.fixture()
def exported_case(app, staff_client):
    """A case with an intake officer (signed in), content, a note, a message and a file."""
    client, officer = staff_client("officer", username="olivera")
    with app.app_context():
        officer = db.session.get(User, officer.id)
        case, _ = make_case(narrative="canary-narrative <img src='file:///etc/hostname'>")
        assign(case, officer, "intake")
        transitions.perform(officer, case.id, "acknowledge",
                            transitions.TransitionInputs(reason="canary-reason"), None)
        casework.send_message(officer, case.id, "canary-message to the complainant", internal=False, files=[])
        note = casework.send_message(officer, case.id, "canary-note for staff", internal=True)
        attachment = Attachment(id=uuid.uuid4(), case_id=case.id, message_id=note.id, uploaded_by_kind="staff",
                                uploaded_by_id=officer.id, content_type="text/plain", size=13, filename_enc=b"")
        attachment.filename_enc = cipher_for(case).seal("attachments", "filename_enc", attachment.id,
                                                        "note-evidence.txt")
        db.session.add(attachment)
        message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="complainant", body_enc=b"")
        message.body_enc = cipher_for(case).seal("messages", "body_enc", message.id, "canary-complainant")
        db.session.add(message)
        db.session.commit()
        case_id, reference = case.id, case.reference
    return client, case_id, reference


def export(client, case_id, *, notes=False, path=None):
    token = csrf_token(client, f"/cases/{case_id}")
    data = {"csrf_token": token}
    if notes:
        data["include_notes"] = "y"
    return client.post(path or f"/cases/{case_id}/export", data=data)


def pages_text(response) -> list[str]:
    reader = PdfReader(io.BytesIO(response.data))
    return [page.extract_text() for page in reader.pages]


def test_the_intake_officer_exports_the_whole_case_file(app, exported_case):
    client, case_id, reference = exported_case
    response = export(client, case_id)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{reference}.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    text = "\n".join(pages_text(response))
    for expected in ("canary-narrative", "canary-reason", "canary-message", "canary-complainant",
                     "The report", "Parties", "Timeline and messages", "Protective measures",
                     "Decisions and procedure records", "Evidence files", "Internal notes are not included."):
        assert expected in text, expected
    assert "canary-note" not in text and "note-evidence.txt" not in text
    assert "<img" in text  # hostile markup in content is printed as text, never interpreted


def test_notes_and_their_files_only_when_chosen(exported_case):
    client, case_id, _ = exported_case
    text = "\n".join(pages_text(export(client, case_id, notes=True)))
    assert "canary-note for staff" in text and "note-evidence.txt" in text
    assert "Internal notes are included." in text


def test_a_confidentiality_header_on_every_page(app, exported_case):
    client, case_id, reference = exported_case
    with app.app_context():  # a long case: many pages
        officer = db.session.execute(select(User).where(User.username == "olivera")).scalar_one()
        for n in range(12):
            casework.send_message(officer, case_id, f"long message {n} " + "words " * 400, internal=False, files=[])
    pages = pages_text(export(client, case_id))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"CONFIDENTIAL: case file {reference}" in text, number
        assert f"{number} / {len(pages)}" in text, number


def test_every_export_is_audited_with_the_pdfs_fingerprint(app, exported_case):
    client, case_id, _ = exported_case
    response = export(client, case_id, notes=True)
    with app.app_context():
        entries = db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.export")).scalars().all()
        assert len(entries) == 1 and entries[0].case_id == case_id
        detail = json.loads(entries[0].detail)
        assert detail["sha256"] == hashlib.sha256(response.data).hexdigest()
        assert detail["notes"] is True
        assert "canary" not in entries[0].detail
        reads = db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.read")).scalars().all()
        assert any(json.loads(e.detail).get("purpose") == "export" for e in reads)


def test_the_export_is_in_the_readers_language(exported_case):
    client, case_id, reference = exported_case
    client.set_cookie("complaints_lang", "sq")
    text = "\n".join(pages_text(export(client, case_id)))
    assert "The report" not in text and reference in text
    client.set_cookie("complaints_lang", "sr-Cyrl")
    text = "\n".join(pages_text(export(client, case_id)))
    assert any("\u0400" <= ch <= "\u04ff" for ch in text)  # Cyrillic glyphs drawn, not boxes


@pytest.mark.parametrize("roles,capacity", [(["investigator"], "investigator"), (["mediator"], "mediator"),
                                            (["trust"], "trust"), (["appeal"], "appeal")])
def test_other_capacities_may_not_export(app, staff_client, roles, capacity):
    client, user = staff_client(*roles)
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.get(User, user.id), capacity)
        case_id = case.id
    assert client.get(f"/cases/{case_id}").status_code == 200  # they do read the case
    assert "/export" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert export(client, case_id).status_code == 404


def test_the_decision_maker_may_export_and_nobody_unassigned(app, staff_client):
    decider, decider_user = staff_client("decision")
    coordinator, _ = staff_client("coordinator")
    admin, _ = staff_client("admin", username="boss")
    officer, _ = staff_client("officer", username="unassigned_officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.get(User, decider_user.id), "decision")
        case_id = case.id
    assert export(decider, case_id).status_code == 200
    for outsider in (coordinator, admin, officer):
        token = csrf_token(outsider, "/account/password")
        response = outsider.post(f"/cases/{case_id}/export", data={"csrf_token": token})
        assert response.status_code == 404
    with app.app_context():
        assert len(db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.export")).all()) == 1


def test_no_get_no_csrf_no_export(app, exported_case):
    client, case_id, _ = exported_case
    assert client.get(f"/cases/{case_id}/export").status_code == 405
    assert client.post(f"/cases/{case_id}/export", data={}).status_code == 400
    with app.app_context():
        assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.export")).first() is None


def test_the_manifest_shows_the_sha256_taken_at_receipt(app, exported_case):
    """The files branch records Attachment.sha256 at receipt; the manifest prints it when
    present and says "not recorded" otherwise."""
    _, case_id, _ = exported_case
    with app.test_request_context():
        from flask_login import login_user

        officer = db.session.execute(select(User).where(User.username == "olivera")).scalar_one()
        login_user(officer)
        attachment = db.session.execute(select(Attachment).where(Attachment.case_id == case_id)).scalar_one()
        digest = hashlib.sha256(b"internal file").hexdigest()
        attachment.sha256 = digest  # a column on the files branch; an attribute here
        contents = case_export.prepare(officer, case_id, include_notes=True)
        assert [item.sha256 for item in contents.manifest] == [digest]
        attachment.sha256 = "not a digest"
        assert case_export.prepare(officer, case_id, include_notes=True).manifest[0].sha256 is None
        with pytest.raises(CaseNotFound):
            case_export.prepare(officer, uuid.uuid4(), include_notes=False)
    if "sha256" in Attachment.__table__.c:
        return  # the column exists: the PDF test below reads what was stored at receipt
    client, _, _ = exported_case
    assert "not recorded" in "\n".join(pages_text(export(client, case_id, notes=True)))


def test_the_renderer_fetches_nothing(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d"
                                     "49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
    document = pdf.html_to_pdf(f"<p>x</p><img src='file://{secret}'><img src='http://127.0.0.1:9/x.png'>"
                               f"<link rel=stylesheet href='file:///etc/passwd'>")
    reader = PdfReader(io.BytesIO(document))
    assert all(not page.images for page in reader.pages)
    with pytest.raises(pdf.FetchRefused):
        pdf._closed_fetcher().fetch(f"file://{secret}")
