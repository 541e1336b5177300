"""`complaints backup [--to FOLDER]` and `complaints restore FILE`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..backup_archive import BackupError
from ..services.backups import RestoreRefused, create_backup, restore_backup


@click.command("backup")
@click.option("--to", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the backup file into.")
@with_appcontext
def backup_command(folder: str) -> None:
    """Write the database and the evidence files into one sealed file (never the keys)."""
    from ..extensions import db
    from ..instance import keyring
    from ..services import auditing

    result = create_backup(current_app.config, keyring(), Path(folder))
    counts = result.manifest["counts"]
    auditing.record("backup.created", actor=auditing.CLI,
                    detail={"file": result.path.name, "cases": counts["cases"],
                            "files": result.manifest["files"]})
    db.session.commit()
    click.echo(f"Wrote {result.path} ({counts['cases']} case(s), {result.manifest['files']} "
               f"file(s), {counts['audit_entries']} audit entries).")
    if result.manifest["missing_files"]:
        click.echo(f"Note: {result.manifest['missing_files']} evidence file(s) named in the "
                   "database were not in the attachment store.", err=True)
    click.echo("The key file and the shred ledger are not in it: back them up separately.",
               err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--without-shred-ledger", is_flag=True,
              help="Restore although no shred ledger is beside the key file (only when this "
                   "instance never shredded a case).")
def restore_command(archive: str, without_shred_ledger: bool) -> None:
    """Restore a backup into a fresh instance, with the key file backed up separately."""
    from ..cli import prepared_settings
    from ..instance import prepare_instance

    settings = prepared_settings()
    say = lambda text: click.echo(text, err=True)  # noqa: E731
    try:
        restore_backup(settings, Path(archive), without_ledger=without_shred_ledger, say=say)
    except (RestoreRefused, BackupError) as error:
        click.echo(f"complaints restore: {error}", err=True)
        sys.exit(2)
    prepare_instance(settings, say=say)  # migrations to this release, shred ledger again
    from .. import create_app
    from ..extensions import db
    from ..services import auditing
    from ..services.verification import check_instance

    app = create_app()
    with app.app_context():
        check = check_instance()
        auditing.record("backup.restored", actor=auditing.CLI,
                        detail={"file": Path(archive).name, "cases": check.cases,
                                "shredded": check.shredded_cases, "ok": check.ok})
        db.session.commit()
    click.echo(f"Opened {check.cases - check.shredded_cases} case(s) ({check.values} sealed "
               f"values, {check.files} file(s)); {check.shredded_cases} shredded case(s) stay "
               f"unreadable; audit log: {'intact' if check.audit_ok else check.audit_problem}.")
    if not check.ok:
        for failure in check.failures[:20]:
            click.echo(f"  does not open: {failure}", err=True)
        sys.exit(1)


command = backup_command
