from datetime import date, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Consultation
from complaints.services import consultations
from complaints.views import trust as views
from tests.factories import make_staff


@pytest.fixture()
def ctx(app):
    with app.test_request_context():
        yield


CODES = ("MOBBING", "SH_VERBAL")


def test_a_person_of_trust_records_a_consultation_without_names(ctx):
    trust = make_staff("tamara", ["trust"])
    consultations.record(trust, held_on=date.today(), category="MOBBING", unit_group="training",
                         complainant_sex="female", outcome="advice_only", categories=CODES)
    (row,) = db.session.execute(select(Consultation)).scalars()
    assert row.trust_user_id == trust.id and row.category == "MOBBING"
    columns = set(Consultation.__table__.columns.keys())
    assert not {"name", "narrative", "details", "notes"} & columns


def test_others_cannot_record(ctx):
    officer = make_staff("olivera", ["officer"])
    with pytest.raises(consultations.ConsultationRefused):
        consultations.record(officer, held_on=date.today(), category="MOBBING", unit_group="",
                             complainant_sex="", outcome="advice_only", categories=CODES)


def test_future_dates_and_unknown_codes_are_refused(ctx):
    trust = make_staff("tamara", ["trust"])
    with pytest.raises(consultations.ConsultationRefused):
        consultations.record(trust, held_on=date.today() + timedelta(days=2), category="MOBBING",
                             unit_group="", complainant_sex="", outcome="advice_only", categories=CODES)
    with pytest.raises(consultations.ConsultationRefused):
        consultations.record(trust, held_on=date.today(), category="<script>", unit_group="",
                             complainant_sex="", outcome="advice_only", categories=CODES)


def test_each_person_of_trust_sees_only_their_own(ctx):
    first, second = make_staff("tamara", ["trust"]), make_staff("teodora", ["trust"])
    consultations.record(first, held_on=date.today(), category="MOBBING", unit_group="",
                         complainant_sex="", outcome="referred", categories=CODES)
    login_user(second)
    page, status = views.consultations_page.__wrapped__()
    assert status == 200 and "None yet." in page
    login_user(first)
    page, _ = views.consultations_page.__wrapped__()
    assert "referred to another service" in page
