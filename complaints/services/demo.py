"""`complaints demo`: a fresh instance with an account for every role and a few hundred
invented cases spread over every state, category and profile rule.

Cases are built through the same services as real ones (sealed content, receipts as HMACs,
transitions with guards, deadlines and audit entries), with an invented history in the past.
"""
from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from .. import workflow
from ..crypto import new_receipt, receipt_index
from ..extensions import db
from ..instance import keyring, profile
from .. import notifications as notification_keys
from ..models import (Assignment, Case, CaseParty, CaseRecord, Consultation, Deadline,
                      DeadlinePause, FeedbackRecord, Message, MonitoringCheckin, Notification,
                      ProtectiveMeasure, Transition, Unit, User)
from . import accounts, auditing, deadline_watch, notifications
from .case_access import new_case_key
from .transitions import CLOCKS_STOP_IN, TransitionInputs, initial_deadlines, replay

CASE_HANDLING_ROLES = ("officer", "investigator", "mediator", "decision", "appeal", "trust",
                       "coordinator")
DEMO_ROLES = ("officer", "investigator", "mediator", "decision", "appeal", "trust",
              "coordinator", "gem", "auditor", "admin")

UNITS = (
    ("Ministry of Defence", "ministry", None),
    ("General Staff", "general_staff", "Ministry of Defence"),
    ("Land Forces Command", "land_forces", "General Staff"),
    ("1st Brigade", "land_forces", "Land Forces Command"),
    ("11th Infantry Battalion", "land_forces", "1st Brigade"),
    ("Air Force and Air Defence", "air_force", "General Staff"),
    ("210th Air Base", "air_force", "Air Force and Air Defence"),
    ("Training Command", "training", "General Staff"),
    ("Military Academy", "training", "Training Command"),
    ("Logistics Command", "logistics", "General Staff"),
    # complaint handlers sit outside the chain of command of the units they handle complaints
    # from, like the MoD's Inspector General (BiH) or Defence Inspection (N. Macedonia)
    ("Defence Inspectorate", "ministry", None),
)

NARRATIVES = {
    "GBD": ["I was told I would not be sent on the course because 'women don't last in the field', although I had the best results of my class.",
            "My leave requests are refused while male colleagues with less seniority get theirs approved; the shift planner said mothers should have thought of this earlier."],
    "SH_VERBAL": ["A senior NCO keeps commenting on my body in front of the platoon and asks about my private life. I asked him to stop twice.",
                  "In the unit chat group, a colleague posts sexual jokes about me and others add to them."],
    "SH_NONVERBAL": ["An officer stares at me in the changing area and made obscene gestures when I passed his office.",
                     "I received explicit pictures from a colleague's private number after the exercise."],
    "SH_PHYSICAL": ["During the night shift my superior touched me against my will and told me not to make a fuss.",
                    "A colleague repeatedly puts his hand on my waist and leg in the vehicle, although I push it away."],
    "SEXUAL_BLACKMAIL": ["My commander hinted that my contract extension depends on whether I am 'nice' to him after hours."],
    "HARASSMENT_GENDER": ["Since I joined the company, I am given only cleaning duties and called names for being a woman in uniform.",
                          "Colleagues mock me openly because of my sexual orientation and exclude me from the team."],
    "MOBBING": ["For eight months my superior has shouted at me in front of others, hidden my work tools and changed my duties without explanation.",
                "I am left out of all meetings and my reports are thrown away; my colleagues were told not to talk to me."],
    "SEXUAL_ABUSE_ASSAULT": ["After the unit celebration I was assaulted in the dormitory. I am afraid of meeting him again."],
    "SEA": ["During the deployment I saw a soldier offering money and food to a local young woman in exchange for sex."],
    "ABUSE_OF_AUTHORITY": ["My commander threatens to send me to a remote post if I do not withdraw my earlier complaint about the duty roster."],
    "RETALIATION": ["Since I reported harassment, my performance grade was lowered and I was moved to night shifts without reason."],
}

# Paths of actions from "submitted"; each case stops somewhere along one of them.
PATHS = {
    "investigation": ["acknowledge", "open_investigation", "extend_investigation", "submit_report",
                      "decide", "deliver", "appeal_window_closed", "close"],
    "appealed": ["acknowledge", "open_inquiry", "open_investigation", "submit_report", "decide",
                 "deliver", "appeal", "decide_appeal", "close"],
    "reinvestigated": ["acknowledge", "open_investigation", "submit_report", "decide", "deliver",
                       "appeal", "reinvestigate", "submit_report", "decide", "deliver"],
    "mediation": ["acknowledge", "propose_mediation", "accept_mediation", "start_mediation",
                  "record_agreement", "register_agreement", "close"],
    "mediation_failed": ["acknowledge", "propose_mediation", "accept_mediation", "start_mediation",
                         "end_mediation", "submit_report", "decide", "deliver"],
    "declined": ["acknowledge", "propose_mediation", "decline_mediation", "submit_report"],
    "external": ["acknowledge", "refer_external", "record_external_result", "close"],
    "external_resumed": ["acknowledge", "refer_external", "resume_internal", "submit_report"],
    "rejected": ["acknowledge", "reject", "close_rejected"],
    "rerouted": ["acknowledge", "reject", "reroute", "open_investigation"],
    "withdrawn": ["acknowledge", "withdraw", "close_withdrawn"],
    "ex_officio": ["acknowledge", "open_investigation", "withdraw", "continue_ex_officio",
                   "submit_report"],
    "informal": ["acknowledge", "open_inquiry", "resolve_informally", "close"],
}
# What the complainant is told at each outcome (workflow.NOTICE_STEPS).
NOTICES = {
    "decide": "The conduct you reported was established. The responsible commander has taken measures; we will check in with you over the coming months.",
    "reject": "Your report concerns a pay dispute, which this procedure can't decide. The routes below stay open to you.",
    "decide_appeal": "The second instance reviewed your appeal and upheld the decision, for the reasons given in it.",
    "reinvestigate": "Your appeal was upheld: the messages you sent will now be examined in a new investigation.",
    "close": "The follow-up period has ended without new incidents, so your case is closed. Write to us if anything happens.",
    "close_rejected": "Your case is closed. The routes outside this procedure stay open to you.",
    "close_withdrawn": "Your case is closed as you withdrew it. You can report again at any time.",
}
REASONS = {
    "extend_investigation": "Two witnesses are on deployment until next month.",
    "submit_report": "Statements of both parties and three witnesses taken; facts largely established.",
    "decide": "The conduct described is established by consistent witness statements.",
    "appeal": "The decision does not consider the messages I submitted.",
    "decide_appeal": "The first-instance decision is well reasoned.",
    "reinvestigate": "The messages submitted as evidence were not examined.",
    "record_agreement": "Written apology; the parties will not share shifts for six months.",
    "end_mediation": "The respondent withdrew from mediation.",
    "decline_mediation": "The complainant does not wish to meet the respondent.",
    "record_external_result": "Military prosecutor opened proceedings.",
    "refer_external": "Facts suggest a criminal offence.",
    "resume_internal": "The prosecutor dropped the case; the disciplinary route continues.",
    "reject": "The matter concerns a pay dispute outside this procedure; other routes explained.",
    "reroute": "New information shows gender-based treatment.",
    "resolve_informally": "The supervisor changed the roster after a talk; complainant satisfied.",
    "continue_ex_officio": "Serious conduct: the procedure continues ex officio.",
    "close": "Monitoring ended without new incidents.",
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    otpauth_uri: str


def build_demo(case_count: int = 300, seed: int = 2026) -> list[DemoAccount]:
    rng = random.Random(seed)
    units = _units()
    created = []
    staff: dict[str, list[User]] = {}
    for role in DEMO_ROLES:
        for number in (1, 2) if role in ("officer", "coordinator", "investigator", "admin") else (1,):
            username = f"demo-{role}{number if number > 1 else ''}"
            password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
            unit = units[-1].id if role in CASE_HANDLING_ROLES else rng.choice(units[1:-1]).id
            user, uri = accounts.provision_user(username, password, [role],
                                                display_name=f"Demo {role.title()} {number}",
                                                email=f"{username}@example.invalid", unit_id=unit)
            user.totp_enrolled = True  # the printed otpauth URI is the enrolment (a demo only)
            created.append(DemoAccount(role, username, password, uri))
            staff.setdefault(role, []).append(user)
    now = datetime.now(timezone.utc)
    categories = [c.code for c in profile().categories]
    cover = _coverage_plan()
    for index in range(case_count):
        if index < len(cover):  # first, one case resting in every state
            path, stop, category = cover[index]
            _demo_case(rng, index, category, staff, units, now, forced=(path, stop))
            continue
        category = categories[index % len(categories)] if index < len(categories) * 3 else rng.choice(categories)
        _demo_case(rng, index, category, staff, units, now)
    _consultations(rng, staff["trust"][0], now)
    deadline_watch.sweep(now)  # what the watch job would have told everyone by now
    # The office has read what is more than three days old; the rest waits as new.
    db.session.execute(update(Notification).where(Notification.created_at < now - timedelta(days=3))
                       .values(read_at=now - timedelta(days=1)))
    auditing.record("demo.created", actor=auditing.CLI, detail={"cases": case_count})
    db.session.commit()
    return created


PATH_CATEGORY = {"mediation": "MOBBING", "mediation_failed": "HARASSMENT_GENDER",
                 "declined": "GBD", "informal": "MOBBING", "rerouted": "GBD", "external": "SEA",
                 "external_resumed": "SEXUAL_ABUSE_ASSAULT"}


def _coverage_plan() -> list[tuple[str, int, str]]:
    """(path, number of steps, category) so that some case rests in every reachable state."""
    plan: dict[str, tuple[str, int, str]] = {"submitted": ("investigation", 0, "SH_VERBAL")}
    for name, actions in PATHS.items():
        for count, action in enumerate(actions, start=1):
            target = workflow.RULES_BY_ACTION[action].target
            follow = workflow.RULES_BY_ACTION[action].follow_with
            if follow:
                target = workflow.RULES_BY_ACTION[follow].target
            plan.setdefault(target, (name, count, PATH_CATEGORY.get(name, "SH_VERBAL")))
    return list(plan.values())


def _units() -> list[Unit]:
    by_name: dict[str, Unit] = {}
    for name, group, parent in UNITS:
        unit = Unit(name=name, unit_group=group, parent_id=by_name[parent].id if parent else None)
        db.session.add(unit)
        db.session.flush()
        by_name[name] = unit
    db.session.commit()
    return list(by_name.values())


def _demo_case(rng: random.Random, index: int, category: str, staff: dict[str, list[User]],
               units: list[Unit], now: datetime, forced: tuple[str, int] | None = None) -> None:
    category_info = profile().category(category)
    anonymous = rng.random() < 0.35 and forced is None
    # Most cases have an intake officer; a few new ones wait in the register unassigned.
    unassigned = forced is None and rng.random() < 0.08
    steps = [] if unassigned else _steps(rng, category_info, anonymous, forced)
    submitted, times = _schedule(rng, steps, now, on_time=forced is not None)
    case_id = uuid.uuid4()
    data_key, cipher = new_case_key(case_id)
    respondent_unit = rng.choice(units[2:-1])
    case = Case(
        id=case_id, reference=f"DEMO-{submitted:%Y}-{index + 1:04d}",
        receipt_hmac=receipt_index(keyring().index_key, new_receipt()), data_key_id=data_key.id,
        procedure=profile().name, state="submitted", category=category,
        channel=rng.choice(["online_anonymous"] if anonymous else
                           ["online_identified", "online_identified", "on_behalf", "person_of_trust"]),
        anonymous=anonymous, wants=rng.choice(["information", "informal", "formal", "formal"]),
        protection_requested=rng.random() < 0.2,
        unit_group=respondent_unit.unit_group, respondent_unit_id=respondent_unit.id,
        respondent_rank_band=rng.choice(["enlisted", "nco", "junior_officer", "senior_officer", "civilian"]),
        respondent_relation=rng.choice(["superior", "superior", "peer", "subordinate"]),
        respondent_sex=rng.choice(["male", "male", "male", "female", ""]),
        complainant_sex=rng.choice(["female", "female", "female", "male", ""]),
        complainant_rank_band=rng.choice(["enlisted", "nco", "junior_officer", "civilian", ""]),
        submitted_at=submitted, updated_at=submitted,
    )
    if rng.random() < 0.3:
        case.incident_period = "ongoing"
        case.last_incident_on = (submitted - timedelta(days=rng.randint(0, 3))).date()
    else:
        case.last_incident_on = (submitted - timedelta(days=rng.randint(1, 60))).date()
        case.incident_period = f"{case.last_incident_on:%Y-%m}"
    narrative = rng.choice(NARRATIVES.get(category, NARRATIVES["MOBBING"]))
    case.narrative_enc = cipher.seal("cases", "narrative_enc", case_id, narrative)
    case.location_enc = cipher.seal("cases", "location_enc", case_id,
                                    f"{respondent_unit.name}, barracks area")
    if case.protection_requested:
        case.protection_details_enc = cipher.seal("cases", "protection_details_enc", case_id,
                                                  "I do not want to share shifts with him any more.")
    if not anonymous:
        case.complainant_name_enc = cipher.seal("cases", "complainant_name_enc", case_id,
                                                f"Invented Person {index + 1}")
        case.complainant_contact_enc = cipher.seal("cases", "complainant_contact_enc", case_id,
                                                   f"person{index + 1}@example.invalid")
    db.session.add(case)
    db.session.flush()
    party = CaseParty(id=uuid.uuid4(), case_id=case_id, kind="respondent", unit_id=respondent_unit.id,
                      rank_band=case.respondent_rank_band, sex=case.respondent_sex,
                      relation=case.respondent_relation, staff_status="unit",
                      commands_unit=case.respondent_rank_band == "senior_officer" and rng.random() < 0.5,
                      recorded_at=submitted)
    party.details_enc = cipher.seal("case_parties", "details_enc", party.id, "Invented respondent")
    db.session.add(party)
    if not anonymous and forced is None and rng.random() < 0.06:
        _oral(case, cipher, staff["officer"][0], narrative, submitted, confirmed=rng.random() < 0.6)
    db.session.add(Transition(id=uuid.uuid4(), case_id=case_id, from_state="", to_state="submitted",
                              action="submit", actor_kind="complainant", at=submitted))
    db.session.add_all(initial_deadlines(case_id, submitted, case.protection_requested))
    auditing.record("case.submit", case_id=case_id, actor=auditing.COMPLAINANT,
                    detail={"reference": case.reference, "category": category, "demo": True})
    if unassigned:
        notifications.new_report(case, at=submitted)
    db.session.commit()
    if unassigned:
        return
    # The cases resting in every state belong to the first account of each role, so that
    # demo-officer, demo-investigator... each see every stage of their work.
    team = {capacity: staff[role][0] if forced else rng.choice(staff[role]) for capacity, role in (
        ("intake", "officer"), ("investigator", "investigator"), ("mediator", "mediator"),
        ("decision", "decision"), ("appeal", "appeal"))}
    for capacity, user in team.items():
        db.session.add(Assignment(id=uuid.uuid4(), case_id=case_id, user_id=user.id,
                                  capacity=capacity, assigned_at=submitted))
    db.session.commit()
    _walk(rng, case, team, list(zip(steps, times)), now)
    _procedure_records(rng, case, team, now)
    _complainant_writes(rng, case, now)


def _steps(rng: random.Random, category_info, anonymous: bool,  # type: ignore[no-untyped-def]
           forced: tuple[str, int] | None) -> list[str]:
    """The actions a case has gone through, from "submitted" to where it rests now."""
    if forced is not None:
        return PATHS[forced[0]][:forced[1]]
    mediable = bool(category_info and category_info.mediable) and not anonymous
    external = bool(category_info and category_info.external_referral)
    if external:
        names = ["external", "external_resumed", "investigation"]
    elif mediable:
        names = ["mediation", "mediation_failed", "declined", "informal", "investigation", "withdrawn",
                 "rejected", "rerouted"]
    else:
        names = ["investigation", "appealed", "reinvestigated", "withdrawn", "ex_officio", "rejected"]
    path = PATHS[rng.choice(names)]
    steps = path[:rng.randint(1, len(path))]
    if steps[-1] == "reroute":  # a re-routed case is assessed again at once (its triage clock
        steps = path[:len(steps) + 1]  # counts from receipt, so resting there is overdue)
    return steps


# Days between a step and the one before it, as an office working on time takes them.
GAP_DAYS = {
    "acknowledge": (0.1, 2.5), "open_investigation": (1, 3.5), "open_inquiry": (1, 3.5),
    "propose_mediation": (1, 3), "refer_external": (0.5, 2), "reject": (1, 3.5),
    "accept_mediation": (1, 2.5), "decline_mediation": (1, 2.5), "start_mediation": (1, 2.5),
    "record_agreement": (3, 7), "end_mediation": (3, 7), "register_agreement": (1, 3),
    "extend_investigation": (18, 26), "submit_report": (14, 27), "decide": (4, 13),
    "deliver": (0.5, 2.5), "appeal": (3, 12), "appeal_window_closed": (16, 18),
    "decide_appeal": (10, 27), "reinvestigate": (10, 27), "record_external_result": (20, 80),
    "close": (181, 200), "resolve_informally": (5, 13), "withdraw": (2, 20),
    "close_withdrawn": (1, 3), "continue_ex_officio": (1, 5), "close_rejected": (1, 4),
    "reroute": (1, 4),
}
# How the deadline running now stands: most on time, some due soon, a few overdue.
STANDING = (("on_time", 0.80), ("due_soon", 0.12), ("overdue", 0.08))


def _schedule(rng: random.Random, steps: list[str], now: datetime,
              on_time: bool) -> tuple[datetime, list[datetime]]:
    """When the report came in and when each step was taken, so that the deadline the case
    rests under stands as an office's do: usually on time."""
    gaps = [timedelta(days=rng.uniform(*GAP_DAYS.get(action, (1, 5)))) for action in steps]
    days = _days_left_at_rest(steps, gaps)
    standing = "on_time" if on_time else rng.choices(
        [name for name, _ in STANDING], weights=[w for _, w in STANDING])[0]
    if days is None:  # resting where no deadline runs (monitoring, closed...)
        age = rng.uniform(1, 170 if steps and _rests_in(steps) == "monitoring" else 300)
    elif standing == "on_time":
        age = rng.uniform(0.05, max(0.1, days - 2.5))
    elif standing == "due_soon":
        age = rng.uniform(max(0.0, days - 1.0), max(0.05, days - 0.2))
    else:
        age = days + rng.uniform(1.5, 9)
    last = now - timedelta(days=age, minutes=rng.randint(5, 90))
    times = []
    for gap in reversed(gaps):
        times.append(last)
        last -= gap
    return last, list(reversed(times))


def _rests_in(steps: list[str]) -> str:
    rule = workflow.RULES_BY_ACTION[steps[-1]]
    return workflow.RULES_BY_ACTION[rule.follow_with].target if rule.follow_with else rule.target


def _days_left_at_rest(steps: list[str], gaps: list[timedelta]) -> float | None:
    """Days the running deadline gives from the last step on (None when none runs)."""
    days = profile().deadlines_days
    if not steps:
        return days["acknowledge"]
    rule = workflow.RULES_BY_ACTION[steps[-1]]
    if rule.follow_with:
        rule = workflow.RULES_BY_ACTION[rule.follow_with]
    kind = rule.deadline
    if kind is None or kind == "monitoring":
        return None
    if kind == "triage":  # counted from receipt: the acknowledgement used part of it
        return days["triage"] - gaps[0].total_seconds() / 86400
    return days.get(kind)


def _walk(rng, case, team, steps, now) -> None:  # type: ignore[no-untyped-def]
    for action, at in steps:
        rule = workflow.RULES_BY_ACTION[action]
        if action == "accept_mediation":
            case.mediation_complainant_consent = case.mediation_respondent_consent = True
        if action == "close":
            _answer_checkins(rng, case, at)
        actor = None if "complainant" in rule.actors and len(rule.actors) == 1 else _actor_for(rule, team)
        inputs = TransitionInputs(
            reason=REASONS.get(action, ""),
            outcome=("upheld" if action == "decide_appeal" else
                     rng.choice(list(workflow.OUTCOMES)) if action == "decide" else ""),
            code="out_of_scope" if action == "reject" else "",
            sanction=rng.choice(list(workflow.SANCTIONS)) if action == "decide" else "",
            complainant_notice=NOTICES.get(action, ""),
            referral_body="military_police" if action == "refer_external" else "",
            referral_consent="given" if action == "refer_external" else "",
            referral_reference=f"VP-{at:%Y}-{rng.randint(100, 999)}" if action == "refer_external" else "",
            disciplinary=(rng.choice(["started", "not_started"]) if action == "decide" else ""),
            disciplinary_reasons=("The responsible commander already issued a written warning."
                                  if action == "decide" else ""),
        )
        try:
            replay(case, action, actor, inputs, at)
        except workflow.TransitionRefused:
            break
        if action == "acknowledge" and (now - at > timedelta(days=75) or rng.random() < 0.85):
            _feedback(rng, case, team["intake"], min(at + timedelta(hours=rng.randint(2, 40)),
                                                     now - timedelta(minutes=30)), now)
        if rng.random() < 0.08 and case.state not in CLOCKS_STOP_IN:
            _measure(case, team["decision"], at)
    if case.state == "monitoring":
        _answer_checkins(rng, case, now)


def _answer_checkins(rng: random.Random, case: Case, until: datetime) -> None:
    """Most complainants answer the check-ins that came due: nothing has happened."""
    for checkin in db.session.execute(select(MonitoringCheckin).where(
            MonitoringCheckin.case_id == case.id, MonitoringCheckin.answered_at.is_(None),
            MonitoringCheckin.due_at <= until)).scalars():
        if rng.random() < 0.85:
            checkin.answered_at = min(checkin.due_at + timedelta(days=rng.uniform(0.2, 5)), until)
            checkin.answer, checkin.answered_by = "nothing", "complainant"
    db.session.commit()


def _complainant_writes(rng: random.Random, case: Case, now: datetime) -> None:
    """Some complainants of open cases wrote in the last days; their officer has not read it."""
    if case.state in CLOCKS_STOP_IN or case.state == "submitted" or rng.random() > 0.15:
        return
    from .case_access import cipher_for

    at = max(case.updated_at, now - timedelta(days=rng.uniform(0.1, 4)))
    message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="complainant", created_at=at)
    message.body_enc = cipher_for(case).seal("messages", "body_enc", message.id,
                                             rng.choice(COMPLAINANT_MESSAGES))
    db.session.add(message)
    notifications.case_event(case, "complainant_message", notification_keys.message_key(message.id),
                             at=at)
    db.session.commit()


COMPLAINANT_MESSAGES = (
    "He was put back on my shift this week. What can I do?",
    "I have remembered the name of another witness: the duty driver that evening.",
    "Thank you. Is there any news about the hearing date?",
)


def _actor_for(rule: workflow.Rule, team: dict[str, User]) -> User:
    for capacity in ("intake", "investigator", "mediator", "decision", "appeal"):
        if capacity in rule.actors:
            return team[capacity]
    return team["intake"]


def _feedback(rng: random.Random, case: Case, officer: User, at: datetime, now: datetime) -> None:
    """A first message, then (later) feedback as the law defines it: the action taken, with
    its grounds (EU 2019/1937 Art. 5(13)); only the latter meets the feedback clock."""
    from .case_access import cipher_for

    cipher = cipher_for(case)
    message = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff",
                      author_user_id=officer.id, created_at=at)
    message.body_enc = cipher.seal(
        "messages", "body_enc", message.id,
        "Thank you for your report. I am the officer handling it; you can write to me here.")
    if rng.random() < 0.8:  # most complainants have read it since
        message.read_at = min(at + timedelta(days=rng.uniform(0.1, 4)), now)
    db.session.add(message)
    given = at + timedelta(days=6)
    if given < now and case.state not in ("submitted", "withdrawn"):
        action = ("investigation" if case.route == "investigation" else
                  "mediation" if case.route == "mediation" else "assessment")
        feedback = Message(id=uuid.uuid4(), case_id=case.id, author_kind="staff",
                           author_user_id=officer.id, created_at=given)
        feedback.body_enc = cipher.seal("messages", "body_enc", feedback.id, FEEDBACK_TEXTS[action])
        db.session.add(feedback)
        db.session.flush()
        db.session.add(FeedbackRecord(id=uuid.uuid4(), case_id=case.id, message_id=feedback.id,
                                      action=action, given_by_id=officer.id, given_at=given))
        if case.first_feedback_at is None:
            case.first_feedback_at = given
        for deadline in db.session.execute(select(Deadline).where(
                Deadline.case_id == case.id, Deadline.kind == "feedback",
                Deadline.met_at.is_(None))).scalars():
            deadline.met_at, deadline.ending = given, "met"
    db.session.commit()


FEEDBACK_TEXTS = {
    "investigation": "A formal investigation is under way.\n\nThe investigator will hear you, the person you named and the two witnesses in the coming weeks. You will be told the outcome.",
    "mediation": "Mediation has been offered or is under way.\n\nYou and the other person both agreed to mediation; a mediator from the list will contact you.",
    "assessment": "Your report is being assessed.\n\nWe are checking the duty rosters you mentioned before choosing how to handle your report.",
}


def _procedure_records(rng: random.Random, case: Case, team: dict[str, User], now: datetime) -> None:
    """What a real case accumulates: hearings and statements once investigated, and now and
    then a clock paused for a party's sick leave."""
    from .case_access import cipher_for

    cipher = cipher_for(case)
    investigated = db.session.execute(select(Transition.at).where(
        Transition.case_id == case.id, Transition.to_state == "formal_investigation")
        .order_by(Transition.at).limit(1)).scalar_one_or_none()
    if investigated is not None:
        for days, role, kind, text in (
                (3, "complainant", "hearing", "Heard the complainant. She repeated the account in her report and named two witnesses."),
                (6, "witness", "witness_statement", "I was on the same shift. I heard him say those words twice and saw her leave in tears.")):
            held = investigated + timedelta(days=days)
            if held >= now:
                continue
            record = CaseRecord(id=uuid.uuid4(), case_id=case.id, kind=kind, heard_role=role,
                                held_at=held, recorded_by_id=team["investigator"].id, recorded_at=held,
                                confirmation="signed", confirmed_at=held)
            record.text_enc = cipher.seal("case_records", "text_enc", record.id, text)
            db.session.add(record)
    _answer_protection_request(rng, case, team, cipher, now)
    running = db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "investigation", Deadline.met_at.is_(None))).scalar_one_or_none()
    if running is not None and rng.random() < 0.3:
        paused_at = min(running.created_at + timedelta(days=5), now - timedelta(hours=2))
        running.met_at, running.ending = paused_at, "paused"
        pause = DeadlinePause(id=uuid.uuid4(), case_id=case.id, kind="investigation",
                              paused_deadline_id=running.id, reason_code="sick_leave",
                              paused_at=paused_at, paused_by_id=team["intake"].id)
        pause.reason_enc = cipher.seal("deadline_pauses", "reason_enc", pause.id,
                                       "The respondent is on sick leave until the end of the month.")
        db.session.add(pause)
    db.session.commit()


def _answer_protection_request(rng: random.Random, case: Case, team: dict[str, User], cipher,  # type: ignore[no-untyped-def]
                               now: datetime) -> None:
    """Protection requests are answered within days by a measure, as an office would; a few
    recent ones are still open, the overdue ones a coordinator has to chase."""
    clock = db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == "protective_measure",
        Deadline.met_at.is_(None))).scalar_one_or_none()
    recent = case.submitted_at > now - timedelta(days=21)
    if clock is None or (recent and rng.random() < 0.15):
        return  # only recent requests wait: an office does not leave one open for months
    ordered = min(case.submitted_at + timedelta(days=rng.uniform(0.5, 2.5)), now - timedelta(hours=1))
    measure = ProtectiveMeasure(id=uuid.uuid4(), case_id=case.id, kind="separation",
                                ordered_by_id=team["intake"].id, ordered_at=ordered)
    measure.details_enc = cipher.seal("protective_measures", "details_enc", measure.id,
                                      "Moved to another shift until the case is decided.")
    db.session.add(measure)
    clock.met_at, clock.ending = ordered, "met"


def _oral(case: Case, cipher, officer: User, narrative: str, at: datetime, confirmed: bool) -> None:  # type: ignore[no-untyped-def]
    """A complaint made orally to an officer: its minutes, confirmed by the complainant or not."""
    case.channel, case.registered_by_id, case.registered_at = "oral", officer.id, at
    record = CaseRecord(id=uuid.uuid4(), case_id=case.id, kind="report_minutes",
                        heard_role="complainant", held_at=at, recorded_by_id=officer.id,
                        recorded_at=at, confirmation="confirmed_online" if confirmed else "",
                        confirmed_at=at + timedelta(days=1) if confirmed else None)
    record.text_enc = cipher.seal("case_records", "text_enc", record.id, narrative)
    db.session.add(record)


def _measure(case: Case, decider: User, at: datetime) -> None:
    db.session.add(ProtectiveMeasure(id=uuid.uuid4(), case_id=case.id,
                                     kind=random.choice(list(workflow.PROTECTIVE_MEASURES)),
                                     ordered_by_id=decider.id, ordered_at=at))
    db.session.commit()


def _consultations(rng: random.Random, trust: User, now: datetime) -> None:
    categories = [c.code for c in profile().categories]
    for _ in range(60):
        db.session.add(Consultation(
            id=uuid.uuid4(), trust_user_id=trust.id,
            held_on=(now - timedelta(days=rng.randint(1, 540))).date(),
            category=rng.choice(categories),
            unit_group=rng.choice(["land_forces", "air_force", "training", "logistics", "ministry"]),
            complainant_sex=rng.choice(["female", "female", "male", ""]),
            outcome=rng.choice(["advice_only", "advice_only", "complaint_filed", "referred"])))
    db.session.commit()


def demo_is_empty() -> bool:
    return db.session.execute(select(User.id).limit(1)).first() is None
