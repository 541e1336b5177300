"""Pooled connections that died (a database restart, a failover, a cut) cost at most one
request, and a person's report is never lost to one: an idle connection is pinged before use
(extensions._ping_after_idling), and one that dies in use is invalidated together with every
connection pooled before it, including when it died inside a block of statements sent in one
round trip (complaints/pipeline.py). Connections are cut from a second PostgreSQL session,
as a restart would cut them."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from complaints import extensions
from complaints.extensions import db
from complaints.models import Case
from tests.conftest import PG_URL
from tests.web.test_report import report_data

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL connections cut from another session")


def cut_every_connection(database_url: str) -> int:
    """pg_terminate_backend for every connection to the test database, from outside."""
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": make_url(database_url).database}).all())
    finally:
        admin.dispose()


def fill_pool(app, connections: int = 3) -> None:
    """Several connections in the pool, as a busy worker has."""
    with app.app_context():
        held = [db.engine.connect() for _ in range(connections)]
        for connection in held:
            connection.execute(text("SELECT 1"))
        for connection in held:
            connection.close()


def blind_to_the_socket(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The pool no longer sees that the server closed a connection between two requests."""
    monkeypatch.setattr(extensions, "_server_spoke", lambda dbapi_connection: False)


def stored_cases(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
        db.session.remove()
        return count


def test_a_report_sent_over_a_dead_connection_keeps_its_text_and_the_next_one_goes_through(
        app, database_url, monkeypatch):
    monkeypatch.setattr(extensions, "IDLE_BEFORE_PING", 3600.0)  # busy: no ping before use
    blind_to_the_socket(monkeypatch)  # as if it died after checkout, in the middle of the request
    fill_pool(app)
    assert cut_every_connection(database_url) >= 3
    person = app.test_client()
    data = report_data(person, narrative="CANARY-dead-connection what happened")
    first = person.post("/report", data=data)
    # The claim of the receipt (statements sent in one round trip) met the dead connection:
    # the form comes back with everything typed, nothing was filed.
    assert first.status_code in (400, 503)
    assert first.status_code == 503 or "CANARY-dead-connection" in first.get_data(as_text=True)
    assert stored_cases(app) == 0
    # Every connection pooled before the failure was invalidated with it: the next request
    # connects afresh instead of meeting the next dead connection.
    again = person.post("/report", data=report_data(person, narrative="CANARY-dead-connection again"))
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    assert stored_cases(app) == 1


def test_a_page_read_over_a_dead_connection_is_a_503_once_then_served(app, database_url, staff_client,
                                                                      monkeypatch):
    monkeypatch.setattr(extensions, "IDLE_BEFORE_PING", 3600.0)
    blind_to_the_socket(monkeypatch)
    officer, _ = staff_client("officer")
    assert officer.get("/cases").status_code == 200
    fill_pool(app)
    cut_every_connection(database_url)
    statuses = [officer.get("/cases").status_code for _ in range(3)]
    assert statuses[0] in (200, 503) and statuses[1:] == [200, 200], statuses


def test_an_idle_connection_is_pinged_and_replaced_before_anyone_meets_it(app, database_url, monkeypatch):
    fill_pool(app)
    cut_every_connection(database_url)
    monkeypatch.setattr(extensions, "IDLE_BEFORE_PING", 0.0)  # every pooled connection has idled
    person = app.test_client()
    response = person.post("/report", data=report_data(person))
    assert response.status_code == 302
    assert stored_cases(app) == 1


def test_a_connection_cut_a_moment_ago_is_replaced_before_anyone_meets_it(app, database_url, monkeypatch):
    # A restart or failover seconds after the last request: too soon for the idle rule, but
    # the server closed the socket, and the pool sees that without a round trip.
    monkeypatch.setattr(extensions, "IDLE_BEFORE_PING", 3600.0)
    fill_pool(app)
    assert cut_every_connection(database_url) >= 3
    person = app.test_client()
    statuses = [person.post("/report", data=report_data(person)).status_code for _ in range(2)]
    assert statuses == [302, 302]
    assert stored_cases(app) == 2


def test_a_connection_in_steady_use_is_not_pinged(app):
    """No round trip before each request: the point of dropping pool_pre_ping."""
    pings = []
    with app.app_context():
        dialect = db.engine.dialect
        original = dialect.do_ping
        dialect.do_ping = lambda connection: pings.append(1) or original(connection)  # type: ignore[method-assign]
        try:
            client = app.test_client()
            for _ in range(3):
                assert client.post("/report", data=report_data(client)).status_code == 302
        finally:
            del dialect.do_ping
    assert pings == []
