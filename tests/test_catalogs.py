"""The package's message catalogs: compiled files match their sources, and
every message the pages show has a Korean translation."""

import ast
import inspect
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from deliberation import errors
from deliberation.committee import CommitteeChoice
from deliberation.debates.states import DebateKind, DebateState
from deliberation.notifications import NotificationKind
from deliberation.participants import Role
from deliberation.proposals.queries import Sort
from deliberation.proposals.states import REFUSED, ProposalState
from deliberation.responses.states import AnswerStatus, Decision, ImplementationStatus
from deliberation.settings import DEFAULT_CATEGORIES
from deliberation.stats.sources import CITY_QUESTION_CATEGORY
from deliberation.threshold import Metric, Step
from deliberation.timeline import EventKind

PACKAGE = Path(__file__).resolve().parent.parent / "deliberation"
TRANSLATIONS = PACKAGE / "translations"
TEMPLATES = PACKAGE / "web" / "templates"
LOCALES = ("ko", "en")

# _d('...') or _d("...") with a literal first argument
LITERAL_D = re.compile(r"""_d\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*[,)]""")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def load_catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "deliberation.po", "rb") as f:
        return read_po(f, locale=locale, domain="deliberation")


def translated(catalog, msgid):
    message = catalog.get(msgid)
    return message is not None and bool(message.string) and not message.fuzzy


def template_literals():
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for single, double in LITERAL_D.findall(path.read_text(encoding="utf-8")):
            found.add(single or double)
    return found


def view_literals():
    found = set()
    for path in (PACKAGE / "web").rglob("*.py"):
        for _, message, _, _ in extract_from_file("python", str(path), keywords={"_": None}):
            if isinstance(message, str):  # _(exc.message) has no literal to check
                found.add(message)
    return found


def dynamic_keys():
    keys = {f"state_{s}" for s in ProposalState}
    keys |= {f"step_{s}" for s in Step}
    keys |= {f"category_{c}" for c in DEFAULT_CATEGORIES}
    keys |= {f"sort_{s}" for s in Sort}
    keys |= {f"metric_{m}" for m in Metric}
    keys |= {f"event_{k}" for k in EventKind}
    keys |= {f"decision_{d}" for d in Decision}
    keys |= {f"committee_{c}" for c in CommitteeChoice}
    keys |= {f"implementation_{s}" for s in ImplementationStatus}
    keys |= {f"answer_{s}" for s in AnswerStatus}
    keys |= {f"role_{r}" for r in Role}
    keys |= {f"notification_{k}" for k in NotificationKind}
    keys |= {f"debate_state_{s}" for s in DebateState}
    keys |= {f"debate_kind_{k}" for k in DebateKind}
    keys.add(f"category_{CITY_QUESTION_CATEGORY}")
    return keys


def error_messages():
    return {inspect.getdoc(cls) for _, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, errors.DeliberationError) and cls.__doc__}


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_its_source_when_compiled_again(locale):
    catalog = load_catalog(locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    committed = (TRANSLATIONS / locale / "LC_MESSAGES" / "deliberation.mo").read_bytes()
    assert compiled.getvalue() == committed, (
        f"{locale}/deliberation.mo is stale: run "
        "pybabel compile -D deliberation -d deliberation/translations")


def test_template_literals_are_found_when_scanning_the_package_templates():
    # guards the scanner itself: an empty set would make the next test vacuous
    literals = template_literals()
    assert "Make a proposal" in literals
    assert len(literals) > 30


def test_every_template_message_has_a_korean_translation():
    ko = load_catalog("ko")
    missing = sorted(m for m in template_literals() if not translated(ko, m))
    assert not missing, f"no Korean for: {missing}"


def test_every_view_message_has_a_korean_translation():
    ko = load_catalog("ko")
    literals = view_literals()
    assert "Please log in to continue." in literals
    missing = sorted(m for m in literals if not translated(ko, m))
    assert not missing, f"no Korean for: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_built_key_reads_as_words_when_rendered(locale):
    catalog = load_catalog(locale)
    missing = sorted(k for k in dynamic_keys() if not translated(catalog, k))
    assert not missing, f"{locale}: no text for {missing}"


def test_every_error_message_has_a_korean_translation():
    ko = load_catalog("ko")
    missing = sorted(m for m in error_messages() if not translated(ko, m))
    assert not missing, f"no Korean for: {missing}"


def raised_messages():
    """The words of every refusal the package raises (pages show them through
    the catalog), by the place that raises them; None for words built at run
    time, which no catalog can hold. Configuration errors speak to the host's
    developers and stay English."""
    refusals = {name for name, cls in inspect.getmembers(errors, inspect.isclass)
                if issubclass(cls, errors.DeliberationError)
                and cls is not errors.ConfigurationError}

    def words(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return words(node.body) + words(node.orelse)
        return [None] if isinstance(node, ast.JoinedStr) else []

    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                    and node.exc.args):
                continue
            func = node.exc.func
            if getattr(func, "id", getattr(func, "attr", None)) in refusals:
                for message in words(node.exc.args[0]):
                    found.setdefault(message, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    for message in REFUSED.values():
        found.setdefault(message, "proposals/states.py")
    return found


def test_every_refusal_the_package_raises_has_fixed_words_in_korean():
    ko = load_catalog("ko")
    found = raised_messages()
    assert "No such meeting." in found and len(found) > 50  # the scanner finds them
    missing = sorted(f"{where}: {message!r}" for message, where in found.items()
                     if message is None or not translated(ko, message))
    assert not missing, f"no Korean (or words built at run time) for: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_their_message(locale):
    def forms(text):  # a plural message is a tuple of forms
        return text if isinstance(text, tuple) else (text,)

    wrong = [message.id for message in load_catalog(locale)
             if message.id and message.string
             and any(set(PLACEHOLDER.findall(form)) != set(PLACEHOLDER.findall(forms(message.id)[0]))
                     for form in forms(message.string))]
    assert not wrong, f"{locale}: placeholders differ in {wrong}"
