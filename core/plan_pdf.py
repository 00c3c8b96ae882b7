"""The borgingsplan as a PDF the client takes home: calm, printable, readable on a phone.

Made with fpdf2 and the Source Sans Pro typeface (SIL OFL), embedded and subset: every
accent of Dutch (and of most names) renders; long answers wrap and run onto a next page.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clients import own_trajectory
from core.closing import PLAN_FIELDS, read_evaluation, read_plan
from core.i18n import translate
from core.timefmt import format_date
from db.models import (
    Client,
    Coach,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    GoalScore,
    ScoreKind,
)

FONT = "SourceSans"
FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Semibold.ttf"}
INK = (30, 42, 45)  # the app's text colour
ACCENT = (46, 107, 94)  # the app's primary green
QUIET = (96, 104, 106)
DURING_COACHING = (ScoreKind.START, ScoreKind.SESSION, ScoreKind.INTERMEDIATE)
CHECK_KINDS = (FollowUpKind.SELF_CHECK, FollowUpKind.MONTH3_CHECKIN, FollowUpKind.MONTH6_RESULT)


@dataclass(frozen=True)
class PlanDocument:
    """What the client's PDF says, all in the client's own (or the coach's) words."""

    language: str
    client_name: str
    coach_name: str
    coach_email: str
    goal: str
    start_score: int | None
    closing_score: int | None
    main_changes: str
    key_insight: str
    plan: dict[str, str]  # PLAN_FIELDS that have an answer, in their order
    check_dates: list[tuple[date, FollowUpKind]]
    made_on: date


def read_plan_document(
    session: Session, *, coach_id: int, trajectory_id: int, today: date
) -> PlanDocument:
    """Everything the PDF of the coach's own trajectory `trajectory_id` shows."""
    trajectory = own_trajectory(session, coach_id=coach_id, trajectory_id=trajectory_id)
    client_name, client_language, coach_name, coach_email, coach_language = session.execute(
        select(Client.name, Client.language, Coach.display_name, Coach.email, Coach.language)
        .join(Coach, Coach.id == Client.coach_id)
        .where(Client.id == trajectory.client_id)
    ).one()
    scores = session.execute(
        select(GoalScore.kind, GoalScore.score)
        .where(GoalScore.trajectory_id == trajectory_id)
        .order_by(GoalScore.measured_at, GoalScore.id)
    ).all()
    closing = [score for kind, score in scores if kind is ScoreKind.CLOSING]
    # Without a closing score: the last one during the coaching, never one from after it.
    during = [score for kind, score in scores if kind in DURING_COACHING]
    evaluation = read_evaluation(session, trajectory_id)
    plan = read_plan(session, trajectory_id)
    checks = session.execute(
        select(FollowUp.due_on, FollowUp.kind)
        .where(
            FollowUp.trajectory_id == trajectory_id,
            FollowUp.kind.in_(CHECK_KINDS),
            FollowUp.status == FollowUpStatus.OPEN,
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    check_dates = [(due, kind) for due, kind in checks]
    if plan.self_check_on and all(kind is not FollowUpKind.SELF_CHECK for _, kind in check_dates):
        check_dates = sorted([*check_dates, (plan.self_check_on, FollowUpKind.SELF_CHECK)])
    return PlanDocument(
        language=(client_language or coach_language).value,
        client_name=client_name,
        coach_name=coach_name,
        coach_email=coach_email,
        goal=trajectory.goal,
        start_score=scores[0][1] if scores else None,
        closing_score=closing[-1] if closing else (during[-1] if len(during) > 1 else None),
        main_changes=evaluation.main_changes,
        key_insight=evaluation.key_insight,
        plan={name: value for name in PLAN_FIELDS if (value := getattr(plan, name).strip())},
        check_dates=[(due, kind) for due, kind in check_dates if due >= today],
        made_on=trajectory.ended_on or today,  # the day the plan was made: the closing
    )


class _Page(FPDF):
    """A4 with the client's name and the page number at the foot of every page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        folder = files("font_source_sans_pro") / "files"
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(folder / name))
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(auto=True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 9)
        self.set_text_color(*QUIET)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _paragraphs(text: str) -> list[str]:
    """The client's text as they typed it: blank lines part paragraphs, lines are kept."""
    return [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


def render_plan_pdf(doc: PlanDocument) -> bytes:
    """The PDF itself: one or two calm pages."""

    def words(key: str, **values: Any) -> str:
        return translate(f"plan_pdf.{key}", doc.language, **values)

    pdf = _Page(words("footer", name=doc.client_name))
    pdf.set_title(words("title"))
    pdf.set_author(doc.coach_name)
    pdf.set_lang(doc.language)
    pdf.add_page()
    pdf.set_text_color(*INK)

    def heading(text: str) -> None:
        if pdf.get_y() > pdf.page_break_trigger - 22:  # a heading never ends a page alone
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)

    def body(text: str) -> None:
        pdf.set_font(FONT, "", 11.5)
        for paragraph in _paragraphs(text):
            pdf.multi_cell(0, 6, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)

    pdf.set_font(FONT, "B", 22)
    pdf.multi_cell(0, 10, words("title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.set_text_color(*QUIET)
    made = format_date(doc.made_on, doc.language, weekday=False, year=True)
    pdf.multi_cell(
        0, 6, words("subtitle", name=doc.client_name, coach=doc.coach_name, date=made),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(*INK)
    pdf.ln(2)
    heading(words("goal"))
    body(doc.goal)
    if doc.start_score is not None and doc.closing_score is not None:
        body(words("scores", start=doc.start_score, end=doc.closing_score))
    if doc.main_changes:
        heading(words("main_changes"))
        body(doc.main_changes)
    if doc.key_insight:
        heading(words("key_insight"))
        body(doc.key_insight)
    for name, value in doc.plan.items():
        heading(words(name))
        body(value)
    if doc.check_dates:
        heading(words("check_dates"))
        body(
            "\n".join(
                f"• {format_date(due, doc.language, year=True)}: {words(f'check_{kind.value}')}"
                for due, kind in doc.check_dates
            )
        )
    heading(words("contact"))
    body(words("contact_text", coach=doc.coach_name, email=doc.coach_email))
    return bytes(pdf.output())


def plan_pdf(session: Session, *, coach_id: int, trajectory_id: int, today: date) -> bytes:
    """The PDF of the coach's own trajectory `trajectory_id`."""
    document = read_plan_document(
        session, coach_id=coach_id, trajectory_id=trajectory_id, today=today
    )
    return render_plan_pdf(document)


def plan_file_name(client_name: str) -> str:
    """borgingsplan-iris-klant.pdf: a name that survives every mail program."""
    plain = unicodedata.normalize("NFKD", client_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "client"
    return f"borgingsplan-{slug}.pdf"
