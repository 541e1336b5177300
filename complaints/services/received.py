"""Complaints received outside this system, on paper, orally, in person or through a person of
trust, recorded by the staff member who received them with the actual date of receipt and
the channel. The clocks run from that date. An oral report's text is its minutes, which the
complainant checks and confirms with their receipt (EU 2019/1937 Art. 18).

The staff member who records a complaint is not assigned to it: a coordinator assigns it like
any other, and the recorder hands over the receipt code, shown once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from flask_babel import gettext

from ..instance import profile
from .casework import CaseworkRefused
from .intake import Filed, Report, file_complaint

ORAL_CHANNELS = frozenset({"oral", "in_person"})
# Channels each role may record: a person of trust records what reached them.
CHANNELS_BY_ROLE = {"officer": {"paper", "oral", "in_person", "person_of_trust"},
                    "trust": {"person_of_trust", "oral", "in_person"}}


@dataclass(frozen=True)
class Received:
    channel: str
    received_on: date
    category: str
    narrative: str
    wants: str
    anonymous: bool
    name: str = ""
    contact: str = ""
    protection_requested: bool = False
    last_incident_on: date | None = None
    respondent: str = ""
    witnesses: str = ""


def record_received(user: Any, received: Received) -> Filed:
    allowed = set().union(*(CHANNELS_BY_ROLE.get(role, set()) for role in user.roles))
    if received.channel not in allowed:
        raise CaseworkRefused(gettext("Your role can't record complaints received this way."))
    calendar = profile().calendar
    today = calendar.local_date(datetime.now(timezone.utc))
    if received.received_on > today:
        raise CaseworkRefused(gettext("The date can't be in the future."))
    if profile().category(received.category) is None:
        raise CaseworkRefused(gettext("Choose what best describes what happened."))
    received_at = (datetime.now(timezone.utc) if received.received_on == today
                   else calendar.start_of_day(received.received_on))
    return file_complaint(Report(
        category=received.category, narrative=received.narrative, wants=received.wants,
        anonymous=received.anonymous, channel=received.channel,
        last_incident_on=received.last_incident_on, respondent=received.respondent,
        witnesses=received.witnesses, protection_requested=received.protection_requested,
        complainant_name="" if received.anonymous else received.name,
        complainant_contact="" if received.anonymous else received.contact,
        received_at=received_at, registered_by_id=user.id,
        oral_minutes=received.channel in ORAL_CHANNELS))
