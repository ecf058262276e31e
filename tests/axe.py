"""axe-core in the browser tests: WCAG 2.0/2.1 A and AA rules run inside a
real page, and serious or critical violations fail the test.

axe-core comes from the npm registry, pinned by tests/package.json and
tests/package-lock.json; the ``axe_script`` fixture installs it once when
tests/node_modules is missing (``npm ci``), so the tests need nothing but
Node and npm beforehand. The browser is conftest's session-wide ``chromium``:
Playwright's sync API cannot start twice in one process.
"""

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock, so run `npm ci --prefix tests` before parallel runs
    fcntl = None

import pytest

TESTS = Path(__file__).resolve().parent
AXE_SCRIPT = TESTS / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = TESTS.parent / "screenshots"

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

#: the success criteria of WCAG 2.0 and 2.1, levels A and AA
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def install_axe():
    """``npm ci`` in tests/ (the lock file pins axe-core), once even when
    several test workers ask at the same moment; a clear failure when npm is
    not there or the registry cannot be reached."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("axe-core is missing and npm is not installed: install Node.js 18+ "
                    "and run `npm ci --prefix tests`", pytrace=False)
    # named by the path, the same in every worker (hash() is salted per process)
    tag = hashlib.sha256(str(TESTS).encode()).hexdigest()[:12]
    lock = Path(tempfile.gettempdir()) / f"axe-install-{tag}.lock"
    with open(lock, "w") as held:
        if fcntl is not None:
            fcntl.flock(held, fcntl.LOCK_EX)  # the other workers wait for this one
        if not AXE_SCRIPT.exists():
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(TESTS)],
                cwd=TESTS, capture_output=True, text=True, timeout=300)
            if done.returncode != 0 or not AXE_SCRIPT.exists():
                pytest.fail(f"`npm ci --prefix tests` did not install axe-core:\n{done.stderr}",
                            pytrace=False)
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def axe_script():
    return install_axe()


def blocking_violations(page, script=AXE_SCRIPT):
    """Run axe on the page as it is now; the serious and critical violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
                  .then(r => r.violations)""", WCAG_AA)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:240]
            lines.append(f"      {target}  {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"      ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def audit(page, what, script=AXE_SCRIPT, *, structure=True):
    """The page's blocking axe violations and structure problems as one
    message, or None."""
    violations = blocking_violations(page, script)
    others = structure_problems(page) if structure else []
    if not violations and not others:
        return None
    lines = [describe(violations)] if violations else []
    lines += [f"  {problem}" for problem in others]
    return f"{what} ({page.url}):\n" + "\n".join(lines)


#: what axe leaves to people: headings in order, a text name on every chart
#: with the table of its numbers on the same page
STRUCTURE = """() => {
  const problems = [];
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.checkVisibility())
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]);
  const ones = levels.filter(([level]) => level === 1).length;
  if (ones !== 1) problems.push(`${ones} h1 headings, not one`);
  if (levels.length && levels[0][0] !== 1) problems.push(`the first heading is h${levels[0][0]}`);
  levels.forEach(([level, text], i) => {
    if (i && level > levels[i - 1][0] + 1)
      problems.push(`h${level} "${text}" comes after h${levels[i - 1][0]}`);
  });
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden=true]')) continue;
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = (svg.getAttribute('aria-label') || '') +
      ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    if (svg.getAttribute('role') !== 'img' || !name.trim())
      problems.push('a chart (svg) without role=img and a text name');
  }
  if (document.querySelector('svg.dl-chart') && !document.querySelector('table'))
    problems.push('a chart without a table of its numbers');
  return problems;
}"""

#: the element keyboard focus is on, and whether it shows a focus indicator
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // focus inside the browser's own parts of a control (a date input's
  // calendar button): the host does not match :focus, the browser rings it
  if (!el.matches(':focus')) return ['', true];
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const label = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';
  return [label, outline || shadow];
}"""


#: start keyboard navigation at the main content, as its skip link does
FOCUS_MAIN = """() => {
  const main = document.querySelector('main') || document.body;
  if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
  main.focus();
}"""


def structure_problems(page):
    return page.evaluate(STRUCTURE)


def focus_problems(page, presses=(3, 6)):
    """Tab through the first controls of the page, then the first of its
    main content: each must show where the focus is."""
    problems = []
    from_top, in_main = presses
    for start, count in (("document.activeElement && document.activeElement.blur()", from_top),
                         (FOCUS_MAIN, in_main)):
        page.evaluate(start)
        for _ in range(count):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:
                break
            label, visible = focused
            if not visible:
                problems.append(f"no visible focus on {label}")
    return sorted(set(problems))


def shot(page, name, *, full_page=True):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def sideways_overflow(page):
    """How far the page scrolls sideways, in pixels (0: it fits)."""
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.documentElement.clientWidth")
