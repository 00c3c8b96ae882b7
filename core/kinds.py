"""The stored kinds and states a page chooses among or shows, passed on from db.models (pages
never import db)."""

from db.models import FollowUpKind as FollowUpKind
from db.models import FormKind as FormKind
from db.models import Language as Language
from db.models import MailState as MailState
from db.models import ScoreKind as ScoreKind
from db.models import SessionKind as SessionKind
from db.models import TrajectoryStatus as TrajectoryStatus
