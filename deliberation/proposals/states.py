"""Proposal states, their named sets and the one transition guard."""

from enum import StrEnum

from ..errors import WrongState


class ProposalState(StrEnum):
    DRAFT = "draft"
    COLLECTING = "collecting"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class CloseReason(StrEnum):
    EXPIRED = "expired"
    ADMIN = "admin"
    MERGED = "merged"


#: what anybody may read; drafts are their author's alone
PUBLIC_STATES = frozenset({ProposalState.COLLECTING, ProposalState.CLOSED, ProposalState.WITHDRAWN})
#: where the author may still change the text (and only with no agreement yet)
EDITABLE_STATES = frozenset({ProposalState.DRAFT, ProposalState.COLLECTING})
WITHDRAWABLE_STATES = frozenset({ProposalState.DRAFT, ProposalState.COLLECTING})

TRANSITIONS = {
    ProposalState.DRAFT: {ProposalState.COLLECTING, ProposalState.WITHDRAWN},
    ProposalState.COLLECTING: {ProposalState.CLOSED, ProposalState.WITHDRAWN},
    ProposalState.CLOSED: set(),
    ProposalState.WITHDRAWN: set(),
}


def ensure_transition(current, target):
    current, target = ProposalState(current), ProposalState(target)
    if target not in TRANSITIONS[current]:
        raise WrongState(f"A {current} proposal cannot become {target}.")
