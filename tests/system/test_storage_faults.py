"""The attachment store is full or not writable: a clear message, nothing saved (no rows,
no stored or partial files), the audit log intact. The complainant keeps what they wrote."""
from __future__ import annotations

import errno
import html
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints import attachments
from complaints.extensions import db
from complaints.models import AuditEntry
from tests import snapshot
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token
from tests.web.test_report import CANARY, report_data
from tests.web.test_track import filed, open_case

FILES = [(b"first evidence file " * 200, "first.txt"), (b"second evidence file " * 200, "second.txt")]


class FullDisk:
    """The store's disk fills up after ``budget`` bytes: writes then fail with ENOSPC,
    as the kernel reports it."""

    def __init__(self, budget: int):
        self.budget = budget
        self.real_fdopen = os.fdopen

    def fdopen(self, fd, *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = self.real_fdopen(fd, *args, **kwargs)
        disk, real_write = self, handle.write

        def write(data):  # type: ignore[no-untyped-def]
            if len(data) > disk.budget:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            disk.budget -= len(data)
            return real_write(data)

        handle.write = write
        return handle


@pytest.fixture(params=["disk full after the first file", "folder not writable"])
def broken_store(request, app, monkeypatch, tmp_path):
    if request.param.startswith("disk full"):
        monkeypatch.setattr(attachments.os, "fdopen", FullDisk(budget=len(FILES[0][0]) + 200).fdopen)
    else:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the store's folder should be")
        app.config["ATTACHMENTS_DIR"] = str(blocker / "attachments")  # ENOTDIR, even for root
    return request.param


def uploads():
    return [(io.BytesIO(data), name) for data, name in FILES]


def assert_nothing_saved(app, before, pages_shown_again: int = 0):
    """No row and no file added; only the audited read of a page shown again with the error."""
    with app.app_context():
        after = snapshot.take(app.config["ATTACHMENTS_DIR"])
        changed = before.changed_tables(after)
        assert changed == ({"audit_entries": pages_shown_again} if pages_shown_again else {})
        if pages_shown_again:
            newest = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.seq.desc())
                                        .limit(pages_shown_again)).scalars().all()
            assert set(newest) == {"case.read"}
        assert after.files == before.files  # the first file was removed again, no .part left
        assert snapshot.audit_intact()


def test_report_with_files_keeps_the_text_and_saves_nothing(app, client, broken_store):
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    data = report_data(client, witnesses="My colleague Marko", files=uploads())
    response = client.post("/report", data=data, content_type="multipart/form-data")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 503
    assert "can't be stored just now" in page and "Nothing was sent" in page
    assert CANARY in page and "My colleague Marko" in page  # what they wrote is still there
    assert_nothing_saved(app, before)


def test_complainant_message_with_files(app, client, broken_store, monkeypatch):
    monkeypatch.undo()  # file the report itself while the store works
    good_dir = app.config["ATTACHMENTS_DIR"]
    receipt = filed(client)
    open_case(client, receipt)
    if broken_store.startswith("disk full"):
        monkeypatch.setattr(attachments.os, "fdopen", FullDisk(budget=len(FILES[0][0]) + 200).fdopen)
    else:
        app.config["ATTACHMENTS_DIR"] = str(Path(good_dir) / "missing" / "deeper")
    token = csrf_token(client, "/track/case")
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    response = client.post("/track/message", data={
        "csrf_token": token, "body": "New evidence attached", "files": uploads()},
        content_type="multipart/form-data")
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    assert "can't be stored just now" in page and "New evidence attached" in page
    assert_nothing_saved(app, before, pages_shown_again=1)


def test_staff_message_with_files(app, staff_client, broken_store):
    client, officer = staff_client("officer")
    with app.app_context():
        case, _ = make_case()
        assign(case, db.session.merge(officer), "intake")
        case_id = case.id
    token = csrf_token(client, f"/cases/{case_id}")
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    response = client.post(f"/cases/{case_id}/messages", data={
        "csrf_token": token, "body": "Report attached", "files": uploads()},
        content_type="multipart/form-data")
    assert response.status_code == 503
    page = html.unescape(response.get_data(as_text=True))
    # The case page again, with what the officer wrote still in the form (issue 13: a failed
    # staff message with files lost its text).
    assert "can't be stored just now" in page and "nothing was sent" in page
    assert "Report attached" in page
    assert_nothing_saved(app, before, pages_shown_again=1)


def test_the_administrator_learns_why_from_the_log(app, client, broken_store, caplog):
    data = report_data(client, files=uploads())
    client.post("/report", data=data, content_type="multipart/form-data")
    expected = "No space left on device" if broken_store.startswith("disk full") else "Not a directory"
    assert f"attachment store not writable ({expected})" in caplog.text
    assert CANARY not in caplog.text and "first.txt" not in caplog.text
