"""The demo site's message catalog (domain "messages"): compiled files match
their sources, and every message the demo's pages and code mark for
translation has Korean, found the way ``pybabel extract`` finds it."""

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEMO = Path(__file__).resolve().parent.parent / "demo_site"
TRANSLATIONS = DEMO / "translations"
LOCALES = ("ko", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def load_catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale, domain="messages")


def extracted():
    """msgid -> where, as the extraction command in babel.cfg finds them."""
    with open(TRANSLATIONS / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(TRANSLATIONS / "babel.cfg"))
    found = {}
    for filename, lineno, message, _, _ in extract_from_dir(
            str(DEMO), method_map, options_map, keywords=KEYWORDS):
        for msgid in (message if isinstance(message, tuple) else (message,)):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def translated(catalog, msgid):
    message = catalog.get(msgid)
    return message is not None and bool(message.string) and not message.fuzzy


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_its_source_when_compiled_again(locale):
    compiled = io.BytesIO()
    write_mo(compiled, load_catalog(locale))
    committed = (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert compiled.getvalue() == committed, (
        f"{locale}/messages.mo is stale: run pybabel compile -d demo_site/translations")


def test_extraction_finds_the_messages_of_templates_and_code():
    # guards the scanner itself: an empty set would make the next tests vacuous
    found = extracted()
    assert "Make a proposal" in found  # a template
    assert "The email or password is wrong." in found  # views.py
    assert "Enter a valid email address." in found  # a lazy_gettext
    assert len(found) > 50


def test_every_demo_message_has_a_korean_translation():
    ko = load_catalog("ko")
    missing = {m: where for m, where in extracted().items() if not translated(ko, m)}
    assert not missing, f"no Korean for: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_their_message(locale):
    wrong = [message.id for message in load_catalog(locale)
             if message.id and message.string
             and set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id))]
    assert not wrong, f"{locale}: placeholders differ in {wrong}"


def test_pages_render_the_catalog_korean_by_default_and_english_on_request():
    from demo_site import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True,
                      "SECRET_KEY": "catalog-test"})
    client = app.test_client()
    korean = client.get("/login").get_data(as_text=True)
    assert "비밀번호" in korean and "시연용 사이트입니다" in korean
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Password" in english and "비밀번호" not in english
