"""The demo's own words: English message ids in a flask-babel catalog
(demo_site/translations, domain "messages"), Korean by default, English on
request. The package keeps its own catalog (domain "deliberation").

    pybabel extract -F babel.cfg -k _ -k gettext -k lazy_gettext -k N_ \\
        -o demo_site/translations/messages.pot demo_site
    pybabel update -i demo_site/translations/messages.pot -d demo_site/translations
    pybabel compile -d demo_site/translations
"""

from pathlib import Path

from flask import request, session
from flask_babel import get_locale, gettext

LOCALES = ("ko", "en")
TRANSLATIONS = str(Path(__file__).parent / "translations")


def N_(message):
    """Mark a message for extraction; it is translated where it is shown."""
    return message


#: the message ids behind the old ``t('key')`` calls, kept so that a template
#: still calling ``t`` renders through the catalog; new code calls ``_``
KEYS = {
    "site_name": N_("Democracy Seoul (demo)"),
    "banner": N_("This is a demonstration site. Participants and agreements are synthetic, "
                 "modelled on a real case; nothing is sent to the city."),
    "skip": N_("Skip to content"),
    "nav_home": N_("Home"),
    "nav_new": N_("Make a proposal"),
    "nav_login": N_("Log in"),
    "nav_signup": N_("Sign up"),
    "nav_logout": N_("Log out"),
    "email": N_("Email"),
    "password": N_("Password"),
    "form_errors": N_("Please correct the marked fields."),
    "err_email": N_("Enter a valid email address."),
    "err_email_taken": N_("This email is already registered."),
    "err_password": N_("The password needs at least 8 characters."),
    "err_display_name": N_("Enter a name of 1 to 50 characters."),
    "err_login": N_("The email or password is wrong."),
    "not_found": N_("Page not found."),
    "error_title": N_("Something is not right"),
}


def current_locale():
    locale = get_locale()
    return str(locale) if locale and str(locale) in LOCALES else "ko"


def t(key, **variables):
    """The message behind an old key, translated (``_`` is the way now)."""
    return gettext(KEYS[key], **variables)


def select_locale():
    """?lang=en or ?lang=ko switches and is remembered in the session."""
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        session["lang"] = wanted
        return wanted
    return session.get("lang") if session.get("lang") in LOCALES else "ko"
