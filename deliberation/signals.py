"""Blinker signals the package sends, always after the change is committed.

Receivers get the sender (the Flask app) and keyword arguments with plain ids,
never ORM objects bound to a finished transaction.
"""

from blinker import Namespace

_signals = Namespace()

proposal_published = _signals.signal("proposal-published")
proposal_withdrawn = _signals.signal("proposal-withdrawn")
proposal_closed = _signals.signal("proposal-closed")
proposal_agreed = _signals.signal("proposal-agreed")
agreement_withdrawn = _signals.signal("agreement-withdrawn")
#: kwargs: proposal_id, step, metric, count, reached_at
milestone_reached = _signals.signal("milestone-reached")
