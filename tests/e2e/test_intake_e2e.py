"""An anonymous complainant files with a file, keeps the receipt, and follows up."""
import pytest

pytestmark = pytest.mark.e2e


def test_anonymous_complaint_with_a_file_and_follow_up(live_server, page, tmp_path):
    evidence = tmp_path / "messages.txt"
    evidence.write_text("He wrote: come to my office after hours.")
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Make a report").click()
    page.get_by_label("Sexual harassment: words").check()
    page.get_by_label("Tell us what happened, in your own words").fill("Repeated remarks about my body.")
    page.get_by_label("A formal investigation").check()
    page.get_by_label("Evidence files (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Send my report").click()

    receipt = page.locator(".receipt").inner_text().strip()
    assert len(receipt) == 24
    page.reload()  # the receipt is shown only once
    assert receipt not in page.content()

    page.goto(f"{live_server}/track")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Open my case").click()
    assert page.get_by_role("heading", name="Received").is_visible()
    assert page.get_by_role("link", name="messages.txt").is_visible()
    page.get_by_label("Your message or new information").fill("I remembered a witness: Marko.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert page.get_by_text("I remembered a witness: Marko.").is_visible()
