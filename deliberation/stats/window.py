"""The days a report covers, and how a moment falls on one of them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from ..errors import InvalidInput
from ..settings import current_settings

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class StatsWindow:
    """``first_day`` to ``last_day`` inclusive, as local days at a fixed
    offset from UTC (Asia/Seoul has no daylight saving time to model)."""

    first_day: date
    last_day: date
    utc_offset: timedelta = timedelta(0)
    timezone_name: str = "UTC"

    @property
    def days(self):
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    @property
    def starts_at(self):
        """The first moment of the window, in UTC."""
        return datetime.combine(self.first_day, time(), timezone.utc) - self.utc_offset

    @property
    def ends_at(self):
        """The first moment after the window, in UTC."""
        return self.starts_at + timedelta(days=len(self.days))

    def day_of(self, moment):
        return (moment.astimezone(timezone.utc) + self.utc_offset).date()

    def covers(self, moment):
        return moment is not None and self.starts_at <= moment < self.ends_at


def stats_window(first_day=None, last_day=None, *, tz=None):
    """The window asked for; by default the last 30 days up to today by the
    settings clock. Refuses a reversed or longer-than-a-year range."""
    tz = tz or timezone.utc
    now = current_settings().now()
    offset = now.astimezone(tz).utcoffset() or timedelta(0)
    today = (now.astimezone(timezone.utc) + offset).date()
    if last_day is None:
        last_day = today if first_day is None else min(
            first_day + timedelta(days=DEFAULT_DAYS - 1), max(today, first_day))
    if first_day is None:
        first_day = last_day - timedelta(days=DEFAULT_DAYS - 1)
    if first_day > last_day:
        raise InvalidInput("The date range is not valid.",
                           fields={"to": ["The end date comes before the start date."]})
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise InvalidInput("The date range is not valid.",
                           fields={"to": ["A report covers at most 366 days."]})
    return StatsWindow(first_day, last_day, offset, str(getattr(tz, "zone", None) or tz))
