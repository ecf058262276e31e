"""The extension's settings as the services read them."""

from dataclasses import dataclass, field

from flask import current_app

from .clock import utcnow
from .threshold.rules import Period

DEFAULT_CATEGORIES = (
    "welfare", "health", "transport", "environment", "education", "culture",
    "safety", "economy", "housing", "administration", "other",
)


@dataclass
class Settings:
    ladder: object
    categories: tuple = DEFAULT_CATEGORIES
    clock: object = field(default=utcnow)
    per_page: int = 20
    max_per_page: int = 100
    #: when pages last closed expired proposals (see close_expired_lazily)
    last_sweep_at: object = None
    #: category -> department that answers it (automatic assignment)
    category_departments: dict = field(default_factory=dict)
    #: the departments an admin may assign to; empty: any name
    departments: tuple = ()
    #: hold officials' answers for an admin's review before publication
    answer_review: bool = False
    #: the deadline of an answer whose ladder rule names none (Seoul rule §9: 1 month)
    default_answer_due: Period = field(default_factory=lambda: Period(months=1))
    #: notification senders (e-mail, SMS, ...), each with a ``channel`` and ``send()``
    senders: list = field(default_factory=list)
    #: between the committee's decision and the debate's opening
    debate_preparation: Period = field(default_factory=lambda: Period(days=7))
    #: how long a debate stays open (Seoul: 30 days)
    debate_period: Period = field(default_factory=lambda: Period(days=30))
    #: called inside the transaction that records a milestone:
    #: hook(session, work, proposal_id, rule, at)
    milestone_hooks: list = field(default_factory=list)

    def now(self):
        return self.clock()


def current_settings():
    try:
        return current_app.extensions["deliberation"].settings
    except KeyError:
        raise RuntimeError(
            "deliberation is not initialised on this app: call Deliberation(app) "
            "or deliberation.init_app(app)") from None
