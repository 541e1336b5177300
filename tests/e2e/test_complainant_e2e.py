"""The person reporting, in Chromium on a 390x844 phone, with JavaScript on and off (issue 14):
a long account survives the limit and a time-out; rejection, appeal result and mediation
consent reach them; a change of language keeps the form; every page is axe-clean in every
language."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from complaints.extensions import db
from complaints.i18n import LANGUAGES
from complaints.models import Case, TrackSession, User
from complaints.services import transitions
from tests.e2e.axe_check import violations
from tests.factories import assign, make_staff

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LONG = "He comments on my body at every weapons check, in front of the platoon. " * 60 + "LONG-ACCOUNT-END"
NOTICE = "The sergeant is moved to another platoon. NOTICE-E2E"


@pytest.fixture()
def app_config(app_config):
    # The no-JavaScript wait shortened so the browser need not sit for 20 seconds.
    return {**app_config, "NOJS_REPORT_WAIT_SECONDS": 2, "SMTP_HOST": "127.0.0.1"}


@pytest.fixture()
def phone(browser, request):
    """A phone-sized context; parametrise with js=True/False and a language code."""
    js, language = getattr(request, "param", (True, "en"))
    context = browser.new_context(viewport=PHONE, java_script_enabled=js, locale="en-GB")
    context.set_default_timeout(15000)
    pages = context.new_page()
    pages.language, pages.js = language, js
    yield pages
    context.close()


def go(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def choose_language(page, base: str, code: str) -> None:  # type: ignore[no-untyped-def]
    page.context.add_cookies([{"name": "complaints_lang", "value": code, "url": base}])


def fill_report(page, narrative: str = LONG, category: str = "MOBBING", identified: bool = True) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"input[name=category][value={category}]").check()
    page.fill("#narrative", narrative)
    page.locator("input[name=wants][value=informal]").check()
    if identified:
        page.locator("input[name=identity][value=identified]").check()
        page.fill("#name", "Ana Anić")
        page.fill("#contact", "ana@example.mil")


def receipt_of(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".receipt").inner_text().replace("\n", "").strip()


def open_case(page, base: str, receipt: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/track")
    page.fill("#receipt", receipt)
    if not page.js:
        page.wait_for_timeout(3100)  # without JavaScript a sign-in form must be open 3 seconds
    go(page, "form.stacked button[type=submit]")
    assert "/track/case" in page.url, page.content()[:2000]


def staff_act(app, case_id, steps) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context():
        user = db.session.execute(select(User).where(User.username == "olga")).scalar_one_or_none()
        if user is None:
            user = make_staff("olga", ["officer", "investigator", "decision", "appeal"])
            for capacity in ("intake", "investigator", "decision", "appeal"):
                assign(db.session.get(Case, case_id), user, capacity)
        for action, inputs in steps:
            transitions.perform(user, case_id, action, transitions.TransitionInputs(**inputs), None)


def the_case(app) -> Case:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(select(Case).order_by(Case.submitted_at.desc())).scalars().first()


@pytest.mark.parametrize("phone", [(False, "sr-Cyrl")], indirect=True)
def test_a_long_account_survives_the_limit_without_javascript(app, live_server, phone):
    app.config["NOJS_REPORT_WAIT_SECONDS"] = 20  # the production wait: filling in takes less
    page = phone
    choose_language(page, live_server, page.language)
    page.goto(f"{live_server}/report")
    fill_report(page)
    go(page, "form.report-form button[type=submit]")  # at once: before the form's short wait
    refusal = page.locator(".flash-error")
    assert refusal.is_visible()
    assert "LONG-ACCOUNT-END" in page.locator("#narrative").input_value()
    assert page.locator("input[name=identity][value=identified]").is_checked()
    assert page.locator("#name").input_value() == "Ana Anić"
    seconds = int(re.search(r"(\d+)", refusal.inner_text()).group(1))  # "... again in N seconds"
    assert 0 < seconds <= 21
    page.wait_for_timeout(seconds * 1000 + 500)  # as the page says
    go(page, "form.report-form button[type=submit]")
    receipt = receipt_of(page)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", receipt)
    # The code never breaks inside a group of four on the phone.
    assert page.evaluate("() => [...document.querySelectorAll('.receipt-group')]"
                         ".every(g => g.getClientRects().length === 1)")
    assert page.locator("a[download]").get_attribute("href").endswith(receipt)
    assert not page.locator(".copy-receipt").is_visible()  # copying needs JavaScript: not offered


@pytest.mark.parametrize("phone", [(True, "sq")], indirect=True)
def test_a_long_account_is_sent_with_javascript_and_the_code_can_be_copied(app, live_server, phone):
    page = phone
    choose_language(page, live_server, page.language)
    page.goto(f"{live_server}/report")
    assert page.locator("[data-drafts-note]").is_visible()
    fill_report(page)
    page.reload()  # a reload (or a closed tab restored) loses nothing with JavaScript
    assert "LONG-ACCOUNT-END" in page.locator("#narrative").input_value()
    go(page, "form.report-form button[type=submit]")
    assert page.locator(".receipt").is_visible()
    assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('complaints-draft')).length") == 0


@pytest.mark.parametrize("phone", [(False, "sr-Latn"), (True, "sr-Latn")], indirect=True)
def test_changing_language_in_the_middle_of_the_form_keeps_it(app, live_server, phone):
    page = phone
    choose_language(page, live_server, page.language)
    page.goto(f"{live_server}/report")
    fill_report(page, narrative="Pola priče. HALF-WRITTEN")
    page.fill("#location", "Kasarna Banjica")
    page.click(".language-switch summary")
    go(page, ".language-switch button[lang=sq]")
    assert page.locator("html").get_attribute("lang") == "sq"
    assert page.locator("#narrative").input_value() == "Pola priče. HALF-WRITTEN"
    assert page.locator("#location").input_value() == "Kasarna Banjica"
    assert page.locator("input[name=category][value=MOBBING]").is_checked()


@pytest.mark.parametrize("phone", [(True, "en"), (False, "en")], indirect=True)
def test_a_message_typed_past_the_time_limit_is_kept_through_a_new_sign_in(app, live_server, phone):
    page = phone
    page.goto(f"{live_server}/report")
    fill_report(page, narrative="A first report.", identified=False)
    if not page.js:
        page.wait_for_timeout(2100)
    go(page, "form.report-form button[type=submit]")
    receipt = receipt_of(page)
    open_case(page, live_server, receipt)
    page.fill("#body", LONG)
    with app.app_context():  # the person typed for longer than the time limit
        for row in db.session.execute(select(TrackSession)).scalars():
            row.last_seen_at -= timedelta(minutes=app.config["TRACK_IDLE_MINUTES"], seconds=5)
        db.session.commit()
    go(page, "form[action$='/track/message'] button[type=submit]")
    assert "/track" in page.url and page.locator(".notice-kept").is_visible()
    page.fill("#receipt", receipt)
    if not page.js:
        page.wait_for_timeout(3100)
    go(page, "form.stacked button[type=submit]")
    assert "LONG-ACCOUNT-END" in page.locator("#body").input_value()
    go(page, "form[action$='/track/message'] button[type=submit]")
    assert page.get_by_text("LONG-ACCOUNT-END").first.is_visible()
    assert page.locator("#body").input_value() == ""  # sent: the form is empty again


@pytest.mark.parametrize("phone", [(True, "en"), (False, "en")], indirect=True)
def test_rejection_decision_appeal_and_mediation_reach_the_complainant(app, live_server, phone):
    page = phone
    page.goto(f"{live_server}/report")
    fill_report(page, narrative="Remarks about my body.")
    if not page.js:
        page.wait_for_timeout(2100)
    go(page, "form.report-form button[type=submit]")
    receipt = receipt_of(page)
    case_id = the_case(app).id

    # Mediation: proposed by the officer, accepted on the phone.
    staff_act(app, case_id, [("acknowledge", {}), ("propose_mediation", {})])
    open_case(page, live_server, receipt)
    assert page.get_by_role("heading", name="Do you accept mediation?").is_visible()
    go(page, "#mediation button[value='1']")
    assert "Your answer: you accept mediation" in page.locator("#mediation").inner_text()
    with app.app_context():
        assert db.session.get(Case, case_id).mediation_complainant_consent

    # The respondent declines: investigation, decision, delivery; then the appeal and its result.
    staff_act(app, case_id, [("decline_mediation", {"reason": "respondent declined"}),
                             ("submit_report", {"reason": "report"}),
                             ("decide", {"outcome": "partly_substantiated", "reason": "internal",
                                         "disciplinary": "started", "complainant_notice": NOTICE}),
                             ("deliver", {})])
    page.reload()
    decided = page.locator("#decided")
    assert "Part of what you reported was confirmed" in decided.inner_text()
    assert "NOTICE-E2E" in decided.inner_text() and "internal" not in decided.inner_text()
    page.fill("#reason", "The witnesses were not heard.")
    go(page, "form[action$='/track/appeal'] button[type=submit]")
    staff_act(app, case_id, [("decide_appeal", {"outcome": "changed", "reason": "APPEAL-INTERNAL-E2E",
                                                  "complainant_notice": "APPEAL-NOTICE-E2E"})])
    page.reload()
    decided = page.locator("#decided").inner_text()
    assert "The result of the appeal" in decided and "changed it" in decided and "APPEAL-NOTICE-E2E" in decided
    assert "APPEAL-INTERNAL-E2E" not in decided  # the internal reasoning stays with staff
    assert "Where else you can turn" in decided


@pytest.mark.parametrize("phone", [(False, "mk")], indirect=True)
def test_a_rejected_report_says_why_without_javascript(app, live_server, phone):
    page = phone
    choose_language(page, live_server, "en")
    page.goto(f"{live_server}/report")
    fill_report(page, narrative="Out of scope things.", identified=False)
    page.wait_for_timeout(2100)
    go(page, "form.report-form button[type=submit]")
    receipt = receipt_of(page)
    staff_act(app, the_case(app).id, [("acknowledge", {}), ("reject", {"code": "out_of_scope",
                                                                      "reason": "INTERNAL-REASON",
                                                                      "complainant_notice": "Ово не е за нас."})])
    choose_language(page, live_server, "mk")
    open_case(page, live_server, receipt)
    text = page.locator("#decided").inner_text()
    assert "Она што го пријавивте е надвор" in text and "INTERNAL-REASON" not in text


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda l: l.code)
def test_the_complainants_pages_are_axe_clean_in_every_language(app, live_server, browser, language):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    found: list[str] = []
    try:
        choose_language(page, live_server, language.code)
        page.goto(f"{live_server}/report")
        found += violations(page)
        go(page, "form.report-form button[type=submit]")  # errors shown
        found += violations(page)
        fill_report(page, narrative="Axe check.")
        go(page, "form.report-form button[type=submit]")
        found += violations(page)  # the receipt
        receipt = receipt_of(page)
        page.goto(f"{live_server}/track")
        page.fill("#receipt", receipt[:-1] + ("A" if receipt[-1] != "A" else "B"))
        go(page, "form.stacked button[type=submit]")
        found += violations(page)  # a mistyped receipt, kept and marked
        case_id = the_case(app).id
        staff_act(app, case_id, [("acknowledge", {}), ("propose_mediation", {})])
        page.fill("#receipt", receipt)
        go(page, "form.stacked button[type=submit]")
        found += violations(page)  # mediation question, notice form, history, what you reported
        go(page, "form[action$='/track/notice'] button[type=submit]")
        found += violations(page)  # the notice form's errors
        staff_act(app, case_id, [("decline_mediation", {"reason": "x"}), ("submit_report", {"reason": "x"}),
                                 ("decide", {"outcome": "not_substantiated", "reason": "x",
                                             "disciplinary": "not_started", "complainant_notice": NOTICE}), ("deliver", {})])
        page.reload()
        found += violations(page)  # what was decided, the appeal, where else to turn
    finally:
        context.close()
    assert found == []


@pytest.mark.parametrize("phone", [(True, "en")], indirect=True)
def test_send_pressed_before_the_proof_is_ready_waits_says_so_and_sends(app, live_server, phone):
    app.config["REPORT_PROOF_BITS"] = 22  # seconds of work: Send is pressed long before it is done
    page = phone
    page.goto(f"{live_server}/report")
    with page.expect_navigation(timeout=120_000):
        page.locator("form.report-form button[type=submit]").click()
        page.locator("[data-proof-status]").filter(has_text="Preparing your report").wait_for()
    # The server got the answer with the form: nothing was filled in, so it asks for that, and
    # keeps the solved proof, so the next press sends at once.
    assert page.locator("#error-summary").is_visible()
    assert page.locator("input[name=proof_nonce]").input_value() != ""
    fill_report(page, narrative="Sent once the proof was ready.", identified=False)
    go(page, "form.report-form button[type=submit]")
    assert page.locator(".receipt").is_visible()
