"""Evidence files in Chromium, as a person on a phone sends them: the picker offers the
accepted types; every refused file is named and the text stays; the page right after sending
names the file that could not be fully cleaned (also with JavaScript off)."""
from __future__ import annotations

import pytest

from tests.metadata_corpus import samples

pytestmark = pytest.mark.e2e
SAMPLES = samples()


def upload(name: str, data: bytes | None = None) -> dict:
    return {"name": name, "mimeType": "application/octet-stream",
            "buffer": SAMPLES[name].data if data is None else data}


def fill_report(page, base: str) -> None:
    page.goto(f"{base}/report")
    page.get_by_label("Sexual harassment: words").check()
    page.get_by_label("Tell us what happened, in your own words").fill("He sent these after the exercise.")
    page.get_by_label("A formal investigation").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_phone_sends_evidence_and_is_told_what_could_not_be_cleaned(app, live_server, browser, javascript):
    app.config["NOJS_REPORT_WAIT_SECONDS"] = 2  # without JavaScript a report form must be open that long
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        fill_report(page, live_server)
        picker = page.get_by_label("Evidence files (optional)")
        accept = picker.get_attribute("accept")
        assert all(kind in accept for kind in (".heic", ".m4a", ".mp4", ".mov", ".doc", ".xls", "audio/*"))
        picker.set_input_files([upload("photo.heic"), upload("voice.m4a"),
                                {"name": "tool.exe", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00"},
                                {"name": "empty.jpg", "mimeType": "image/jpeg", "buffer": b""}])
        if not javascript:
            page.wait_for_timeout(2100)
        page.get_by_role("button", name="Send my report").click()
        errors = " ".join(page.locator(".error-message").all_inner_texts())
        assert "“tool.exe”: This type of file is not accepted" in errors and "“empty.jpg” is empty" in errors
        assert page.get_by_label("Tell us what happened, in your own words").input_value() == \
            "He sent these after the exercise."

        page.get_by_label("Evidence files (optional)").set_input_files([upload("photo.heic"), upload("old.doc")])
        if not javascript:
            page.wait_for_timeout(2100)
        page.get_by_role("button", name="Send my report").click()
        assert page.locator(".receipt").is_visible()
        notice = page.get_by_role("status").filter(has_text="could not remove all hidden information")
        assert notice.is_visible() and "old.doc" in notice.inner_text() and "photo.heic" not in notice.inner_text()
    finally:
        context.close()
