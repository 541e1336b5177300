"""Evidence files through every door: /report, the complainant's messages, staff messages.
Every refused file is named; files that could not be fully cleaned are named to the sender
right after sending and marked for staff; each stored file's SHA-256 is shown on the case
page and matches what is downloaded; uploads never wait in clear on disk."""
from __future__ import annotations

import hashlib
import html
import io
import re
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import select

from complaints import spool
from complaints.extensions import db
from complaints.models import Attachment, Case
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token
from tests.web.test_report import CANARY, jpeg_with_exif, receipt_from, report_data
from tests.web.test_track import filed, open_case

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_embedded_object() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body/></w:document>')
        z.writestr("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0 an embedded spreadsheet by Marko")
    return buffer.getvalue()


def post_report(client, files, **fields):
    data = report_data(client, **fields)
    data["files"] = files
    return client.post("/report", data=data, content_type="multipart/form-data")


def errors_of(response) -> list[str]:
    return [html.unescape(e) for e in re.findall(r'class="error-message"[^>]*>(.*?)</span>',
                                                 response.get_data(as_text=True), re.S)]


def test_a_file_named_as_an_accepted_kind_but_holding_another_says_so(app, client):
    """A program renamed to .pdf, or a PDF too broken to be recognised: "This type of file is
    not accepted. Accepted: ... PDF ..." left a person looking at their .pdf and the word PDF."""
    response = post_report(client, [(io.BytesIO(b"MZ\x90\x00binary\x00\x00"), "statement.pdf")])
    assert response.status_code == 400
    errors = " ".join(errors_of(response))
    assert "“statement.pdf”: This file is named like a kind we accept, but what it holds is not one" in errors
    assert "Accepted:" not in errors


def test_every_refused_file_is_named_with_why(app, client):
    response = post_report(client, [(io.BytesIO(b"MZ\x90\x00binary\x00\x00"), "tool.exe"),
                                    (io.BytesIO(b"fine notes"), "notes.txt"),
                                    (io.BytesIO(b""), "empty.txt"),
                                    (io.BytesIO(b"\xff\xd8\xff\xe1\x00\x10Exif-cut"), "broken.jpg")],
                           witnesses="My colleague Marko")
    assert response.status_code == 400
    errors = " ".join(errors_of(response))
    assert "“tool.exe”: This type of file is not accepted" in errors
    assert "“empty.txt” is empty" in errors
    assert "“broken.jpg”: This file seems damaged" in errors
    assert "notes.txt" not in errors
    page = response.get_data(as_text=True)
    assert CANARY in page and "My colleague Marko" in page  # nothing typed is lost
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None
        assert db.session.execute(select(Attachment)).first() is None
    assert list(Path(app.config["ATTACHMENTS_DIR"]).iterdir()) == []


def test_more_files_than_allowed_at_once_are_refused_plainly(client):
    files = [(io.BytesIO(b"note %d" % i), f"note{i}.txt") for i in range(11)]
    response = post_report(client, files)
    assert response.status_code == 400
    assert any("at most 10 files at once" in e for e in errors_of(response))


def test_the_receipt_page_names_files_that_could_not_be_fully_cleaned(app, client):
    response = post_report(client, [(io.BytesIO(jpeg_with_exif()), "photo.jpg"),
                                    (io.BytesIO(docx_with_embedded_object()), "statement.docx")])
    receipt, page = receipt_from(client, response)
    text = html.unescape(page.get_data(as_text=True))
    assert "We could not remove all hidden information" in text
    assert "statement.docx" in text and "photo.jpg" not in text
    with app.app_context():
        rows = {r.content_type: r for r in db.session.execute(select(Attachment)).scalars()}
        docx = rows["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
        assert not docx.metadata_removed and docx.metadata_status == "partial" and docx.metadata_left == "embedded"
        assert rows["image/jpeg"].metadata_removed and rows["image/jpeg"].metadata_status == "removed"
    # Shown once: the notice does not come back.
    assert "statement.docx" not in client.get("/report/sent").get_data(as_text=True)


def test_a_message_with_a_file_that_could_not_be_cleaned_says_so(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    token = csrf_token(client, "/track/case")
    response = client.post("/track/message", data={
        "csrf_token": token, "body": "Here is the statement",
        "files": [(io.BytesIO(docx_with_embedded_object()), "statement.docx")]},
        content_type="multipart/form-data", follow_redirects=True)
    text = html.unescape(response.get_data(as_text=True))
    assert "Your message was sent" in text
    assert "We could not remove all hidden information" in text and "from: statement.docx." in text


def test_staff_files_are_checked_cleaned_and_fingerprinted(app, staff_client):
    client, officer = staff_client("officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.merge(officer), "intake")
        case_id = case.id
    token = csrf_token(client, f"/cases/{case_id}")
    response = client.post(f"/cases/{case_id}/messages", data={
        "csrf_token": token, "body": "The photo you asked about",
        "files": [(io.BytesIO(jpeg_with_exif()), "photo.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(select(Attachment)).scalar_one()
        assert row.uploaded_by_kind == "staff" and row.metadata_status == "removed"
        assert row.content_type == "image/jpeg" and len(row.sha256) == 64
        attachment_id, digest = row.id, row.sha256
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert digest in page and "hidden information removed" in page
    download = client.get(f"/cases/{case_id}/files/{attachment_id}")
    assert hashlib.sha256(download.data).hexdigest() == digest
    assert b"GPS-SECRET" not in download.data


def test_staff_files_of_a_refused_type_are_refused_with_the_text_kept(app, staff_client):
    client, officer = staff_client("officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.merge(officer), "intake")
        case_id = case.id
    token = csrf_token(client, f"/cases/{case_id}")
    response = client.post(f"/cases/{case_id}/messages", data={
        "csrf_token": token, "body": "Draft decision letter",
        "files": [(io.BytesIO(b"MZ\x90\x00binary\x00"), "tool.exe")]}, content_type="multipart/form-data")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "“tool.exe”: This type of file is not accepted" in text and "Draft decision letter" in text
    with app.app_context():
        assert db.session.execute(select(Attachment)).first() is None


def test_the_case_page_marks_a_file_that_is_not_fully_cleaned(app, client, staff_client):
    receipt_from(client, post_report(client, [(io.BytesIO(docx_with_embedded_object()), "statement.docx")]))
    staff, officer = staff_client("officer")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assign(case, db.session.merge(officer), "intake")
        case_id = case.id
    page = html.unescape(staff.get(f"/cases/{case_id}").get_data(as_text=True))
    assert "hidden information partly removed (embedded or linked files, objects or macros)" in page


def test_uploads_wait_on_disk_only_encrypted(app, client, monkeypatch, tmp_path):
    """A 3 MB upload is spooled to disk while the request is parsed: only ciphertext lands there."""
    folder = tmp_path / "spool"
    folder.mkdir()
    spooled: list[Path] = []

    def visible_temporary_file(*args, **kwargs):
        handle = tempfile.NamedTemporaryFile(dir=folder, delete=False)
        spooled.append(Path(handle.name))
        return handle

    # Every temporary file (werkzeug's spooling would use one too) becomes one we can read.
    monkeypatch.setattr(tempfile, "TemporaryFile", visible_temporary_file)
    secret = (CANARY + " ").encode() * (3 * 1024 * 1024 // (len(CANARY) + 1))
    receipt_from(client, post_report(client, [(io.BytesIO(secret), "notes.txt")]))
    assert spooled, "a 3 MB upload should be spooled, encrypted, to disk"
    on_disk = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert len(on_disk) > 2 * 1024 * 1024 and CANARY.encode() not in on_disk


def test_the_spool_refuses_ciphertext_changed_on_disk(tmp_path):
    store = spool.EncryptedSpool(directory=str(tmp_path))
    store.write(b"a" * (3 * spool.CHUNK) + b"end")
    store.seek(0)
    assert store.read() == b"a" * (3 * spool.CHUNK) + b"end"
    store._file.seek(20)
    store._file.write(b"X")
    store.seek(0)
    try:
        store.read()
    except spool.SpoolTampered:
        pass
    else:
        raise AssertionError("a changed chunk must not be read")
    store.close()


def test_a_file_too_large_for_the_store_after_cleaning_is_refused_by_name(app, client, monkeypatch):
    from complaints.crypto import FileTooLarge
    from complaints.services import evidence

    def refuse(*args, **kwargs):
        raise FileTooLarge(1)

    monkeypatch.setattr(evidence.attachment_store, "save", refuse)
    response = post_report(client, [(io.BytesIO(jpeg_with_exif()), "photo.jpg")])
    assert response.status_code == 400
    assert any("“photo.jpg” is too large" in e for e in errors_of(response))
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None
