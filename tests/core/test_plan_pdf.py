"""The borgingsplan PDF: the client's own words, accents intact, long answers over pages,
in the client's language — read back from the PDF itself."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.plan_pdf import plan_file_name, plan_pdf
from db.models import (
    Evaluation,
    FollowUpKind,
    GoalScore,
    Language,
    RetentionPlan,
    ScoreKind,
    Source,
    TrajectoryStatus,
)
from tests.conftest import NOW, TODAY
from tests.factories import add_follow_up, make_coach, make_trajectory

TRIGGERS = "Als de deadlines van het kwartaal zich opstapelen, en ik ’s avonds toch nog mail. "


def _text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(page.extract_text() for page in reader.pages)


def _closed(db: Session):  # type: ignore[no-untyped-def]
    coach = make_coach(db)
    trajectory = make_trajectory(db, coach, name="Zoë van ’t Hoff-Çelik", held=8)
    trajectory.status, trajectory.ended_on = TrajectoryStatus.CLOSED, TODAY
    db.add_all(
        [
            GoalScore(trajectory=trajectory, score=3, measured_at=NOW - timedelta(days=90),
                      kind=ScoreKind.START),
            GoalScore(trajectory=trajectory, score=8, measured_at=NOW, kind=ScoreKind.CLOSING),
            Evaluation(trajectory=trajectory, source=Source.CLIENT, submitted_at=NOW,
                       main_changes="Ik durf nee te zeggen, óók tegen mijn leidinggevende.",
                       key_insight="Rust is geen beloning maar een voorwaarde."),
            RetentionPlan(trajectory=trajectory, main_change="Elke vrijdag mijn week plannen",
                          relapse_situations=TRIGGERS * 60, relapse_strategy="Lijstje erbij",
                          accountability_person="Mijn partner Joël",
                          self_check_on=TODAY + timedelta(days=91)),
        ]
    )  # fmt: skip
    add_follow_up(db, trajectory, TODAY + timedelta(days=182), FollowUpKind.MONTH6_RESULT)
    db.flush()
    return coach, trajectory


def test_the_pdf_holds_the_clients_own_words_with_accents(db: Session) -> None:
    coach, trajectory = _closed(db)
    pages, text = _text(plan_pdf(db, coach_id=coach.id, trajectory_id=trajectory.id, today=TODAY))
    assert pages == 2  # the long answer runs onto a second page, and nothing is cut
    flat = " ".join(text.split())
    for words in (
        "Jouw borgingsplan",
        "Zoë van ’t Hoff-Çelik",
        "Ik durf nee te zeggen, óók tegen mijn leidinggevende.",
        "Rust is geen beloning maar een voorwaarde.",
        "Mijn partner Joël",
        "een 3, bij de afronding een 8",
        "je eigen zelfcheck",
        "terugblik, zes maanden na de afronding",
        "anna@example.org",
    ):
        assert words in flat, words
    assert flat.count("’s avonds toch nog mail") == 60


def test_the_pdf_speaks_the_clients_language(db: Session) -> None:
    coach, trajectory = _closed(db)
    trajectory.client.language = Language.EN
    db.flush()
    _, text = _text(plan_pdf(db, coach_id=coach.id, trajectory_id=trajectory.id, today=TODAY))
    assert "Your plan to make the change last" in text and "Your goal" in text
    assert "Jouw borgingsplan" not in text


def test_only_the_own_coach_gets_the_pdf(db: Session) -> None:
    _, trajectory = _closed(db)
    other = make_coach(db, "bram")
    with pytest.raises(NotFound):
        plan_pdf(db, coach_id=other.id, trajectory_id=trajectory.id, today=TODAY)


def test_the_file_name_survives_every_mail_program() -> None:
    assert plan_file_name("Zoë van ’t Hoff-Çelik") == "borgingsplan-zoe-van-t-hoff-celik.pdf"


def test_without_a_closing_score_the_pdf_never_takes_a_later_one(db: Session) -> None:
    coach, trajectory = _closed(db)
    for score in trajectory.scores:
        if score.kind is ScoreKind.CLOSING:
            score.kind = ScoreKind.SESSION  # the last score of the coaching: 8
    db.add(GoalScore(trajectory=trajectory, score=2, measured_at=NOW + timedelta(days=182),
                     kind=ScoreKind.MONTH_6, source=Source.CLIENT))  # fmt: skip
    db.flush()
    _, text = _text(plan_pdf(db, coach_id=coach.id, trajectory_id=trajectory.id, today=TODAY))
    assert "een 3, bij de afronding een 8" in " ".join(text.split())
