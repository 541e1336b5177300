"""Decisions and duties (issue 15): disciplinary proceedings recorded (Serbia Art. 23),
withdrawal and ex officio continuation (Serbia Art. 20, 23), outcomes that always carry the
complainant's text, external referral records and the internal route resuming after them,
and Bosnia and Herzegovina's written investigation order."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from complaints import workflow
from complaints.extensions import db
from complaints.models import Deadline, ExternalReferral
from complaints.services import transitions as tr
from complaints.services.case_access import cipher_for
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def team(app):
    with app.test_request_context():
        yield {role: make_staff(name, [role]) for role, name in [
            ("officer", "olivera"), ("investigator", "ivan"), ("decision", "dragana"),
            ("mediator", "mira"), ("appeal", "aleksa")]}


CAPACITY = {"officer": "intake", "investigator": "investigator", "decision": "decision",
            "mediator": "mediator", "appeal": "appeal"}


def new_case(team, **kwargs):
    case, _ = make_case(**kwargs)
    for role, user in team.items():
        assign(case, user, CAPACITY[role])
    return case


def act(user, case, action, **inputs):
    return tr.perform(user, case.id, action, tr.TransitionInputs(**inputs), None)


def to_decision(team, case):
    act(team["officer"], case, "acknowledge")
    if case.procedure == "bosnia-herzegovina":
        act(team["decision"], case, "order_investigation", reason="Investigate the 3 May incident.")
    else:
        act(team["officer"], case, "open_investigation")
    act(team["investigator"], case, "submit_report", reason="Facts established.")


@pytest.mark.parametrize("outcome", sorted(workflow.DISCIPLINARY_DUTY_OUTCOMES))
def test_serbian_duty_needs_reasons_when_no_proceedings_start(team, outcome):
    """Serbia Art. 23: the employer must start proceedings for a substantiated complaint or an
    abused right to protection; the decision says why not, or records that they started."""
    case = new_case(team, category="SH_VERBAL", procedure="serbia")
    to_decision(team, case)
    base = dict(reason="r", outcome=outcome, complainant_notice="n")
    with pytest.raises(workflow.TransitionRefused, match="Record whether"):
        act(team["decision"], case, "decide", **base)
    with pytest.raises(workflow.TransitionRefused, match="Art. 23"):
        act(team["decision"], case, "decide", disciplinary="not_started", **base)
    act(team["decision"], case, "decide", disciplinary="not_started",
        disciplinary_reasons="The respondent left the service before the decision.", **base)
    assert not case.disciplinary_referral
    assert "left the service" in cipher_for(case).open("cases", "disciplinary_waiver_enc", case.id,
                                                       case.disciplinary_waiver_enc)


def test_a_decision_always_records_the_disciplinary_choice(team):
    case = new_case(team, category="SH_VERBAL")
    to_decision(team, case)
    with pytest.raises(workflow.TransitionRefused, match="Record whether"):
        act(team["decision"], case, "decide", reason="r", outcome="not_substantiated", complainant_notice="n")
    act(team["decision"], case, "decide", reason="r", outcome="not_substantiated",
        disciplinary="not_started", complainant_notice="n")


@pytest.mark.parametrize("action, state", [("reject", "triage"), ("close_withdrawn", "withdrawn")])
def test_outcomes_always_carry_the_complainants_text(team, action, state):
    case = new_case(team)
    act(team["officer"], case, "acknowledge")
    if state == "withdrawn":
        tr.perform_as_complainant(case, "withdraw", tr.TransitionInputs())
    with pytest.raises(workflow.TransitionRefused, match="complainant is told"):
        act(team["officer"], case, action, reason="r", code="out_of_scope")


def test_withdrawal_ends_mediation_and_any_category_may_continue_ex_officio(team):
    """Serbia Art. 19-20: a party's withdrawal ends mediation; Art. 20, 23: the employer may
    continue with reasons (was: only for categories never mediated)."""
    case = new_case(team, category="MOBBING")
    act(team["officer"], case, "acknowledge")
    act(team["officer"], case, "propose_mediation")
    case.mediation_complainant_consent = case.mediation_respondent_consent = True
    db.session.commit()
    act(team["officer"], case, "accept_mediation")
    act(team["officer"], case, "start_mediation")
    tr.perform_as_complainant(case, "withdraw", tr.TransitionInputs(reason="I can't face him."))
    assert case.state == "withdrawn"
    mediation = db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "mediation")).scalar_one()
    assert mediation.ending == "moot", "a withdrawal is not a met mediation"
    with pytest.raises(workflow.TransitionRefused, match="reasons"):
        act(team["decision"], case, "continue_ex_officio")
    act(team["decision"], case, "continue_ex_officio",
        reason="Three other soldiers describe the same conduct by the same superior.")
    assert case.state == "formal_investigation"


def test_an_external_referral_records_body_date_reference_and_consent(team):
    case = new_case(team, category="SEXUAL_ABUSE_ASSAULT")
    act(team["officer"], case, "acknowledge")
    with pytest.raises(workflow.TransitionRefused, match="consented"):
        act(team["officer"], case, "refer_external", referral_body="military_police")
    yesterday = date.today() - timedelta(days=1)
    act(team["officer"], case, "refer_external", referral_body="military_police",
        referral_consent="given", referral_on=yesterday, referral_reference="VP-2026-118")
    referral = db.session.execute(select(ExternalReferral)).scalar_one()
    assert (referral.body, referral.referred_on, referral.consent) == ("military_police", yesterday, "given")
    assert cipher_for(case).open("external_referrals", "reference_enc", referral.id,
                                 referral.reference_enc) == "VP-2026-118"
    assert referral.recorded_by_id == team["officer"].id


def test_a_referral_in_the_future_is_refused(team):
    case = new_case(team, category="SEA")
    act(team["officer"], case, "acknowledge")
    with pytest.raises(workflow.TransitionRefused, match="future"):
        act(team["officer"], case, "refer_external", referral_body="prosecutor",
            referral_consent="not_asked", referral_on=date.today() + timedelta(days=3))
    assert case.state == "triage"


def test_the_internal_route_resumes_after_a_referral(team):
    case = new_case(team, category="SEXUAL_ABUSE_ASSAULT")
    act(team["officer"], case, "acknowledge")
    act(team["officer"], case, "refer_external", referral_body="prosecutor", referral_consent="given")
    act(team["decision"], case, "resume_internal", reason="The prosecutor dropped the case.")
    assert case.state == "formal_investigation" and case.route == "investigation"


def test_bosnia_needs_a_written_order_of_the_decision_maker(team):
    """BiH MoD Inspector General: a full investigation is ordered in writing."""
    case = new_case(team, category="SH_VERBAL", procedure="bosnia-herzegovina")
    act(team["officer"], case, "acknowledge")
    offered = {r.action for r in tr.available_actions(team["officer"], case)}
    assert "open_investigation" not in offered
    with pytest.raises(workflow.TransitionRefused, match="written order"):
        act(team["officer"], case, "open_investigation")
    with pytest.raises(workflow.TransitionRefused, match="reasons"):
        act(team["decision"], case, "order_investigation")
    act(team["decision"], case, "order_investigation", reason="Investigate the incident of 3 May.")
    assert case.state == "formal_investigation"


def test_elsewhere_the_officer_opens_the_investigation(team):
    case = new_case(team, category="SH_VERBAL")
    act(team["officer"], case, "acknowledge")
    assert "order_investigation" not in {r.action for r in tr.available_actions(team["decision"], case)}
