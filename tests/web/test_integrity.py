"""A tampered or misplaced ciphertext: a clear integrity page, an audit entry, never a 500."""
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import AuditEntry, Case
from tests.factories import assign, make_case


def test_swapped_ciphertexts_show_the_integrity_page_and_are_audited(app, staff_client):
    client, officer = staff_client("officer")
    with app.app_context():
        first, _ = make_case(narrative="first-canary-narrative")
        second, _ = make_case(narrative="second-canary-narrative")
        assign(first, db.session.merge(officer), "intake")
        a, b = db.session.get(Case, first.id), db.session.get(Case, second.id)
        a.narrative_enc, b.narrative_enc = b.narrative_enc, a.narrative_enc  # moved between rows
        db.session.commit()
        case_id = first.id
    response = client.get(f"/cases/{case_id}")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "could not be verified" in page and "second-canary-narrative" not in page
    with app.app_context():
        alarm = db.session.execute(select(AuditEntry).where(AuditEntry.action == "integrity.failure")).scalar_one()
        assert alarm.case_id == case_id and "narrative_enc" in alarm.detail
        read = db.session.execute(select(AuditEntry).where(AuditEntry.action == "case.read")).first()
        assert read is None  # the failed read was rolled back, the alarm kept


def test_a_flipped_bit_in_a_complainant_view_is_caught(app, client):
    from tests.web.conftest import form_fields
    from tests.web.test_report import receipt_from, report_data

    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client)))
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        blob = bytearray(case.narrative_enc)
        blob[-1] ^= 1
        case.narrative_enc = bytes(blob)
        db.session.commit()
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    response = client.get("/track/case")
    assert response.status_code == 409 and "could not be verified" in response.get_data(as_text=True)
