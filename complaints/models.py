"""SQLAlchemy 2 typed models.

Case-related rows have UUID primary keys generated in Python before insert, because the row
id is bound into the associated data of every encrypted value (see crypto.ENCRYPTED_FIELDS).
Columns ending in ``_enc`` hold ciphertext only; everything else is clear metadata that
workflow and statistics need, and is deliberately coarse.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- staff -------------------------------------------------------------------------------

ROLES = (
    "officer",       # complaint officer (intake)
    "investigator",
    "mediator",
    "decision",      # decision maker / responsible authority
    "appeal",        # appeal authority
    "trust",         # person of trust
    "coordinator",
    "gem",           # gender equality mechanism analyst
    "auditor",
    "admin",
)


class Unit(Base):
    """An organisational unit; ``parent`` is the next level up the chain of command."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    unit_group: Mapped[str] = mapped_column(String(60))  # coarse group used in statistics
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    totp_enrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login's user interface (the session nonce check lives in auth).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return str(self.id)

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: str) -> bool:
        return role in self.roles


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


# --- accounts: two-person role grants, one-time links, passkeys (see services/accounts) ----


class RoleGrant(Base):
    """A role that lets its holder reach case content or assign cases, asked for by one
    administrator; it is added to the account only when a second administrator approves."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the CLI
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # approved | refused | withdrawn


class AccountLink(Base):
    """A single-use, expiring link on which a person sets their own password and second
    factor: an invitation to a new account or a reset. Only a hash of the token is kept."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # invite | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the CLI
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the authenticator secret offered on the link's page, until the person confirms a code
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class Passkey(Base):
    """A WebAuthn credential a person registered as their second factor."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebAuthnChallenge(Base):
    """A challenge handed to the browser, kept server-side so that it works once only."""

    __tablename__ = "webauthn_challenges"

    challenge_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # register | authenticate
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- keys --------------------------------------------------------------------------------


class DataKey(Base):
    """A data key, stored only wrapped under a KEK. Shredding clears ``wrapped``."""

    __tablename__ = "data_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(20))  # "case" or "system"
    kek_id: Mapped[str | None] = mapped_column(String(40))
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- cases -------------------------------------------------------------------------------


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    receipt_hmac: Mapped[str] = mapped_column(String(64), unique=True)
    data_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_keys.id"))
    procedure: Mapped[str] = mapped_column(String(40))
    parent_case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))

    # clear, coarse metadata for workflow and statistics
    state: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(30))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    wants: Mapped[str] = mapped_column(String(30))  # information | informal | formal
    protection_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    incident_period: Mapped[str] = mapped_column(String(20), default="")  # e.g. "2026-09" or "ongoing"
    last_incident_on: Mapped[date | None] = mapped_column(Date)
    unit_group: Mapped[str] = mapped_column(String(60), default="")
    respondent_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    respondent_rank_band: Mapped[str] = mapped_column(String(20), default="")
    respondent_relation: Mapped[str] = mapped_column(String(20), default="")
    respondent_sex: Mapped[str] = mapped_column(String(10), default="")
    complainant_sex: Mapped[str] = mapped_column(String(10), default="")
    complainant_rank_band: Mapped[str] = mapped_column(String(20), default="")
    route: Mapped[str] = mapped_column(String(30), default="")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    closure_reason: Mapped[str] = mapped_column(String(40), default="")

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # see ix_cases_received_counted
    # when the row was written: a report registered later with an earlier date is a late
    # entry for the statistics, counted in the next release (see releases.py)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # see ix_cases_recorded_submitted
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # see ix_cases_acknowledged_submitted
    first_feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # see ix_cases_feedback_acknowledged
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock for transitions
    # The earliest open deadline, kept by complaints/next_due.py whenever deadlines change,
    # so lists order 100,000 cases by an index instead of grouping every open deadline.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_kind: Mapped[str] = mapped_column(String(40), default="")

    # encrypted content (see crypto.ENCRYPTED_FIELDS)
    narrative_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    incident_when_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    location_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    respondent_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    witnesses_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    complainant_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    complainant_contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    excluded_persons_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # the complainant named someone no staff account matched for sure: a coordinator decides
    exclusions_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    protection_details_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    # procedure records: clear codes for workflow and statistics, text encrypted
    mediation_complainant_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    mediation_respondent_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    investigation_extended: Mapped[bool] = mapped_column(Boolean, default=False)
    disciplinary_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    sanction: Mapped[str] = mapped_column(String(30), default="")
    appeal_outcome: Mapped[str] = mapped_column(String(30), default="")
    mediation_agreement_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    investigation_report_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    extension_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision_reasoning_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    complainant_notice_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    appeal_grounds_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    appeal_reasoning_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    disciplinary_waiver_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # why not started

    # a complaint received on paper, orally, in person or through a person of trust
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # the complainant's own answers and choices on their follow-up page
    mediation_complainant_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_notice_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # where to say "a reply is waiting"
    reply_notice_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # news after this time

    data_key: Mapped[DataKey] = relationship()
    exclusions: Mapped[list[CaseExclusion]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class CaseExclusion(Base):
    """A staff member the complainant asked never to handle this case."""

    __tablename__ = "case_exclusions"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class CaseParty(Base):
    """A respondent, a further complainant or a witness. Identifying details are encrypted;
    the staff account and unit are clear because the conflict-of-interest checks read them."""

    __tablename__ = "case_parties"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # respondent | complainant | witness
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # when a staff account
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    rank_band: Mapped[str] = mapped_column(String(20), default="")
    sex: Mapped[str] = mapped_column(String(10), default="")
    relation: Mapped[str] = mapped_column(String(20), default="")
    details_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    staff_status: Mapped[str] = mapped_column(String(12), default="")  # account | unit | not_staff | ""
    commands_unit: Mapped[bool] = mapped_column(Boolean, default=False)  # heads ``unit_id``
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TrackSession(Base):
    """A complainant's case opened on one device with the receipt (services/track_sessions).

    The browser's cookie holds a random token; only its SHA-256 is stored, so the database
    alone opens nothing. Closing on the device deletes the row; an idle row opens nothing.
    """

    __tablename__ = "track_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    draft_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # typed text kept across a new sign-in


class ReceiptHandoff(Base):
    """A new report's receipt between the report's POST and the receipt page, read once.

    Sealed under a key derived from a token only the browser's cookie holds (never a case key),
    so neither the cookie nor the database alone shows the receipt. Once shown, the row stays
    without it until it expires, so a second press of Send can be told the report was sent.
    """

    __tablename__ = "receipt_handoffs"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    receipt_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(20))  # intake|investigator|mediator|decision|appeal|trust
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why it ended (a code of assignment_reasons.RECUSAL_REASONS or END_REASONS), by whom, and an
    # optional note that only the case's assignees read.
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(String(30), default="")
    end_note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class Message(Base):
    """A message between complainant and staff, or an internal note (``internal``)."""

    __tablename__ = "messages"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    author_kind: Mapped[str] = mapped_column(String(20))  # complainant | staff | system
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seal: Mapped[str] = mapped_column(String(20), default="")  # "mediation": Serbia Art. 17


class Attachment(Base):
    """An evidence file. The bytes live encrypted in the attachment store under ``id``."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    uploaded_by_kind: Mapped[str] = mapped_column(String(20))  # complainant | staff
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename_enc: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    # Fully cleaned, nothing else; a row made without saying so never claims it.
    metadata_removed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How far hidden information was removed (metadata/result.py) and what is left, as codes.
    metadata_status: Mapped[str] = mapped_column(String(20), default="not_removed")
    metadata_left: Mapped[str] = mapped_column(String(200), default="")
    # SHA-256 of the bytes as stored (after cleaning), taken when the file arrived.
    sha256: Mapped[str | None] = mapped_column(String(64))

    # Declared so the unit of work inserts a message before the files that belong to it.
    message: Mapped[Message | None] = relationship()


class Transition(Base):
    __tablename__ = "transitions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    actor_kind: Mapped[str] = mapped_column(String(20))  # staff | complainant | system
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    notice_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # what the complainant is told
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deadline(Base):
    """A running clock (workflow.CLOCKS). ``met_at`` is when it stopped running; ``ending``
    says how: met (the duty was done, late when after ``due_at``), moot (it no longer applied)
    or paused (a DeadlinePause continues it in a new row when resumed)."""

    __tablename__ = "deadlines"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # acknowledge | feedback | decision ...
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # see ix_deadlines_due_counted
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the clock stopped then
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ending: Mapped[str] = mapped_column(String(10), default="")  # "" | met | moot | paused
    extended_from: Mapped[datetime | None] = mapped_column(UTCDateTime)  # due date before an extension
    # "" when a step met the deadline; "case_ended" when the case closed, was rejected or
    # withdrawn first (the clock stopped without the step: never shown as met or overdue).
    stop_reason: Mapped[str] = mapped_column(String(20), default="")


class DeadlinePause(Base):
    """A clock paused with a reason (a party's sick leave, a criminal procedure running).
    Pausing ends the running row (ending "paused"); resuming starts a new row with the time
    that was left."""

    __tablename__ = "deadline_pauses"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    paused_deadline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deadlines.id"))
    resumed_deadline_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deadlines.id"))
    reason_code: Mapped[str] = mapped_column(String(30))
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FeedbackRecord(Base):
    """Feedback as the law defines it (EU 2019/1937 Art. 5(13)): the action envisaged or
    taken, sent to the complainant as ``message_id`` with its grounds."""

    __tablename__ = "feedback_records"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    action: Mapped[str] = mapped_column(String(30))
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingStep(Base):
    """A step a second assignee must confirm before it takes effect (a rejection as
    time-barred). The requester's reasons and notice wait here, sealed."""

    __tablename__ = "pending_steps"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40), default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    notice_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)


class ExternalReferral(Base):
    """A case passed to a body outside the organisation: which, when, its reference, and
    whether the complainant consented."""

    __tablename__ = "external_referrals"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    body: Mapped[str] = mapped_column(String(40))
    referred_on: Mapped[date] = mapped_column(Date)
    reference_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    consent: Mapped[str] = mapped_column(String(20))  # given | refused | not_asked
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseRecord(Base):
    """Minutes of an oral report, of a hearing, or a witness statement: who was heard, when,
    by whom, and the heard person's confirmation (EU 2019/1937 Art. 18)."""

    __tablename__ = "case_records"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # report_minutes | hearing | witness_statement
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_parties.id"))
    heard_role: Mapped[str] = mapped_column(String(20))  # complainant | respondent | witness
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    confirmation: Mapped[str] = mapped_column(String(20), default="")  # signed | confirmed_online | refused
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remarks_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # the heard person's remarks


class ProtectiveMeasure(Base):
    """Interim protection (separation, transfer, suspension on pay...), ordered and lifted."""

    __tablename__ = "protective_measures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class MonitoringCheckin(Base):
    """A follow-up check-in (30/90/180 days): does the complainant report anything new?"""

    __tablename__ = "monitoring_checkins"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(String(20), default="")  # nothing | retaliation | repeat
    answered_by: Mapped[str] = mapped_column(String(20), default="")  # complainant | staff
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # case ended, no longer asked


class AssignmentException(Base):
    """A conflict-of-interest exception: needs a second coordinator's approval."""

    __tablename__ = "assignment_exceptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    capacity: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class Consultation(Base):
    """An anonymous consultation with a person of trust: no names, counted in statistics."""

    __tablename__ = "consultations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    trust_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(40))
    unit_group: Mapped[str] = mapped_column(String(60), default="")
    complainant_sex: Mapped[str] = mapped_column(String(10), default="")
    outcome: Mapped[str] = mapped_column(String(30))  # advice_only | complaint_filed | referred
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LegalHold(Base):
    """A case kept from retention's shredding (litigation, an inquiry) until the hold is lifted.

    Placing and lifting are each asked for by one administrator and decided by another
    (services/legal_holds.py). ``status``: requested | active | lift_requested | lifted |
    refused. A hold protects the case from the moment it is asked for until it is lifted or
    refused: keeping a case longer never reveals it, destroying it can't be undone."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # under the system key
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lift_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatisticsRelease(Base):
    """A published set of statistics, frozen once made (releases.py): the figures of one
    period (``kind`` "release") or a year's publication (``kind`` "year"), with the true
    counts the audit of later publications needs. Only the GEM pages read it, and only the
    protected figures leave it."""

    __tablename__ = "statistics_releases"

    key: Mapped[str] = mapped_column(String(20), primary_key=True)  # "2026-Q3", "2026"
    kind: Mapped[str] = mapped_column(String(10))
    first_quarter: Mapped[int] = mapped_column(Integer)  # year * 4 + quarter - 1
    last_quarter: Mapped[int] = mapped_column(Integer, index=True)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)  # events recorded up to here
    content: Mapped[str] = mapped_column(Text)  # JSON: the figures as published, medians, notes
    counts: Mapped[str] = mapped_column(Text)   # JSON: the true counts, for auditing later publications


class StatisticsComputation(Base):
    """At most one computation of new releases per day: the day is the primary key, so a
    second worker trying the same day fails to insert and reads what the first made."""

    __tablename__ = "statistics_computations"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    through_quarter: Mapped[int] = mapped_column(Integer)  # the last completed quarter considered
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    releases: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class KeptForm(Base):
    """A staff form sent after its session had timed out: what was typed, sealed under a key
    that only the person's browser holds, kept until they sign in again (services/kept_forms)."""

    __tablename__ = "kept_forms"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(500))  # the address the form was sent to
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    fields_enc: Mapped[bytes] = mapped_column(LargeBinary)


# --- the officers' and coordinators' day ---------------------------------------------------


class Notification(Base):
    """One event for one staff member: a reference, a kind of event and a date, never case
    content. ``event_key`` names the event, so the same event never reaches a person twice
    (two workers, two runs of the deadline job)."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "event_key"),
                      Index("ix_notifications_user_unread", "user_id", "read_at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(12))  # assignee | coordinator: where it links
    detail: Mapped[str] = mapped_column(String(40), default="")  # a code: deadline kind, capacity...
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # e.g. who recused
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_state: Mapped[str] = mapped_column(String(10), default="")  # "" | pending | sent
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Base):
    """Whether a staff member also wants an e-mail (with no case content) for new events."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)


class CategoryChange(Base):
    """A category corrected at triage or later: both codes in clear, the reason encrypted."""

    __tablename__ = "category_changes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_category: Mapped[str] = mapped_column(String(40))
    to_category: Mapped[str] = mapped_column(String(40))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class RiskAssessment(Base):
    """Risk of retaliation and of repeat conduct (ISO 37002): coarse levels in clear for the
    case page and statistics, the assessor's note encrypted. The latest one is current."""

    __tablename__ = "risk_assessments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    retaliation: Mapped[str] = mapped_column(String(10))  # low | medium | high
    repeat: Mapped[str] = mapped_column(String(10))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


# --- audit -------------------------------------------------------------------------------


class AuditEntry(Base):
    """One link of the append-only, HMAC-chained audit log (see audit.py)."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(80))  # "user:<id>", "complainant", "system", "cli"
    action: Mapped[str] = mapped_column(String(60), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")  # canonical JSON, never content
    mac: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """Single row holding the chain's head; locking it serialises writers."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    mac: Mapped[str] = mapped_column(String(64))


Index("ix_cases_state_submitted", Case.state, Case.submitted_at)
# Late entries of the statistics: rows recorded since the last release and dated before its
# period. With the date in the index, the rows recorded lately but dated in the period (most
# of them) are passed over in the index, never read.
Index("ix_cases_recorded_submitted", Case.recorded_at, Case.submitted_at)
Index("ix_deadlines_created_due", Deadline.created_at, Deadline.due_at)
# A release counts the period's acknowledgements, first feedback and deadlines fallen due with
# the days between two dates or whether a clock was kept: with every column it reads in the
# index, it never visits the rows (SQLite took 150-240 ms a count over a million cases).
# Queries on the first column alone use them as the one-column indexes they replace.
Index("ix_cases_acknowledged_submitted", Case.acknowledged_at, Case.submitted_at)
Index("ix_cases_feedback_acknowledged", Case.first_feedback_at, Case.acknowledged_at)
Index("ix_deadlines_due_counted", Deadline.due_at, Deadline.kind, Deadline.ending, Deadline.created_at,
      Deadline.met_at)
# The same for the reports received, by the date of the report with every dimension they are
# counted by (it serves what the one-column index on submitted_at served), and for the steps
# and decisions, by action and moment with the case they concern and the decision's outcome.
# Over a million cases on SQLite, a quarter's reports took 350 ms, now 110 ms; its decisions
# 320 ms, now 170 ms (what is left is finding each decision's case by its id).
Index("ix_cases_received_counted", Case.submitted_at, Case.recorded_at, Case.category, Case.complainant_sex,
      Case.parent_case_id, Case.channel, Case.respondent_sex, Case.complainant_rank_band,
      Case.respondent_rank_band, Case.respondent_relation, Case.unit_group, Case.protection_requested)
Index("ix_transitions_counted", Transition.action, Transition.at, Transition.case_id, Transition.reason_code)
# Late consultations: written down since the last release, held before its period. Found by
# when they were written down; without this index each release read every consultation.
Index("ix_consultations_created_held", Consultation.created_at, Consultation.held_on)
# The lists' default order (nearest deadline first, cases without one last), covering the
# columns the lists filter on: a page and its total are read from this index alone.
Index("ix_cases_list", Case.next_due_at, Case.submitted_at, Case.state, Case.category, Case.id)
# Search by the beginning of a reference (LIKE 'C-2026-7K%'): PostgreSQL needs the pattern
# operator class to use an index for it whatever the database's collation.
Index("ix_cases_reference_prefix", Case.reference, postgresql_ops={"reference": "varchar_pattern_ops"})

from . import next_due  # noqa: E402,F401  (keeps Case.next_due_at in step with deadlines)
