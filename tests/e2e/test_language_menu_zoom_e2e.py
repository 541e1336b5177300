"""The language menu at 200% zoom (WCAG 1.4.4, 1.4.10, 2.4.11): a 1240-1660 px wide screen
zoomed to 200% is 620-830 CSS px wide. Opened there, the menu lies entirely on the screen, and
when the keyboard moves on from it, it covers nothing that takes the focus next, with
JavaScript and without."""
from __future__ import annotations

import pytest

from tests.e2e import world as demo_world
from tests.e2e.people import staff_account

pytestmark = pytest.mark.e2e

WIDTHS = (620, 683, 720, 768, 800, 830)  # 683: a 1366 px laptop at 200%

MENU_BOX = """() => {
  const r = document.querySelector('.language-switch ul').getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, viewport: document.documentElement.clientWidth};
}"""

# Is the focused element hidden under something else at its centre (the open menu, say)?
FOCUSED_IS_COVERED = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (y < 0 || y > innerHeight) el.scrollIntoView({block: 'center'});
  const s = el.getBoundingClientRect();
  const top = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
  return !!top && !el.contains(top) && !top.contains(el) ? top.outerHTML.slice(0, 120) : '';
}"""


def zoomed(browser, width: int, javascript: bool = True, signed_in=None):  # type: ignore[no-untyped-def]
    return browser.new_context(viewport={"width": width, "height": 600}, device_scale_factor=2,
                               java_script_enabled=javascript, storage_state=signed_in)


def signed_in_state(browser, live_server, account):  # type: ignore[no-untyped-def]
    """Sign in once (a TOTP code works once) and reuse the session in every context."""
    context = browser.new_context()
    try:
        page = context.new_page()
        demo_world.sign_in(page, live_server, account)
        return context.storage_state()
    finally:
        context.close()


def open_menu_with_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    page.locator(".language-switch summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".language-switch ul").is_visible()


def problems_on(page, url: str, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url)
    open_menu_with_the_keyboard(page)
    found = []
    box = page.evaluate(MENU_BOX)
    if box["left"] < 0 or box["right"] > box["viewport"] + 0.5:
        found.append(f"{width}px {url}: menu at {box['left']:.0f}..{box['right']:.0f} of {box['viewport']}")
    # Links, or on a form page buttons that send the form back in the chosen language.
    for _ in page.locator(".language-switch li a, .language-switch li button").all():
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.lang") == "sq"  # the last language
    page.keyboard.press("Tab")
    covered = page.evaluate(FOCUSED_IS_COVERED)
    if covered:
        found.append(f"{width}px {url}: the next control is under {covered}")
    return found


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_language_menu_stays_on_screen_and_uncovers_the_next_control(
        app, browser, live_server, javascript: bool) -> None:
    account = staff_account(app, "officer", username="officer.with.a.rather.long.name")
    state = signed_in_state(browser, live_server, account)
    found: list[str] = []
    for width in WIDTHS:
        for session in (None, state):
            context = zoomed(browser, width, javascript, session)
            page = context.new_page()
            try:
                for code in ("en", "sr-Cyrl"):
                    page.goto(f"{live_server}/language/{code}?next=/")
                    found += problems_on(page, f"{live_server}{'/cases' if session else '/report'}", width)
            finally:
                context.close()
    assert found == [], "\n".join(found)


def test_escape_closes_the_menu_and_gives_the_focus_back(browser, live_server) -> None:
    context = zoomed(browser, 683)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/")
        open_menu_with_the_keyboard(page)
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        assert not page.locator(".language-switch ul").is_visible()
        assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
        assert page.locator(".language-switch summary").get_attribute("aria-expanded") is None or \
            page.evaluate("() => !document.querySelector('.language-switch details').open")
    finally:
        context.close()
