"""Visible focus (WCAG 1.4.11, 2.4.7): walking every page of every role with the Tab key, the
focus indicator of each control is at least 2 CSS px thick and has at least 3:1 contrast
with the colours beside it, measured from Chromium's computed styles."""
from __future__ import annotations

import pytest

from tests.e2e import world as demo_world

pytestmark = pytest.mark.e2e

# What the focused element looks like: its outline, the ring inside it (a box-shadow), and
# the colour behind the outline (the nearest ancestor with a background; offset outlines
# are drawn over the parent, never over the element itself).
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const rgb = text => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || '');
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  let node = el.parentElement, behind = null;
  while (node && !behind) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) behind = c;
    node = node.parentElement;
  }
  const s = getComputedStyle(el);
  return {
    what: el.tagName.toLowerCase() + ' ' + (el.id || el.name || el.textContent || '').trim().slice(0, 40),
    style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: rgb(s.outlineColor),
    ring: rgb(s.boxShadow), behind: behind || {r: 255, g: 255, b: 255, a: 1},
  };
}"""


def luminance(c: dict) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c["r"]) + 0.7152 * channel(c["g"]) + 0.0722 * channel(c["b"])


def contrast(a: dict, b: dict) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def weak_focus_on(page, limit: int = 250) -> list[str]:  # type: ignore[no-untyped-def]
    """Tab through the page once; every focused element whose indicator is too weak."""
    weak, seen = [], set()
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        key = page.evaluate("() => { const el = document.activeElement; "
                            "return el === document.body ? 'body' : el.outerHTML.slice(0, 300); }")
        if key == "body" or key in seen:
            break  # back at the start: every control was visited
        seen.add(key)
        problems = []
        if focus["style"] == "none" or focus["width"] < 2:
            problems.append(f"outline {focus['style']} {focus['width']}px")
        elif contrast(focus["colour"], focus["behind"]) < 3:
            problems.append(f"{contrast(focus['colour'], focus['behind']):.2f}:1 against the page")
        if focus["ring"] and focus["style"] != "none" and contrast(focus["colour"], focus["ring"]) < 3:
            problems.append(f"{contrast(focus['colour'], focus['ring']):.2f}:1 against its inner ring")
        if problems:
            weak.append(f"{page.url} {focus['what']}: {', '.join(problems)}")
    assert seen, f"nothing on {page.url} takes the focus"
    return weak


def test_the_focus_is_visible_everywhere_for_the_complainant(live_server, page) -> None:
    weak = []
    for path in ("/", "/report", "/track", "/login", "/no-such-page"):
        page.goto(live_server + path)
        weak += weak_focus_on(page)
    page.goto(f"{live_server}/report")
    with page.expect_navigation():
        page.click("form.report-form button[type=submit]")  # the error summary and fields in error
    weak += weak_focus_on(page)
    page.goto(f"{live_server}/")
    page.locator(".language-switch summary").click()  # the open language menu
    weak += weak_focus_on(page)
    assert weak == []


def test_the_focus_is_visible_everywhere_for_staff(app, live_server, page) -> None:
    world = demo_world.build(app)
    weak = []
    for role, paths in (
        ("officer", ["/cases", f"/cases/{world.cases['officer']}"]),
        ("coordinator", ["/register", f"/register/{world.cases['register']}"]),
        ("admin", ["/admin/accounts", "/admin/accounts/new"]),
        ("gem", ["/statistics"]),
        ("auditor", ["/audit"]),
    ):
        page.goto("about:blank")
        page.context.clear_cookies()
        demo_world.sign_in(page, live_server, world.accounts[role])
        for path in paths:
            page.goto(live_server + path)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            weak += weak_focus_on(page)
    assert weak == []
