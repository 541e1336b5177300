"""The procedure table, exhaustively: every action from every state, every guard, deadlines."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from complaints import workflow as wf
from complaints.clocks import Calendar
from complaints.procedures import load_profile

ALL_ACTORS = {"intake", "investigator", "mediator", "decision", "appeal", "trust",
              "complainant", "system"}

# Facts under which every guard that reads the case passes.
PERMISSIVE = wf.CaseFacts(
    state="submitted", category="MOBBING", anonymous=False, category_mediable=False,
    category_external=True, complainant_consent=True, respondent_consent=True,
    has_mediator=True, investigation_extended=False, appeal_window_elapsed=True,
    monitoring_elapsed=True,
)
FULL_INPUTS = wf.Inputs(reason="reasons given", outcome="substantiated", code="out_of_scope",
                        disciplinary="started", notice="What the complainant is told.",
                        referral_body="military_police", referral_consent="given")


def facts_for(rule: wf.Rule, state: str) -> wf.CaseFacts:
    mediable = rule.action in {"propose_mediation", "accept_mediation", "resolve_informally"}
    return replace(PERMISSIVE, state=state, category_mediable=mediable,
                   internal_appeal=rule.action != "deliver_final",
                   investigation_order_required=rule.action == "order_investigation")


def inputs_for(rule: wf.Rule) -> wf.Inputs:
    if rule.guard is wf.needs_appeal_outcome:
        return replace(FULL_INPUTS, outcome="upheld")
    return FULL_INPUTS


@pytest.mark.parametrize("rule", wf.RULES, ids=lambda r: r.action)
@pytest.mark.parametrize("state", sorted(wf.STATES))
def test_every_action_is_allowed_exactly_from_its_source_states(rule, state):
    facts = facts_for(rule, state)
    if state in rule.sources:
        assert wf.check(facts, rule.action, rule.actors, inputs_for(rule)) is rule
    else:
        with pytest.raises(wf.TransitionRefused, match="no longer possible"):
            wf.check(facts, rule.action, ALL_ACTORS, inputs_for(rule))


@pytest.mark.parametrize("rule", wf.RULES, ids=lambda r: r.action)
def test_every_action_is_refused_to_every_other_actor(rule):
    state = sorted(rule.sources)[0]
    for actor in ALL_ACTORS - rule.actors:
        with pytest.raises(wf.TransitionRefused, match="does not allow"):
            wf.check(facts_for(rule, state), rule.action, {actor}, inputs_for(rule))


@pytest.mark.parametrize("rule", [r for r in wf.RULES if r.needs_reason], ids=lambda r: r.action)
def test_actions_that_need_reasons_refuse_without(rule):
    state = sorted(rule.sources)[0]
    inputs = replace(inputs_for(rule), reason="   ")
    with pytest.raises(wf.TransitionRefused):
        wf.check(facts_for(rule, state), rule.action, rule.actors, inputs)


def test_every_state_is_reachable_and_every_target_is_a_state():
    targets = {rule.target for rule in wf.RULES} | {"submitted"}
    assert targets == set(wf.STATES)
    for rule in wf.RULES:
        assert rule.sources <= set(wf.STATES)
        assert rule.follow_with is None or rule.follow_with in wf.RULES_BY_ACTION


def test_closed_is_final():
    assert wf.rules_from("closed") == []


def test_unknown_action_refused():
    with pytest.raises(wf.TransitionRefused, match="does not exist"):
        wf.check(PERMISSIVE, "teleport", ALL_ACTORS)


# --- guards ------------------------------------------------------------------------------

MEDIABLE = replace(PERMISSIVE, state="triage", category="MOBBING", category_mediable=True)


def test_no_mediation_for_anonymous_cases():
    with pytest.raises(wf.TransitionRefused, match="anonymous"):
        wf.check(replace(MEDIABLE, anonymous=True), "propose_mediation", {"intake"})


@pytest.mark.parametrize("category", ["SH_VERBAL", "SH_NONVERBAL", "SH_PHYSICAL",
                                      "SEXUAL_BLACKMAIL", "SEXUAL_ABUSE_ASSAULT", "SEA",
                                      "ABUSE_OF_AUTHORITY", "RETALIATION"])
def test_no_mediation_for_sexual_harassment_and_abuse(category):
    profile = load_profile("generic")
    facts = replace(MEDIABLE, category=category,
                    category_mediable=profile.category(category).mediable)
    with pytest.raises(wf.TransitionRefused, match="never offered"):
        wf.check(facts, "propose_mediation", {"intake"})
    assert "propose_mediation" not in {r.action for r in wf.available(facts, {"intake"})}


@pytest.mark.parametrize("category", ["MOBBING", "HARASSMENT_GENDER", "GBD"])
def test_mediation_can_be_offered_for_mediable_categories(category):
    profile = load_profile("generic")
    facts = replace(MEDIABLE, category=category,
                    category_mediable=profile.category(category).mediable)
    assert wf.check(facts, "propose_mediation", {"intake"}).target == "mediation_proposed"


@pytest.mark.parametrize("complainant,respondent", [(False, False), (True, False), (False, True)])
def test_mediation_needs_both_parties_consent(complainant, respondent):
    facts = replace(MEDIABLE, state="mediation_proposed", complainant_consent=complainant,
                    respondent_consent=respondent)
    with pytest.raises(wf.TransitionRefused, match="Both parties"):
        wf.check(facts, "accept_mediation", {"intake"})


def test_mediation_starts_only_with_a_mediator():
    facts = replace(MEDIABLE, state="mediator_selection", has_mediator=False)
    with pytest.raises(wf.TransitionRefused, match="mediator"):
        wf.check(facts, "start_mediation", {"intake"})


def test_investigation_extends_once_only():
    facts = replace(PERMISSIVE, state="formal_investigation", investigation_extended=True)
    with pytest.raises(wf.TransitionRefused, match="only one extension"):
        wf.check(facts, "extend_investigation", {"investigator"}, FULL_INPUTS)


def test_decision_needs_an_outcome_code():
    facts = replace(PERMISSIVE, state="decision_pending")
    with pytest.raises(wf.TransitionRefused, match="outcome"):
        wf.check(facts, "decide", {"decision"}, wf.Inputs(reason="r", outcome="maybe"))


def test_appeal_decision_needs_an_appeal_outcome():
    facts = replace(PERMISSIVE, state="appeal_review")
    with pytest.raises(wf.TransitionRefused, match="upheld or changed"):
        wf.check(facts, "decide_appeal", {"appeal"}, wf.Inputs(reason="r", outcome="substantiated"))


def test_rejection_needs_a_reason_code():
    facts = replace(PERMISSIVE, state="triage")
    with pytest.raises(wf.TransitionRefused, match="reason for rejecting"):
        wf.check(facts, "reject", {"intake"}, wf.Inputs(reason="r", code=""))


def test_appeal_window_must_have_passed_before_monitoring():
    facts = replace(PERMISSIVE, state="appeal_window", appeal_window_elapsed=False)
    with pytest.raises(wf.TransitionRefused, match="still open"):
        wf.check(facts, "appeal_window_closed", {"system"})


def test_closing_early_from_monitoring_needs_a_reason():
    facts = replace(PERMISSIVE, state="monitoring", monitoring_elapsed=False)
    with pytest.raises(wf.TransitionRefused, match="reason to close early"):
        wf.check(facts, "close", {"intake"})
    assert wf.check(facts, "close", {"intake"}, wf.Inputs(reason="moved unit", notice="Closed.")).target == "closed"


def test_ex_officio_continuation_for_every_category_with_reasons():
    """Serbia Art. 20, 23: the employer's duty survives a withdrawal (was: serious conduct only)."""
    for mediable in (True, False):
        facts = replace(PERMISSIVE, state="withdrawn", category_mediable=mediable)
        with pytest.raises(wf.TransitionRefused, match="reasons"):
            wf.check(facts, "continue_ex_officio", {"decision"}, wf.Inputs())
        assert wf.check(facts, "continue_ex_officio", {"decision"}, FULL_INPUTS)


def test_referral_without_a_referral_category_needs_grounds():
    facts = replace(PERMISSIVE, state="triage", category_external=False)
    with pytest.raises(wf.TransitionRefused, match="criminal offence"):
        wf.check(facts, "refer_external", {"intake"})
    grounds = wf.Inputs(reason="assault described")
    with pytest.raises(wf.TransitionRefused, match="body"):
        wf.check(facts, "refer_external", {"intake"}, grounds)
    with pytest.raises(wf.TransitionRefused, match="consented"):
        wf.check(facts, "refer_external", {"intake"}, replace(grounds, referral_body="prosecutor"))
    assert wf.check(facts, "refer_external", {"intake"},
                    replace(grounds, referral_body="prosecutor", referral_consent="given"))


def test_a_referral_against_the_complainants_wish_needs_reasons():
    facts = replace(PERMISSIVE, state="triage", category_external=True)
    inputs = wf.Inputs(referral_body="military_police", referral_consent="refused")
    with pytest.raises(wf.TransitionRefused, match="did not consent"):
        wf.check(facts, "refer_external", {"intake"}, inputs)
    assert wf.check(facts, "refer_external", {"intake"}, replace(inputs, reason="A crime must be reported."))


def test_withdrawal_is_possible_until_monitoring():
    for state in wf.STATES:
        allowed = state in wf.WITHDRAWABLE
        facts = replace(PERMISSIVE, state=state)
        offered = "withdraw" in {r.action for r in wf.available(facts, {"complainant"})}
        assert offered == allowed, state


def test_acknowledgement_moves_on_to_triage_automatically():
    rule = wf.RULES_BY_ACTION["acknowledge"]
    assert rule.follow_with == "begin_triage"
    assert wf.RULES_BY_ACTION["begin_triage"].sources == {rule.target}


def test_available_offers_only_what_the_actor_may_do():
    facts = replace(PERMISSIVE, state="formal_investigation")
    assert {r.action for r in wf.available(facts, {"investigator"})} == {
        "extend_investigation", "submit_report", "criminal_elements"}
    assert wf.available(facts, {"decision"}) == []


# --- deadlines ---------------------------------------------------------------------------


def test_calendar_days_end_at_the_end_of_the_last_day():
    start = datetime(2026, 11, 20, 22, 30, tzinfo=timezone.utc)  # a Friday evening
    assert Calendar().add_days(start, 3) == datetime(2026, 11, 23, 23, 59, 59, tzinfo=timezone.utc)


def test_working_days_skip_weekends_and_holidays():
    start = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)  # Friday
    calendar = Calendar(counting="working", dates=frozenset({date(2026, 11, 24)}))
    # Mon 23, (Tue 24 holiday), Wed 25, Thu 26
    assert calendar.add_days(start, 3).date() == date(2026, 11, 26)


def test_every_deadline_kind_a_rule_starts_is_in_the_generic_profile():
    profile = load_profile("generic")
    for rule in wf.RULES:
        if rule.deadline and rule.deadline != "monitoring":
            assert rule.deadline in profile.deadlines_days, rule.deadline


def test_checkins_at_30_90_180_days():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    dates = wf.checkin_dates(start, (30, 90, 180))
    assert [d for d, _ in dates] == [30, 90, 180]
    assert dates[0][1] == datetime(2026, 1, 31, tzinfo=timezone.utc)
