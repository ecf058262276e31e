"""Statistics for officials: proposals, agreements, distinct participants and
answers on time or late, per day and per category, plus a small SVG bar chart.
Queries only: nothing here writes."""

from .queries import Stats, StatsRow, collect_stats
from .sources import DEFAULT_SOURCES
from .svg import bar_chart
from .window import DEFAULT_DAYS, MAX_DAYS, StatsWindow, stats_window

__all__ = ["DEFAULT_DAYS", "DEFAULT_SOURCES", "MAX_DAYS", "Stats", "StatsRow", "StatsWindow",
           "bar_chart", "collect_stats", "stats_window"]
