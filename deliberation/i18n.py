"""The package's own message catalog (domain 'deliberation'), Korean first.

Package templates call ``_d('...')`` so that a host's own Flask-Babel domain
and catalogs stay untouched; a host without Flask-Babel gets one set up with
Korean as the default locale.
"""

from datetime import timezone
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import Babel, Domain, format_datetime, format_decimal, get_locale, get_timezone

TRANSLATIONS = str(Path(__file__).parent / "translations")
domain = Domain(translation_directories=TRANSLATIONS, domain="deliberation")


def gettext(message, **variables):
    if has_app_context() and "babel" in current_app.extensions:
        return domain.gettext(message, **variables)
    return message % variables if variables else message


def ngettext(singular, plural, num, **variables):
    if has_app_context() and "babel" in current_app.extensions:
        return domain.ngettext(singular, plural, num, **variables)
    variables.setdefault("num", num)
    return (singular if num == 1 else plural) % variables


def local_zone():
    """The time zone days are counted in: the site's (Flask-Babel's, by
    default Asia/Seoul), or UTC outside an app."""
    if has_app_context() and "babel" in current_app.extensions:
        return get_timezone()
    return timezone.utc


def lazy_gettext(message, **variables):
    return domain.lazy_gettext(message, **variables)


def init_app(app):
    if "babel" not in app.extensions:
        app.config.setdefault("BABEL_DEFAULT_LOCALE", "ko")
        app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Seoul")
        Babel(app)
    app.jinja_env.globals.update(
        _d=gettext, _dn=ngettext, deliberation_locale=get_locale,
        format_datetime=format_datetime, format_number=format_decimal)
