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
    """Prove every agreement counter equals its rows; exit 1 on drift unless repaired."""
    from .votes.operations import recount_agreements

    drifts = recount_agreements(_session(), repair=repair)
    for drift in drifts:
        click.echo(f"proposal {drift.proposal_id}: counter {drift.counter}, rows {drift.rows}"
                   + (" -> repaired" if repair else ""))
    click.echo(f"{len(drifts)} drift(s) found")
    if drifts and not repair:
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
