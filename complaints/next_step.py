"""Who must act next on a case, read from the workflow table. Pure Python: no Flask, no
database. The case page says it to an assignee with nothing to do; the deadline watch uses it
to tell a deadline to the people who can meet it (or to the coordinators when nobody can).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from . import workflow

# Who can act besides assignees' capacities; "system" steps happen by themselves.
COMPLAINANT = "complainant"
EVERY_ACTOR = frozenset(a for rule in workflow.RULES for a in rule.actors) - {"system"}
# Steps that are always open to someone and never "the next step" (a complainant may
# withdraw at almost any stage).
NOT_NEXT = frozenset({"withdraw"})
# Deadlines that belong to a capacity whatever the stage.
DEADLINE_CAPACITIES = {"acknowledge": frozenset({"intake"}), "feedback": frozenset({"intake"})}


@dataclass(frozen=True)
class NextActor:
    actor: str                          # a capacity (intake, decision...) or "complainant"
    rules: tuple[workflow.Rule, ...]    # what they may do now


@dataclass(frozen=True)
class Waiting:
    rule: workflow.Rule
    because: str                        # the guard's N_ text: what has to happen first


def next_actors(facts: workflow.CaseFacts) -> list[NextActor]:
    """Who may move the case on now, each with their steps (capacities first, in the order
    the workflow table lists them; the complainant last)."""
    by_actor: dict[str, list[workflow.Rule]] = {}
    for rule in workflow.available(facts, EVERY_ACTOR):
        if rule.action in NOT_NEXT:
            continue
        for actor in sorted(rule.actors & EVERY_ACTOR, key=_actor_order):
            by_actor.setdefault(actor, []).append(rule)
    return [NextActor(actor, tuple(rules)) for actor, rules in
            sorted(by_actor.items(), key=lambda item: _actor_order(item[0]))]


def waiting(facts: workflow.CaseFacts) -> list[Waiting]:
    """Steps of this stage that a condition still holds back (a time limit, a missing
    mediator...), each with the condition in words."""
    offered = {rule.action for rule in workflow.available(facts, EVERY_ACTOR | {"system"})}
    found = []
    for rule in workflow.rules_from(facts.state):
        if rule.action in offered or rule.action in NOT_NEXT:
            continue
        because = rule.guard(facts, workflow.Inputs())
        if because:
            found.append(Waiting(rule, because))
    return found


def acting_capacities(state: str) -> frozenset[str]:
    """Capacities that may take some step from ``state`` (guards aside)."""
    return frozenset(a for rule in workflow.rules_from(state) for a in rule.actors) - {"system", COMPLAINANT}


def deadline_capacities(kind: str, state: str) -> frozenset[str]:
    """Who can meet a deadline of ``kind`` while the case is in ``state``."""
    return DEADLINE_CAPACITIES.get(kind) or acting_capacities(state)


CAPACITY_ORDER = ("intake", "investigator", "mediator", "decision", "appeal", "trust")


def _actor_order(actor: str) -> tuple[int, str]:
    return (CAPACITY_ORDER.index(actor) if actor in CAPACITY_ORDER else len(CAPACITY_ORDER), actor)


def capacities_of(actors: Iterable[NextActor]) -> set[str]:
    return {a.actor for a in actors if a.actor != COMPLAINANT}
