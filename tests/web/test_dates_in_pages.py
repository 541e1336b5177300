"""Dates and times on rendered pages, in every language: one full stop after a date that ends
with its own (and the markup around the date left as markup), the genitive month after
prepositions in Serbian, Montenegrin and Bosnian, 24-hour times in Albanian as Kosovo and
North Macedonia write them, and in Serbian Cyrillic no entity mangled and no Latin-only word
converted."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from complaints.i18n import COOKIE, LANGUAGES
from tests.web.test_track import filed, open_case

DOUBLE_STOP = re.compile(r"(?:\d{4}\.|\d{4} г\.)(?:</[a-z]+>|\s)*\.(?!\d)")
NOMINATIVE_DAY = re.compile(r"\d{1,2}\. (?:januar|februar|mart|april|maj|jun|jul|avgust|august|septembar|"
                            r"oktobar|novembar|decembar|јануар|фебруар|март|април|мај|јун|јул|август|"
                            r"септембар|октобар|новембар|децембар)\b")
MANGLED_ENTITY = re.compile(r"&[^\s;&]*[\u0400-\u04FF][^\s;&]*;")
# A tag of the page's own text shown to the reader as text (``&lt;/strong&gt;``).
ESCAPED_TAG = re.compile(r"&lt;/?[a-z]+&gt;")
CONVERTED_LATIN = ("Цомплаинтс", "министры", "министрy", "Цтрл", "МАЦ", "суппрессед", "витхелд", "ПДФ")


def text_of(page: str) -> str:
    """The page without its styles and scripts."""
    return re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.DOTALL)


@pytest.fixture()
def followed(app, client):  # type: ignore[no-untyped-def]
    receipt = filed(client)
    return receipt


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda l: l.code)
def test_the_follow_up_page_writes_dates_once_and_in_the_right_form(app, followed, language) -> None:  # type: ignore[no-untyped-def]
    reader = app.test_client()
    reader.set_cookie(COOKIE, language.code)
    assert open_case(reader, followed).status_code == 302
    page = text_of(reader.get("/track/case").get_data(as_text=True))
    assert re.search(r"\b20\d\d\b", page), "the page shows a date"
    assert not DOUBLE_STOP.search(page), DOUBLE_STOP.search(page).group(0)
    assert not ESCAPED_TAG.search(page), page[ESCAPED_TAG.search(page).start() - 80:][:160]
    assert not NOMINATIVE_DAY.search(page), NOMINATIVE_DAY.search(page).group(0)
    assert not MANGLED_ENTITY.search(page), MANGLED_ENTITY.search(page).group(0)
    for word in CONVERTED_LATIN:
        assert word not in page


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda l: l.code)
@pytest.mark.parametrize("path", ["/", "/report", "/track", "/login"])
def test_public_pages_keep_entities_and_latin_words(client, language, path: str) -> None:  # type: ignore[no-untyped-def]
    client.set_cookie(COOKIE, language.code)
    page = text_of(client.get(path).get_data(as_text=True))
    assert not MANGLED_ENTITY.search(page), MANGLED_ENTITY.search(page).group(0)
    assert not DOUBLE_STOP.search(page)
    assert not ESCAPED_TAG.search(page)
    for word in CONVERTED_LATIN:
        assert word not in page


@pytest.mark.parametrize("accept, time", [
    ("sq", "14:30"), ("sq-XK", "14:30"), ("sq-MK,sq;q=0.9", "14:30"), ("sq-AL", "2:30"),
])
def test_albanian_times_use_the_24_hour_clock_of_kosovo_and_north_macedonia(app, accept: str, time: str) -> None:
    moment = datetime(2025, 3, 5, 14, 30, tzinfo=timezone.utc)
    date_filter = app.jinja_env.filters["date"]
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=sq", "Accept-Language": accept}):
        written = date_filter(moment, True)
    assert written.startswith("5 mars 2025") and f", {time}" in written and written.endswith("UTC")
    if time == "14:30":
        assert "m.d." not in written and "e pasdites" not in written


def test_albanian_pages_answer_in_albanian_whatever_the_region(client) -> None:
    for accept in ("sq-XK", "sq-MK", "sq-AL", "sq"):
        page = client.get("/", headers={"Accept-Language": accept})
        assert re.search(r'<html lang="sq"', page.get_data(as_text=True)), accept
        assert page.headers["Content-Language"] == "sq"
        assert "Bëni një raport" in page.get_data(as_text=True)


def test_reminder_and_notification_dates_take_the_genitive(app) -> None:
    import uuid

    from complaints.services.reminders import DueItem, reminder_messages

    item = DueItem(uuid.uuid4(), "C-2025-0001", "decision", datetime(2025, 3, 5, tzinfo=timezone.utc),
                   False, (("ana", "ana@example.invalid"),))
    with app.app_context():
        serbian, = reminder_messages([item], "sender@example.invalid", "sr_Latn")
        bosnian, = reminder_messages([item], "sender@example.invalid", "bs")
    for mail in (serbian, bosnian):
        body = mail.get_content()
        assert "5. marta 2025." in body, body
        assert not NOMINATIVE_DAY.search(body) and not DOUBLE_STOP.search(body)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda l: l.code)
def test_staff_pages_write_dates_once_and_keep_latin_words(app, language) -> None:  # type: ignore[no-untyped-def]
    from flask_login import login_user

    from complaints.views import cases as views
    from tests.factories import assign, make_case, make_staff

    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}={language.code}"}):
        officer = make_staff("olivera", ["officer"])
        coordinator = make_staff("coco", ["coordinator"])
        case, _ = make_case()
        assign(case, officer, "intake")
        login_user(officer)
        case_page, status = views.case_page.__wrapped__(case_id=case.id)
        assert status == 200
        mine = views.my_cases.__wrapped__()
        login_user(coordinator)
        register = views.register.__wrapped__()
    for page in map(text_of, (case_page, mine, register)):
        assert re.search(r"\b20\d\d\b", page)
        assert not DOUBLE_STOP.search(page), DOUBLE_STOP.search(page).group(0)
        assert not NOMINATIVE_DAY.search(page), NOMINATIVE_DAY.search(page).group(0)
        assert not MANGLED_ENTITY.search(page), MANGLED_ENTITY.search(page).group(0)
        for word in CONVERTED_LATIN:
            assert word not in page


def test_dates_and_times_are_read_on_the_organisations_clock(app_config) -> None:  # type: ignore[no-untyped-def]
    """A Serbian deployment's officer sees the time in Belgrade, not in UTC: 23:30 UTC on
    5 March is 00:30 on 6 March there."""
    from complaints import create_app

    app = create_app({**app_config, "PROCEDURE": "serbia"})
    moment = datetime(2026, 3, 5, 23, 30, tzinfo=timezone.utc)
    date_filter = app.jinja_env.filters["date"]
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=sr-Latn"}):
        assert date_filter(moment) == "6. marta 2026."
        assert date_filter(moment, True) == "6. marta 2026., 00:30 CET"
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=en"}):
        assert date_filter(summer, True).endswith("12:00 CEST")
        # The lists' short dates (Flask-Babel's filter) read the same clock.
        assert app.jinja_env.filters["dateformat"](moment, "medium") == "6 Mar 2026"


def test_a_deadline_shows_its_own_last_day_west_of_utc(app) -> None:  # type: ignore[no-untyped-def]
    """A deadline ends at midnight where the organisation is; west of UTC that moment falls
    on the next day in UTC, and the page (and the e-mail) must still name the last day."""
    import dataclasses
    from datetime import date

    from flask_babel import force_locale

    from complaints.i18n import long_date_here

    profile = app.extensions["complaints.profile"]
    app.extensions["complaints.profile"] = dataclasses.replace(
        profile, calendar=dataclasses.replace(profile.calendar, zone_name="America/New_York"))
    due = app.extensions["complaints.profile"].calendar.end_of_day(date(2026, 12, 2))
    assert due.astimezone(timezone.utc).day == 3  # the moment is on 3 December in UTC
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=en"}):
        assert app.jinja_env.filters["date"](due) == "2 December 2026"
        assert app.jinja_env.filters["date"](due, True) == "2 December 2026, 23:59 EST"
        with force_locale("en_GB"):
            assert long_date_here(due) == "2 December 2026"
