"""The report form's page is rendered once per language and kept (views/form_pages.py): each
visitor still gets their own CSRF token and proof-of-work challenge, never another's, and
nothing of one person (text they typed, a message for them, a staff member's menu) ever
reaches another visitor through the kept page."""
from __future__ import annotations

import re

from complaints.views import form_pages
from tests.web.conftest import form_fields
from tests.web.test_report import report_data

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
CHALLENGE = re.compile(r'name="proof_challenge" type="hidden" value="([^"]+)"')


def own_values(page: str) -> tuple[str, str]:
    return CSRF.search(page).group(1), CHALLENGE.search(page).group(1)


def kept_pages(app) -> dict:
    return app.extensions.get("complaints.form_pages", {})


def test_two_visitors_get_their_own_token_and_challenge_and_cannot_use_each_others(app):
    first, second = app.test_client(), app.test_client()
    first_page = first.get("/report").get_data(as_text=True)
    second_page = second.get("/report").get_data(as_text=True)
    assert kept_pages(app), "the second visitor was served the kept page"
    first_token, first_challenge = own_values(first_page)
    second_token, second_challenge = own_values(second_page)
    assert first_token != second_token and first_challenge != second_challenge
    # Apart from those two values the pages are the same, character for character.
    assert first_page.replace(first_token, "T").replace(first_challenge, "C") == \
        second_page.replace(second_token, "T").replace(second_challenge, "C")
    # The second visitor can't send with the first one's token: it belongs to the first's session.
    stolen = report_data(second, csrf_token=first_token)
    assert second.post("/report", data=stolen).status_code == 400
    assert first.post("/report", data=report_data(first)).status_code == 302


def test_the_kept_page_is_the_page_a_fresh_render_gives(app, client):
    client.get("/report")  # fills the kept page
    kept = client.get("/report").get_data(as_text=True)
    token, challenge = own_values(kept)
    app.debug = True  # development: every request renders
    try:
        fresh = app.test_client().get("/report").get_data(as_text=True)
    finally:
        app.debug = False
    fresh_token, fresh_challenge = own_values(fresh)
    assert kept.replace(token, "T").replace(challenge, "C") == \
        fresh.replace(fresh_token, "T").replace(fresh_challenge, "C")


def test_each_language_has_its_own_page(app):
    english = app.test_client().get("/report", headers={"Accept-Language": "en"})
    cyrillic_visitor = app.test_client()
    cyrillic_visitor.get("/language/sr-Cyrl")
    cyrillic = cyrillic_visitor.get("/report")
    again_english = app.test_client().get("/report", headers={"Accept-Language": "en"})
    assert "Make a report" in english.get_data(as_text=True)
    assert cyrillic.headers["Content-Language"] == "sr-Cyrl"
    assert 'lang="sr-Cyrl"' in cyrillic.get_data(as_text=True)
    assert "Make a report" not in cyrillic.get_data(as_text=True)
    assert 'lang="en"' in again_english.get_data(as_text=True)


def test_what_one_person_typed_never_reaches_the_next_visitor(app, client):
    client.get("/report")
    typed = "CANARY-typed-3f9e <b>mine</b>"
    refused = client.post("/report", data=report_data(client, narrative=typed, wants=""))
    assert refused.status_code == 400 and "CANARY-typed-3f9e" in refused.get_data(as_text=True)
    page = app.test_client().get("/report").get_data(as_text=True)
    assert "CANARY-typed-3f9e" not in page


def test_a_message_for_one_visitor_is_shown_to_them_and_kept_for_nobody(app, client):
    client.get("/report")
    with client.session_transaction() as session:
        session["_flashes"] = [("warning", "CANARY-flash-81c2 for you alone")]
    mine = client.get("/report").get_data(as_text=True)
    assert "CANARY-flash-81c2" in mine and own_values(mine)[0]
    assert "CANARY-flash-81c2" not in app.test_client().get("/report").get_data(as_text=True)
    assert "CANARY-flash-81c2" not in client.get("/report").get_data(as_text=True)  # shown once


def test_a_signed_in_staff_members_menu_is_never_kept(app, staff_client):
    officer, user = staff_client("officer", username="canary_officer_5d")
    mine = officer.get("/report").get_data(as_text=True)
    assert "canary_officer_5d" in mine  # "Sign out (name)"
    anyone = app.test_client().get("/report").get_data(as_text=True)
    assert "canary_officer_5d" not in anyone and "Sign out" not in anyone
    fields = form_fields(officer, "/report")  # the staff member's own token works on their form
    assert fields["csrf_token"]


def test_a_value_with_markup_is_escaped_where_it_goes(app):
    """Tokens are letters, digits and dots; should one ever hold markup, it is escaped."""
    with app.test_request_context("/report"):
        def render(slots):
            return f'<input value="{slots["token"]}"><p>{slots["other"]}</p>'

        form_pages.page("probe", render, {"token": "a", "other": "b"})
        page = form_pages.page("probe", render, {"token": '"><script>x</script>', "other": "<b>"})
    assert page == '<input value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"><p>&lt;b&gt;</p>'


def test_a_page_whose_value_has_no_place_is_rendered_every_time(app):
    calls = []
    with app.test_request_context("/report"):
        def render(slots):
            calls.append(slots)
            return "<p>no place for the token</p>"

        form_pages.page("nowhere", render, {"token": "a"})
        form_pages.page("nowhere", render, {"token": "b"})
    assert calls[-2:] == [{"token": "a"}, {"token": "b"}] and len(calls) == 3  # one probe
    assert [pieces for key, pieces in kept_pages(app).items() if key[0] == "nowhere"] == [None]
