"""The question bank: five groups of five for the closing, plus the questions along the way.

The texts live in the message catalog (`questions.<group>.<n>`), so every question exists
in Dutch and English. A coach can add questions of their own and hide ones they don't use.
"""

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.clients import own_session
from core.errors import NotFound, ValidationError
from core.i18n import translate
from core.timer import Phase
from db.models import AskedQuestion, CustomQuestion, HiddenQuestion, QuestionGroup

__all__ = ["QuestionGroup"]  # the pages choose groups by it; they never import db

BANK_SIZES = {
    QuestionGroup.CORE: 4,  # the four core themes: goals, change, insights, value
    QuestionGroup.LOOKING_BACK: 5,
    QuestionGroup.REFLECTING: 5,
    QuestionGroup.SECURING: 8,  # the method's five, and what could hold back, triggers, habits
    QuestionGroup.CLOSING: 5,
    QuestionGroup.FEEDBACK: 5,
    QuestionGroup.AFTER_SESSION: 3,
    QuestionGroup.INTERMEDIATE: 3,
}
QUESTION_GROUPS = tuple(QuestionGroup)
# Which groups the live session offers in each phase.
PHASE_GROUPS: dict[Phase, tuple[QuestionGroup, ...]] = {
    Phase.EVALUATION: (QuestionGroup.CORE, QuestionGroup.LOOKING_BACK, QuestionGroup.REFLECTING),
    Phase.RETENTION: (QuestionGroup.SECURING,),
    Phase.GOODBYE: (QuestionGroup.CLOSING, QuestionGroup.FEEDBACK),
}
CUSTOM_PREFIX = "custom."
# The method's own 25 evaluation questions: five groups of five, each asking what the source
# article asks, in our own words. The other bank questions come from the rest of the method.
ARTICLE_GROUPS = (
    QuestionGroup.LOOKING_BACK,
    QuestionGroup.REFLECTING,
    QuestionGroup.SECURING,
    QuestionGroup.CLOSING,
    QuestionGroup.FEEDBACK,
)
ARTICLE_SET = frozenset(f"questions.{g.value}.{n}" for g in ARTICLE_GROUPS for n in range(1, 6))


@dataclass(frozen=True)
class Question:
    """One question as the coach sees it."""

    key: str
    group: QuestionGroup
    text: str
    custom: bool
    hidden: bool

    @property
    def in_article_set(self) -> bool:
        """One of the method's 25 evaluation questions."""
        return self.key in ARTICLE_SET


def list_questions(
    session: Session,
    *,
    coach_id: int,
    language: str,
    groups: tuple[QuestionGroup, ...] = QUESTION_GROUPS,
    include_hidden: bool = False,
) -> list[Question]:
    """The coach's questions in `groups`: the bank's and their own, hidden ones left out."""
    hidden = set(
        session.scalars(
            select(HiddenQuestion.question_key).where(HiddenQuestion.coach_id == coach_id)
        )
    )
    custom = session.scalars(
        select(CustomQuestion)
        .where(CustomQuestion.coach_id == coach_id, CustomQuestion.group.in_(groups))
        .order_by(CustomQuestion.id)
    ).all()
    questions = []
    for group in groups:
        for number in range(1, BANK_SIZES[group] + 1):
            key = f"questions.{group.value}.{number}"
            text = translate(key, language)
            questions.append(Question(key, group, text, custom=False, hidden=key in hidden))
        for own in (q for q in custom if q.group is group):
            key = f"{CUSTOM_PREFIX}{own.id}"
            questions.append(Question(key, group, own.text, custom=True, hidden=key in hidden))
    return [q for q in questions if include_hidden or not q.hidden]


def add_question(session: Session, *, coach_id: int, group: QuestionGroup, text: str) -> str:
    """Add a question of the coach's own to a group; returns its key."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"text": "validation.required"})
    if len(cleaned) > 300:
        raise ValidationError({"text": "questions_ui.too_long"})
    question = CustomQuestion(coach_id=coach_id, group=group, text=cleaned)
    session.add(question)
    session.flush()
    return f"{CUSTOM_PREFIX}{question.id}"


def _known_key(session: Session, coach_id: int, key: str) -> None:
    if key.startswith(CUSTOM_PREFIX):
        own = session.scalar(
            select(CustomQuestion.id).where(
                CustomQuestion.id == int(key.removeprefix(CUSTOM_PREFIX) or 0),
                CustomQuestion.coach_id == coach_id,
            )
        )
        if own is None:
            raise NotFound("question")
        return
    group, _, number = key.removeprefix("questions.").partition(".")
    try:
        if not 1 <= int(number) <= BANK_SIZES[QuestionGroup(group)]:
            raise NotFound("question")
    except (ValueError, KeyError) as unknown:
        raise NotFound("question") from unknown


def set_question_hidden(session: Session, *, coach_id: int, key: str, hidden: bool) -> None:
    """Hide a question the coach doesn't use, or show it again."""
    _known_key(session, coach_id, key)
    session.execute(
        delete(HiddenQuestion).where(
            HiddenQuestion.coach_id == coach_id, HiddenQuestion.question_key == key
        )
    )
    if hidden:
        session.add(HiddenQuestion(coach_id=coach_id, question_key=key))
    session.flush()


def asked_questions(session: Session, *, coach_id: int, session_id: int) -> set[str]:
    """The keys of the questions ticked as asked in this session."""
    own_session(session, coach_id=coach_id, session_id=session_id)
    return set(
        session.scalars(
            select(AskedQuestion.question_key).where(AskedQuestion.session_id == session_id)
        )
    )


def mark_asked(session: Session, *, coach_id: int, session_id: int, key: str, asked: bool) -> None:
    """Tick (or untick) a question as asked in this session."""
    own_session(session, coach_id=coach_id, session_id=session_id)
    _known_key(session, coach_id, key)
    session.execute(
        delete(AskedQuestion).where(
            AskedQuestion.session_id == session_id, AskedQuestion.question_key == key
        )
    )
    if asked:
        session.add(AskedQuestion(session_id=session_id, question_key=key))
    session.flush()
