"""Stored XSS: script in every free-text field and in file names, entered by complainants,
staff and administrators, is shown as text on every page that displays it, and download
headers can't be broken out of."""
from __future__ import annotations

import html
import io
import re

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Attachment
from tests.web.conftest import csrf_token
from tests.web.test_report import receipt_from, report_data
from tests.web.test_track import open_case

ATTACK = '<script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>"\'><svg onload=alert(1)>'
# Browsers send a file name's quotes percent-encoded and "/" ends a path: names get markup
# without them.
FILE_ATTACK = "<img src=x onerror=alert({tag})><svg onload=alert({tag})>.txt"
RAW = re.compile(r"<script>alert|<img src=x onerror|<svg onload")


def payload(tag: str) -> str:
    return ATTACK.format(tag=tag)


def file_payload(tag: str) -> str:
    return FILE_ATTACK.format(tag=tag)


def assert_inert(page: str, tags: list[str], where: str) -> None:
    assert not RAW.search(page), f"unescaped markup on {where}"
    for tag in tags:
        # Shown, as text: the test would notice a field that silently vanished.
        shown = (html.escape(f'alert("{tag}")', quote=True) in page or f"alert(&#34;{tag}&#34;)" in page
                 or f"&lt;img src=x onerror=alert({tag})&gt;" in page)
        assert shown, f"{tag} not shown on {where}"


REPORT_FIELDS = ["narrative", "incident_when", "location", "respondent", "witnesses",
                 "protection_details", "excluded_other", "name", "contact"]


def test_complainant_text_and_file_names_are_inert_everywhere(app, client, staff_client):
    data = report_data(client, identity="identified", protection_needed="yes",
                       **{field: payload(field) for field in REPORT_FIELDS})
    data["files"] = [(io.BytesIO(b"evidence"), file_payload("filename"))]
    receipt, receipt_page = receipt_from(client, client.post("/report", data=data,
                                                             content_type="multipart/form-data"))
    open_case(client, receipt)
    client.post("/track/message", data={
        "csrf_token": csrf_token(client, "/track/case"), "body": payload("message"),
        "files": [(io.BytesIO(b"more"), file_payload("msgfile"))]},
        content_type="multipart/form-data")
    client.post("/track/retaliation", data={"csrf_token": csrf_token(client, "/track/case"),
                                            "narrative": payload("retaliation")})
    track = client.get("/track/case").get_data(as_text=True)
    assert_inert(track, ["narrative", "message", "msgfile", "filename"], "/track/case")

    officer, user = staff_client("officer", "coordinator")
    from complaints.models import Case
    from tests.factories import assign

    with app.app_context():
        case = db.session.execute(select(Case).where(Case.parent_case_id.is_(None))).scalar_one()
        assign(case, db.session.merge(user), "intake")
        case_id = case.id
    page = officer.get(f"/cases/{case_id}").get_data(as_text=True)
    assert_inert(page, [f for f in REPORT_FIELDS if f != "excluded_other"] + ["message", "msgfile", "filename"],
                 "the case page")
    for path in ("/cases", "/register", f"/register/{case_id}"):
        assert not RAW.search(officer.get(path).get_data(as_text=True)), path

    # The download's headers carry the name quoted and encoded, never raw.
    with app.app_context():
        attachment_id = db.session.execute(select(Attachment.id).where(Attachment.message_id.is_(None))).scalar_one()
    download = officer.get(f"/cases/{case_id}/files/{attachment_id}")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "<" not in disposition and "\n" not in disposition
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_staff_text_is_inert_for_staff_and_complainant(app, client, staff_client):
    """Messages, notes, reasons, measures, category corrections, risk notes, recusal notes and
    the message preview (internal notes have their own form since the case-day work)."""
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client)))
    officer, user = staff_client("officer", "decision")
    from complaints.models import Case
    from tests.factories import assign

    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        for capacity in ("intake", "decision"):
            assign(case, db.session.merge(user), capacity)
        case_id, version = case.id, case.version
    page = f"/cases/{case_id}"
    token = csrf_token(officer, page)
    officer.post(f"{page}/act", data={"csrf_token": token, "action": "acknowledge", "version": version,
                                      "reason": payload("reason")})
    officer.post(f"{page}/messages", data={"csrf_token": token, "body": payload("staffmsg")})
    officer.post(f"{page}/notes", data={"csrf_token": token, "note-body": payload("note")})
    officer.post(f"{page}/measures", data={"csrf_token": token, "kind": "separation",
                                           "details": payload("measure")})
    officer.post(f"{page}/retaliation", data={"csrf_token": token, "narrative": payload("linked")})
    with app.app_context():
        version = db.session.get(Case, case_id).version
    officer.post(f"{page}/category", data={"csrf_token": token, "category-category": "GBD",
                                           "category-reason": payload("category"), "category-version": version})
    officer.post(f"{page}/risk", data={"csrf_token": token, "risk-retaliation": "high", "risk-repeat": "low",
                                       "risk-note": payload("risk")})
    preview = officer.post(f"{page}/messages", data={"csrf_token": token, "body": payload("preview"),
                                                     "preview": "1"}).get_data(as_text=True)
    assert_inert(preview, ["preview"], "the message preview")
    colleague, colleague_user = staff_client("officer", username="recusing_officer")
    with app.app_context():
        assign(db.session.get(Case, case_id), db.session.merge(colleague_user), "intake")
    colleague.post(f"{page}/recuse", data={"csrf_token": csrf_token(colleague, f"{page}/recuse"),
                                           "reason": "other_conflict", "note": payload("recusal")})
    assert_inert(officer.get(page).get_data(as_text=True),
                 ["staffmsg", "note", "measure", "reason", "category", "risk", "recusal"], "the case page")
    open_case(client, receipt)
    assert_inert(client.get("/track/case").get_data(as_text=True), ["staffmsg"], "/track/case")


def test_names_entered_by_administrators_are_inert(app, staff_client):
    admin, _ = staff_client("admin")
    token = csrf_token(admin, "/admin/units")
    admin.post("/admin/units", data={"csrf_token": token, "name": payload("unit"),
                                     "unit_group": "<b>g</b>", "parent_id": 0})
    token = csrf_token(admin, "/admin/accounts/new")
    admin.post("/admin/accounts/new", data={
        "csrf_token": token, "username": "mallory", "display_name": payload("display"),
        "email": "", "unit_id": 0, "roles": ["officer"],
        "password": "a long enough passphrase 9", "confirm": "a long enough passphrase 9"})
    assert_inert(admin.get("/admin/units").get_data(as_text=True), ["unit"], "/admin/units")
    assert_inert(admin.get("/admin/accounts").get_data(as_text=True), ["display"], "/admin/accounts")
