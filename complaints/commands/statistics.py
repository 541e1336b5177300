"""`complaints statistics`: make the statistics releases that are due, as the first analyst's
view after a quarter ends would. Optional (a nightly job may run it): a release is made once
and never recounted, and at most one computation runs per day, whoever starts it."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from ..services import published_statistics


@click.command("statistics")
@with_appcontext
def command() -> None:
    """Publish the statistics releases that are due (at most once a day)."""
    began = time.perf_counter()
    made = published_statistics.compute_due()
    if made:
        click.echo(f"{made} publication(s) made in {time.perf_counter() - began:.1f} s")
    else:
        click.echo("Nothing due: every completed quarter is released, or today's computation has run.")
