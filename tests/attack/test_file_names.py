"""Path tricks in file names: the store names files by a random id only, nothing lands
outside it, and the name shown back has no path or control characters."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Attachment, Case
from complaints.services.case_access import cipher_for
from tests.web.test_report import report_data

NAMES = [
    "../../../../../../tmp/pwned.txt", "..\\..\\..\\windows\\system32\\pwned.txt",
    "/etc/cron.d/pwned.txt", "C:\\pwned.txt", "a/../../b/../../pwned.txt", "....//....//pwned.txt",
    "%2e%2e%2f%2e%2e%2fpwned.txt", "..%c0%af..%c0%afpwned.txt", "pwned%0D%0AX-Injected: 1.txt",
    "\u202etxt.exe.txt", "\u0000hidden.txt", "   .. .txt", "." * 300 + ".txt", "a" * 5000 + ".txt",
    "~/.ssh/authorized_keys.txt", "\\\\server\\share\\pwned.txt", "CON.txt", ".txt",
]
STORE_NAME = re.compile(r"^[0-9a-f]{32}$")


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", NAMES)
def test_tricky_names_stay_names(app, client, tmp_path, name):
    root = Path(app.config["INSTANCE"]).parent
    before = files_under(root)
    data = report_data(client, files=[(io.BytesIO(b"plain evidence"), name)])
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    store = Path(app.config["ATTACHMENTS_DIR"])
    new_files = files_under(root) - before
    assert all(p.parent == store and STORE_NAME.match(p.name) for p in new_files), new_files
    assert not Path("/tmp/pwned.txt").exists()
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one_or_none()
        if response.status_code == 400:
            assert attachment is None and new_files == set()
            return
        case = db.session.get(Case, attachment.case_id)
        shown = cipher_for(case).open("attachments", "filename_enc", attachment.id, attachment.filename_enc)
    assert "/" not in shown and "\\" not in shown and ".." not in shown.strip(".")[:2]
    assert not any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in shown)
    assert 0 < len(shown) <= 200
