"""Where a proposal stands on the ladder: pure, for pages and the API."""

from dataclasses import dataclass

from .rules import Metric, Step


@dataclass(frozen=True)
class Progress:
    reached: tuple
    next_step: Step | None
    metric: Metric | None
    current: int | None
    needed: int | None
    window_ends_at: object = None

    @property
    def remaining(self):
        if self.needed is None or self.current is None:
            return None
        return max(0, self.needed - self.current)

    @property
    def percent(self):
        if not self.needed or self.current is None:
            return 100 if self.next_step is None else 0
        return min(100, int(self.current * 100 / self.needed))


def progress_of(ladder, *, agreement_count, published_at, reached, debate_participants=None):
    """The next step to reach and how far the counts are from it."""
    reached = tuple(reached)
    rule = ladder.next_rule(reached)
    if rule is None:
        return Progress(reached, None, None, None, None)
    if rule.metric == Metric.AGREEMENTS:
        current = agreement_count
        window_ends_at = rule.window_ends_at(published_at) if published_at else None
    else:
        current, window_ends_at = debate_participants, None
    return Progress(reached, rule.step, rule.metric, current, rule.count, window_ends_at)
