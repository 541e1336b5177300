"""The case page tells an assignee what the complainant gave, what happened in plain words
(never a code), which message each file came with, whether the complainant read a message,
and, when there is nothing for them to do, who must act next and by when. Complainant-side
events show the day only."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from complaints.extensions import db
from complaints.models import Case, User
from complaints.services import casework
from complaints.services import transitions as tr
from tests.factories import assign, make_staff
from tests.web.conftest import csrf_token, form_fields
from tests.web.test_report import receipt_from, report_data


def reported(app, client, staff_client, **fields):  # type: ignore[no-untyped-def]
    """A report filed through /report (with an evidence file), and its intake officer."""
    officer, officer_user = staff_client("officer", username="olivera")
    data = report_data(client, **fields)
    data["files"] = (io.BytesIO(b"first file"), "evidence.txt")
    response = client.post("/report", data=data, content_type="multipart/form-data")
    receipt, _ = receipt_from(client, response)
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assign(case, db.session.merge(officer_user), "intake")
        return officer, officer_user, case, receipt


def test_what_the_complainant_gave_is_shown(app, client, staff_client) -> None:
    with app.app_context():
        excluded = make_staff("xenia", ["officer"])
        excluded_id = excluded.id
    officer, _, case, _ = reported(app, client, staff_client, last_incident_on="2026-10-02",
                                   ongoing="y", protection_needed="yes",
                                   protection_details="Move me away from his shift.",
                                   excluded_staff=[str(excluded_id)])
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "2 October 2026" in html
    assert "It is still happening" in html
    assert re.search(r"class=\"[^\"]*protection-alert", html)
    assert "The complainant asked for protection now" in html and "Move me away from his shift." in html
    assert "Xenia" in html  # a staff member they asked never to handle the case


def test_the_timeline_speaks_plainly_and_files_show_their_message(app, client, staff_client) -> None:
    officer, officer_user, case, receipt = reported(app, client, staff_client)
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    token = csrf_token(client, "/track/case")
    client.post("/track/message", content_type="multipart/form-data", data={
        "csrf_token": token, "body": "A second file, from later.",
        "files": (io.BytesIO(b"second file"), "evidence.txt")})
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert ">submit<" not in html and "Report received" in html
    timeline = html[html.index('class="timeline"'):]
    report_entry = re.search(r"<li[^>]*>(?:(?!</li>).)*Report received(?:(?!</li>).)*</li>", timeline, re.S).group(0)
    message_entry = re.search(r"<li[^>]*>(?:(?!</li>).)*A second file, from later\.(?:(?!</li>).)*</li>", timeline, re.S).group(0)
    assert "evidence.txt" in report_entry and "evidence.txt" in message_entry
    files = html[html.index('id="h-files"'):]
    assert "with the report" in files and "with the complainant’s message of" in files


def test_complainant_events_show_the_day_and_staff_see_when_a_message_was_read(app, client, staff_client) -> None:
    officer, officer_user, case, receipt = reported(app, client, staff_client)
    with app.test_request_context():
        user = db.session.get(User, officer_user.id)
        casework.send_message(user, case.id, "Thank you, I am handling your report.")
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    entry = re.search(r"<li[^>]*>(?:(?!</li>).)*Report received(?:(?!</li>).)*</li>", page, re.S).group(0)
    assert "UTC" not in entry  # the day only: when exactly a complainant acts can identify them
    assert "Not read by the complainant yet" in page
    client.post("/track", data={**form_fields(client, "/track"), "receipt": receipt})
    client.get("/track/case")
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    today = datetime.now(timezone.utc).date()
    today = f"{today.day} {today:%B %Y}"  # the day in UTC, as the page writes dates
    assert f"Read by the complainant on {today}" in page


def test_with_nothing_to_do_the_page_says_who_acts_next_and_by_when(app, client, staff_client) -> None:
    officer, officer_user, case, _ = reported(app, client, staff_client, category="SH_VERBAL")
    with app.test_request_context():
        intake = db.session.get(User, officer_user.id)
        investigator = make_staff("ivan", ["investigator"])
        stored = db.session.get(Case, case.id)
        assign(stored, investigator, "investigator")
        now = datetime.now(timezone.utc)
        tr.replay(stored, "acknowledge", intake, tr.TransitionInputs(), now - timedelta(hours=2))
        tr.replay(stored, "open_investigation", intake, tr.TransitionInputs(), now - timedelta(hours=1))
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    side = html[html.index('id="h-actions"'):html.index('id="h-deadlines"')]
    assert "Nothing for you to do at this stage." in side
    assert "Ivan" in side and "Submit the investigation report" in side
    assert re.search(r"by \d+ \w+ \d{4}", side)
    # ...and when the capacity that must act is empty, the page says so.
    with app.test_request_context():
        from complaints.models import Assignment

        for a in db.session.execute(select(Assignment).where(Assignment.capacity == "investigator")).scalars():
            a.ended_at = datetime.now(timezone.utc)
        db.session.commit()
    side = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Nobody is assigned as investigator" in side


def test_a_small_file_never_reads_as_empty(app, client, staff_client) -> None:
    """A file of a few bytes showed "0.0 KB", as if it were empty: sizes round up."""
    officer, _, case, _ = reported(app, client, staff_client)  # its file has 10 bytes
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "0.0 KB" not in html
    assert "0.1 KB" in html


def test_the_intake_officer_records_consent_to_a_proposed_mediation(app, client, staff_client) -> None:
    """The consent form is on the page of the intake officer while mediation is proposed,
    and nowhere else: before the proposal there is nothing to consent to."""
    officer, _, case, _ = reported(app, client, staff_client)
    before = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Consent to mediation" not in before and f"/cases/{case.id}/consent" not in before
    with app.app_context():
        db.session.get(Case, case.id).state = "mediation_proposed"
        db.session.commit()
    page = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Consent to mediation" in page and "Respondent: not recorded." in page
    sent = officer.post(f"/cases/{case.id}/consent", data={
        "csrf_token": csrf_token(officer, f"/cases/{case.id}"), "party": "respondent", "consent": "yes"})
    assert sent.status_code == 302
    after = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Consent recorded." in after and "Respondent: consents." in after
    with app.app_context():
        assert db.session.get(Case, case.id).mediation_respondent_consent is True
