"""Errors and hints a screen reader hears with their controls (WCAG 1.3.1, 3.3.1, 2.4.4):
read from Chromium's accessibility tree, in English and in Serbian Cyrillic.

- Every link of the error summary leads somewhere, and following it puts the keyboard focus
  in the control that needs attention.
- A control with an error is marked invalid, and its error and hint are its description,
  for text fields, radio groups, checkbox lists and single checkboxes alike.
- The page title says how many errors there are, so the first thing a screen reader says
  after sending is that something needs correcting.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e import ax
from tests.e2e import world as demo_world
from tests.e2e.axe_check import violations
from tests.e2e.people import staff_account

pytestmark = pytest.mark.e2e


def send(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def text_of(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page.locator(selector).first.inner_text().split())


def assert_described(page, control: str, *parts: str, invalid: bool) -> None:  # type: ignore[no-untyped-def]
    node = ax.node(page, control)
    description = " ".join(node.description.split())
    for part in parts:
        assert part and part in description, f"{control}: {part!r} not in its description {description!r}"
    assert node.invalid is invalid, f"{control}: invalid is {node.states.get('invalid')!r}"


# The question of the field a summary link leads to (a group's legend, a control's label) is
# on the screen, not scrolled away above it.
QUESTION_IN_VIEW = """id => {
  const target = document.getElementById(id);
  const question = target.tagName === 'FIELDSET' ? target.querySelector('legend')
    : document.querySelector(`label[for="${id}"]`);
  const r = question.getBoundingClientRect();
  return r.top >= -1 && r.bottom <= innerHeight + 1;
}"""


def summary_links_lead_to_controls(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Follow each link of the error summary; return the name of the control focused each time."""
    assert page.evaluate("() => document.activeElement.id") == "error-summary"  # read first
    focused = []
    for href in page.locator(".error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.evaluate("id => !!document.getElementById(id)", href[1:]), f"{href} leads nowhere"
        page.locator(f".error-summary a[href='{href}']").click()
        assert page.evaluate(QUESTION_IN_VIEW, href[1:]), f"{href}: its question is out of view"
        focused.append(page.evaluate("() => document.activeElement.name || document.activeElement.id"))
    return focused


@pytest.mark.parametrize("code", ["en", "sr-Cyrl"])
def test_report_form_errors_and_hints_are_read_with_their_controls(app, live_server, page, code) -> None:
    page.goto(f"{live_server}/language/{code}?next=/report")
    clean_title = page.title()
    send(page, "form.report-form button[type=submit]")

    assert page.title() != clean_title and page.title().startswith("3 "), page.title()
    if code == "sr-Cyrl":
        assert re.match(r"3 [а-я]+: ", page.title()), page.title()  # "3 грешке: ..."
    assert summary_links_lead_to_controls(page) == ["category", "narrative", "wants"]

    category_error = text_of(page, "#category .error-message")
    assert_described(page, "#category-0", category_error, text_of(page, "#category-0-hint"), invalid=True)
    assert_described(page, "#narrative", text_of(page, "#narrative-hint"),
                     text_of(page, "#narrative ~ .error-message, .field-error:has(#narrative) .error-message"),
                     invalid=True)
    assert_described(page, "#wants-2", text_of(page, "#wants .error-message"), invalid=True)
    # Hints of groups and checkboxes without errors are read too, and nothing is invalid there.
    assert_described(page, "#protection_needed-1", text_of(page, "#protection_needed-hint"), invalid=False)
    assert_described(page, "#identity-0", text_of(page, "#identity-hint"), invalid=False)
    assert_described(page, "#keep_metadata", text_of(page, "#keep_metadata-hint"), invalid=False)
    assert_described(page, "#excluded_other", text_of(page, "#excluded_other-hint"), invalid=False)
    assert violations(page) == []


def test_a_checkbox_that_must_be_ticked_says_so(app, live_server, page) -> None:
    page.goto(f"{live_server}/report")
    page.locator("input[name=category]").first.check()
    page.fill("#narrative", "Comments about my body in front of the platoon.")
    page.locator("input[name=wants][value=formal]").check()
    page.locator("#on_behalf").check()
    send(page, "form.report-form button[type=submit]")
    assert page.title().startswith("1 error: ")
    assert summary_links_lead_to_controls(page) == ["on_behalf_consent"]
    assert_described(page, "#on_behalf_consent", text_of(page, "#on_behalf_consent-error-1"), invalid=True)
    assert violations(page) == []


def test_the_complainants_check_in_and_name_forms_tie_their_errors(app, live_server, page) -> None:
    import uuid
    from datetime import datetime, timedelta, timezone

    from complaints.extensions import db
    from complaints.models import Case, MonitoringCheckin

    page.goto(f"{live_server}/report")
    page.locator("input[name=category]").first.check()
    page.fill("#narrative", "He keeps sending me messages about my body.")
    page.locator("input[name=wants][value=formal]").check()
    send(page, "form.report-form button[type=submit]")
    receipt = page.locator(".receipt").inner_text().strip()
    with app.app_context():
        case = db.session.query(Case).one()
        case.state = "monitoring"
        db.session.add(MonitoringCheckin(id=uuid.uuid4(), case_id=case.id, day=30,
                                         due_at=datetime.now(timezone.utc) - timedelta(hours=1)))
        db.session.commit()
    page.goto(f"{live_server}/track")
    page.fill("#receipt", receipt)
    send(page, "form.stacked button[type=submit]")

    send(page, "form[action*='/track/checkin/'] button[type=submit]")  # no answer chosen
    assert summary_links_lead_to_controls(page) == ["answer"]
    assert_described(page, "#answer-0", text_of(page, "#answer .error-message"), invalid=True)
    assert violations(page) == []

    page.fill("#name", "Ana")
    page.fill("#contact", "ana@example.mil")
    send(page, "form[action$='/track/reveal'] button[type=submit]")  # "I understand" not ticked
    assert_described(page, "#understood", text_of(page, "#understood-error-1"), invalid=True)
    assert violations(page) == []


def test_roles_of_an_account_are_a_group_with_its_error(app, live_server, page) -> None:
    demo_world.sign_in(page, live_server, staff_account(app, "admin"))
    page.goto(f"{live_server}/admin/accounts/new")
    page.fill("#username", "new.officer")
    send(page, "form.stacked button[type=submit]")
    assert re.match(r"\d+ errors?: ", page.title())
    assert "roles" in summary_links_lead_to_controls(page)
    assert_described(page, "#roles-0", text_of(page, "#roles .error-message"), invalid=True)
    assert violations(page) == []


def test_the_choice_of_statistics_is_a_group_with_its_error(app, live_server, page) -> None:
    world = demo_world.build(app)
    demo_world.sign_in(page, live_server, world.accounts["gem"])
    page.goto(f"{live_server}/statistics?show=nonsense")
    assert page.title().startswith("1 error: ")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert_described(page, "#show-0", text_of(page, "#show .error-message"), invalid=True)
    assert violations(page) == []


def test_without_javascript_the_summary_leads_to_each_question(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/report")
        send(page, "form.report-form button[type=submit]")
        for href in ("#category", "#narrative", "#wants"):
            page.locator(f".error-summary a[href='{href}']").click()
            assert page.evaluate(QUESTION_IN_VIEW, href[1:]), f"{href}: its question is out of view"
    finally:
        context.close()


def test_a_page_without_errors_has_a_plain_title(live_server, page) -> None:
    page.goto(f"{live_server}/report")
    assert page.title() == "Make a report · Complaints"
    assert not ax.node(page, "#narrative").invalid
