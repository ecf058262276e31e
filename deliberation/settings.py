"""The extension's settings as the services read them."""

from dataclasses import dataclass, field

from flask import current_app

from .clock import utcnow

DEFAULT_CATEGORIES = (
    "welfare", "health", "transport", "environment", "education", "culture",
    "safety", "economy", "housing", "administration", "other",
)


@dataclass
class Settings:
    ladder: object
    categories: tuple = DEFAULT_CATEGORIES
    clock: object = field(default=utcnow)
    per_page: int = 20
    max_per_page: int = 100
    #: when pages last closed expired proposals (see close_expired_lazily)
    last_sweep_at: object = None

    def now(self):
        return self.clock()


def current_settings():
    try:
        return current_app.extensions["deliberation"].settings
    except KeyError:
        raise RuntimeError(
            "deliberation is not initialised on this app: call Deliberation(app) "
            "or deliberation.init_app(app)") from None
