"""What the complainant is told about each stage, in plain words (never internal codes).

The texts are marked with N_ and translated where they are shown (templates call _()).
"""
from __future__ import annotations

from dataclasses import dataclass

from .translatable import N_


@dataclass(frozen=True)
class Status:
    title: str
    explanation: str
    next_step: str


DEFAULT = Status(N_("Your report is being handled"),
                 N_("An officer is working on your report."),
                 N_("You will be told here when something changes."))

STATUSES: dict[str, Status] = {
    "submitted": Status(N_("Received"), N_("Your report has arrived safely."),
                        N_("An officer will confirm receipt and tell you what happens next.")),
    "acknowledged": Status(N_("Receipt confirmed"), N_("An officer has confirmed that your report was received."),
                           N_("The officer is deciding how to handle it.")),
    "triage": Status(N_("Being assessed"), N_("An officer is looking at what happened, what you asked for and "
                     "whether you need protection now, and will choose how to handle your report."),
                     N_("You will be told which route was chosen.")),
    "referred_external": Status(N_("Passed to the competent authority"),
                                N_("What you reported may be a crime, so it was passed to the military "
                                "police or the prosecutor. We keep protecting you and stay in contact."),
                                N_("You will be told about the result when we receive it.")),
    "mediation_proposed": Status(N_("Mediation offered"), N_("Mediation (a confidential meeting with a neutral "
                                 "mediator to agree on how the behaviour stops) has been offered. It "
                                 "happens only if you agree."), N_("Answer below whether you accept.")),
    "mediator_selection": Status(N_("Choosing a mediator"), N_("Both sides accepted mediation and are agreeing on a mediator."),
                                 N_("Mediation starts once a mediator is agreed.")),
    "mediation_in_progress": Status(N_("Mediation under way"), N_("A confidential mediation is taking place."),
                                    N_("It normally ends within 8 days, at most 30.")),
    "resolved_by_agreement": Status(N_("Agreement reached"), N_("A written agreement with measures was reached in mediation."),
                                    N_("Follow-up checks will make sure it is respected.")),
    "preliminary_inquiry": Status(N_("First checks"), N_("An officer is checking the facts before deciding whether a "
                                  "full investigation is needed."), N_("You will be told the result of the checks.")),
    "formal_investigation": Status(N_("Under investigation"), N_("An investigator is establishing the facts: hearing "
                                   "both sides and witnesses, and examining evidence."),
                                   N_("A report goes to the person who decides.")),
    "decision_pending": Status(N_("Waiting for the decision"), N_("The investigation is finished; the responsible "
                               "authority is preparing a decision."), N_("You will be told the outcome.")),
    "decided": Status(N_("Decision taken"), N_("A decision has been taken."), N_("It will be delivered to you shortly.")),
    "appeal_window": Status(N_("Decision delivered"), N_("The decision has been delivered. If you disagree, you can "
                            "appeal on this page."), N_("The appeal period ends on the date shown.")),
    "appeal_review": Status(N_("Appeal under review"), N_("Your appeal (or the other side's) is being reviewed by a "
                            "second instance."), N_("You will be told the result.")),
    "monitoring": Status(N_("Follow-up"), N_("The procedure has ended. For some months we check that nothing "
                         "happens to you because you reported, and that the behaviour has stopped."),
                         N_("We will ask you here whether anything has happened since.")),
    "closed": Status(N_("Closed"), N_("Your case is closed."), N_("If anything happens because you reported, tell us here "
                     "or make a new report.")),
    "withdrawn": Status(N_("Withdrawn"), N_("You withdrew your report. Very serious conduct may still be looked "
                        "into by the organisation itself."), N_("Nothing more is needed from you.")),
    "rejected": Status(N_("Not handled in this procedure"),
                       N_("Your report could not be handled in this internal procedure. The reason is "
                       "shown below, under “What was decided”."),
                       N_("See below what you can still do, and where else you can turn.")),
}


def status_for(state: str) -> Status:
    return STATUSES.get(state, DEFAULT)


# --- what was decided, in the complainant's words ------------------------------------------
# Keyed by the codes of workflow.OUTCOMES, REJECTION_REASONS, APPEAL_OUTCOMES and
# CLOSURE_REASONS; the officers' pages keep the short staff labels.

OUTCOME_TEXTS: dict[str, str] = {
    "substantiated": N_("What you reported was confirmed, and the responsible authority is acting on it."),
    "partly_substantiated": N_("Part of what you reported was confirmed, and the responsible authority is "
                               "acting on that part."),
    "not_substantiated": N_("What you reported could not be confirmed with the evidence available. This "
                            "is not a finding that you were not believed."),
    "abusive_complaint": N_("The responsible authority found that the report was knowingly false."),
}
REJECTION_TEXTS: dict[str, str] = {
    "out_of_scope": N_("What you reported is outside what this internal procedure can handle."),
    "time_barred": N_("It is too late for the statutory procedure on bullying at work, which has a "
                      "6-month time limit. Other routes below may still be open."),
    "duplicate": N_("The same events are already being handled in another case."),
    "insufficient": N_("There was not enough information to act, even after asking you. You can report "
                       "again with more details."),
}
APPEAL_TEXTS: dict[str, str] = {
    "upheld": N_("The second instance reviewed the decision and confirmed it."),
    "changed": N_("The second instance reviewed the decision and changed it."),
    "reinvestigate": N_("The second instance sent the case back for a new investigation."),
}
CLOSURE_TEXTS: dict[str, str] = {
    "monitoring_complete": N_("The follow-up period ended and nothing new was reported."),
    "external_result": N_("The result from the external authority was recorded."),
    "withdrawn": N_("You withdrew your report."),
    "rejected": N_("The report could not be handled in this procedure (see above)."),
    "agreement_fulfilled": N_("The mediation agreement was fulfilled."),
}
