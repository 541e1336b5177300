"""Why an assignment ends: the reasons an assignee gives when recusing, and those a
coordinator gives when ending someone's assignment. Pure Python (N_-marked labels).

The code is clear metadata that coordinators see (it speaks about the staff member, never
about the case); a note written with it is encrypted and only the case's assignees read it.
"""
from __future__ import annotations

from .translatable import N_

RECUSAL_REASONS = {
    "knows_party": N_("I know a party personally (family, friendship, a relationship)"),
    "chain_of_command": N_("I serve in the chain of command of a party"),
    "involved": N_("I was involved in, or witnessed, what the case is about"),
    "other_conflict": N_("Another conflict of interest"),
}
END_REASONS = {
    "reassigned": N_("Reassigned to balance the workload"),
    "absence": N_("Absent for a long time (leave, sickness, deployment)"),
    "conflict": N_("A conflict of interest came to light"),
    "work_done": N_("The work in this capacity is finished"),
    "left_post": N_("Left the post"),
    "other": N_("Another reason"),
}
ALL_REASONS = {**RECUSAL_REASONS, **END_REASONS}
NOTE_LIMIT = 4_000
