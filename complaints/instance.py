"""The instance folder: database, key file, secret key, attachment store.

``prepare_instance`` makes a fresh machine ready (idempotent, so starting twice is
harmless); ``configure_secrets`` loads what the app needs and refuses to start, with a
message naming what is missing, when something is wrong.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any, Callable, Mapping

from flask import Flask, current_app
from sqlalchemy import func, inspect, select

from .config import SettingsError
from .crypto import Keyring, KeyringError, load_keyring, write_keyring

KEYRING_EXTENSION = "complaints.keyring"


def keyring() -> Keyring:
    """The keyring of the running app."""
    return current_app.extensions[KEYRING_EXTENSION]


def profile():  # type: ignore[no-untyped-def]
    """The procedure profile chosen by COMPLAINTS_PROCEDURE (procedures.Profile)."""
    return current_app.extensions["complaints.profile"]


def configure_secrets(app: Flask) -> None:
    if (Path(app.config["INSTANCE"]) / "DEMO").exists():
        app.config["DEMO"] = True  # `complaints demo` marked this instance: banner on every page
    if not app.config.get("SECRET_KEY"):
        path = Path(app.config["SECRET_KEY_FILE"])
        if not path.exists():
            raise SettingsError(
                f"the secret key file {path} is missing; run `complaints run` (or "
                "`complaints init`) once to prepare the instance folder"
            )
        check_private(path, "the secret key file")
        app.config["SECRET_KEY"] = path.read_text(encoding="ascii").strip()
    app.extensions[KEYRING_EXTENSION] = load_keyring(app.config["KEY_FILE"], app.config.get("KEYS"))


def check_private(path: Path, what: str) -> None:
    """Refuse a secret file other users can read, as the key file is refused: the session
    secret signs every cookie, so whoever reads it can forge one."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SettingsError(f"{what} {path} can be read by other users (mode {mode:o}); "
                            f"run: chmod 600 {path}")


def check_keyring_against_database(app: Flask) -> None:
    """Refuse to start when data keys need a KEK the keyring lacks (a wrong key file)."""
    from .extensions import db
    from .services.keys import check_keyring_covers_database

    from sqlalchemy.exc import OperationalError, ProgrammingError

    with app.app_context():
        try:
            check_keyring_covers_database(app.extensions[KEYRING_EXTENSION], db.session)
        except (OperationalError, ProgrammingError):
            # Database unreachable or not migrated yet: requests will say so; the keys are
            # checked again by `complaints init` / `complaints run`.
            db.session.rollback()
        finally:
            db.session.remove()


def prepare_instance(settings: Mapping[str, Any], say: Callable[[str], None] = print) -> None:
    """Create the instance folder, migrate the database and create missing keys."""
    from .migrate import upgrade_database

    instance = Path(settings["INSTANCE"])
    if not instance.exists():
        instance.mkdir(parents=True, mode=0o700)
        say(f"Created the instance folder {instance}")
    Path(settings["ATTACHMENTS_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)

    secret_file = Path(settings["SECRET_KEY_FILE"])
    if not secret_file.exists():
        _write_private(secret_file, secrets.token_hex(32))
        say(f"Created the session secret key {secret_file}")

    upgrade_database(settings["DATABASE_URL"])
    _ensure_keyring(settings, say)
    reapply_shred_ledger(settings, say)


def reapply_shred_ledger(settings: Mapping[str, Any], say: Callable[[str], None]) -> list:
    """Destroy again the data keys the shred ledger names (after a restore of an older backup);
    removes those cases' evidence files. Returns the ids of the cases shredded again."""
    from sqlalchemy.orm import Session

    from . import attachments, audit, shred_ledger
    from .extensions import make_engine
    from .models import Attachment

    entries = shred_ledger.read(shred_ledger.ledger_path(settings["KEY_FILE"]))
    if not entries:
        return []
    engine = make_engine(settings["DATABASE_URL"])
    try:
        with Session(engine) as session, session.begin():
            case_ids = shred_ledger.apply(session, entries)
            files = list(session.execute(select(Attachment.id).where(
                Attachment.case_id.in_(case_ids))).scalars()) if case_ids else []
            audit_key = load_keyring(settings["KEY_FILE"], settings.get("KEYS")).audit_key
            for case_id in case_ids:
                audit.append(session, audit_key, actor="cli", action="retention.reshred",
                             case_id=case_id, detail={"source": "shred ledger"})
    finally:
        engine.dispose()
    for attachment_id in files:
        attachments.remove(settings["ATTACHMENTS_DIR"], attachment_id)
    if case_ids:
        say(f"Shredded again {len(case_ids)} case(s) named in the shred ledger "
            "(the database held keys that retention had destroyed).")
    return case_ids


def _ensure_keyring(settings: Mapping[str, Any], say: Callable[[str], None]) -> None:
    if settings.get("KEYS"):
        load_keyring(settings["KEY_FILE"], settings["KEYS"])  # validate only
        return
    key_file = Path(settings["KEY_FILE"])
    if key_file.exists():
        load_keyring(key_file, None)
        return
    if _database_has_data_keys(settings["DATABASE_URL"]):
        raise KeyringError(
            f"the key file {key_file} is missing, but the database holds encrypted cases. "
            "Restore the key file from your backup (or set COMPLAINTS_KEYS). A new key "
            "would not open them, so none was created."
        )
    write_keyring(key_file, Keyring.generate())
    say(
        f"WARNING: created the key file {key_file}. It holds the keys to every case: back it "
        "up now, somewhere safe and separate from database backups. Without it no case can "
        "be opened."
    )


def _database_has_data_keys(url: str) -> bool:
    from .extensions import make_engine
    from .models import DataKey

    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("data_keys"):
            return False
        with engine.connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(DataKey)).scalar())
    finally:
        engine.dispose()


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
