"""`complaints statistics`: recount the statistics snapshots, for the nightly job, so the first
analyst of the day does not wait for a large year to be counted."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from ..services import auditing, published_statistics
from ..extensions import db


@click.command("statistics")
@click.option("--year", type=int, help="Only this year (default: every year with cases).")
@with_appcontext
def command(year: int | None) -> None:
    """Recount today's statistics snapshot of each year."""
    years = [year] if year else published_statistics.years()
    if not years:
        click.echo("No case has been filed yet.")
        return
    for each in years:
        began = time.perf_counter()
        published_statistics.refresh(each)
        click.echo(f"{each}: counted in {time.perf_counter() - began:.1f} s")
    auditing.record("statistics.refresh", actor=auditing.CLI, detail={"years": years})
    db.session.commit()
