from enum import StrEnum

from ..threshold.rules import Step


class AnswerStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"


class Decision(StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    UNDER_REVIEW = "under_review"
    NOT_ACCEPTED = "not_accepted"


class ImplementationStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


#: the steps whose reaching calls for an official answer
ANSWER_STEPS = (Step.DEPARTMENT_ANSWER, Step.MAYOR_ANSWER)
