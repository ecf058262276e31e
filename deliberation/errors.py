"""Typed errors raised by the services.

Each error carries the HTTP status a web layer should answer with and a
stable machine-readable ``code``; the message is for people.
"""


class DeliberationError(Exception):
    status = 400
    code = "error"

    def __init__(self, message=None, *, fields=None):
        super().__init__(message or self.__class__.__doc__.strip())
        self.message = message or self.__class__.__doc__.strip()
        self.fields = fields or {}


class ConfigurationError(DeliberationError):
    """The deliberation configuration is invalid."""

    code = "configuration"


class InvalidInput(DeliberationError):
    """The input is invalid."""

    status = 422
    code = "invalid"


class NotAuthenticated(DeliberationError):
    """You need to log in to do this."""

    status = 401
    code = "not_authenticated"


class PermissionDenied(DeliberationError):
    """You are not allowed to do this."""

    status = 403
    code = "forbidden"


class NotFound(DeliberationError):
    """Not found."""

    status = 404
    code = "not_found"


class Conflict(DeliberationError):
    """The request conflicts with the current state."""

    status = 409
    code = "conflict"


class WrongState(Conflict):
    """This is not possible in the item's current state."""

    code = "wrong_state"


class CollectionClosed(WrongState):
    """Agreements are not being collected for this proposal."""

    code = "collection_closed"


class EditLocked(WrongState):
    """The proposal can no longer be edited: it already has agreements."""

    code = "edit_locked"


class RateLimited(DeliberationError):
    """You are posting too fast; wait a moment and try again."""

    status = 429
    code = "rate_limited"
