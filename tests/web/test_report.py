"""Filing a complaint through the form: anonymous and identified, files, bad input."""
from __future__ import annotations

import io
import logging
import re
import time
from pathlib import Path

from sqlalchemy import select

from complaints.crypto import normalise_receipt
from complaints.extensions import db
from complaints.models import Attachment, AuditEntry, Case, CaseExclusion
from tests.web.conftest import form_fields

CANARY = "CANARY-intake-5b1d"


def report_data(client, **overrides):
    data = {**form_fields(client, "/report"), "category": "SH_VERBAL",
            "narrative": f"He kept commenting on my body. {CANARY}", "wants": "formal",
            "identity": "anonymous", "respondent_relation": "superior", "protection_needed": "no",
            "unit_group": "land_forces", "respondent_rank_band": "nco"}
    data.update(overrides)
    return data


RECEIPT = re.compile(r'class="receipt"[^>]*>(.*?)</dd>', re.S)


def receipt_in(page: str) -> str:
    """The receipt as the page shows it (its groups of four are kept whole in spans)."""
    match = RECEIPT.search(page)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def receipt_from(client, response):
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/sent")
    page = client.get("/report/sent")
    assert page.headers["Cache-Control"] == "no-store"
    return receipt_in(page.get_data(as_text=True)), page


def test_anonymous_report_gives_a_receipt_shown_once(app, client):
    receipt, page = receipt_from(client, client.post("/report", data=report_data(client)))
    assert normalise_receipt(receipt) == receipt
    again = client.get("/report/sent")
    assert again.status_code == 302 and receipt not in again.get_data(as_text=True)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.state == "submitted" and case.anonymous and case.channel == "online_anonymous"
        assert case.complainant_name_enc is None
        assert receipt not in case.receipt_hmac
        assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.submit")).first()


def test_identified_report_needs_name_and_contact_and_keeps_text(client):
    response = client.post("/report", data=report_data(client, identity="identified", name=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give your name" in page and CANARY in page  # the text is kept


def test_identified_report_is_sealed(app, client):
    receipt_from(client, client.post("/report", data=report_data(
        client, identity="identified", name="Ana Anić", contact="ana@example.mil")))
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert not case.anonymous and case.complainant_name_enc and b"Ana" not in case.complainant_name_enc


def test_missing_required_fields_are_named(client):
    response = client.post("/report", data=report_data(client, category="", narrative=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose what best describes" in page and "Please describe what happened." in page


def test_html_and_control_characters_are_harmless(app, client):
    nasty = "<script>alert('x')</script>\x00\x07 text\u202e"
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client, narrative=nasty)))
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    page = client.get("/track/case").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "\x00" not in page and "\u202e" not in page


def test_very_long_narrative_is_refused_with_a_message(client):
    response = client.post("/report", data=report_data(client, narrative="x" * 20_001))
    assert response.status_code == 400 and "under 20,000 characters" in response.get_data(as_text=True)


def jpeg_with_exif() -> bytes:
    exif = b"Exif\x00\x00GPS-SECRET-POSITION"
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    return b"\xff\xd8" + app1 + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"imagedata" + b"\xff\xd9"


def test_files_are_cleaned_and_encrypted(app, client):
    data = report_data(client)
    data["files"] = [(io.BytesIO(jpeg_with_exif()), "photo.jpg"), (io.BytesIO(b"notes " + CANARY.encode()), "notes.txt")]
    receipt_from(client, client.post("/report", data=data, content_type="multipart/form-data"))
    with app.app_context():
        rows = list(db.session.execute(select(Attachment)).scalars())
        assert {r.content_type for r in rows} == {"image/jpeg", "text/plain"}
        assert all(r.metadata_removed for r in rows)
    store = b"".join(p.read_bytes() for p in Path(app.config["ATTACHMENTS_DIR"]).iterdir())
    assert CANARY.encode() not in store and b"GPS-SECRET" not in store


def test_a_refused_file_keeps_everything_else(app, client):
    data = report_data(client, witnesses="My colleague Marko")
    data["files"] = [(io.BytesIO(b"MZ\x90\x00binary\x00\x00"), "tool.exe")]
    response = client.post("/report", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not accepted" in page and CANARY in page and "My colleague Marko" in page
    with app.app_context():
        assert db.session.execute(select(Case)).first() is None
    assert list(Path(app.config["ATTACHMENTS_DIR"]).iterdir()) == []


def test_an_oversized_file_is_refused_clearly(app, client):
    app.config["MAX_UPLOAD_MB"] = 1
    data = report_data(client)
    data["files"] = [(io.BytesIO(b"a" * (1024 * 1024 + 10)), "big.txt")]
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "larger than 1 MB" in response.get_data(as_text=True)


def test_complainant_can_exclude_staff_by_name_without_seeing_staff(app, client, make_user):
    user, _ = make_user("olivera", ["officer"], display_name="Olivera Officer")
    page = client.get("/report").get_data(as_text=True)
    assert "Olivera" not in page and "olivera" not in page  # the public form names no staff
    receipt_from(client, client.post("/report", data=report_data(client, excluded_other="Olivera Officer")))
    with app.app_context():
        assert db.session.execute(select(CaseExclusion)).scalar_one().user_id == user.id


def test_on_behalf_needs_consent(client):
    response = client.post("/report", data=report_data(client, on_behalf="y"))
    assert response.status_code == 400 and "needs their agreement" in response.get_data(as_text=True)


def test_nothing_about_the_complainant_is_logged(app, client, caplog):
    with caplog.at_level(logging.DEBUG):
        receipt, _ = receipt_from(client, client.post("/report", data=report_data(client)))
        client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
        client.get("/track/case")
    assert CANARY not in caplog.text and receipt not in caplog.text and "127.0.0.1" not in caplog.text


def test_report_form_works_without_javascript(client, monkeypatch):
    # The page now carries scripts (the proof of work, drafts), as files from this site only;
    # without them a report is still accepted once its form has been open for a short while.
    page = client.get("/report").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "staying anonymous" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(re.fullmatch(r'<script src="/static/js/[\w-]+\.js" defer>', tag) for tag in scripts)
    data = {**report_data(client), "proof_nonce": ""}  # what a browser without JavaScript sends
    early = client.post("/report", data=data)
    assert early.status_code == 429 and CANARY in early.get_data(as_text=True)
    assert 0 < int(early.headers["Retry-After"]) <= client.application.config["NOJS_REPORT_WAIT_SECONDS"] + 1
    later = time.time() + client.application.config["NOJS_REPORT_WAIT_SECONDS"] + 1
    monkeypatch.setattr("complaints.services.abuse.time.time", lambda: later)
    receipt, _ = receipt_from(client, client.post("/report", data=data))
    assert normalise_receipt(receipt) == receipt
