"""Error pages say what happened in plain words and leak nothing."""
import logging

from complaints.access import public


def add_route(app, rule, view):
    app.add_url_rule(rule, view.__name__, public(view), methods=["GET", "POST"])


def test_unexpected_error_page_leaks_nothing(app, caplog):
    def explode():
        raise RuntimeError("secret-canary-7731 in the exception message")

    add_route(app, "/explode", explode)
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/explode")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret-canary-7731" not in page and "Traceback" not in page
    assert "secret-canary-7731" not in caplog.text


def test_not_found_page(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_method_not_allowed_page(client):
    response = client.delete("/")
    assert response.status_code == 405


def test_request_too_large_is_a_friendly_413(app):
    def upload():
        from flask import request
        return str(len(request.get_data()))

    add_route(app, "/upload-test", upload)
    app.config["WTF_CSRF_ENABLED"] = False
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = app.test_client().post("/upload-test", data=big,
                                      content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_csrf_missing_is_refused_with_a_plain_page(app):
    def form():
        from flask_wtf import FlaskForm
        FlaskForm().validate_on_submit()
        return "ok"

    add_route(app, "/csrf-test", form)
    response = app.test_client().post("/csrf-test", data={"x": "1"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_rate_limited_page(app):
    from complaints.extensions import limiter

    def limited():
        return "ok"

    app.add_url_rule("/limited", "limited", public(limiter.limit("1 per minute")(limited)))
    client = app.test_client()
    assert client.get("/limited").status_code == 200
    response = client.get("/limited")
    assert response.status_code == 429
    assert "Please wait" in response.get_data(as_text=True)
