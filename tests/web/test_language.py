"""The interface language: Accept-Language on a first visit, a cookie holding only the
language code once chosen, a switcher that works as plain links, dates in the language."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from complaints.i18n import COOKIE, LANGUAGES

PUBLIC_PAGES = ["/", "/report", "/track", "/login", "/no-such-page"]


def html_lang(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_english_is_the_default(client) -> None:
    response = client.get("/")
    assert html_lang(response) == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Make a report" in response.get_data(as_text=True)


@pytest.mark.parametrize("header, code, phrase", [
    ("sr-Latn-RS,sr;q=0.9", "sr-Latn", "Podnesite prijavu"),
    ("sr-RS", "sr-Cyrl", "Поднесите пријаву"),
    ("sr-ME,en;q=0.5", "cnr", "Podnesite prijavu"),          # Montenegrin: its own catalogue
    ("cnr", "cnr", "Podnesite prijavu"),
    ("bs-BA", "bs", "Podnesite prijavu"),
    ("mk", "mk", "Поднесете пријава"),
    ("sq-AL,sq;q=0.9", "sq", "Bëni një raport"),
    ("de-DE,mk;q=0.4", "mk", "Поднесете пријава"),            # first language we have wins
    ("de-DE,fr;q=0.8", "en", "Make a report"),
])
def test_first_visit_follows_accept_language(client, header: str, code: str, phrase: str) -> None:
    response = client.get("/", headers={"Accept-Language": header})
    assert html_lang(response) == code
    assert phrase in response.get_data(as_text=True)


def test_switching_stores_only_the_code_and_goes_back(client) -> None:
    response = client.get("/language/sq?next=/report")
    assert response.status_code == 302 and response.headers["Location"] == "/report"
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith(COOKIE))
    assert cookie.startswith(f"{COOKIE}=sq;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "complaints_session" not in " ".join(response.headers.getlist("Set-Cookie"))
    # The cookie now beats the browser's own preference.
    page = client.get("/report", headers={"Accept-Language": "mk"})
    assert html_lang(page) == "sq" and "Bëni një raport" in page.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", ""])
def test_switching_never_leaves_the_site(client, target: str) -> None:
    response = client.get("/language/bs", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_refused(client) -> None:
    assert client.get("/language/xx?next=/").status_code == 404
    client.set_cookie(COOKIE, "xx")
    assert html_lang(client.get("/")) == "en"  # a forged cookie falls back, never fails


def test_switcher_links_every_language_back_to_this_page(client) -> None:
    page = client.get("/track?x=1").get_data(as_text=True)
    for language in LANGUAGES:
        assert f'href="/language/{language.code}?next=/track?x%3D1"' in page or \
            f'href="/language/{language.code}?next=/track?x=1"' in page, language.code
        assert f'lang="{language.code}"' in page
    assert page.count('aria-current="true"') == 1


def test_form_pages_switch_back_to_a_page_that_exists(client) -> None:
    # A POST that re-renders a form offers the switch back to the form's own GET page.
    page = client.post("/track", data={}).get_data(as_text=True)
    assert 'href="/language/sq?next=/track"' in page


def test_receipt_page_has_no_switcher(client, app) -> None:
    from tests.web.test_report import receipt_from, report_data

    receipt, page = receipt_from(client, client.post("/report", data=report_data(client)))
    assert receipt and "/language/" not in page.get_data(as_text=True)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda l: l.code)
def test_public_pages_render_in_every_language(client, language) -> None:  # type: ignore[no-untyped-def]
    client.set_cookie(COOKIE, language.code)
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert html_lang(response) == language.code
        assert response.headers["Content-Language"] == language.code


def test_validation_messages_are_translated(client) -> None:
    client.set_cookie(COOKIE, "sr-Latn")
    from tests.web.conftest import csrf_token

    token = csrf_token(client, "/report")
    page = client.post("/report", data={"csrf_token": token}).get_data(as_text=True)
    assert "Molimo proverite obrazac" in page
    assert "Molimo opišite šta se dogodilo." in page


@pytest.mark.parametrize("code, expected", [
    ("en", "5 March 2025"), ("sr-Latn", "5. marta 2025."), ("sr-Cyrl", "5. марта 2025."),
    ("bs", "5. marta 2025."), ("mk", "5 март 2025"), ("sq", "5 mars 2025"),
])
def test_dates_are_written_the_way_the_language_writes_them(app, code: str, expected: str) -> None:
    moment = datetime(2025, 3, 5, 14, 30, tzinfo=timezone.utc)
    date_filter = app.jinja_env.filters["date"]
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={code}"}):
        assert date_filter(moment).startswith(expected)
        assert date_filter(moment, True).endswith("UTC")


def test_numbers_are_formatted_for_the_language(app) -> None:
    from complaints.forms.report import ReportForm

    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=sr-Latn"}):
        message = [v for v in ReportForm.narrative.kwargs["validators"] if hasattr(v, "max")][0].message
        assert "20.000" in str(message)
    with app.test_request_context("/"):
        assert "20,000" in str(message)


def test_reminder_mail_is_written_in_the_instance_language(app) -> None:
    import uuid

    from complaints.services.reminders import DueItem, reminder_messages

    item = DueItem(uuid.uuid4(), "C-2025-0001", "decision", datetime(2025, 3, 5, tzinfo=timezone.utc),
                   True, (("ana", "ana@example.invalid"),))
    with app.app_context():
        english, = reminder_messages([item], "sender@example.invalid")
        albanian, = reminder_messages([item], "sender@example.invalid", "sq")
    assert english["Subject"] == "Complaints: 1 deadline due or overdue"
    assert "C-2025-0001: decision, due 5 March 2025 (OVERDUE)" in english.get_content()
    assert albanian["Subject"] == "Ankesat: 1 afat që skadon ose është tejkaluar"
    assert "C-2025-0001: vendimi, afati 5 mars 2025 (I TEJKALUAR)" in albanian.get_content()


@pytest.mark.parametrize("target", ["/%0Aenv%3B", "/report%0D%0ASet-Cookie:x=1", "/a%7Fb", "/%09tab"])
def test_a_control_character_in_next_goes_home_instead_of_failing(client, target: str) -> None:
    # Werkzeug refuses a Location header holding a newline: before, this answered 500.
    response = client.get(f"/language/en?next={target}")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.fixture()
def montenegro(app_config):  # type: ignore[no-untyped-def]
    from complaints import create_app
    from complaints.extensions import db

    application = create_app({**app_config, "PROCEDURE": "montenegro"})
    yield application
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.mark.parametrize("header", ["sr-Latn-ME", "sr-RS,sr;q=0.9", "sr-Latn", "sr", "sh"])
def test_the_montenegro_profile_answers_serbian_in_ijekavian(montenegro, header: str) -> None:
    response = montenegro.test_client().get("/report", headers={"Accept-Language": header})
    page = response.get_data(as_text=True)
    assert html_lang(response) == "cnr" and response.headers["Content-Language"] == "cnr"
    assert "Prije slanja" in page and "Pre slanja" not in page


def test_other_profiles_keep_ekavian_serbian_and_cyrillic_when_asked(montenegro, client) -> None:
    assert html_lang(client.get("/", headers={"Accept-Language": "sr-Latn"})) == "sr-Latn"
    assert html_lang(montenegro.test_client().get("/", headers={"Accept-Language": "sr-Cyrl"})) == "sr-Cyrl"
    assert html_lang(montenegro.test_client().get("/", headers={"Accept-Language": "bs"})) == "bs"


def test_montenegrin_dates_take_the_genitive(app) -> None:
    moment = datetime(2025, 3, 5, 14, 30, tzinfo=timezone.utc)
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=cnr"}):
        assert app.jinja_env.filters["date"](moment).startswith("5. marta 2025.")
