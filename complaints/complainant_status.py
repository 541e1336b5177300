"""What the complainant is told about each stage, in plain words (never internal codes)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    title: str
    explanation: str
    next_step: str


DEFAULT = Status("Your report is being handled",
                 "An officer is working on your report.",
                 "You will be told here when something changes.")

STATUSES: dict[str, Status] = {
    "submitted": Status("Received", "Your report has arrived safely. Nobody has opened it yet.",
                        "An officer will confirm receipt and tell you what happens next."),
    "acknowledged": Status("Receipt confirmed", "An officer has confirmed that your report was received.",
                           "The officer is deciding how to handle it."),
    "triage": Status("Being assessed", "An officer is looking at what happened, what you asked for and "
                     "whether you need protection now, and will choose how to handle your report.",
                     "You will be told which route was chosen."),
    "referred_external": Status("Passed to the competent authority",
                                "What you reported may be a crime, so it was passed to the military "
                                "police or the prosecutor. We keep protecting you and stay in contact.",
                                "You will be told about the result when we receive it."),
    "mediation_proposed": Status("Mediation offered", "Mediation (a confidential meeting with a neutral "
                                 "mediator to agree on how the behaviour stops) has been offered. It "
                                 "happens only if you agree.", "Tell the officer whether you accept."),
    "mediator_selection": Status("Choosing a mediator", "Both sides accepted mediation and are agreeing on a mediator.",
                                 "Mediation starts once a mediator is agreed."),
    "mediation_in_progress": Status("Mediation under way", "A confidential mediation is taking place.",
                                    "It normally ends within 8 days, at most 30."),
    "resolved_by_agreement": Status("Agreement reached", "A written agreement with measures was reached in mediation.",
                                    "Follow-up checks will make sure it is respected."),
    "preliminary_inquiry": Status("First checks", "An officer is checking the facts before deciding whether a "
                                  "full investigation is needed.", "You will be told the result of the checks."),
    "formal_investigation": Status("Under investigation", "An investigator is establishing the facts: hearing "
                                   "both sides and witnesses, and examining evidence.",
                                   "A report goes to the person who decides."),
    "decision_pending": Status("Waiting for the decision", "The investigation is finished; the responsible "
                               "authority is preparing a decision.", "You will be told the outcome."),
    "decided": Status("Decision taken", "A decision has been taken.", "It will be delivered to you shortly."),
    "appeal_window": Status("Decision delivered", "The decision has been delivered. If you disagree, you can "
                            "appeal on this page.", "The appeal period ends on the date shown."),
    "appeal_review": Status("Appeal under review", "Your appeal (or the other side's) is being reviewed by a "
                            "second instance.", "You will be told the result."),
    "monitoring": Status("Follow-up", "The procedure has ended. For some months we check that nothing "
                         "happens to you because you reported, and that the behaviour has stopped.",
                         "We will ask you here whether anything has happened since."),
    "closed": Status("Closed", "Your case is closed.", "If anything happens because you reported, tell us here "
                     "or make a new report."),
    "withdrawn": Status("Withdrawn", "You withdrew your report. Very serious conduct may still be looked "
                        "into by the organisation itself.", "Nothing more is needed from you."),
    "rejected": Status("Not handled in this procedure",
                       "Your report could not be handled in this internal procedure. The officer's message "
                       "explains why. You can still go to a court, the equality body or the ombudsperson.",
                       "Read the message below for the routes that remain open to you."),
}


def status_for(state: str) -> Status:
    return STATUSES.get(state, DEFAULT)
