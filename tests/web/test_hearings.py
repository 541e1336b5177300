"""Hearing minutes and witness statements as typed records (issue 15): who was heard, when,
by whom, and the heard person's confirmation; not for the person of trust."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import CaseRecord
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token


@pytest.fixture()
def world(app, staff_client):
    investigator, inv_user = staff_client("investigator", username="ivan")
    trust, trust_user = staff_client("trust", username="tanja")
    with app.app_context():
        case, _ = make_case(category="SH_VERBAL")
        assign(case, db.session.merge(inv_user), "investigator")
        assign(case, db.session.merge(trust_user), "trust")
        case_id = case.id
    return investigator, trust, case_id


def post_hearing(client, case_id, **fields):
    page = f"/cases/{case_id}"
    token = csrf_token(client, page)
    data = {"hearing-csrf_token": token, "hearing-kind": "witness_statement",
            "hearing-heard_role": "witness", "hearing-held_on": date.today().isoformat(),
            "hearing-text": "", **{f"hearing-{k}": v for k, v in fields.items()}}
    return client.post(f"{page}/hearings", data=data, follow_redirects=True)


def test_a_statement_is_recorded_confirmed_and_hidden_from_the_person_of_trust(app, world):
    investigator, trust, case_id = world
    response = post_hearing(investigator, case_id, text="statement-canary: I saw him grab her arm.")
    assert response.status_code == 200
    with app.app_context():
        record = db.session.execute(select(CaseRecord)).scalar_one()
        assert b"statement-canary" not in record.text_enc
        record_id = record.id
    page = investigator.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "statement-canary" in page and "Record the confirmation" in page
    token = csrf_token(investigator, f"/cases/{case_id}")
    investigator.post(f"/cases/{case_id}/hearings/{record_id}/confirmation",
                      data={f"confirm-{record_id}-csrf_token": token,
                            f"confirm-{record_id}-confirmation": "refused"})
    with app.app_context():
        assert db.session.get(CaseRecord, record_id).confirmation == "", "refusing needs the remarks"
    investigator.post(f"/cases/{case_id}/hearings/{record_id}/confirmation",
                      data={f"confirm-{record_id}-csrf_token": token,
                            f"confirm-{record_id}-confirmation": "signed"})
    with app.app_context():
        assert db.session.get(CaseRecord, record_id).confirmation == "signed"
    assert "read and signed by the person heard" in investigator.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "statement-canary" not in trust.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_hearing_in_the_future_is_refused_and_the_text_kept(app, world):
    investigator, _, case_id = world
    response = post_hearing(investigator, case_id, text="kept-canary minutes",
                            held_on=(date.today() + timedelta(days=2)).isoformat())
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "kept-canary minutes" in text and "future" in text


def test_the_person_of_trust_cannot_record_a_hearing(app, world):
    _, trust, case_id = world
    response = post_hearing(trust, case_id, text="x")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(CaseRecord)).first() is None
