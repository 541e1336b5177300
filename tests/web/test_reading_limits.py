"""Role-limited reading inside a case (issue 15), through the case page: the person of trust
does not read the investigation report; after a failed mediation, what was said in
mediation is sealed from investigators and decision makers (Serbia Art. 17: mediation data
"tajna su i mogu se saopštavati samo učesnicima u postupku")."""
from __future__ import annotations

from flask_login import login_user

from complaints.extensions import db
from complaints.services import casework
from complaints.services import transitions as tr
from tests.factories import assign, make_case, make_staff


def page_for(app, user, case_id):
    with app.test_request_context():
        login_user(db.session.merge(user))
        from complaints.views import cases as views

        page, status = views.case_page.__wrapped__(case_id=case_id)
        assert status == 200
        return page


def act(user, case, action, **inputs):
    tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), None)


def test_the_person_of_trust_does_not_read_the_investigation_report(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        investigator = make_staff("ivan", ["investigator"])
        trust = make_staff("tanja", ["trust"])
        case, _ = make_case(category="SH_VERBAL")
        for user, capacity in [(officer, "intake"), (investigator, "investigator"), (trust, "trust")]:
            assign(case, user, capacity)
        act(officer, case, "acknowledge")
        act(officer, case, "open_investigation")
        act(investigator, case, "extend_investigation", reason="extension-canary witness abroad")
        act(investigator, case, "submit_report", reason="report-canary: facts established")
        case_id = case.id
    trust_page = page_for(app, trust, case_id)
    assert "report-canary" not in trust_page and "extension-canary" not in trust_page
    assert "Submit the investigation report" in trust_page  # the step itself stays in the timeline
    assert "report-canary" in page_for(app, investigator, case_id)
    assert "report-canary" in page_for(app, officer, case_id)


def test_what_was_said_in_a_failed_mediation_is_sealed(app):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        mediator = make_staff("mira", ["mediator"])
        investigator = make_staff("ivan", ["investigator"])
        decider = make_staff("dragana", ["decision"])
        case, _ = make_case(category="MOBBING")
        for user, capacity in [(officer, "intake"), (mediator, "mediator"),
                               (investigator, "investigator"), (decider, "decision")]:
            assign(case, user, capacity)
        act(officer, case, "acknowledge")
        act(officer, case, "propose_mediation")
        case.mediation_complainant_consent = case.mediation_respondent_consent = True
        db.session.commit()
        act(officer, case, "accept_mediation")
        act(officer, case, "start_mediation")
        casework.send_message(mediator, case.id, "session-canary: he admitted shouting", internal=True)
        act(mediator, case, "end_mediation", reason="failure-canary: no agreement on the apology")
        case_id = case.id
    for reader in (investigator, decider, officer):
        page = page_for(app, reader, case_id)
        assert "session-canary" not in page and "failure-canary" not in page, reader.username
        assert "Mediation failed or discontinued" in page
    mediator_page = page_for(app, mediator, case_id)
    assert "session-canary" in mediator_page and "failure-canary" in mediator_page


def test_a_sealed_notes_file_does_not_download_by_its_id(app, staff_client):
    """An investigator who learns the id of a file the mediator attached to a note still gets
    404: the seal holds at the download too."""
    import uuid

    from complaints.models import Attachment
    from complaints.services.case_access import cipher_for

    client, investigator = staff_client("investigator", username="ivan")
    with app.test_request_context():
        mediator = make_staff("mira", ["mediator"])
        case, _ = make_case(category="MOBBING")
        assign(case, mediator, "mediator")
        assign(case, db.session.merge(investigator), "investigator")
        note = casework.send_message(mediator, case.id, "session notes", internal=True)
        attachment = Attachment(id=uuid.uuid4(), case_id=case.id, message_id=note.id,
                                uploaded_by_kind="staff", uploaded_by_id=mediator.id,
                                content_type="text/plain", size=1)
        attachment.filename_enc = cipher_for(case).seal("attachments", "filename_enc", attachment.id,
                                                        "notes.txt")
        db.session.add(attachment)
        db.session.commit()
        attachment_id, case_id = attachment.id, case.id
    assert client.get(f"/cases/{case_id}/files/{attachment_id}").status_code == 404
