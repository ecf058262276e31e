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
#: kwargs: proposal_id, step, answer_id
answer_published = _signals.signal("answer-published")
#: kwargs: proposal_id, question — the debate concern opens the debate
debate_requested = _signals.signal("debate-requested")
#: kwargs: source_id, target_id, moved
proposals_merged = _signals.signal("proposals-merged")
#: kwargs: debate_id, proposal_id (None for a city question)
debate_scheduled = _signals.signal("debate-scheduled")
#: kwargs: debate_id, participants
ballot_cast = _signals.signal("ballot-cast")
#: kwargs: meeting_id, proposal_id
meeting_drafted = _signals.signal("meeting-drafted")
#: kwargs: meeting_id
meeting_published = _signals.signal("meeting-published")
#: kwargs: meeting_id, proposal_id, notified
meeting_cancelled = _signals.signal("meeting-cancelled")
