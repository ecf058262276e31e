"""Who acts. The package owns no users: the host hands in a Participant."""

from dataclasses import dataclass, field
from enum import StrEnum

from .errors import NotAuthenticated, PermissionDenied


class Role(StrEnum):
    CITIZEN = "citizen"
    DEPARTMENT_OFFICIAL = "department_official"
    MAYOR_OFFICE = "mayor_office"
    AGENDA_COMMITTEE = "agenda_committee"
    ADMIN = "admin"


OFFICIAL_ROLES = frozenset({Role.DEPARTMENT_OFFICIAL, Role.MAYOR_OFFICE, Role.ADMIN})


@dataclass(frozen=True)
class Participant:
    """An opaque participant id from the host, the roles it holds and, for a
    department official, the department it answers for."""

    id: str
    roles: frozenset = field(default_factory=lambda: frozenset({Role.CITIZEN}))
    display_name: str = ""
    department: str | None = None

    def __post_init__(self):
        if not isinstance(self.id, str) or not self.id or len(self.id) > 64:
            raise ValueError("a participant id is a non-empty string of at most 64 characters")
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles))

    def has(self, role):
        return role in self.roles


def require_participant(participant):
    if participant is None:
        raise NotAuthenticated()
    return participant


def require_role(participant, *roles):
    """Refuse unless the participant holds one of ``roles``."""
    require_participant(participant)
    if not any(participant.has(role) for role in roles):
        raise PermissionDenied(
            "This needs one of these roles: " + ", ".join(str(r) for r in roles) + "."
        )
    return participant
