"""Staff messages to the complainant and internal notes, with files, through real requests."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Attachment, Message
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


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
