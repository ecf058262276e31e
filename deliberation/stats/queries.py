"""Officials' statistics: counts per day and per category over a window."""

from dataclasses import dataclass, field

from ..responses.queries import lateness_report
from ..settings import current_settings
from .sources import DEFAULT_SOURCES


@dataclass(frozen=True)
class StatsRow:
    """One line of a table: a day, a category or both, and its numbers."""

    day: object = None
    category: str | None = None
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Stats:
    window: object
    series: tuple
    categories: tuple
    cells: dict
    lateness: object = None

    def value(self, series, day=None, category=None):
        return self.cells.get((series, day, category), 0)

    def _values(self, day=None, category=None):
        return {s: self.value(s, day, category) for s in self.series}

    def by_day(self):
        return [StatsRow(day=day, values=self._values(day=day)) for day in self.window.days]

    def by_category(self):
        return [StatsRow(category=c, values=self._values(category=c)) for c in self.categories]

    def by_day_and_category(self):
        """Only the pairs with something to count: a month by every category
        is mostly zeros."""
        rows = [StatsRow(day=day, category=c, values=self._values(day, c))
                for day in self.window.days for c in self.categories]
        return [row for row in rows if any(row.values.values())]

    def totals(self):
        return self._values()


def collect_stats(session, window, *, sources=DEFAULT_SOURCES):
    """Every source's series over ``window`` (see ``stats_window``)."""
    cells = {}
    series = []
    for source in sources:
        series.extend(source.series)
        cells.update(source.count(session, window))
    known = current_settings().categories
    seen = {category for (_, _, category) in cells if category is not None}
    # a category dropped from the settings still has its history shown
    categories = tuple(known) + tuple(sorted(seen - set(known)))
    return Stats(window=window, series=tuple(series), categories=categories, cells=cells,
                 lateness=lateness_report(session))
