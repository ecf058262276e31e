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


#: why a proposal cannot reach a state from where it is (fixed words: translatable)
REFUSED = {
    ProposalState.COLLECTING: "Only a draft can be published.",
    ProposalState.WITHDRAWN: "Only a draft or a proposal still collecting can be withdrawn.",
    ProposalState.CLOSED: "Only a proposal still collecting can be closed.",
    ProposalState.DRAFT: "A published proposal cannot become a draft again.",
}


def ensure_transition(current, target):
    current, target = ProposalState(current), ProposalState(target)
    if target not in TRANSITIONS[current]:
        raise WrongState(REFUSED[target])
