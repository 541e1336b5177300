"""A form sent from another site is refused even with a valid token: the browser's
Sec-Fetch-Site header takes the place of the Referer check our pages can't use (they send no
Referer). Forms sent from our own pages, and by browsers that don't say, still work."""
from __future__ import annotations

import html

import pytest

from complaints.extensions import db
from complaints.models import Message
from tests.web.conftest import csrf_token


def message_count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.query(Message).count()


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_form_from_another_site_is_refused_with_a_valid_token(app, world, site) -> None:
    before = message_count(app)
    token = csrf_token(world.staff, f"/cases/{world.case_id}")
    response = world.staff.post(f"/cases/{world.case_id}/messages", data={"csrf_token": token, "body": "Forged"},
                                headers={"Sec-Fetch-Site": site})
    assert response.status_code == 400
    assert "This form has expired" in html.unescape(response.get_data(as_text=True))
    assert message_count(app) == before


@pytest.mark.parametrize("site", ["same-origin", None])
def test_a_form_from_our_pages_is_accepted(app, world, site) -> None:
    before = message_count(app)
    token = csrf_token(world.staff, f"/cases/{world.case_id}")
    headers = {"Sec-Fetch-Site": site} if site else {}
    response = world.staff.post(f"/cases/{world.case_id}/messages", data={"csrf_token": token, "body": "Hello"},
                                headers=headers)
    assert response.status_code == 302
    assert message_count(app) == before + 1


def test_a_complainants_form_from_another_site_is_refused(app, world) -> None:
    token = csrf_token(world.complainant, "/track/case")
    response = world.complainant.post("/track/message", data={"csrf_token": token, "body": "Forged"},
                                      headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400
