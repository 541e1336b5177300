"""Plain-word labels for the coded values a case carries (channel, wants, rank band...).

Officers' pages show these instead of the codes. Labels are N_-marked, or lazy strings taken
from the report form's choices (one wording for the complainant and the officer), and are
translated by the ``label`` template filter.
"""
from __future__ import annotations

from .assignment_reasons import ALL_REASONS
from .forms.report import RANK_BANDS, SEXES, UNIT_GROUPS
from .metadata import LEFT_LABELS, STATUS_LABELS
from .triage import RISK_LEVELS
from .workflow import PROTECTIVE_MEASURES
from .translatable import N_

CHANNELS = {
    "online_anonymous": N_("online, anonymous"),
    "online_identified": N_("online, with name"),
    "on_behalf": N_("on behalf of someone else"),
    "person_of_trust": N_("through a person of trust"),
    "paper": N_("on paper"),
    "oral": N_("orally, with minutes"),
    "in_person": N_("in person, with minutes"),
}
WANTS = {
    "information": N_("information and advice first"),
    "informal": N_("an informal solution"),
    "formal": N_("a formal investigation"),
}
RELATIONS = {
    "superior": N_("superior"),
    "peer": N_("colleague of similar rank"),
    "subordinate": N_("subordinate"),
    "other": N_("other / don't know"),
}
# Who uploaded a file or answered a check-in.
SOURCES = {
    "complainant": N_("the complainant"),
    "staff": N_("staff"),
    "officer": N_("the officer"),
}
CHECKIN_ANSWERS = {
    "nothing": N_("nothing has happened"),
    "retaliation": N_("treated worse for reporting"),
    "repeat": N_("the behaviour happened again"),
}


def tables() -> dict[str, dict]:
    return {
        "channels": CHANNELS, "wants": WANTS, "relations": RELATIONS, "uploaders": SOURCES,
        "checkin_answers": CHECKIN_ANSWERS, "rank_bands": dict(RANK_BANDS[1:]),
        "unit_groups": dict(UNIT_GROUPS[1:]), "sexes": dict(SEXES[1:]),
        "measures": PROTECTIVE_MEASURES,
        "cleaning": STATUS_LABELS, "cleaning_left": LEFT_LABELS,
        "assignment_reasons": ALL_REASONS, "risk_levels": RISK_LEVELS,
    }
