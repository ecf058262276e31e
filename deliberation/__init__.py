"""deliberation: citizen proposals climbing to an official answer, for Flask."""

from . import signals
from .clock import FrozenClock
from .db import Base, unit_of_work
from .errors import (
    CollectionClosed, ConfigurationError, Conflict, DeliberationError, EditLocked,
    InvalidInput, NotAuthenticated, NotFound, PermissionDenied, WrongState,
)
from .extension import Deliberation, current_participant
from .participants import Participant, Role
from .proposals.models import Proposal
from .proposals.states import ProposalState
from .threshold import Ladder, Metric, Period, Rule, Step
from .threshold.models import Milestone
from .timeline import TimelineEvent
from .votes.models import Agreement
from .audit.models import AuditEntry
from .committee.models import CommitteeDecision
from .notifications.models import Delivery, Notification, NotificationEvent, Subscription
from .responses.models import Answer, AnswerRevision, Assignment, ImplementationUpdate
from .debates.models import Ballot, Debate
from .comments.models import Comment
from .reactions.models import Like, Report
from .meetings.models import (
    LiveQuestion, LiveQuestionVote, Meeting, ProgrammeItem, Registration, SurveyQuestion,
    SurveyResponse,
)

__version__ = "0.1.0"

__all__ = [
    "Answer", "AnswerRevision", "Assignment", "AuditEntry", "CommitteeDecision", "Delivery",
    "ImplementationUpdate", "Notification", "NotificationEvent", "Subscription",
    "Ballot", "Comment", "Debate", "Like", "Report", "LiveQuestion", "LiveQuestionVote",
    "Meeting", "ProgrammeItem", "Registration", "SurveyQuestion", "SurveyResponse",
    "Agreement", "Base", "CollectionClosed", "ConfigurationError", "Conflict", "Deliberation",
    "DeliberationError", "EditLocked", "FrozenClock", "InvalidInput", "Ladder", "Metric",
    "Milestone", "NotAuthenticated", "NotFound", "Participant", "Period", "PermissionDenied",
    "Proposal", "ProposalState", "Role", "Rule", "Step", "TimelineEvent", "WrongState",
    "current_participant", "signals", "unit_of_work",
]
