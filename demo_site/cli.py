"""``flask --app demo_site seed [--reset]``."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from . import seed as demo_seed


@click.command("seed")
@click.option("--reset", is_flag=True, help="Drop every demo and deliberation table first.")
@with_appcontext
def seed(reset):
    """Create the tables and fill them with the demo case and accounts."""
    app = current_app._get_current_object()
    started = time.monotonic()
    if reset:
        demo_seed.reset_tables(app)
    demo_seed.create_tables(app)
    if demo_seed.already_seeded():
        click.echo("The database already holds demo data; run with --reset to start over.")
        return
    accounts = demo_seed.seed_demo(app)
    click.echo(f"Seeded in {time.monotonic() - started:.1f}s. Demo accounts (password after '/'):")
    for account in accounts:
        roles = ",".join(str(r) for r in account.roles)
        click.echo(f"  {account.email} / {account.password}  [{roles}]"
                   + (f" {account.department}" if account.department else ""))
