"""Nothing typed is lost (issue 14): a report refused for any reason comes back with everything
in it and says when to send; refusals for what was typed cost nothing; a second press of Send
files nothing twice; many people behind one address all get through."""
from __future__ import annotations

import re
import threading
import time

from sqlalchemy import func, select

from complaints.extensions import db
from complaints.models import Case
from tests.web.conftest import form_fields
from tests.web.test_report import CANARY, receipt_from, receipt_in, report_data

LONG = "A long account, written slowly over an evening. " * 200 + CANARY


def cases(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Case)).scalar_one()


def test_refusals_for_a_missing_choice_never_count_against_anyone(app, client):
    # Before: the 4th press of Send within a minute, missing choices included, answered 429
    # with an error page, and Back showed nothing: the account was gone.
    data = report_data(client, narrative=LONG, category="")
    for _ in range(8):
        response = client.post("/report", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and CANARY in page and "Choose what best describes" in page
    data["category"] = "SH_VERBAL"
    receipt, _ = receipt_from(client, client.post("/report", data=data))
    assert receipt and cases(app) == 1


def test_a_report_sent_before_its_wait_comes_back_whole_with_when(app, client):
    data = {**report_data(client, narrative=LONG, witnesses="Marko, Ana"), "proof_nonce": ""}
    response = client.post("/report", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert CANARY in page and "Marko, Ana" in page and "seconds" in page
    assert 'name="proof_challenge"' in page and cases(app) == 0


def test_the_ceiling_without_javascript_keeps_the_text_and_says_when(app, client, monkeypatch):
    app.config["NOJS_REPORTS_PER_HOUR"] = 2
    forms = [{**report_data(client, narrative=f"Report {n}. {CANARY}"), "proof_nonce": ""} for n in range(3)]
    later = time.time() + app.config["NOJS_REPORT_WAIT_SECONDS"] + 1
    monkeypatch.setattr("complaints.services.abuse.time.time", lambda: later)
    assert [client.post("/report", data=f).status_code for f in forms[:2]] == [302, 302]
    refused = client.post("/report", data=forms[2])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Report 2." in page and "minutes" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_a_forged_or_expired_proof_comes_back_whole_with_a_new_one(app, client):
    data = report_data(client, narrative=LONG)
    forged = {**data, "proof_challenge": data["proof_challenge"][:-4] + "beef"}
    response = client.post("/report", data=forged)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and CANARY in page and "press" in page
    assert data["proof_challenge"] not in page and 'name="proof_challenge"' in page
    assert cases(app) == 0


def test_a_second_press_of_send_shows_the_first_receipt_and_files_once(app, client):
    data = report_data(client)
    first = client.post("/report", data=data)
    second = client.post("/report", data=data)  # the double click: the same form again
    assert first.status_code == second.status_code == 302
    receipt = receipt_in(client.get("/report/sent").get_data(as_text=True))
    assert receipt and cases(app) == 1
    third = client.post("/report", data=data)  # after the receipt was shown: said, not filed
    assert third.status_code == 400 and "already sent" in third.get_data(as_text=True)
    assert cases(app) == 1


def test_a_double_click_sends_both_presses_at_once_and_shows_the_one_receipt(app, client, monkeypatch):
    # Both requests are in flight together; the browser shows the second one's answer.
    from complaints.services import intake

    original = intake.file_complaint

    def slow_file(*args, **kwargs):  # the first press is still being filed...
        time.sleep(1.0)
        return original(*args, **kwargs)

    monkeypatch.setattr(intake, "file_complaint", slow_file)
    data = report_data(client)
    cookie = client.get_cookie("complaints_session").value
    second = app.test_client()
    second.set_cookie("complaints_session", cookie)  # the same browser
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", client.post("/report", data=data)))
    first.start()
    time.sleep(0.3)  # ... when the second press arrives
    answers["second"] = second.post("/report", data=data)
    first.join()
    assert answers["second"].status_code == 302 and answers["second"].headers["Location"].endswith("/report/sent")
    receipt = receipt_in(second.get("/report/sent").get_data(as_text=True))
    assert receipt and cases(app) == 1


def test_a_proof_replayed_again_and_again_is_refused_at_once(app, client):
    data = report_data(client)
    assert client.post("/report", data=data).status_code == 302
    stranger = app.test_client()  # another session: no receipt of its own to wait for
    fields = {**report_data(stranger), "proof_challenge": data["proof_challenge"],
              "proof_nonce": data["proof_nonce"]}
    started = time.monotonic()
    for _ in range(3):
        assert stranger.post("/report", data=fields).status_code == 400
    assert time.monotonic() - started < 10  # only a second use may wait for a first to finish


def test_changing_language_in_the_middle_keeps_everything_typed(app, client):
    data = report_data(client, narrative=LONG, location="Kasarna Banjica", category="MOBBING")
    response = client.post("/report/language/sq", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="sq"' in page
    assert CANARY in page and "Kasarna Banjica" in page
    assert re.search(r'<input [^>]*checked[^>]*name="category"[^>]*value="MOBBING"', page)
    assert "complaints_lang=sq" in response.headers["Set-Cookie"]
    # ... and the form, now in Albanian, is sent as it is.
    receipt, _ = receipt_from(client, client.post("/report", data={**data, **form_fields(client, "/report")}))
    assert receipt and cases(app) == 1


def test_the_language_menu_of_the_form_sends_the_form(client):
    page = client.get("/report").get_data(as_text=True)
    assert 'form="report-form"' in page and 'formaction="/report/language/sq"' in page
    assert 'formenctype="application/x-www-form-urlencoded"' in page  # files never travel for this


def test_fifty_people_behind_one_address_all_report(app):
    # Every test client comes from 127.0.0.1: one address, as behind a barracks network or an
    # onion service. (tests/system/test_abuse_control.py does this against gunicorn and Redis.)
    for n in range(50):
        person = app.test_client()
        response = person.post("/report", data=report_data(person, narrative=f"Person {n}. {CANARY}"))
        assert response.status_code == 302, n
    assert cases(app) == 50
