"""Time as the package sees it: always timezone-aware UTC, replaceable in tests."""

from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


class FrozenClock:
    """A clock a test moves by hand: ``clock.advance(days=30)``."""

    def __init__(self, start):
        self.now = as_utc(start)

    def __call__(self):
        return self.now

    def advance(self, delta=None, **kwargs):
        from datetime import timedelta

        self.now = self.now + (delta if delta is not None else timedelta(**kwargs))
        return self.now

    def set(self, moment):
        self.now = as_utc(moment)


def as_utc(moment):
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
