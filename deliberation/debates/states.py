from enum import StrEnum


class DebateKind(StrEnum):
    PRO_CON = "pro_con"
    OPEN = "open"


class DebateState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Stance(StrEnum):
    PRO = "pro"
    CON = "con"
    OTHER = "other"


#: the tally column each stance moves
TALLY_COLUMN = {Stance.PRO: "pro_count", Stance.CON: "con_count", Stance.OTHER: "other_count"}

#: roles that may publish city questions and prepare debates
DEBATE_EDITORS = ("admin", "mayor_office", "department_official")


def is_debate_editor(participant):
    return participant is not None and any(participant.has(r) for r in DEBATE_EDITORS)


def state_of(debate, now):
    """scheduled → open → closed, by the clock alone: nothing has to run for
    a debate to open or close on time."""
    if now < debate.starts_at:
        return DebateState.SCHEDULED
    if now < debate.ends_at:
        return DebateState.OPEN
    return DebateState.CLOSED
