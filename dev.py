#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python needed first.

    python3 dev.py demo    # environment, install, seeded SQLite demo, served locally
    python3 dev.py test    # environment, install, the whole suite on SQLite and PostgreSQL
"""

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
POSTGRES = ("127.0.0.1", 5432)


def say(message):
    print(f"[dev] {message}", flush=True)


def run(*args, **kwargs):
    say(" ".join(str(a) for a in args))
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kwargs)


def ensure_environment(extras):
    """Create .venv and install the package; reinstall when setup.cfg changed."""
    if not (BIN / "python").exists():
        say(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "setup.cfg").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "-q", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(wanted)


def port_open(host, port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def ensure_postgres():
    if port_open(*POSTGRES):
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.exists():
        for version in sorted(p.name for p in clusters.iterdir()):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           check=False)
    if not port_open(*POSTGRES):
        sys.exit("[dev] PostgreSQL is not reachable on 127.0.0.1:5432; the suite runs on "
                 "SQLite and PostgreSQL. Start it, or set DELIBERATION_TEST_DATABASES=sqlite.")


def ensure_chromium():
    """The browser tests drive Debian's Chromium; install it when we can."""
    if Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "chromium", "fonts-nanum", env=env)
        return
    sys.exit("[dev] The browser tests need Chromium at /usr/bin/chromium "
             "(Debian: apt-get install chromium fonts-nanum).")


def ensure_axe():
    """The accessibility tests inject axe-core, pinned in tests/package-lock.json."""
    if (ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    if shutil.which("npm") is None:
        sys.exit("[dev] The accessibility tests need Node.js and npm for axe-core "
                 "(Debian: apt-get install nodejs npm).")
    run("npm", "ci", "--no-audit", "--no-fund", "--prefix", "tests")


def demo(args):
    ensure_environment("")
    # mailed links (the demo outbox) point where the demo is served
    env = dict(os.environ, FLASK_APP="demo_site",
               DEMO_BASE_URL=f"http://{args.host}:{args.port}")
    run(BIN / "flask", "seed", "--reset", env=env)
    say(f"the demo is at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    run(BIN / "flask", "run", "--host", args.host, "--port", args.port, env=env)


def test(args):
    ensure_environment("test")
    databases = os.environ.get("DELIBERATION_TEST_DATABASES", "sqlite,postgresql")
    if "postgresql" in databases:
        ensure_postgres()
    ensure_chromium()
    ensure_axe()
    run(BIN / "python", "-m", "pytest", *args.pytest_args)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser("demo", help="set up, seed and serve the demo site")
    demo_parser.add_argument("--host", default="127.0.0.1")
    demo_parser.add_argument("--port", default="5000")
    test_parser = commands.add_parser("test", help="set up and run the whole test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER,
                             help="passed to pytest, e.g. -k agreements")
    args = parser.parse_args()
    try:
        {"demo": demo, "test": test}[args.command](args)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
