"""The escalation ladder as pure rules: no database, no Flask.

A rule says: when ``metric`` reaches ``count`` (optionally ``within`` a period
from when counting began), the proposal reaches ``step``, and the answer that
step calls for is due ``answer_due`` after that moment.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Step(StrEnum):
    """The steps a proposal can reach, in the only order they can be reached."""

    DEPARTMENT_ANSWER = "department_answer"
    AGENDA_COMMITTEE = "agenda_committee"
    MAYOR_ANSWER = "mayor_answer"

    @property
    def rank(self):
        return _STEP_RANKS[self]


_STEP_RANKS = {step: number for number, step in enumerate(Step, start=1)}


class Metric(StrEnum):
    AGREEMENTS = "agreements"
    DEBATE_PARTICIPANTS = "debate_participants"


_PERIOD = re.compile(r"^\s*(\d+)\s*(day|days|week|weeks|month|months)\s*$")


@dataclass(frozen=True)
class Period:
    """A length of time in calendar terms: '30 days', '1 month', '6 months'."""

    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text):
        match = _PERIOD.match(str(text))
        if not match:
            raise ValueError(f"'{text}' is not a period such as '30 days' or '6 months'")
        amount, unit = int(match[1]), match[2]
        if amount <= 0:
            raise ValueError(f"'{text}' must be longer than zero")
        if unit.startswith("month"):
            return cls(months=amount)
        return cls(days=amount * (7 if unit.startswith("week") else 1))

    def after(self, moment):
        return moment + relativedelta(months=self.months, days=self.days)

    def __str__(self):
        if self.months:
            return f"{self.months} month" + ("s" if self.months != 1 else "")
        return f"{self.days} day" + ("s" if self.days != 1 else "")


@dataclass(frozen=True)
class Rule:
    step: Step
    metric: Metric
    count: int
    within: Period | None = None
    answer_due: Period | None = None
    label: str | None = None

    def is_met(self, value, counting_since, at):
        """True when ``value`` reaches the count inside the window. The window
        is half-open: its last second counts, the moment it ends does not."""
        if value < self.count:
            return False
        if self.within is None:
            return True
        return at < self.within.after(counting_since)

    def window_ends_at(self, counting_since):
        return None if self.within is None else self.within.after(counting_since)

    def due_at(self, reached_at):
        return None if self.answer_due is None else self.answer_due.after(reached_at)


@dataclass(frozen=True)
class Ladder:
    name: str
    rules: tuple
    collection: Period = Period(days=30)
    #: once this step is reached, agreements keep being collected past the
    #: collection period (Seoul kept answered proposals open for more support).
    keep_collecting_after: Step | None = None
    label: str | None = None

    def rule_for(self, step):
        return next((rule for rule in self.rules if rule.step == step), None)

    @property
    def steps(self):
        return [rule.step for rule in self.rules]

    def rules_met(self, metric, value, counting_since, at, reached=()):
        """The rules of ``metric`` met now and not yet in ``reached``, lowest
        step first."""
        return [
            rule
            for rule in self.rules
            if rule.metric == metric
            and rule.step not in reached
            and rule.is_met(value, counting_since, at)
        ]

    def next_rule(self, reached=()):
        """The first rule whose step is not reached yet, or None at the top."""
        return next((rule for rule in self.rules if rule.step not in reached), None)

    def collection_ends_at(self, published_at):
        return self.collection.after(published_at)

    def keeps_collecting(self, reached):
        return self.keep_collecting_after is not None and self.keep_collecting_after in reached
