"""Every form that changes something refuses a missing, wrong or foreign CSRF token, for
staff and complainants alike, and writes nothing."""
from __future__ import annotations

import html

import pytest

from tests import snapshot
from tests.web.conftest import csrf_token
from tests.web.test_access_matrix import build_url


def post_urls(app, case_id):
    return sorted({build_url(rule, case_id) for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods})


@pytest.mark.parametrize("token_kind", ["missing", "garbage", "another session's"])
def test_every_post_route_refuses_a_bad_token(app, world, token_kind):
    foreign_token = csrf_token(app.test_client(), "/report")
    urls = post_urls(app, world.case_id)
    assert len(urls) > 25  # every form of the app, not a sample
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    accepted = []
    for url in urls:
        for who, client in (("staff", world.staff), ("complainant", world.complainant)):
            data = {"body": "x", "reason": "x", "narrative": "x", "action": "acknowledge",
                    "version": "1", "receipt": "AAAA", "username": "everyone", "password": "x"}
            if token_kind == "garbage":
                data["csrf_token"] = "IjEyMyI.garbage.token"
            elif token_kind == "another session's":
                data["csrf_token"] = foreign_token
            response = client.post(url, data=data)
            page = html.unescape(response.get_data(as_text=True))
            if response.status_code != 400 or "This form has expired" not in page:
                accepted.append(f"{who} POST {url}: {response.status_code}")
    assert accepted == []
    with app.app_context():
        assert before.changed_tables(snapshot.take(app.config["ATTACHMENTS_DIR"])) == {}
    # Both sessions are still usable: the refusals changed nothing for them.
    assert world.staff.get(f"/cases/{world.case_id}").status_code == 200
    assert world.complainant.get("/track/case").status_code == 200


def test_a_token_from_the_same_session_is_accepted(app, world):
    # The control: the refusal above is about the token, not the route.
    token = csrf_token(world.complainant, "/track/case")
    response = world.complainant.post("/track/message", data={"csrf_token": token, "body": "Hello"})
    assert response.status_code == 302
