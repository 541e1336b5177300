"""Deny by default: every route declares who may reach it, or it does not exist."""
from complaints.access import rule_for


def test_every_route_declares_an_access_rule(app):
    with app.test_request_context():
        undeclared = sorted(
            rule.rule for rule in app.url_map.iter_rules() if rule_for(rule.endpoint) is None
        )
    assert undeclared == [], f"routes without an access rule: {undeclared}"


def test_an_undeclared_route_answers_404(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = app.test_client().get("/forgotten")
    assert response.status_code == 404
    assert "secret" not in response.get_data(as_text=True)
