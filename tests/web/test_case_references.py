"""Case references are short (six characters after the year, to be read aloud), drawn at
random: some day a new one is one already taken. The defect: 6 characters of a 32-letter
alphabet gave three 500s in 63,652 submissions under load (the birthday bound). A taken
reference must cost the person nothing: another one is drawn, in the same transaction."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import AuditEntry, Case
from tests.web.conftest import csrf_token
from tests.web.test_report import receipt_from, report_data
from tests.web.test_track import open_case


def references(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(Case.reference).order_by(Case.submitted_at)).scalars())


@pytest.fixture()
def draw_taken(monkeypatch):
    """The next reference drawn repeats ``reference`` (its six characters, drawn one by one
    with secrets.choice), the ones after it are random again."""
    real_choice = secrets.choice

    def make(reference: str, times: int = 1) -> None:
        queue = list(reference.rsplit("-", 1)[1]) * times

        def choice(sequence):  # type: ignore[no-untyped-def]
            if queue and sequence == "23456789ABCDEFGHJKLMNPQRSTUVWXYZ":
                return queue.pop(0)
            return real_choice(sequence)

        monkeypatch.setattr(secrets, "choice", choice)
    return make


def test_a_report_that_draws_a_taken_reference_is_filed_under_another(app, client, draw_taken):
    assert client.post("/report", data=report_data(client)).status_code == 302
    taken = references(app)[0]
    person = app.test_client()
    draw_taken(taken, times=2)  # even twice in a row
    response = person.post("/report", data=report_data(person, narrative="Second report"))
    receipt, _ = receipt_from(person, response)
    stored = references(app)
    assert len(stored) == 2 and len(set(stored)) == 2 and stored[0] == taken
    with app.app_context():  # one case, one audit entry, one chain
        assert db.session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "case.submit")).scalar_one() == 2
        from complaints import audit
        from complaints.instance import keyring
        assert audit.verify(db.session, keyring().audit_key).ok
    # The receipt shown opens the report that was filed.
    follower = app.test_client()
    assert open_case(follower, receipt).status_code == 302
    assert "Second report" in follower.get("/track/case").get_data(as_text=True)


def test_a_retaliation_report_that_draws_a_taken_reference_is_filed_under_another(app, client, draw_taken):
    receipt, _ = receipt_from(client, client.post("/report", data=report_data(client)))
    open_case(client, receipt)
    draw_taken(references(app)[0])
    response = client.post("/track/retaliation", data={"csrf_token": csrf_token(client, "/track/case"),
                                                       "narrative": "I was moved to night shifts"})
    assert response.status_code == 302
    stored = references(app)
    assert len(stored) == 2 and len(set(stored)) == 2
