import pytest

from complaints import create_app


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/css/site.css"])
def test_security_headers_on_every_response(client, path):
    assert_security_headers(client.get(path))


def test_pages_are_not_cached(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_and_secure_cookie_behind_https(app_config):
    app = create_app({**app_config, "HTTPS": True})
    response = app.test_client().get("/", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_assets_are_local(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def test_forms_work_over_https_although_pages_send_no_referrer(app_config):
    """Over HTTPS, Flask-WTF's strict check wanted a same-host Referer, which our
    no-referrer pages never send: every form answered "This form has expired"."""
    import re

    from complaints import create_app

    client = create_app(dict(app_config, HTTPS=True)).test_client()
    from tests.web.conftest import solved_proof

    page = client.get("/report", base_url="https://complaints.test").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/report", base_url="https://complaints.test", data={
        "csrf_token": token, **solved_proof(page), "category": "SH_VERBAL", "narrative": "Over HTTPS.",
        "wants": "formal", "identity": "anonymous", "protection_needed": "no"},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/sent")


def test_a_form_posted_from_another_site_is_refused(client):
    import re

    page = client.get("/report").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    for site in ("cross-site", "same-site"):
        response = client.post("/report", data={"csrf_token": token, "category": "SH_VERBAL",
                                                "narrative": "x", "wants": "formal",
                                                "identity": "anonymous", "protection_needed": "no"},
                               headers={"Sec-Fetch-Site": site})
        assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
