"""The domain's tables, as SQLAlchemy 2 typed ORM models.

Every row belongs to one coach, directly (Client) or through a client's trajectory; the
services in core/ scope every query by that coach.
"""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime

# Stable constraint names: Alembic's batch mode on SQLite and PostgreSQL both need them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> datetime:
    """The current moment in UTC (the default for created/updated columns)."""
    return datetime.now(UTC)


class Role(StrEnum):
    COACH = "coach"
    OWNER = "owner"  # praktijkhouder: also sees the practice's figures across coaches


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class TrajectoryStatus(StrEnum):
    ACTIVE = "active"  # actief
    CLOSING = "closing"  # in afronding
    CLOSED = "closed"  # afgerond
    STOPPED = "stopped"  # gestopt


class ClosingFormat(StrEnum):
    SINGLE_90 = "single_90"  # één afrondingssessie van 90 minuten
    TWO_60 = "two_60"  # twee sessies van 60 minuten: sessie −1 en sessie 0


class SessionKind(StrEnum):
    REGULAR = "regular"
    INTERMEDIATE = "intermediate"  # tussentijdse evaluatie
    CLOSING_MINUS_1 = "closing_minus_1"  # sessie −1: evaluatie
    CLOSING_0 = "closing_0"  # sessie 0: borging en afsluiting
    CLOSING_90 = "closing_90"  # één afrondingssessie van 90 minuten


CLOSING_KINDS = (SessionKind.CLOSING_MINUS_1, SessionKind.CLOSING_0, SessionKind.CLOSING_90)


class SessionStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"  # planned, but the client did not come


class ScoreKind(StrEnum):
    START = "start"
    SESSION = "session"
    INTERMEDIATE = "intermediate"
    CLOSING = "closing"
    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    SELF_CHECK = "self_check"  # the client's own check on the date in the borgingsplan


class Source(StrEnum):
    COACH = "coach"
    CLIENT = "client"


class FollowUpKind(StrEnum):
    WEEK1_MAIL = "week1_mail"  # persoonlijke mail in week 1
    MONTH3_CHECKIN = "month3_checkin"  # check-in na 3 maanden
    MONTH6_RESULT = "month6_result"  # resultaatcheck na 6 maanden
    SELF_CHECK = "self_check"  # het zelfcheck-moment uit het borgingsplan
    CUSTOM = "custom"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SKIPPED = "skipped"


class OutcomeKind(StrEnum):
    REFERRAL = "referral"  # doorverwijzing
    TESTIMONIAL = "testimonial"
    REVIEW = "review"
    RESULT_RETAINED = "result_retained"  # resultaat behouden na 6 maanden
    RETURNING = "returning"  # terugkerende cliënt


class Retained(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


def enum_type(enum_cls: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint on its values."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Practice(Base):
    """A coaching practice (praktijk): one or more coaches."""

    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # The owner may require every coach of the practice to log in with a second step.
    requires_two_factor: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    coaches: Mapped[list["Coach"]] = relationship(back_populates="practice")


class Coach(Base):
    """A coach's account; the login, language and time zone of one person."""

    __tablename__ = "coach"
    __table_args__ = (
        CheckConstraint("username = lower(username)", name="username_lowercase"),
        CheckConstraint("length(username) >= 2", name="username_length"),
        CheckConstraint("session_minutes BETWEEN 15 AND 240", name="session_minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice.id", ondelete="SET NULL"), index=True
    )
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.COACH)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    language: Mapped[Language] = mapped_column(enum_type(Language, "language"), default=Language.NL)
    # How long the coach's ordinary sessions usually last: planning a session starts with it.
    session_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # A deactivated coach can't log in; their clients and figures stay with the practice.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Tweestapsverificatie: the TOTP secret the coach's authenticator app shares (set once the
    # first code was right), and the last 30-second step used, so no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Login cookies issued before this moment are refused: logging out ends every session,
    # even when a browser kept its cookie.
    logged_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    practice: Mapped[Practice | None] = relationship(back_populates="coaches")
    clients: Mapped[list["Client"]] = relationship(back_populates="coach")


class Client(Base):
    """A coachee (cliënt) of one coach."""

    __tablename__ = "client"
    __table_args__ = (
        UniqueConstraint("coach_id", "email", name="uq_client_coach_email"),
        CheckConstraint("length(name) >= 1", name="name_not_empty"),
        Index("ix_client_coach_name", "coach_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a coach with clients is never removed by accident; AVG deletion is per client.
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    # The language of what the client reads (forms, mails, the plan PDF); None: the coach's.
    language: Mapped[Language | None] = mapped_column(enum_type(Language, "client_language"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    coach: Mapped[Coach] = relationship(back_populates="clients")
    trajectories: Mapped[list["Trajectory"]] = relationship(
        back_populates="client",
        foreign_keys="Trajectory.client_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Trajectory.started_on",
    )


class Trajectory(Base):
    """A coaching trajectory (traject): one goal, a planned number of sessions, a closing."""

    __tablename__ = "trajectory"
    __table_args__ = (
        CheckConstraint("planned_sessions BETWEEN 1 AND 60", name="planned_sessions_range"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ended_after_start"),
        CheckConstraint("length(goal) >= 1", name="goal_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    goal: Mapped[str] = mapped_column(Text)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    intensive: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[TrajectoryStatus] = mapped_column(
        enum_type(TrajectoryStatus, "trajectory_status"),
        default=TrajectoryStatus.ACTIVE,
    )
    closing_format: Mapped[ClosingFormat | None] = mapped_column(
        enum_type(ClosingFormat, "closing_format")
    )
    # Set when the trajectory closes: evaluatie, borging and afsluiting were all done.
    full_protocol: Mapped[bool | None] = mapped_column(Boolean)
    referred_by_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="SET NULL"), index=True
    )
    referral_source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    client: Mapped[Client] = relationship(back_populates="trajectories", foreign_keys=[client_id])
    referred_by: Mapped[Client | None] = relationship(foreign_keys=[referred_by_client_id])
    sessions: Mapped[list["CoachingSession"]] = relationship(
        back_populates="trajectory",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CoachingSession.scheduled_at",
    )
    scores: Mapped[list["GoalScore"]] = relationship(
        back_populates="trajectory", cascade="all, delete-orphan", passive_deletes=True
    )
    evaluations: Mapped[list["Evaluation"]] = relationship(
        back_populates="trajectory", cascade="all, delete-orphan", passive_deletes=True
    )
    retention_plan: Mapped["RetentionPlan | None"] = relationship(
        back_populates="trajectory", cascade="all, delete-orphan", passive_deletes=True
    )
    checklist: Mapped["ClosureChecklist | None"] = relationship(
        back_populates="trajectory", cascade="all, delete-orphan", passive_deletes=True
    )
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="trajectory", cascade="all, delete-orphan", passive_deletes=True
    )
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="trajectory",
        cascade="all, delete-orphan",
        passive_deletes=True,
        foreign_keys="Outcome.trajectory_id",
    )


class CoachingSession(Base):
    """One session of a trajectory, planned or held, with the short after-session check."""

    __tablename__ = "coaching_session"
    __table_args__ = (
        CheckConstraint("number IS NULL OR number >= 1", name="number_positive"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
        CheckConstraint(
            "session_rating IS NULL OR session_rating BETWEEN 1 AND 10", name="rating_range"
        ),
        # Every query starts from one coach's trajectories; a platform-wide index on status
        # and time only tempted the planner to scan every coach's sessions (bench/run.py).
        Index("ix_coaching_session_trajectory_when", "trajectory_id", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    number: Mapped[int | None] = mapped_column(Integer)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[SessionKind] = mapped_column(
        enum_type(SessionKind, "session_kind"), default=SessionKind.REGULAR
    )
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus, "session_status"), default=SessionStatus.PLANNED
    )
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    notes: Mapped[str | None] = mapped_column(Text)
    session_rating: Mapped[int | None] = mapped_column(Integer)  # "hoe was deze sessie?" 1–10
    takeaway: Mapped[str | None] = mapped_column(Text)  # wat neem je mee
    open_points: Mapped[str | None] = mapped_column(Text)  # nog iets te bespreken
    cancel_reason: Mapped[str | None] = mapped_column(String(200))

    trajectory: Mapped[Trajectory] = relationship(back_populates="sessions")


class GoalScore(Base):
    """Where the client stands on their goal, 1–10, at one moment."""

    __tablename__ = "goal_score"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 10", name="score_range"),
        Index("ix_goal_score_trajectory_when", "trajectory_id", "measured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_session.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[ScoreKind] = mapped_column(enum_type(ScoreKind, "score_kind"))
    source: Mapped[Source] = mapped_column(enum_type(Source, "score_source"), default=Source.COACH)
    note: Mapped[str | None] = mapped_column(Text)

    trajectory: Mapped[Trajectory] = relationship(back_populates="scores")


class Evaluation(Base):
    """The looking-back part of the closing (evaluatie), by the client's form or in session."""

    __tablename__ = "evaluation"
    __table_args__ = (
        CheckConstraint("goal_score IS NULL OR goal_score BETWEEN 1 AND 10", name="score_range"),
        CheckConstraint(
            "recommend_score IS NULL OR recommend_score BETWEEN 0 AND 10", name="recommend_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[Source] = mapped_column(enum_type(Source, "evaluation_source"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    goal_at_start: Mapped[str | None] = mapped_column(Text)
    goal_score: Mapped[int | None] = mapped_column(Integer)
    goal_score_note: Mapped[str | None] = mapped_column(Text)
    main_changes: Mapped[str | None] = mapped_column(Text)
    key_insight: Mapped[str | None] = mapped_column(Text)
    most_valuable: Mapped[str | None] = mapped_column(Text)
    could_be_better: Mapped[str | None] = mapped_column(Text)
    recommend_score: Mapped[int | None] = mapped_column(Integer)  # 0–10, for the NPS
    recommend_reason: Mapped[str | None] = mapped_column(Text)  # waarom wel of niet
    testimonial: Mapped[str | None] = mapped_column(Text)
    testimonial_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    trajectory: Mapped[Trajectory] = relationship(back_populates="evaluations")


class RetentionPlan(Base):
    """Borgingsplan: how the client holds on to the change after the trajectory."""

    __tablename__ = "retention_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), unique=True
    )
    main_change: Mapped[str | None] = mapped_column(Text)  # belangrijkste verandering
    relapse_situations: Mapped[str | None] = mapped_column(Text)  # waar terugval dreigt
    relapse_strategy: Mapped[str | None] = mapped_column(Text)  # wat te doen bij terugval
    accountability_person: Mapped[str | None] = mapped_column(Text)  # wie spreekt aan
    self_check_method: Mapped[str | None] = mapped_column(Text)  # hoe de zelfcheck gaat
    concrete_actions: Mapped[str | None] = mapped_column(Text)
    self_check_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    # Optimistic locking: a save from a stale tab fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    trajectory: Mapped[Trajectory] = relationship(back_populates="retention_plan")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)


class ClosureChecklist(Base):
    """Afsluiting: the goodbye done properly, item by item."""

    __tablename__ = "closure_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), unique=True
    )
    relationship_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    successes_celebrated: Mapped[bool] = mapped_column(Boolean, default=False)
    emotion_room: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_asked: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_single_sessions: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_new_trajectory: Mapped[bool] = mapped_column(Boolean, default=False)
    goodbye_explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    symbolic_gesture: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # een symbolisch gebaar: een kaartje, laatste woorden
    coach_notes: Mapped[str | None] = mapped_column(Text)
    buffer_notes: Mapped[str | None] = mapped_column(Text)  # wat er in de buffer nog opkwam
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    trajectory: Mapped[Trajectory] = relationship(back_populates="checklist")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)


class FollowUp(Base):
    """Something to do for a client after (or during) the trajectory, due on a date."""

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint("status <> 'skipped' OR skip_reason IS NOT NULL", name="skip_needs_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FollowUpKind] = mapped_column(enum_type(FollowUpKind, "follow_up_kind"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_type(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.OPEN
    )
    title: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    skip_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trajectory: Mapped[Trajectory] = relationship(back_populates="follow_ups")


class Outcome(Base):
    """What a trajectory brought the practice later: referral, review, retained result…"""

    __tablename__ = "outcome"
    __table_args__ = (
        CheckConstraint(
            "review_score IS NULL OR review_score BETWEEN 1 AND 5", name="review_score_range"
        ),
        CheckConstraint(
            "retained_score IS NULL OR retained_score BETWEEN 1 AND 10",
            name="retained_score_range",
        ),
        Index("ix_outcome_trajectory_kind", "trajectory_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, "outcome_kind"))
    recorded_on: Mapped[date] = mapped_column(Date)
    referred_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="SET NULL"), index=True
    )
    platform: Mapped[str | None] = mapped_column(String(80))
    review_score: Mapped[int | None] = mapped_column(Integer)
    retained: Mapped[Retained | None] = mapped_column(enum_type(Retained, "retained"))
    retained_score: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who gave it: the coach typed it in, or the client answered a self-check link.
    source: Mapped[Source] = mapped_column(
        enum_type(Source, "outcome_source"), default=Source.COACH, server_default="coach"
    )

    trajectory: Mapped[Trajectory] = relationship(
        back_populates="outcomes", foreign_keys=[trajectory_id]
    )
    referred_client: Mapped[Client | None] = relationship(foreign_keys=[referred_client_id])


class MailState(StrEnum):
    SCHEDULED = "scheduled"  # waits for its time (or for its next try after a failure)
    SENDING = "sending"  # claimed by one send-due run
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # given up after its tries; the coach decides
    CANCELLED = "cancelled"


class ScheduledMail(Base):
    """A follow-up mail the coach approved, sent by `core.cli send-due` at `send_at`."""

    __tablename__ = "scheduled_mail"
    __table_args__ = (Index("ix_scheduled_mail_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[MailState] = mapped_column(
        enum_type(MailState, "mail_state"), default=MailState.SCHEDULED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(60))  # a message key, for the coach
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A self-check link goes along (made at sending, so it expires counted from then), at
    # this address of the app; and the borgingsplan PDF as an attachment.
    link_base: Mapped[str | None] = mapped_column(String(300))
    attach_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class Agenda(StrEnum):
    """Which closing session is run: one of 90 minutes, or one of the two of 60."""

    SINGLE_90 = "single_90"
    MINUS_1 = "minus_1"  # sessie −1: evaluatie; huiswerk: het borgingsplan
    SESSION_0 = "session_0"  # sessie 0: borging en afsluiting


class Phase(StrEnum):
    """The parts of a closing session."""

    OPENING = "opening"
    EVALUATION = "evaluation"  # evaluatie: terugkijken
    RETENTION = "retention"  # borging: vasthouden
    GOODBYE = "goodbye"  # afsluiting: afscheid nemen
    BUFFER = "buffer"  # ruimte voor emotie en laatste vragen


class QuestionGroup(StrEnum):
    """The question bank's groups: five for the closing, two for along the way."""

    LOOKING_BACK = "looking_back"  # terugkijken
    REFLECTING = "reflecting"  # reflecteren: de lessen
    SECURING = "securing"  # borgen: de toekomst
    CLOSING = "closing"  # afsluiten: het afscheid
    FEEDBACK = "feedback"  # feedback voor de coach
    AFTER_SESSION = "after_session"  # 2–3 minuten na elke sessie
    INTERMEDIATE = "intermediate"  # tussentijdse evaluatie
    CORE = "core"  # kernvragen: doelen, verandering, inzichten, waarde


class SessionTimer(Base):
    """The live clock of one closing session; its truth is these stored moments."""

    __tablename__ = "session_timer"
    __table_args__ = (CheckConstraint("paused_seconds >= 0", name="paused_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_session.id", ondelete="CASCADE"), unique=True
    )
    agenda: Mapped[Agenda] = mapped_column(enum_type(Agenda, "agenda_kind"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[float] = mapped_column(default=0.0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    phases: Mapped[list["SessionPhase"]] = relationship(
        back_populates="timer",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SessionPhase.position",
    )


class SessionPhase(Base):
    """One phase of a closing session: its planned minutes and when it ran."""

    __tablename__ = "session_phase"
    __table_args__ = (
        UniqueConstraint("timer_id", "position", name="uq_session_phase_position"),
        CheckConstraint("planned_minutes BETWEEN 1 AND 240", name="planned_minutes_range"),
        CheckConstraint("paused_seconds >= 0", name="paused_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    timer_id: Mapped[int] = mapped_column(ForeignKey("session_timer.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    phase: Mapped[Phase] = mapped_column(enum_type(Phase, "phase_kind"))
    planned_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[float] = mapped_column(default=0.0)

    timer: Mapped[SessionTimer] = relationship(back_populates="phases")


class AskedQuestion(Base):
    """A question from the bank the coach ticked as asked in a session."""

    __tablename__ = "asked_question"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_session.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class CustomQuestion(Base):
    """A question a coach added to their own bank."""

    __tablename__ = "custom_question"
    __table_args__ = (CheckConstraint("length(text) BETWEEN 1 AND 300", name="text_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    group: Mapped[QuestionGroup] = mapped_column(
        "question_group", enum_type(QuestionGroup, "question_group")
    )
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class HiddenQuestion(Base):
    """A bank question a coach doesn't use and has hidden."""

    __tablename__ = "hidden_question"

    coach_id: Mapped[int] = mapped_column(
        ForeignKey("coach.id", ondelete="CASCADE"), primary_key=True
    )
    question_key: Mapped[str] = mapped_column(String(60), primary_key=True)


class FormKind(StrEnum):
    """Which form a client link opens."""

    EVALUATION = "evaluation"  # evaluatieformulier vóór de afronding
    RETENTION_HOMEWORK = "retention_homework"  # borgingsplan als huiswerk na sessie −1
    SELF_CHECK = "self_check"  # "hoe gaat het met je verandering?" na 3 of 6 maanden


class FormLink(Base):
    """A personal, single-use link to one form; only the token's SHA-256 is stored."""

    __tablename__ = "form_link"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FormKind] = mapped_column(enum_type(FormKind, "form_kind"))
    # A self-check link answers this follow-up (month 3, month 6 or the plan's own date).
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answers while the client types them (saved every few seconds), until submitted:
    # a reload, a closed tab or a lost connection loses nothing.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The submitted homework (borgingsplan) or self-check answers, kept apart from the coach's
    # plan: the plan shows them field by field under whatever the coach wrote.
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    trajectory: Mapped[Trajectory] = relationship()
    follow_up: Mapped["FollowUp | None"] = relationship()


class FormAttempt(Base):
    """A visit with a link that no longer works (expired, revoked, used), for its coach."""

    __tablename__ = "form_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_link_id: Mapped[int] = mapped_column(
        ForeignKey("form_link.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    reason: Mapped[str] = mapped_column(String(20))


class AccountLinkKind(StrEnum):
    INVITE = "invite"  # a new coach joins the practice and chooses a password
    RESET = "reset"  # a coach who forgot the password chooses a new one


class AccountLink(Base):
    """A one-use link from a practice owner: an invitation or a password reset. Only the
    token's SHA-256 is stored."""

    __tablename__ = "account_link"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AccountLinkKind] = mapped_column(enum_type(AccountLinkKind, "account_link_kind"))
    # The coach whose password is reset; for an invitation, the coach it created once used.
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("coach.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """A one-use code for logging in when the authenticator app is gone (hash only)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A wrong password (or unknown username), kept for a while to slow down guessing.

    Counted per username as typed and per client address, so every replica sees the same."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class GasGoal(Base):
    """A Goal Attainment Scaling goal: expected outcome = 0, attained level −2…+2, weighted."""

    __tablename__ = "gas_goal"
    __table_args__ = (
        CheckConstraint("weight > 0 AND weight <= 10", name="weight_range"),
        CheckConstraint(
            "attained_level IS NULL OR attained_level BETWEEN -2 AND 2", name="level_range"
        ),
        CheckConstraint("length(description) BETWEEN 1 AND 300", name="description_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(300))
    expected: Mapped[str | None] = mapped_column(Text)  # what level 0 looks like
    weight: Mapped[float] = mapped_column(default=1.0)
    attained_level: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    trajectory: Mapped[Trajectory] = relationship()
