"""Altered ciphertexts beyond the case fields (tests/web/test_integrity.py): evidence files
changed or lost on disk, and a damaged wrapped data key. Always the integrity page (409)
and an audit entry naming the place, never a 500 and never a download cut off half-way."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Attachment, AuditEntry, Case, DataKey
from tests import snapshot
from tests.web.conftest import csrf_token
from tests.web.test_track import filed, open_case

EVIDENCE = b"chat log text, line after line\n" * 4000  # several encrypted chunks


def stored_file(app) -> Path:
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
        return Path(app.config["ATTACHMENTS_DIR"]) / attachment.id.hex


def alarms(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEntry.detail).where(
            AuditEntry.action == "integrity.failure")).scalars())


def damage_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def damage_end(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-10])  # the last chunk cut off


@pytest.fixture()
def complainant_with_file(app, client):
    receipt = filed(client)
    open_case(client, receipt)
    client.post("/track/message", data={"csrf_token": csrf_token(client, "/track/case"),
                                        "body": "Here is the chat", "files": [(io.BytesIO(EVIDENCE), "chat.txt")]},
                content_type="multipart/form-data")
    href = client.get("/track/case").get_data(as_text=True).split('href="/track/files/')[1].split('"')[0]
    return f"/track/files/{href}"


def test_an_intact_file_downloads_whole(client, complainant_with_file):
    assert client.get(complainant_with_file).data == EVIDENCE


@pytest.mark.parametrize("damage", [damage_middle, damage_end, Path.unlink],
                         ids=["flipped bit", "cut off", "file lost"])
def test_a_damaged_file_shows_the_integrity_page_before_any_byte(app, client, complainant_with_file, damage):
    damage(stored_file(app))
    response = client.get(complainant_with_file)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "could not be verified" in page and "chat log text" not in page
    assert any("attachments|content" in detail for detail in alarms(app))
    with app.app_context():
        assert snapshot.audit_intact()
        # The failed read is not recorded as a read; the alarm is.
        reads = db.session.execute(select(AuditEntry).where(AuditEntry.action == "attachment.read")).all()
        assert reads == []


def test_a_damaged_file_for_staff(app, staff_client, client, complainant_with_file):
    from tests.factories import assign

    officer_client, officer = staff_client("officer")
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        attachment = db.session.execute(select(Attachment)).scalar_one()
        assign(case, db.session.merge(officer), "intake")
        url = f"/cases/{case.id}/files/{attachment.id}"
    damage_middle(stored_file(app))
    response = officer_client.get(url)
    assert response.status_code == 409 and "could not be verified" in response.get_data(as_text=True)
    assert any("attachments|content" in detail for detail in alarms(app))


def test_a_damaged_data_key_locks_the_whole_case_with_an_alarm(app, client):
    receipt = filed(client)
    with app.app_context():
        data_key = db.session.execute(select(DataKey)).scalar_one()
        wrapped = bytearray(data_key.wrapped)
        wrapped[-1] ^= 0x01
        data_key.wrapped = bytes(wrapped)
        db.session.commit()
    open_case(client, receipt)
    response = client.get("/track/case")
    assert response.status_code == 409
    assert any("data_keys" in detail for detail in alarms(app))
