"""The internal complaint procedure as one table. Pure Python: no Flask, no database.

States and transitions follow workflow-sources.md sect. 6 and 8 (S0-S17 plus the
preliminary inquiry). Each rule names the action, where it may start, where it leads, who
may take it (a capacity of an assignment, the complainant, or the system), its guard, and the
deadline that starts when the case enters the target state (a key of the profile's
``deadlines_days``). Services apply rules inside one transaction; this module only decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Iterable

from .clocks import add_months
from .translatable import N_

# --- states ------------------------------------------------------------------------------

STATES: dict[str, str] = {
    "submitted": N_("report received, not yet acknowledged"),
    "acknowledged": N_("receipt confirmed to the complainant"),
    "triage": N_("scope, category, risk and route being assessed"),
    "referred_external": N_("criminal or SEA matter passed to an external body"),
    "mediation_proposed": N_("mediation offered to both parties"),
    "mediator_selection": N_("parties choosing a mediator"),
    "mediation_in_progress": N_("closed, confidential mediation under way"),
    "resolved_by_agreement": N_("written agreement with measures reached"),
    "preliminary_inquiry": N_("informal check of the allegations before a full investigation"),
    "formal_investigation": N_("fact-finding: hearing both parties and witnesses"),
    "decision_pending": N_("investigation report with the responsible authority"),
    "decided": N_("decision taken, to be delivered"),
    "appeal_window": N_("decision delivered; time to appeal runs"),
    "appeal_review": N_("second-instance review of an appeal"),
    "monitoring": N_("follow-up for retaliation and repeat conduct"),
    "closed": N_("final"),
    "withdrawn": N_("withdrawn by the complainant"),
    "rejected": N_("out of scope or time-barred, with other routes explained"),
}
# Short names of the stages, for lists and badges (STATES above says what each means).
STATE_LABELS = {
    "submitted": N_("Submitted"),
    "acknowledged": N_("Acknowledged"),
    "triage": N_("Triage"),
    "referred_external": N_("Referred external"),
    "mediation_proposed": N_("Mediation proposed"),
    "mediator_selection": N_("Mediator selection"),
    "mediation_in_progress": N_("Mediation in progress"),
    "resolved_by_agreement": N_("Resolved by agreement"),
    "preliminary_inquiry": N_("Preliminary inquiry"),
    "formal_investigation": N_("Formal investigation"),
    "decision_pending": N_("Decision pending"),
    "decided": N_("Decided"),
    "appeal_window": N_("Appeal window"),
    "appeal_review": N_("Appeal review"),
    "monitoring": N_("Monitoring"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"),
    "rejected": N_("Rejected"),
}

FINAL_STATES = frozenset({"closed"})
# States in which the complainant may still withdraw.
WITHDRAWABLE = frozenset({
    "submitted", "acknowledged", "triage", "mediation_proposed", "mediator_selection",
    "mediation_in_progress", "preliminary_inquiry", "formal_investigation", "decision_pending",
    "decided", "appeal_window", "appeal_review", "referred_external",
})
# States in which the case is still being worked on (for "open cases" lists and reminders).
OPEN_STATES = frozenset(STATES) - {"closed"}

OUTCOMES = {
    "substantiated": N_("substantiated"),
    "partly_substantiated": N_("partly substantiated"),
    "not_substantiated": N_("not substantiated"),
    "abusive_complaint": N_("abusive or knowingly false complaint"),
}
SANCTIONS = {
    "": N_("none"),
    "warning": N_("warning"),
    "suspension": N_("suspension without pay (4-30 working days)"),
    "transfer": N_("permanent transfer"),
    "dismissal": N_("dismissal"),
    "other": N_("other disciplinary measure"),
}
# The decision records whether disciplinary proceedings were started, never as an optional box;
# Serbia Art. 23 makes them a duty for a substantiated complaint or an abused right.
DISCIPLINARY_CHOICES = {
    "started": N_("disciplinary proceedings started"),
    "not_started": N_("no disciplinary proceedings"),
}
DISCIPLINARY_DUTY_OUTCOMES = frozenset({"substantiated", "partly_substantiated", "abusive_complaint"})
APPEAL_OUTCOMES = {"upheld": "decision upheld", "changed": "decision changed"}
CLOSURE_REASONS = {
    "monitoring_complete": N_("monitoring period ended without new incidents"),
    "external_result": N_("external body's result recorded"),
    "withdrawn": N_("withdrawn by the complainant"),
    "rejected": N_("rejected, other routes explained"),
    "agreement_fulfilled": N_("mediation agreement fulfilled"),
}
REJECTION_REASONS = {
    "out_of_scope": N_("out of the scope of this procedure"),
    "time_barred": N_("time-barred: the request came after the legal time limit"),
    "duplicate": N_("duplicate of another case"),
    "insufficient": N_("not enough information to act, after attempts to ask"),
}
# Feedback (EU 2019/1937 Art. 5(13)): the action envisaged or taken, given with its grounds.
FEEDBACK_ACTIONS = {
    "assessment": N_("Your report is being assessed"),
    "inquiry": N_("The facts are being checked in a preliminary inquiry"),
    "investigation": N_("A formal investigation is under way"),
    "mediation": N_("Mediation has been offered or is under way"),
    "protection": N_("Protective measures have been taken"),
    "referral": N_("The matter was passed to the competent authority"),
    "decision": N_("A decision has been taken"),
    "no_action": N_("No further action is planned"),
}
# Bodies a case is referred to outside the organisation, and the complainant's consent.
REFERRAL_BODIES = {
    "military_police": N_("military police"),
    "prosecutor": N_("public prosecutor"),
    "police": N_("civilian police"),
    "labour_inspection": N_("labour inspection"),
    "equality_body": N_("equality body or commissioner"),
    "ombudsperson": N_("ombudsperson"),
    "other": N_("other competent body"),
}
REFERRAL_CONSENT = {
    "given": N_("the complainant consented"),
    "refused": N_("the complainant did not consent (referred because the law requires it)"),
    "not_asked": N_("the complainant could not be asked (anonymous or unreachable)"),
}
PROTECTIVE_MEASURES = {
    "separation": N_("separation of the parties"),
    "transfer_respondent": N_("transfer of the respondent"),
    "suspension_on_pay": N_("suspension of the respondent on pay"),
    "schedule_change": N_("change of duty schedule"),
    "no_contact": N_("no-contact instruction"),
    "other": N_("other measure"),
}

# --- facts a guard may look at ------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case, copied from the database by the service."""

    state: str
    category: str
    anonymous: bool
    category_mediable: bool
    category_external: bool
    complainant_consent: bool = False
    respondent_consent: bool = False
    has_mediator: bool = False
    investigation_extended: bool = False
    mediation_extended: bool = False
    appeal_window_elapsed: bool = False
    monitoring_elapsed: bool = False
    received_on: date | None = None          # the day of receipt, in the profile's time zone
    last_incident_on: date | None = None
    limitation_months: int = 0               # the profile's; 0 = no limitation period
    category_time_limited: bool = False      # the limitation period applies to this category
    internal_appeal: bool = True             # the profile has an internal second instance
    investigation_order_required: bool = False  # a formal investigation needs a written order
    disciplinary_duty: bool = False          # the law obliges the employer to start proceedings


@dataclass(frozen=True)
class Inputs:
    """What the person taking the action supplied with it."""

    reason: str = ""
    outcome: str = ""
    code: str = ""
    disciplinary: str = ""          # started | not_started (decide)
    disciplinary_reasons: str = ""  # why not started
    notice: str = ""                # what the complainant is told
    referral_body: str = ""         # refer_external, criminal_elements
    referral_consent: str = ""


Guard = Callable[[CaseFacts, Inputs], str | None]  # returns why not, or None when allowed


def always(facts: CaseFacts, inputs: Inputs) -> str | None:
    return None


def mediation_possible(facts: CaseFacts, inputs: Inputs) -> str | None:
    if facts.anonymous:
        return N_("Mediation needs identified parties; this complaint is anonymous.")
    if not facts.category_mediable:
        return N_("Mediation is never offered for this category (sexual harassment, abuse or "
                "other conduct where confronting the respondent would re-traumatise).")
    return None


def both_consent(facts: CaseFacts, inputs: Inputs) -> str | None:
    refusal = mediation_possible(facts, inputs)
    if refusal:
        return refusal
    if not (facts.complainant_consent and facts.respondent_consent):
        return N_("Both parties must consent to mediation; record both consents first.")
    return None


def mediator_assigned(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.has_mediator:
        return N_("Assign the mediator the parties agreed on before starting mediation.")
    return None


def not_yet_extended(facts: CaseFacts, inputs: Inputs) -> str | None:
    if facts.investigation_extended:
        return N_("The investigation has already been extended once; only one extension is allowed.")
    return None


def mediation_not_yet_extended(facts: CaseFacts, inputs: Inputs) -> str | None:
    if facts.mediation_extended:
        return N_("The mediation has already been extended to its longest period.")
    return None


def needs_outcome(facts: CaseFacts, inputs: Inputs) -> str | None:
    if inputs.outcome not in OUTCOMES:
        return N_("Choose the outcome of the decision.")
    if inputs.disciplinary not in DISCIPLINARY_CHOICES:
        return N_("Record whether disciplinary proceedings were started.")
    if (inputs.disciplinary == "not_started" and facts.disciplinary_duty
            and inputs.outcome in DISCIPLINARY_DUTY_OUTCOMES and not inputs.disciplinary_reasons.strip()):
        return N_("The law obliges the employer to start disciplinary proceedings for this outcome "
                  "(Serbia Art. 23); say why they were not started.")
    return None


def has_internal_appeal(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.internal_appeal:
        return N_("This procedure has no internal appeal; deliver the decision as final.")
    return None


def no_internal_appeal(facts: CaseFacts, inputs: Inputs) -> str | None:
    if facts.internal_appeal:
        return N_("This procedure has an internal appeal; deliver the decision with the appeal window.")
    return None


def investigation_without_order(facts: CaseFacts, inputs: Inputs) -> str | None:
    if facts.investigation_order_required:
        return N_("In this procedure a formal investigation needs a written order of the decision maker.")
    return None


def investigation_order_needed(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.investigation_order_required:
        return N_("In this procedure the complaint officer opens the formal investigation.")
    return None


def needs_appeal_outcome(facts: CaseFacts, inputs: Inputs) -> str | None:
    if inputs.outcome not in APPEAL_OUTCOMES:
        return N_("Choose whether the decision is upheld or changed.")
    return None


def needs_rejection_reason(facts: CaseFacts, inputs: Inputs) -> str | None:
    if inputs.code not in REJECTION_REASONS:
        return N_("Choose the reason for rejecting.")
    if inputs.code == "time_barred":
        return time_bar_refusal(facts)
    return None


def time_bar_refusal(facts: CaseFacts) -> str | None:
    """Why the case is not time-barred, or None when it is (Serbia Art. 22: the right to
    protection lapses six months after the last act; N. Macedonia: six months too)."""
    if not facts.limitation_months:
        return N_("This procedure has no time limit for complaints; a complaint can't be rejected "
                  "as time-barred.")
    if not facts.category_time_limited:
        return N_("The time limit of this procedure does not apply to this category.")
    if facts.last_incident_on is None or facts.received_on is None:
        return N_("The date of the last incident is not known; ask the complainant before "
                  "rejecting a complaint as time-barred.")
    if facts.received_on <= limitation_ends(facts.last_incident_on, facts.limitation_months):
        return N_("The complaint arrived within the time limit counted from the last incident; "
                  "it is not time-barred.")
    return None


def limitation_ends(last_incident: date, months: int) -> date:
    """The last day a request may be made (six months from the last act: Serbia Art. 22)."""
    return add_months(last_incident, months)


def needs_second_person(action: str, inputs: Inputs) -> bool:
    """Steps that a second assignee must confirm before they take effect: rejecting a
    complaint as time-barred closes the complainant's internal route for good."""
    return action == "reject" and inputs.code == "time_barred"


def appeal_window_over(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.appeal_window_elapsed:
        return N_("The appeal window is still open.")
    return None


def monitoring_over_or_reason(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.monitoring_elapsed and not inputs.reason.strip():
        return N_("The monitoring period has not ended; give a reason to close early.")
    return None


def referral_recorded(facts: CaseFacts, inputs: Inputs) -> str | None:
    """An external referral records the body and the complainant's consent."""
    if inputs.referral_body not in REFERRAL_BODIES:
        return N_("Choose the body the case is referred to.")
    if inputs.referral_consent not in REFERRAL_CONSENT:
        return N_("Record whether the complainant consented to the referral.")
    if inputs.referral_consent == "refused" and not inputs.reason.strip():
        return N_("The complainant did not consent: say why the case is referred all the same.")
    return None


def referral_grounds(facts: CaseFacts, inputs: Inputs) -> str | None:
    if not facts.category_external and not inputs.reason.strip():
        return N_("Say which facts suggest a criminal offence.")
    return referral_recorded(facts, inputs)


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    label: str
    guard: Guard = always
    deadline: str | None = None      # deadline kind started on entering ``target``
    needs_reason: bool = False       # free-text reason (encrypted) required
    sets_route: str = ""
    follow_with: str | None = None   # an automatic rule applied right after this one
    source_note: str = ""            # where the rule comes from (workflow-sources.md)


def _rule(action: str, sources: Iterable[str], target: str, actors: Iterable[str], label: str,
          **kwargs: object) -> Rule:
    return Rule(action, frozenset(sources), target, frozenset(actors), label, **kwargs)  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    _rule("acknowledge", ["submitted"], "acknowledged", ["intake"],
          N_("Acknowledge receipt"), follow_with="begin_triage",
          source_note="EU 2019/1937 Art. 9(1)(b): acknowledge within 7 days; 3 proposed"),
    _rule("begin_triage", ["acknowledged"], "triage", ["system", "intake"],
          N_("Begin assessment"), deadline="triage", source_note="S2 -> S3 automatic"),
    _rule("refer_external", ["triage", "preliminary_inquiry"], "referred_external", ["intake"],
          N_("Refer to an external body (criminal / SEA)"), guard=referral_grounds,
          sets_route="external", source_note="S3 -> S4, JSP 763, NATO SEA policy"),
    _rule("propose_mediation", ["triage", "preliminary_inquiry"], "mediation_proposed", ["intake"],
          N_("Propose mediation"), guard=mediation_possible, deadline="mediator_selection",
          sets_route="mediation",
          source_note="Serbia Art. 15: within 3 days of receipt, then 3 days to agree on a mediator"),
    _rule("accept_mediation", ["mediation_proposed"], "mediator_selection", ["intake"],
          N_("Both parties accept: choose a mediator"), guard=both_consent,
          source_note="Serbia Art. 15-16"),
    _rule("decline_mediation", ["mediation_proposed", "mediator_selection"], "formal_investigation",
          ["intake", "decision"], N_("A party declines / no mediator agreed: investigate"),
          deadline="investigation", needs_reason=True, sets_route="investigation",
          source_note="S5 -> S9, S6 -> S9; Serbia Art. 20"),
    _rule("start_mediation", ["mediator_selection"], "mediation_in_progress", ["intake", "decision"],
          N_("Mediator agreed: start mediation"), guard=mediator_assigned, deadline="mediation",
          source_note="Serbia Art. 17-18: 8 days, up to 30"),
    _rule("extend_mediation", ["mediation_in_progress"], "mediation_in_progress", ["mediator"],
          N_("Extend the mediation (exceptionally, with reasons)"),
          guard=mediation_not_yet_extended, needs_reason=True, deadline="mediation_maximum",
          source_note="Serbia Art. 18/19: 8 days, exceptionally up to 30"),
    _rule("record_agreement", ["mediation_in_progress"], "resolved_by_agreement", ["mediator"],
          N_("Record the written agreement"), needs_reason=True, source_note="Serbia Art. 19(1)"),
    _rule("end_mediation", ["mediation_in_progress"], "formal_investigation", ["mediator"],
          N_("Mediation failed or discontinued: investigate"), needs_reason=True,
          deadline="investigation", sets_route="investigation", source_note="Serbia Art. 19-20, 23"),
    _rule("register_agreement", ["resolved_by_agreement"], "monitoring", ["intake"],
          N_("Register the agreement and start monitoring"), deadline="monitoring",
          source_note="S8 -> S14"),
    _rule("open_inquiry", ["triage"], "preliminary_inquiry", ["intake"],
          N_("Open a preliminary inquiry"), deadline="preliminary_inquiry",
          source_note="BiH MoD Inspector General: preliminary before full investigation"),
    _rule("open_investigation", ["triage", "preliminary_inquiry"], "formal_investigation", ["intake"],
          N_("Open a formal investigation"), guard=investigation_without_order,
          deadline="investigation", sets_route="investigation",
          source_note="S3 -> S9 within 5 days of receipt"),
    _rule("order_investigation", ["triage", "preliminary_inquiry"], "formal_investigation",
          ["decision"], N_("Order a formal investigation in writing"),
          guard=investigation_order_needed, needs_reason=True, deadline="investigation",
          sets_route="investigation",
          source_note="BiH MoD Inspector General: a full investigation is ordered in writing"),
    _rule("resolve_informally", ["preliminary_inquiry"], "monitoring", ["intake"],
          N_("Resolved informally: start monitoring"), guard=mediation_possible, needs_reason=True,
          deadline="monitoring", sets_route="informal", source_note="workflow-sources sect. 8"),
    _rule("reject", ["triage", "preliminary_inquiry"], "rejected", ["intake"],
          N_("Reject (with reasons and other routes)"), guard=needs_rejection_reason,
          needs_reason=True, source_note="Serbia Art. 22; Spadijer v. Montenegro"),
    _rule("extend_investigation", ["formal_investigation"], "formal_investigation",
          ["investigator"], N_("Extend the investigation once (with reasons)"),
          guard=not_yet_extended, needs_reason=True, deadline="investigation_extension",
          source_note="proposal: one extension of up to 30 days with reasons"),
    _rule("submit_report", ["formal_investigation"], "decision_pending", ["investigator"],
          N_("Submit the investigation report"), needs_reason=True, deadline="decision",
          source_note="S9 -> S10 within 30 days"),
    _rule("criminal_elements", ["formal_investigation"], "referred_external", ["investigator"],
          N_("Criminal elements found: refer externally"), guard=referral_recorded,
          needs_reason=True, sets_route="external", source_note="S9 -> S4"),
    _rule("decide", ["decision_pending"], "decided", ["decision"],
          N_("Take the decision"), guard=needs_outcome, needs_reason=True, deadline="delivery",
          source_note="Serbia Art. 23; S10 -> S11 within 15 days"),
    _rule("deliver", ["decided"], "appeal_window", ["decision", "intake"],
          N_("Decision delivered to both parties"), guard=has_internal_appeal,
          deadline="appeal_window", source_note="UNAT 2023-1317; S11 -> S12 within 3 days"),
    _rule("deliver_final", ["decided"], "monitoring", ["decision", "intake"],
          N_("Final decision delivered to both parties: start monitoring"),
          guard=no_internal_appeal, deadline="monitoring",
          source_note="Serbia Art. 29: no internal appeal; court within 15 days of delivery"),
    _rule("appeal", ["appeal_window"], "appeal_review", ["complainant", "intake"],
          N_("Appeal the decision"), needs_reason=True, deadline="appeal_review",
          source_note="S12 -> S13: 15-day window, mirroring Serbia Art. 29"),
    _rule("appeal_window_closed", ["appeal_window"], "monitoring", ["system", "intake"],
          N_("No appeal lodged: start monitoring"), guard=appeal_window_over, deadline="monitoring",
          source_note="S12 -> S14"),
    _rule("decide_appeal", ["appeal_review"], "monitoring", ["appeal"],
          N_("Decide the appeal"), guard=needs_appeal_outcome, needs_reason=True,
          deadline="monitoring", source_note="S13 -> S14 within 30 days"),
    _rule("reinvestigate", ["appeal_review"], "formal_investigation", ["appeal"],
          N_("Send back for re-investigation"), needs_reason=True, deadline="investigation",
          source_note="S13 -> S9"),
    _rule("resume_internal", ["referred_external"], "formal_investigation", ["intake", "decision"],
          N_("Resume the internal disciplinary route"), needs_reason=True, deadline="investigation",
          sets_route="investigation",
          source_note="Serbia Art. 22(3), 23: disciplinary proceedings continue beside or after the external body"),
    _rule("record_external_result", ["referred_external"], "monitoring", ["intake"],
          N_("Record the external body's result and monitor"), needs_reason=True,
          deadline="monitoring", source_note="S4 -> S14"),
    _rule("close", ["monitoring", "referred_external"], "closed", ["intake"],
          N_("Close the case"), guard=monitoring_over_or_reason, source_note="S14 -> S15"),
    _rule("withdraw", WITHDRAWABLE, "withdrawn", ["complainant"],
          N_("Withdraw the complaint"), source_note="Serbia Art. 19 (withdrawal)"),
    _rule("continue_ex_officio", ["withdrawn"], "formal_investigation", ["decision"],
          N_("Continue ex officio (with reasons)"), needs_reason=True,
          deadline="investigation", sets_route="investigation",
          source_note="Serbia Art. 20, 23: the employer's duty survives a withdrawal; any category, with reasons"),
    _rule("close_withdrawn", ["withdrawn"], "closed", ["intake"],
          N_("Close the withdrawn case"), source_note="S16 -> S15"),
    _rule("reroute", ["rejected"], "triage", ["intake"],
          N_("Re-route for a new assessment"), needs_reason=True, deadline="triage",
          source_note="S17 -> S3, proposal"),
    _rule("close_rejected", ["rejected"], "closed", ["intake"],
          N_("Close the rejected case"), source_note="S17 -> S15"),
)
RULES_BY_ACTION: dict[str, Rule] = {rule.action: rule for rule in RULES}
# Steps that always carry the text the complainant is told (the outcome, its reasons; the
# follow-up page adds the external routes open under the profile).
NOTICE_STEPS = frozenset({"reject", "decide", "decide_appeal", "reinvestigate", "close",
                          "close_rejected", "close_withdrawn"})

# --- clocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A deadline kind: what fulfils it, and in which states it keeps running.

    A transition taken by one of ``met_by`` meets it; a transition into a state outside
    ``runs_in`` stops it without meeting it (the duty no longer applies: another route, a
    withdrawal). ``from_receipt`` clocks count from the day the complaint was received, not
    from the step that starts them. ``pausable`` clocks can be paused with a reason.
    """

    kind: str
    met_by: frozenset[str]
    runs_in: frozenset[str]
    from_receipt: bool = False
    pausable: bool = False
    months: bool = False


def _clock(kind: str, met_by: Iterable[str], runs_in: Iterable[str], **kwargs: bool) -> Clock:
    return Clock(kind, frozenset(met_by), frozenset(runs_in), **kwargs)


_ROUTES_FROM_TRIAGE = [r.action for r in RULES if "triage" in r.sources and r.action != "withdraw"]
_ACTIVE = OPEN_STATES - {"withdrawn", "rejected"}
CLOCKS: dict[str, Clock] = {c.kind: c for c in (
    _clock("acknowledge", ["acknowledge"], ["submitted"], from_receipt=True),
    # EU 2019/1937 Art. 9(1)(b): never later than 7 days; past it the case is escalated.
    _clock("acknowledge_maximum", ["acknowledge"], ["submitted"], from_receipt=True),
    # EU 2019/1937 Art. 9(1)(f): met by typed feedback (or a decision or rejection delivered).
    _clock("feedback", ["deliver", "deliver_final", "reject"], _ACTIVE, months=True),
    _clock("protective_measure", [], _ACTIVE, from_receipt=True),
    _clock("triage", _ROUTES_FROM_TRIAGE, ["acknowledged", "triage"], from_receipt=True),
    # Serbia Art. 15: mediation proposed within 3 days of receipt (N. Macedonia 8).
    _clock("mediation_proposal", ["propose_mediation"], ["triage", "preliminary_inquiry"],
           from_receipt=True),
    _clock("external_referral", ["refer_external"], ["triage", "preliminary_inquiry"]),
    # Serbia Art. 15: a further 3 days from the proposal to agree on a mediator.
    _clock("mediator_selection", ["start_mediation"], ["mediation_proposed", "mediator_selection"]),
    _clock("mediation", ["record_agreement", "end_mediation"], ["mediation_in_progress"]),
    _clock("preliminary_inquiry", [r.action for r in RULES if "preliminary_inquiry" in r.sources
                                   and r.action != "withdraw"], ["preliminary_inquiry"],
           pausable=True),
    _clock("investigation", ["submit_report", "criminal_elements"], ["formal_investigation"],
           pausable=True),
    _clock("decision", ["decide"], ["decision_pending"], pausable=True),
    _clock("delivery", ["deliver", "deliver_final"], ["decided"]),
    _clock("appeal_window", ["appeal", "appeal_window_closed"], ["appeal_window"]),
    _clock("appeal_review", ["decide_appeal", "reinvestigate"], ["appeal_review"], pausable=True),
)}
# Deadline kinds that move an open clock instead of starting one.
EXTENSIONS = {"investigation_extension": "investigation", "mediation_maximum": "mediation"}


def clocks_started(rule: Rule, facts: CaseFacts) -> list[str]:
    """The clocks a step starts: its own, and on entering triage the route windows that
    apply to this case (mediation proposal where mediation is possible, external referral
    for criminal and SEA categories)."""
    kinds = [rule.deadline] if rule.deadline and rule.deadline not in EXTENSIONS else []
    if rule.target == "triage" and rule.action == "begin_triage":
        if mediation_possible(facts, Inputs()) is None:
            kinds.append("mediation_proposal")
        if facts.category_external:
            kinds.append("external_referral")
    return kinds


def clock_ending(kind: str, action: str, target: str) -> str | None:
    """How a running clock of ``kind`` ends when ``action`` leads to ``target``: "met",
    "moot" (no longer applies), or None when it keeps running."""
    clock = CLOCKS.get(kind)
    if clock is None:
        return None
    if action in clock.met_by:
        return "met"
    if target not in clock.runs_in:
        return "moot"
    return None


class TransitionRefused(Exception):
    """Not allowed now: the message says why in plain words."""


def rules_from(state: str) -> list[Rule]:
    return [rule for rule in RULES if state in rule.sources]


def available(facts: CaseFacts, actors: Iterable[str]) -> list[Rule]:
    """The actions the given actors may take now (guards that need inputs are checked later)."""
    actors = set(actors)
    return [
        rule for rule in rules_from(facts.state)
        if rule.actors & actors and _static_refusal(rule, facts) is None
    ]


def _static_refusal(rule: Rule, facts: CaseFacts) -> str | None:
    # Guards that read only the case, not the inputs, decide whether to offer the action.
    if rule.guard in (needs_outcome, needs_appeal_outcome, needs_rejection_reason,
                      monitoring_over_or_reason, referral_grounds, referral_recorded):
        return None
    return rule.guard(facts, Inputs())


def check(facts: CaseFacts, action: str, actors: Iterable[str], inputs: Inputs = Inputs()) -> Rule:
    """The rule for ``action`` if these actors may take it now, else TransitionRefused."""
    rule = RULES_BY_ACTION.get(action)
    if rule is None:
        raise TransitionRefused(N_("This action does not exist."))
    if facts.state not in rule.sources:
        raise TransitionRefused(N_(
            "This step is no longer possible: the case has moved on (someone may have acted "
            "first). Nothing was changed; the page now shows what can be done."
        ))
    if not (rule.actors & set(actors)):
        raise TransitionRefused(N_("Your assignment on this case does not allow this step."))
    refusal = rule.guard(facts, inputs)
    if refusal:
        raise TransitionRefused(refusal)
    if rule.needs_reason and not inputs.reason.strip():
        raise TransitionRefused(N_("Give the reasons for this step; they are kept encrypted."))
    if rule.action in NOTICE_STEPS and not inputs.notice.strip():
        raise TransitionRefused(N_("Write what the complainant is told: the outcome and its reasons "
                                   "in plain words. They read it on their follow-up page."))
    return rule


# --- deadlines ---------------------------------------------------------------------------


def deadline_days(kind: str, deadlines: dict[str, int]) -> int | None:
    if kind == "monitoring":
        return None  # monitoring uses check-ins, see checkin_dates
    return deadlines.get(kind)


def checkin_dates(start: datetime, days: Iterable[int]) -> list[tuple[int, datetime]]:
    return [(d, start + timedelta(days=d)) for d in days]


def mermaid_diagram() -> str:
    """The state diagram as Mermaid text, generated from the table (docs/manual/workflow.md)."""
    lines = ["stateDiagram-v2", "    [*] --> submitted"]
    for rule in RULES:
        for source in sorted(rule.sources):
            if rule.action == "withdraw" and source != "submitted":
                continue  # drawn once below, to keep the diagram readable
            lines.append(f"    {source} --> {rule.target}: {rule.action}")
    lines.append("    note right of withdrawn: the complainant may withdraw from any open stage")
    lines.append("    closed --> [*]")
    return "\n".join(lines)
