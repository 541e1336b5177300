"""Staff messages to the complainant and internal notes, with files, through real requests."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Attachment, Message
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token, form_fields


def officer_on_a_case(app, staff_client, **case_fields):  # type: ignore[no-untyped-def]
    client, officer = staff_client("officer")
    with app.app_context():
        case, receipt = make_case(**case_fields)
        assign(case, db.session.merge(officer), "intake")
        return client, case.id, receipt


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_message_with_a_file_is_stored_with_its_file(app, staff_client) -> None:
    client, case_id, _ = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = client.post(f"{page}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "body": "The summons is attached.",
        "files": (io.BytesIO(b"Interview on Monday."), "summons.txt")})
    assert response.status_code == 302, response.get_data(as_text=True)[-600:]
    with app.app_context():
        message = db.session.execute(select(Message)).scalar_one()
        attachment = db.session.execute(select(Attachment)).scalar_one()
        assert attachment.message_id == message.id and not message.internal


def test_a_file_too_large_is_refused_and_the_text_is_kept(app, staff_client) -> None:
    app.config["MAX_UPLOAD_MB"] = 1
    client, case_id, _ = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = client.post(f"{page}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, page), "body": "Text I spent an hour writing.",
        "files": (io.BytesIO(b"x" * (1024 * 1024 + 1)), "scan.txt")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "larger than 1 MB" in html and "Text I spent an hour writing." in html
    with app.app_context():
        assert count(Message) == 0 and count(Attachment) == 0
    assert list(Path(app.config["ATTACHMENTS_DIR"]).iterdir()) == []  # no orphan file either


def test_a_note_has_its_own_form_and_never_reaches_the_complainant(app, staff_client, client) -> None:
    officer, case_id, receipt = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = officer.post(f"{page}/notes", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(officer, page), "note-body": "Witness list; keep internal.",
        "note-files": (io.BytesIO(b"W1, W2"), "witnesses.txt")})
    assert response.status_code == 302
    with app.app_context():
        note = db.session.execute(select(Message)).scalar_one()
        assert note.internal
        assert db.session.execute(select(Attachment)).scalar_one().message_id == note.id
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    seen = client.get("/track/case").get_data(as_text=True)
    assert "Witness list" not in seen and "witnesses.txt" not in seen


def test_an_empty_note_keeps_the_message_being_written_apart(app, staff_client) -> None:
    officer, case_id, _ = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = officer.post(f"{page}/notes", data={"csrf_token": csrf_token(officer, page), "note-body": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Write the note first." in html
    with app.app_context():
        assert count(Message) == 0


def test_a_preview_sends_nothing_and_keeps_the_text(app, staff_client, client) -> None:
    officer, case_id, receipt = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    text = "Dear colleague,\nthe hearing is on <Monday>."
    response = officer.post(f"{page}/messages", data={
        "csrf_token": csrf_token(officer, page), "body": text, "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: the complainant will read this" in html
    assert html.count("the hearing is on &lt;Monday&gt;.") == 2  # the preview, and the form
    with app.app_context():
        assert count(Message) == 0
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    assert "hearing" not in client.get("/track/case").get_data(as_text=True)


def test_a_page_from_before_the_split_never_sends_a_note_to_the_complainant(app, staff_client) -> None:
    officer, case_id, _ = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    response = officer.post(f"{page}/messages", data={
        "csrf_token": csrf_token(officer, page), "body": "Internal: the respondent's file.",
        "internal": "y"})
    assert response.status_code == 400
    assert "Internal: the respondent&#39;s file." in response.get_data(as_text=True)
    with app.app_context():
        assert count(Message) == 0


def test_a_preview_with_files_says_they_must_be_chosen_again(app, staff_client) -> None:
    officer, case_id, _ = officer_on_a_case(app, staff_client)
    page = f"/cases/{case_id}"
    without = officer.post(f"{page}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(officer, page), "body": "Hello.", "preview": "1",
        "files": (io.BytesIO(b""), "")}).get_data(as_text=True)
    assert "choose them again" not in without
    with_file = officer.post(f"{page}/messages", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(officer, page), "body": "Hello.", "preview": "1",
        "files": (io.BytesIO(b"x"), "scan.txt")}).get_data(as_text=True)
    assert "choose them again before you send" in with_file
