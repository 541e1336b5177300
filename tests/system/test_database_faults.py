"""PostgreSQL stops in the middle of a submission or a transition (an immediate shutdown,
as in a crash): the person gets a clear "try again" page, nothing half-written remains in the
database or the file store, the audit log still verifies, and the same action succeeds once
the database is back.

The stop is triggered from inside the request, just before a chosen statement (or the
commit), so the fault lands at the same point every run.
"""
from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import event

from complaints.extensions import db
from complaints.models import Case
from tests import snapshot
from tests.factories import assign, make_case
from tests.web.conftest import csrf_token
from tests.web.test_report import report_data


@pytest.fixture()
def database_url(postgres):
    """Each test gets its own migrated database on the system tests' PostgreSQL."""
    from complaints.migrate import upgrade_database

    if not postgres.running:
        postgres.start()
    url = postgres.create_database(f"faults_{uuid.uuid4().hex[:10]}")
    upgrade_database(url)
    yield url


class StopDatabase:
    """Stops PostgreSQL just before ``statement`` (an SQL prefix, or "COMMIT") runs once."""

    def __init__(self, postgres, engine, statement: str):
        self.postgres, self.engine, self.statement = postgres, engine, statement
        self.fired = False
        event.listen(engine, "before_cursor_execute", self.before_statement)
        event.listen(engine, "commit", self.before_commit)

    def _stop(self) -> None:
        if not self.fired:
            self.fired = True
            self.postgres.stop("immediate")

    def before_statement(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if " ".join(statement.split()).upper().startswith(self.statement):
            self._stop()

    def before_commit(self, conn):  # type: ignore[no-untyped-def]
        if self.statement == "COMMIT":
            self._stop()

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.before_statement)
        event.remove(self.engine, "commit", self.before_commit)


@pytest.fixture()
def stop_database_before(app, postgres):
    armed = []

    def arm(statement: str) -> StopDatabase:
        armed.append(StopDatabase(postgres, db.engine, statement))
        return armed[-1]

    yield arm
    for hook in armed:
        hook.remove()
    if not postgres.running:
        postgres.start()


def assert_try_again_page(response) -> None:
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Please try again" in page and "Nothing was saved" in page
    assert "Traceback" not in page and "psycopg" not in page


# The audit entry and the new head are one statement on PostgreSQL (complaints/audit.py); the
# case's rows go out in one round trip (complaints/pipeline.py), so the stop lands inside it.
@pytest.mark.parametrize("statement", ["INSERT INTO CASES", "INSERT INTO ATTACHMENTS",
                                       "WITH ENTRY AS (INSERT INTO AUDIT_ENTRIES", "COMMIT"])
def test_database_stops_during_a_submission(app, client, postgres, stop_database_before, statement):
    attachments = app.config["ATTACHMENTS_DIR"]
    with app.app_context():
        before = snapshot.take(attachments)
    data = report_data(client, files=[(io.BytesIO(b"evidence one"), "a.txt"),
                                      (io.BytesIO(b"evidence two"), "b.txt")])
    hook = stop_database_before(statement)
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert hook.fired
    assert_try_again_page(response)

    postgres.start()
    with app.app_context():
        after = snapshot.take(attachments)
        assert before.changed_tables(after) == {}
        assert after.files == before.files  # the encrypted files written first were removed
        assert snapshot.audit_intact()

    # Once the database is back, the same person can file.
    data = report_data(client, files=[(io.BytesIO(b"evidence one"), "a.txt")])
    assert client.post("/report", data=data, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        assert db.session.query(Case).count() == 1


@pytest.mark.parametrize("statement", ["INSERT INTO TRANSITIONS", "WITH ENTRY AS (INSERT INTO AUDIT_ENTRIES", "COMMIT"])
def test_database_stops_during_a_transition(app, staff_client, postgres, stop_database_before, statement):
    client, officer = staff_client("officer")
    with app.app_context():
        case, _ = make_case(category="SH_VERBAL")
        assign(case, db.session.merge(officer), "intake")
        case_id, version = case.id, case.version
    page = f"/cases/{case_id}"
    token = csrf_token(client, page)
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])

    hook = stop_database_before(statement)
    response = client.post(f"{page}/act", data={"csrf_token": token, "action": "acknowledge",
                                                "version": version})
    assert hook.fired
    assert_try_again_page(response)

    postgres.start()
    with app.app_context():
        assert before.changed_tables(snapshot.take(app.config["ATTACHMENTS_DIR"])) == {}
        stored = db.session.get(Case, case_id)
        assert (stored.state, stored.version, stored.acknowledged_at) == ("submitted", version, None)
        assert snapshot.audit_intact()

    # The officer's session survived; the same action now goes through.
    client.post(f"{page}/act", data={"csrf_token": token, "action": "acknowledge", "version": version})
    with app.app_context():
        assert db.session.get(Case, case_id).state == "triage"
        assert snapshot.audit_intact()


def test_database_down_before_the_request_starts(app, client, postgres):
    data = report_data(client)
    postgres.stop("immediate")
    try:
        # The form itself needs no database (it lists no staff any more): it still opens,
        # and sending it says to try again, with nothing saved.
        assert client.get("/report").status_code == 200
        assert_try_again_page(client.post("/report", data=data))
    finally:
        postgres.start()
    assert client.get("/report").status_code == 200
