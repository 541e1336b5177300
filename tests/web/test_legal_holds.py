"""Legal holds: two administrators keep a case from retention; retention obeys; nobody else
reaches the page; the administrators never see the case."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from complaints.cli import cli
from complaints.extensions import db
from complaints.models import AuditEntry, Case, DataKey, LegalHold
from tests.factories import make_case
from tests.web.conftest import csrf_token

CANARY = "CANARY-hold-narrative"


def old_closed_case(app) -> tuple[str, str]:
    """A closed case long past any retention period: (reference, case id)."""
    with app.app_context():
        case, _ = make_case(narrative=CANARY)
        case.state, case.closed_at = "closed", datetime(2001, 1, 1, tzinfo=timezone.utc)
        db.session.commit()
        return case.reference, str(case.id)


def ask(client, reference: str, reason: str = "Order of the Higher Court, K 12/2026"):
    return client.post("/admin/holds", data={"csrf_token": csrf_token(client, "/admin/operations"),
                                             "reference": reference, "reason": reason})


def decide(client, hold_id: int, decision: str):
    return client.post(f"/admin/holds/{hold_id}/{decision}",
                       data={"csrf_token": csrf_token(client, "/admin/operations")},
                       follow_redirects=True)


def hold_of(app, reference: str) -> LegalHold:
    with app.app_context():
        return db.session.execute(select(LegalHold).join(Case, Case.id == LegalHold.case_id)
                                  .where(Case.reference == reference)).scalar_one()


def shredded(app, reference: str) -> bool:
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.reference == reference)).scalar_one()
        return db.session.get(DataKey, case.data_key_id).wrapped is None


def test_two_administrators_place_and_lift_a_hold_and_retention_obeys(app, staff_client, runner):
    reference, _ = old_closed_case(app)
    first, _ = staff_client("admin", username="admin_one")
    second, _ = staff_client("admin", username="admin_two")

    assert ask(first, reference).status_code == 302
    hold = hold_of(app, reference)
    assert hold.status == "requested"
    # The one who asked can't approve it; the page says so.
    page = decide(first, hold.id, "approve").get_data(as_text=True)
    assert "A second administrator must approve this" in page
    assert hold_of(app, reference).status == "requested"

    # Already protected while it waits: retention keeps the case.
    result = runner.invoke(cli, ["retention", "run"])
    assert "KEPT: legal hold" in result.output and not shredded(app, reference)

    decide(second, hold.id, "approve")
    assert hold_of(app, reference).status == "active"
    runner.invoke(cli, ["retention", "run"])
    assert not shredded(app, reference)

    # Lifting: asked by the second, approved by the first, never by the same person.
    decide(second, hold.id, "lift")
    assert "A second administrator must approve this" in decide(second, hold.id, "approve_lift").get_data(as_text=True)
    runner.invoke(cli, ["retention", "run"])
    assert not shredded(app, reference)  # still in force while the lifting waits
    decide(first, hold.id, "approve_lift")
    assert hold_of(app, reference).status == "lifted"
    result = runner.invoke(cli, ["retention", "run"])
    assert "Shredded 1 case(s)" in result.output and shredded(app, reference)

    with app.app_context():
        actions = [e.action for e in db.session.execute(
            select(AuditEntry).where(AuditEntry.action.like("legal_hold.%")).order_by(AuditEntry.seq)).scalars()]
    assert actions == ["legal_hold.requested", "legal_hold.approve", "legal_hold.lift_requested",
                       "legal_hold.approve_lift"]


def test_a_hold_asked_for_after_retention_listed_the_case_still_wins(app, make_user):
    """Retention lists expired cases, then shreds them one by one; a hold asked for in between
    (it locks the case's row, as the shredding does) keeps the case."""
    from complaints import retention
    from complaints.services import legal_holds

    reference, _ = old_closed_case(app)
    admin, _ = make_user("admin_race", ["admin"])
    with app.app_context():
        listed = retention.expired_cases(db.session, datetime.now(timezone.utc))
        assert [e.case.reference for e in listed] == [reference]
        db.session.rollback()
        legal_holds.request_hold(db.session.merge(admin), reference, "Inquiry of the Ombudsperson")
        assert retention.lock_unless_held(db.session, listed[0].case) is False
        db.session.rollback()


def test_refusals_are_explained(app, staff_client):
    reference, _ = old_closed_case(app)
    admin, _ = staff_client("admin", username="admin_alone")
    assert "No case has this reference" in ask(admin, "C-0000-NOSUCH").get_data(as_text=True)
    assert "Say why the case must be kept" in ask(admin, reference, reason="").get_data(as_text=True)
    ask(admin, reference)
    assert "already under a hold" in ask(admin, reference).get_data(as_text=True)


def test_only_administrators_reach_holds_and_they_never_see_the_case(app, staff_client, runner):
    reference, _ = old_closed_case(app)
    admin, _ = staff_client("admin", username="admin_viewer")
    ask(admin, reference)
    page = admin.get("/admin/operations").get_data(as_text=True)
    assert reference in page and "Order of the Higher Court" in page
    assert CANARY not in page
    for role in ("coordinator", "officer", "auditor", "gem"):
        other, _ = staff_client(role, username=f"not_admin_{role}")
        assert other.get("/admin/operations").status_code == 404
        token = csrf_token(other, "/cases") if role == "officer" else csrf_token(other, "/")
        assert other.post("/admin/holds", data={"csrf_token": token, "reference": reference,
                                                "reason": "x"}).status_code == 404
        assert other.post(f"/admin/holds/{hold_of(app, reference).id}/approve",
                          data={"csrf_token": token}).status_code == 404
    assert hold_of(app, reference).status == "requested"


def test_operations_page_shows_keys_retention_and_the_last_backup(app, staff_client, runner, tmp_path):
    old_closed_case(app)
    admin, _ = staff_client("admin", username="admin_ops")
    page = admin.get("/admin/operations").get_data(as_text=True)
    assert "No backup has been made from this instance yet." in page
    assert "more than two days old" in page
    assert "Due now, shredded at the next run: 1" in page
    assert "kek-" in page and "active" in page

    result = runner.invoke(cli, ["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    runner.invoke(cli, ["retention", "run"])
    page = admin.get("/admin/operations").get_data(as_text=True)
    assert "Last backup:" in page and "more than two days old" not in page
    assert "Last retention run:" in page
    assert "Due now, shredded at the next run: 0" in page
    assert "Data keys destroyed under the retention schedule: 1." in page
