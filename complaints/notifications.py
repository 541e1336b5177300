"""What a notification may say: its kinds, their words, and the key that names each event.
Pure Python: no Flask, no database (services/notifications.py stores and finds them).

A notification says which case (its reference), what kind of event and when: never what a
case, a message or a reason says. Coordinators never read case content, and e-mails leave
the system, so the same words serve everybody. Texts are N_-marked with placeholders that
hold only codes, names of staff, references and dates.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from .translatable import N_

ASSIGNEE = "assignee"        # links to the case page
COORDINATOR = "coordinator"  # links to the register's page of the case (metadata only)
PERSONAL = "personal"        # about the person's own assignment; no link once it has ended


@dataclass(frozen=True)
class Kind:
    code: str
    text: str                       # for the case's assignees (or the person concerned)
    coordinator_text: str = ""      # when it reaches the coordinators instead


KINDS: dict[str, Kind] = {kind.code: kind for kind in (
    Kind("new_report", N_("New report: assign an intake officer"),
         N_("New report: assign an intake officer")),
    Kind("linked_report", N_("New linked report (retaliation or repeat conduct): assign it"),
         N_("New linked report (retaliation or repeat conduct): assign it")),
    Kind("retaliation", N_("Retaliation or repeat conduct reported; linked case %(detail)s opened"),
         N_("Retaliation or repeat conduct reported; linked case %(detail)s opened, and nobody "
            "on this case can act")),
    Kind("complainant_message", N_("New message from the complainant"),
         N_("New message from the complainant, and nobody assigned can answer it")),
    Kind("checkin_answer", N_("The complainant answered a monitoring check-in"),
         N_("The complainant answered a monitoring check-in, and nobody assigned can act")),
    Kind("complainant_withdrew", N_("The complainant withdrew the complaint"),
         N_("The complainant withdrew the complaint, and nobody assigned can act")),
    Kind("complainant_appealed", N_("The complainant lodged an appeal"),
         N_("The complainant lodged an appeal, and nobody assigned can act")),
    Kind("identity_revealed", N_("The complainant gave their name"),
         N_("The complainant gave their name, and nobody assigned can act")),
    Kind("assigned", N_("You were assigned as %(capacity)s")),
    Kind("assignment_ended", N_("Your assignment as %(capacity)s ended")),
    Kind("recusal", "", N_("%(name)s recused (%(capacity)s): assign someone else")),
    Kind("deadline_soon", N_("Due soon: %(deadline)s, by %(date)s"),
         N_("Due soon: %(deadline)s, by %(date)s; nobody assigned can act")),
    Kind("deadline_overdue", N_("Overdue: %(deadline)s, due %(date)s"),
         N_("Overdue: %(deadline)s, due %(date)s; nobody assigned can act")),
    Kind("escalation_acknowledge", "",
         N_("Not acknowledged within %(days)s days, the most the procedure allows")),
)}

# What an assignee does on a case, in a word or two (the same words as the case pages).
CAPACITY_WORDS = {
    "intake": N_("intake"),
    "investigator": N_("investigator"),
    "mediator": N_("mediator"),
    "decision": N_("decision maker"),
    "appeal": N_("appeal authority"),
    "trust": N_("person of trust"),
}


def text_for(kind: str, audience: str) -> str:
    """The N_ text of a kind for an audience ("" for a kind nobody can be sent)."""
    found = KINDS.get(kind)
    if found is None:
        return ""
    if audience == COORDINATOR:
        return found.coordinator_text or found.text
    return found.text or found.coordinator_text


# --- event keys: one event, at most one notification per person ---------------------------


def report_key(case_id: uuid.UUID) -> str:
    return f"report:{case_id}"


def message_key(message_id: uuid.UUID) -> str:
    return f"message:{message_id}"


def checkin_key(checkin_id: uuid.UUID) -> str:
    return f"checkin:{checkin_id}"


def retaliation_key(linked_case_id: uuid.UUID) -> str:
    return f"retaliation:{linked_case_id}"


def step_key(case_id: uuid.UUID, version: int, action: str) -> str:
    """A complainant's step: the case's version number tells one appeal from the next."""
    return f"step:{case_id}:{version}:{action}"


def identity_key(case_id: uuid.UUID) -> str:
    return f"identity:{case_id}"


def assignment_key(event: str, assignment_id: uuid.UUID) -> str:
    return f"{event}:{assignment_id}"


def deadline_key(deadline_id: uuid.UUID, overdue: bool) -> str:
    return f"deadline:{deadline_id}:{'overdue' if overdue else 'soon'}"


def escalation_key(case_id: uuid.UUID) -> str:
    return f"escalation:acknowledge:{case_id}"
