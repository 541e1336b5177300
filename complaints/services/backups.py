"""``complaints backup`` and ``complaints restore``: the database and the evidence files in one
sealed file, restored into a fresh instance with the key file kept separately.

Backup: the database is copied from one consistent snapshot (SQLite's online backup API;
pg_dump of a snapshot exported from a REPEATABLE READ transaction), and exactly the evidence
files that snapshot's attachment rows name are added, as stored (encrypted). The manifest
records counts, the schema revision, the audit head and the KEKs the data keys need.

Restore never starts from a half-made state: the key ring is loaded first, the whole archive
is read and authenticated into a private staging folder, and only then is the database put in
place (a file moved into place, or pg_restore in one transaction) and the files moved in. The
shred ledger is applied again, migrations run, and every case is opened to prove it.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .. import backup_archive
from ..crypto import IntegrityFailure, Keyring, KeyringError, load_keyring
from ..models import Attachment, AuditEntry, AuditHead, Case, DataKey

MANIFEST = "manifest.json"


class RestoreRefused(Exception):
    """The restore cannot go ahead; nothing was changed. The message says what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


# --- PostgreSQL tools ----------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: [int(x) for x in p.parent.parent.name.split(".") if x.isdigit()])
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if found:
        return found
    raise RestoreRefused(f"{name} is not installed (Debian package postgresql-client)")


def _pg_connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it
    (so it never shows in the process list)."""
    import psycopg.conninfo

    parsed = make_url(url)
    _, params = parsed.get_dialect()().create_connect_args(parsed)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()}), env


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


# --- backup --------------------------------------------------------------------------------


def _snapshot_facts(session: Session) -> dict[str, Any]:
    head = session.get(AuditHead, 1)
    return {
        "schema_revision": session.execute(text("SELECT version_num FROM alembic_version")).scalar(),
        "counts": {
            "cases": session.execute(select(func.count()).select_from(Case)).scalar(),
            "attachments": session.execute(select(func.count()).select_from(Attachment)).scalar(),
            "audit_entries": session.execute(select(func.count()).select_from(AuditEntry)).scalar(),
        },
        "audit_head": {"seq": head.seq, "mac": head.mac} if head else None,
        "kek_ids": sorted(k for k in session.execute(select(DataKey.kek_id).where(
            DataKey.wrapped.is_not(None)).distinct()).scalars() if k),
        "attachment_ids": [a.hex for a in session.execute(select(Attachment.id)).scalars()],
    }


def _dump_sqlite(url: str, target: Path) -> dict[str, Any]:
    source = sqlite3.connect(make_url(url).database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent copy while the app keeps writing
    finally:
        source.close()
        copy.close()
    engine = create_engine(f"sqlite:///{target}")
    try:
        with Session(engine) as session:
            return _snapshot_facts(session)
    finally:
        engine.dispose()


def _dump_postgres(url: str, target: Path) -> dict[str, Any]:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    conninfo, env = _pg_connection(url)
    try:
        with Session(engine) as session:
            # pg_dump reads the very snapshot this transaction sees, so the manifest's counts
            # and the list of files describe exactly what is dumped.
            snapshot = session.execute(text("SELECT pg_export_snapshot()")).scalar()
            facts = _snapshot_facts(session)
            subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                            "--no-privileges", f"--snapshot={snapshot}", f"--file={target}",
                            f"--dbname={conninfo}"], env=env, check=True, capture_output=True,
                           timeout=3600)
            session.rollback()
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"pg_dump failed: {error.stderr.decode(errors='replace').strip()}") from None
    finally:
        engine.dispose()
    return facts


def create_backup(settings: Mapping[str, Any], keyring: Keyring, out_dir: Path) -> BackupResult:
    created = datetime.now(timezone.utc)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"complaints-backup-{created:%Y%m%dT%H%M%SZ}.cbk"
    partial = final.with_name(final.name + ".part")
    url = settings["DATABASE_URL"]
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=settings["INSTANCE"]) as staging:
        kind = "postgresql" if _is_postgres(url) else "sqlite"
        dump = Path(staging) / ("database.pgdump" if kind == "postgresql" else "database.sqlite")
        facts = (_dump_postgres if kind == "postgresql" else _dump_sqlite)(url, dump)
        store = Path(settings["ATTACHMENTS_DIR"])
        files = [name for name in facts.pop("attachment_ids") if (store / name).is_file()]
        manifest = {"format": 1, "created_at": created.isoformat(), "database": kind,
                    **facts, "files": len(files),
                    "missing_files": facts["counts"]["attachments"] - len(files)}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as sink:
                with backup_archive.ArchiveWriter(sink, keyring, manifest["created_at"]) as archive:
                    archive.add_bytes(MANIFEST, json.dumps(manifest, indent=1).encode())
                    archive.add_file(dump.name, str(dump))
                    for name in files:
                        archive.add_file(f"attachments/{name}", str(store / name))
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(final, manifest)


# --- restore -------------------------------------------------------------------------------


def _database_is_empty(url: str) -> bool:
    if not _is_postgres(url):
        path = make_url(url).database
        if not path or not Path(path).exists():
            return True
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _unpack(archive: Path, keyring: Keyring, staging: Path) -> dict[str, Any]:
    """Read and authenticate the whole archive into ``staging``; returns the manifest."""
    (staging / "attachments").mkdir(mode=0o700)
    manifest: dict[str, Any] | None = None
    try:
        with archive.open("rb") as source:
            _, tar = backup_archive.open_archive(source, keyring)
            with tar:
                for member in tar:
                    name = member.name
                    allowed = name in (MANIFEST, "database.sqlite", "database.pgdump") or (
                        name.startswith("attachments/") and name.count("/") == 1
                        and len(name) == len("attachments/") + 32)
                    if not member.isfile() or not allowed:
                        raise backup_archive.BackupError(f"unexpected entry {name!r} in the backup")
                    handle = tar.extractfile(member)
                    assert handle is not None
                    if name == MANIFEST:
                        manifest = json.loads(handle.read())
                        continue
                    fd = os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as out:
                        shutil.copyfileobj(handle, out)
    except IntegrityFailure:
        raise backup_archive.BackupError("the backup is damaged or was altered (its "
                                         "authentication failed); nothing was restored") from None
    if manifest is None:
        raise backup_archive.BackupError("the backup has no manifest")
    return manifest


def restore_backup(settings: Mapping[str, Any], archive: Path, *, without_ledger: bool,
                   say: Callable[[str], None]) -> dict[str, Any]:
    """Restore into the fresh instance ``settings`` describe; returns the manifest.

    Raises RestoreRefused (nothing changed) or backup_archive.BackupError (nothing changed).
    """
    from .. import shred_ledger

    try:
        keyring = load_keyring(settings["KEY_FILE"], settings.get("KEYS"))
    except KeyringError as error:
        raise RestoreRefused(
            f"{error}. A restore needs the key file that was backed up separately: copy it to "
            f"{settings['KEY_FILE']} (mode 0600) or set COMPLAINTS_KEYS, then run the restore "
            "again. Nothing was changed.") from None
    ledger = shred_ledger.ledger_path(settings["KEY_FILE"])
    if not ledger.exists() and not without_ledger:
        raise RestoreRefused(
            f"no shred ledger at {ledger}. Copy the ledger backed up with the key file there, so "
            "that cases shredded after this backup stay shredded; if this instance never shredded "
            "a case, run again with --without-shred-ledger. Nothing was changed.")
    url = settings["DATABASE_URL"]
    if not _database_is_empty(url):
        raise RestoreRefused("the target database is not empty: restore into a fresh instance "
                             "(a new, empty database). Nothing was changed.")
    instance = Path(settings["INSTANCE"])
    instance.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=instance) as folder:
        staging = Path(folder)
        manifest = _unpack(archive, keyring, staging)
        missing = sorted(set(manifest.get("kek_ids", [])) - set(keyring.keks))
        if missing:
            raise RestoreRefused(
                f"the backup's cases need KEK(s) {', '.join(missing)}, which this key file lacks: "
                "use the key file in use when the backup was made. Nothing was changed.")
        _put_database_in_place(url, manifest["database"], staging)
        store = Path(settings["ATTACHMENTS_DIR"])
        store.mkdir(parents=True, exist_ok=True, mode=0o700)
        for file in (staging / "attachments").iterdir():
            os.replace(file, store / file.name)
    say(f"Restored {manifest['counts']['cases']} case(s) and {manifest['files']} file(s) from "
        f"the backup of {manifest['created_at']}.")
    return manifest


def _put_database_in_place(url: str, kind: str, staging: Path) -> None:
    target_kind = "postgresql" if _is_postgres(url) else "sqlite"
    if kind != target_kind:
        raise RestoreRefused(f"this is a {kind} backup; the instance uses {target_kind}. "
                             "Nothing was changed.")
    if kind == "sqlite":
        target = Path(make_url(url).database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / "database.sqlite", target)
        os.chmod(target, 0o600)
        return
    conninfo, env = _pg_connection(url)
    result = subprocess.run([_pg_tool("pg_restore"), "--single-transaction", "--exit-on-error",
                             "--no-owner", "--no-privileges", f"--dbname={conninfo}",
                             str(staging / "database.pgdump")], env=env, capture_output=True,
                            timeout=3600)
    if result.returncode != 0:
        raise RestoreRefused("pg_restore failed, and its single transaction was rolled back: "
                             f"{result.stderr.decode(errors='replace').strip()}")
