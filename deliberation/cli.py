"""``flask deliberation ...``: commands for cron and operators."""

import click
from flask import current_app
from flask.cli import with_appcontext

group = click.Group("deliberation", help="Citizen proposals: maintenance commands.")


def _session():
    return current_app.extensions["deliberation"].db.session


@group.command("tick")
@with_appcontext
def tick():
    """Close proposals whose collection period has ended (run from cron)."""
    from .proposals.operations import close_expired_proposals

    closed = close_expired_proposals(_session())
    click.echo(f"closed {len(closed)} expired proposal(s)" +
               (": " + ", ".join(map(str, closed)) if closed else ""))


@group.command("recount")
@click.option("--repair", is_flag=True, help="Set drifted counters to the number of rows.")
@with_appcontext
def recount(repair):
    """Prove every agreement counter and debate tally equals its rows; exit 1
    on drift unless repaired."""
    from .debates.operations import recount_debates
    from .votes.operations import recount_agreements

    session = _session()
    suffix = " -> repaired" if repair else ""
    drifts = recount_agreements(session, repair=repair)
    for drift in drifts:
        click.echo(f"proposal {drift.proposal_id}: counter {drift.counter}, rows {drift.rows}"
                   + suffix)
    tally_drifts = recount_debates(session, repair=repair)
    for drift in tally_drifts:
        click.echo(f"debate {drift.debate_id}: tallies {drift.counters}, rows {drift.rows}"
                   + suffix)
    total = len(drifts) + len(tally_drifts)
    click.echo(f"{total} drift(s) found")
    if total and not repair:
        raise SystemExit(1)


@group.command("create-tables")
@with_appcontext
def create_tables():
    """Create the package's tables (quick start; use 'db upgrade' in production)."""
    current_app.extensions["deliberation"].extension.create_tables(current_app)
    click.echo("deliberation tables created")


@group.command("db-upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision):
    """Upgrade the package's tables with its own migrations."""
    from .migrations import upgrade

    upgrade(current_app, revision)
    click.echo(f"deliberation schema at {revision}")


@group.command("notify")
@click.option("--once", is_flag=True, help="Run one pass and stop.")
@click.option("--interval", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds to wait between passes.")
@click.option("--max-passes", type=click.IntRange(min=1), default=None,
              help="Stop after this many passes (default: run until interrupted).")
@click.option("--retry-failed", is_flag=True,
              help="Put deliveries that ran out of attempts back in the queue, then stop "
                   "(add --once or --max-passes to deliver them at once).")
@with_appcontext
def notify(once, interval, max_passes, retry_failed):
    """Fan the outbox out into notifications and hand them to the senders."""
    import time

    from .notifications.operations import process_outbox
    from .notifications.operations import retry_failed as requeue_failed

    session = _session()
    if retry_failed:
        click.echo(f"{requeue_failed(session)} failed delivery(ies) put back in the queue")
        if not once and max_passes is None:
            return
    if not current_app.extensions["deliberation"].settings.senders:
        click.echo("no sender registered: notifications stay in-app only", err=True)
    passes = 1 if once else max_passes
    done = errors = 0
    try:
        while passes is None or done < passes:
            if done:
                time.sleep(interval)
            done += 1
            try:
                summary = process_outbox(session)
            except Exception as exc:  # a worker outlives a database hiccup
                session.rollback()
                errors += 1
                click.echo(f"pass {done}: failed: {type(exc).__name__}: {exc}", err=True)
            else:
                click.echo(f"pass {done}: {summary['events']} event(s) fanned out, "
                           f"{summary['sent']} sent, {summary['failed']} failed")
            finally:
                session.remove()  # no connection nor snapshot held while sleeping
    except KeyboardInterrupt:
        click.echo("stopped")
    if errors:
        raise SystemExit(1)
