from sqlalchemy import text

from complaints.extensions import db
from tests.factories import assign, make_case, make_staff
from tests.web.conftest import csrf_token


def test_auditor_sees_entries_without_content_and_verifies(app, staff_client):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        case, _ = make_case(narrative="canary-audit-narrative")
        assign(case, officer, "intake")
        from complaints.services.case_access import open_for_staff
        open_for_staff(officer, case.id)
    client, _ = staff_client("auditor")
    page = client.get("/audit").get_data(as_text=True)
    assert "case.read" in page and "auth.login" in page
    assert "canary-audit-narrative" not in page
    filtered = client.get(f"/audit?case_id={case.id}").get_data(as_text=True)
    assert "case.read" in filtered and "auth.login" not in filtered
    result = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit")})
    assert "audit log intact" in result.get_data(as_text=True)


def test_verification_page_names_a_broken_entry(app, staff_client):
    client, _ = staff_client("auditor")
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            else:
                conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("UPDATE audit_entries SET actor = 'nobody' WHERE seq = 1"))
    result = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit")})
    assert "BROKEN at entry 1" in result.get_data(as_text=True)


def test_other_roles_get_404(staff_client):
    for role in ("officer", "admin", "coordinator", "gem"):
        client, _ = staff_client(role)
        assert client.get("/audit").status_code == 404


def test_the_log_stays_on_the_page_after_verifying(app, staff_client):
    """Verifying answers with the result above the latest entries, the verification itself
    first among them, not with an empty page where the log was."""
    client, _ = staff_client("auditor")
    result = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit")})
    page = result.get_data(as_text=True)
    assert "audit log intact" in page
    assert "audit.verify" in page and "auth.login" in page
    assert page.index("audit.verify") < page.index("auth.login")  # newest first, as on /audit
