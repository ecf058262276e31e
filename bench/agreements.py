"""Agreements per second through ``deliberation.votes.operations.agree`` next
to a raw-driver baseline doing the same database work.

One hot proposal, N concurrent writer threads, each agreement a distinct
participant. Two modes per database, run alternately (--rounds, default 2,
so a change of machine load hits both alike):

* package / SQLite      -- agree() in a Flask app context of the minimal host
                           app (tests/host) on a SQLite file; the package sets
                           WAL, busy_timeout and synchronous=NORMAL itself.
* raw sqlite3           -- same schema, one connection per writer, WAL,
                           synchronous=NORMAL, busy_timeout; per agreement:
                           BEGIN; INSERT .. ON CONFLICT DO NOTHING; UPDATE
                           counter; COMMIT.
* package / PostgreSQL  -- agree() as above on PostgreSQL.
* raw psycopg           -- the same INSERT + UPDATE, one transaction each.

Every run uses its own SQLite file (in a temporary directory) or its own
PostgreSQL schema (bench_<random>_<run>, dropped at the end); nothing else in
the database is touched. After each run the proposal's counter is compared
with its agreement rows.

Every loop is bounded by --count (agreements) and --seconds (wall time), both
per database and mode and split over the rounds. With the defaults (10 s per
mode) the whole thing takes under a minute.

    cd /work/main
    PYTHONPATH=. /tmp/venv/bin/python bench/agreements.py
    PYTHONPATH=. /tmp/venv/bin/python bench/agreements.py --writers 4 --seconds 5
    PYTHONPATH=. /tmp/venv/bin/python bench/agreements.py --db sqlite --count 20000
"""

import argparse
import math
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

DEFAULT_PG_URL = os.environ.get(
    "DELIBERATION_BENCH_POSTGRES_URL",
    os.environ.get("DELIBERATION_TEST_POSTGRES_URL",
                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
TARGET_RATIO = 0.5

PROPOSAL_TABLE = "deliberation_proposal"
AGREEMENT_TABLE = "deliberation_agreement"


# --------------------------------------------------------------------------
# setup shared by both modes: the package's own schema and one open proposal
# --------------------------------------------------------------------------

def build_app(url, pool_size):
    from tests.host import create_host_app

    options = {}
    if pool_size:
        # one pooled connection per writer, as the raw baseline has
        options = {"pool_size": pool_size, "max_overflow": 4}
    return create_host_app(url, TESTING=True, SQLALCHEMY_ENGINE_OPTIONS=options)


def prepare(app):
    """Create the host's and the package's tables; publish one proposal."""
    from deliberation import Participant
    from deliberation.db import Base
    from deliberation.proposals.operations import submit_proposal

    db = app.extensions["deliberation"].db
    with app.app_context():
        db.create_all()
        Base.metadata.create_all(db.engine)
        proposal = submit_proposal(
            db.session, Participant(id="bench-author", display_name="Bench"),
            title="Hot proposal", body="Everybody agrees with this one.",
            category="other", publish=True)
        proposal_id = proposal.id
        db.session.remove()
    return proposal_id


def verify(app, proposal_id):
    import sqlalchemy as sa

    db = app.extensions["deliberation"].db
    with app.app_context():
        with db.engine.connect() as conn:
            counter = conn.execute(sa.text(
                f"SELECT agreement_count FROM {PROPOSAL_TABLE} WHERE id = :id"),
                {"id": proposal_id}).scalar_one()
            rows = conn.execute(sa.text(
                f"SELECT count(*) FROM {AGREEMENT_TABLE} WHERE proposal_id = :id"),
                {"id": proposal_id}).scalar_one()
    return counter, rows


def dispose(app):
    db = app.extensions["deliberation"].db
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


# --------------------------------------------------------------------------
# the timed part: N threads, bounded in count and time
# --------------------------------------------------------------------------

def run_writers(writers, count, seconds, make_worker, tag=""):
    """Start ``writers`` threads; each calls ``make_worker(w)`` to get
    ``(agree_one, close)`` and then ``agree_one(participant_id)`` until its
    share of ``count`` is done or ``seconds`` have passed."""
    quota = math.ceil(count / writers)
    done = [0] * writers
    errors = []
    state = {}

    def start_clock():                      # runs once, before anyone is released
        state["warm"] = sum(done)
        state["start"] = time.perf_counter()
        state["deadline"] = state["start"] + seconds

    barrier = threading.Barrier(writers + 1, action=start_clock)

    def writer(w):
        agree_one = close = None
        try:
            agree_one, close = make_worker(w)
            agree_one(f"{tag}warm-{w}")          # first statement compiled/connection opened
            done[w] += 1
        except BaseException as exc:        # report, never hang the barrier
            errors.append((w, repr(exc)))
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            return
        try:
            if agree_one is None:
                return
            deadline = state["deadline"]
            for i in range(quota):
                if time.perf_counter() >= deadline:
                    break
                agree_one(f"{tag}p{w}-{i}")
                done[w] += 1
        except BaseException as exc:
            errors.append((w, repr(exc)))
        finally:
            if close is not None:
                close()

    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(writers)]
    for t in threads:
        t.start()
    try:
        barrier.wait(timeout=60)
    except threading.BrokenBarrierError:
        errors.append((-1, "writers did not get ready within 60 s"))
        start_clock()
    warm, start = state["warm"], state["start"]
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    if any(t.is_alive() for t in threads):
        errors.append((-1, "writer threads still running after the time limit"))
    timed = sum(done) - warm
    return {"agreements": timed, "total": sum(done), "seconds": elapsed,
            "rate": timed / elapsed if elapsed > 0 else 0.0, "errors": errors}


def package_worker_factory(app, proposal_id):
    from deliberation import Participant
    from deliberation.votes.operations import agree

    db = app.extensions["deliberation"].db

    def make_worker(_w):
        ctx = app.app_context()
        ctx.push()
        session = db.session

        def agree_one(participant_id):
            result = agree(session, Participant(id=participant_id), proposal_id)
            if not result.agreed:
                raise RuntimeError("agreement not recorded")

        def close():
            db.session.remove()
            ctx.pop()

        return agree_one, close

    return make_worker


def sqlite_raw_worker_factory(path, proposal_id):
    insert = (f"INSERT INTO {AGREEMENT_TABLE} (proposal_id, participant_id, created_at) "
              "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
    update = f"UPDATE {PROPOSAL_TABLE} SET agreement_count = agreement_count + 1 WHERE id = ?"

    def make_worker(_w):
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")

        def agree_one(participant_id):
            now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(" ")
            conn.execute("BEGIN")
            try:
                if conn.execute(insert, (proposal_id, participant_id, now)).rowcount:
                    conn.execute(update, (proposal_id,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return agree_one, conn.close

    return make_worker


def psycopg_raw_worker_factory(conninfo, schema, proposal_id):
    import psycopg

    insert = (f"INSERT INTO {AGREEMENT_TABLE} (proposal_id, participant_id, created_at) "
              "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING")
    update = f"UPDATE {PROPOSAL_TABLE} SET agreement_count = agreement_count + 1 WHERE id = %s"

    def make_worker(_w):
        conn = psycopg.connect(conninfo, options=f"-csearch_path={schema}")

        def agree_one(participant_id):
            try:
                with conn.cursor() as cur:
                    cur.execute(insert, (proposal_id, participant_id, datetime.now(timezone.utc)))
                    if cur.rowcount:
                        cur.execute(update, (proposal_id,))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

        return agree_one, conn.close

    return make_worker


# --------------------------------------------------------------------------
# one database: package run + raw run
# --------------------------------------------------------------------------

def bench_modes(database, args, setups):
    """Run raw and package alternately, --rounds times each (so a change of
    machine load hits both alike), then add the rounds up per mode."""
    apps, factories, totals = {}, {}, {}
    try:
        for mode, setup in setups.items():
            apps[mode], proposal_id, factories[mode] = setup()
            apps[mode].bench_proposal_id = proposal_id
        for rnd in range(args.rounds):
            for mode in setups:
                res = run_writers(args.writers, math.ceil(args.count / args.rounds),
                                  args.seconds / args.rounds, factories[mode], tag=f"r{rnd}-")
                res["counter"], res["rows"] = verify(apps[mode], apps[mode].bench_proposal_id)
                total = totals.setdefault(mode, {"agreements": 0, "seconds": 0.0, "errors": []})
                total["agreements"] += res["agreements"]
                total["seconds"] += res["seconds"]
                total["errors"] += res["errors"]
                total.update(counter=res["counter"], rows=res["rows"], total=res["total"]
                             + total.get("total", 0))
                res["total"] = total["total"]
                report_run(database, f"{mode} {rnd + 1}/{args.rounds}", res)
    finally:
        for app in apps.values():
            dispose(app)
    for total in totals.values():
        total["rate"] = total["agreements"] / total["seconds"] if total["seconds"] else 0.0
    return totals


def bench_sqlite(args, tmpdir):
    def setup(mode):
        def run():
            path = os.path.join(tmpdir, f"{mode}.sqlite")
            app = build_app("sqlite:///" + path, args.pool_size)
            proposal_id = prepare(app)
            if mode == "package":
                return app, proposal_id, package_worker_factory(app, proposal_id)
            return app, proposal_id, sqlite_raw_worker_factory(path, proposal_id)
        return run

    return bench_modes("sqlite", args, {"raw": setup("raw"), "package": setup("package")})


def bench_postgresql(args):
    import psycopg
    import sqlalchemy as sa

    base_url = sa.engine.make_url(args.pg_url)
    conninfo = base_url.set(drivername="postgresql").render_as_string(hide_password=False)
    prefix = f"bench_{uuid.uuid4().hex[:8]}"
    created = []

    def setup(mode):
        def run():
            schema = f"{prefix}_{mode}"
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            created.append(schema)
            url = args.pg_url + ("&" if "?" in args.pg_url else "?") + \
                "options=" + quote(f"-csearch_path={schema}", safe="")
            app = build_app(url, args.pool_size)
            proposal_id = prepare(app)
            if mode == "package":
                return app, proposal_id, package_worker_factory(app, proposal_id)
            return app, proposal_id, psycopg_raw_worker_factory(conninfo, schema, proposal_id)
        return run

    try:
        return bench_modes("postgresql", args,
                           {"raw": setup("raw"), "package": setup("package")})
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for schema in created:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def report_run(database, mode, res):
    ok = res["counter"] == res["rows"] == res["total"] and not res["errors"]
    print(f"  {database:<10} {mode:<11} {res['agreements']:>7} agreements in "
          f"{res['seconds']:5.2f}s = {res['rate']:9.0f}/s   "
          f"counter={res['counter']} rows={res['rows']} calls={res['total']} "
          f"{'OK' if ok else 'MISMATCH'}", flush=True)
    for w, err in res["errors"][:5]:
        print(f"      writer {w}: {err}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer threads")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="timed seconds per database and mode, split over the rounds "
                             "(default 10)")
    parser.add_argument("--count", type=int, default=200_000,
                        help="agreement limit per database and mode, split over the rounds "
                             "(default 200000)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate raw and package this many times (default 2)")
    parser.add_argument("--db", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--pool-size", type=int, default=None,
                        help="SQLAlchemy pool_size for the host app (default: --writers; "
                             "0 keeps Flask-SQLAlchemy's default of 5 + 10 overflow)")
    args = parser.parse_args(argv)
    if args.writers < 1 or args.count < 1 or args.seconds <= 0 or args.rounds < 1:
        parser.error("--writers, --count, --seconds and --rounds must be positive")
    if args.pool_size is None:
        args.pool_size = args.writers
    if args.seconds > 25:
        print("note: --seconds > 25 makes the default run last more than 2 minutes",
              file=sys.stderr)
    databases = [d.strip() for d in args.db.split(",") if d.strip()]

    print(f"deliberation agreements benchmark: writers={args.writers} "
          f"seconds<={args.seconds:g} count<={args.count} rounds={args.rounds} pool_size={args.pool_size or 'default'} "
          f"python={sys.version.split()[0]} sqlite={sqlite3.sqlite_version} "
          f"cpus={os.cpu_count()}", flush=True)
    table = []
    failed = False
    tmpdir = tempfile.mkdtemp(prefix="bench_agreements_")
    try:
        for database in databases:
            if database == "sqlite":
                results = bench_sqlite(args, tmpdir)
            elif database in ("postgresql", "postgres", "pg"):
                database = "postgresql"
                results = bench_postgresql(args)
            else:
                parser.error(f"unknown database {database!r}")
            for res in results.values():
                if res["errors"] or not res["counter"] == res["rows"] == res["total"]:
                    failed = True
            pkg, raw = results["package"]["rate"], results["raw"]["rate"]
            table.append((database, args.writers, pkg, raw, pkg / raw if raw else 0.0,
                          results["package"], results["raw"]))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    print()
    print(f"{'database':<11} {'writers':>7} {'package/s':>10} {'raw/s':>10} {'ratio':>6} "
          f"{'target':>7}  counter==rows (package; raw)")
    for database, writers, pkg, raw, ratio, p, r in table:
        print(f"{database:<11} {writers:>7} {pkg:>10.0f} {raw:>10.0f} {ratio:>6.2f} "
              f"{'ok' if ratio >= TARGET_RATIO else 'BELOW':>7}  "
              f"{p['counter']}=={p['rows']} {p['counter'] == p['rows']}; "
              f"{r['counter']}=={r['rows']} {r['counter'] == r['rows']}")
    if failed:
        print("\nFAILED: an error occurred or a counter does not match its rows", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
