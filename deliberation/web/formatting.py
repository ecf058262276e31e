"""Template helpers that format for the page's locale."""

from babel.dates import get_datetime_format
from flask_babel import format_date, format_time, get_locale

from .blueprint import bp


@bp.app_template_global("deliberation_when")
def short_datetime(value):
    """A moment to the minute, the locale's way ("2026. 12. 4. 오후 7:00",
    "Dec 4, 2026, 7:00 PM"): seconds are noise on a civic page."""
    pattern = get_datetime_format("medium", locale=get_locale())
    return (pattern.replace("{1}", format_date(value, "medium"))
            .replace("{0}", format_time(value, "short")))


@bp.app_template_global("deliberation_login_url")
def login_url(back):
    """The host's login page, coming back to ``back``; None when the host has none."""
    from flask import current_app, url_for

    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is None or not login_manager.login_view:
        return None
    return url_for(login_manager.login_view, next=back)
