"""The audit chain detects every kind of tampering; the database refuses edits itself."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from complaints import audit
from complaints.cli import cli
from complaints.extensions import db
from complaints.instance import keyring
from complaints.services import auditing


@pytest.fixture()
def chain(app):
    with app.app_context():
        for n in range(6):
            auditing.record("test.event", detail={"n": n}, actor="cli")
        db.session.commit()
        yield
        db.session.rollback()


def verify(kept=None):
    return audit.verify(db.session, keyring().audit_key, kept)


def bypass_triggers(statement: str, **params) -> None:
    """Tamper as someone with raw database access would, triggers disabled."""
    db.session.rollback()  # release our own (SQLite: write-locked) transaction first
    engine = db.engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            conn.execute(text(statement), params)
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
            conn.execute(text(statement), params)
    db.session.expire_all()


def test_an_intact_chain_verifies(chain):
    result = verify()
    assert result.ok and result.entries == 6


def test_updates_and_deletes_are_refused_by_the_database(chain):
    db.session.rollback()
    for statement in ("UPDATE audit_entries SET action = 'x' WHERE seq = 2",
                      "DELETE FROM audit_entries WHERE seq = 2"):
        with pytest.raises(DatabaseError):
            with db.engine.begin() as conn:
                conn.execute(text(statement))


def test_an_edited_entry_is_named(chain):
    bypass_triggers("UPDATE audit_entries SET detail = :detail WHERE seq = 3", detail='{"n":99}')
    result = verify()
    assert not result.ok and result.first_broken_seq == 3


def test_a_deleted_entry_is_named(chain):
    bypass_triggers("DELETE FROM audit_entries WHERE seq = 4")
    result = verify()
    assert not result.ok and result.first_broken_seq == 4 and "missing" in result.problem


def test_an_inserted_entry_is_detected(chain):
    bypass_triggers("UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 5")
    bypass_triggers("UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000")
    bypass_triggers("INSERT INTO audit_entries (seq, at, actor, action, detail, mac) "
                    "SELECT 5, at, 'cli', 'forged', '', mac FROM audit_entries WHERE seq = 4")
    result = verify()
    assert not result.ok and result.first_broken_seq == 5


def test_reordered_entries_are_detected(chain):
    bypass_triggers("UPDATE audit_entries SET seq = 100 WHERE seq = 2")
    bypass_triggers("UPDATE audit_entries SET seq = 2 WHERE seq = 3")
    bypass_triggers("UPDATE audit_entries SET seq = 3 WHERE seq = 100")
    result = verify()
    assert not result.ok and result.first_broken_seq == 2


def test_a_cut_off_tail_is_detected_with_the_kept_head(chain):
    kept = (verify().head_seq, verify().head_mac)
    bypass_triggers("DELETE FROM audit_entries WHERE seq >= 5")
    db.session.rollback()
    with db.engine.begin() as conn:  # the attacker also rewinds the stored head
        row = conn.execute(text("SELECT mac FROM audit_entries WHERE seq = 4")).scalar_one()
        conn.execute(text("UPDATE audit_head SET seq = 4, mac = :mac"), {"mac": row})
    db.session.expire_all()
    assert verify().ok  # without the kept head the shorter chain looks whole
    result = verify(kept)
    assert not result.ok and "removed from the end" in result.problem


def test_concurrent_writers_keep_one_chain(app):
    errors = []

    def writer(n: int) -> None:
        with app.app_context():
            session = Session(db.engine)
            try:
                for i in range(5):
                    audit.append(session, keyring().audit_key, actor="cli", action="load",
                                 detail={"w": n, "i": i})
                    session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                session.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        result = verify()
        assert result.ok and result.entries == 20


def test_audit_cli_head_and_verify(app, runner, chain, tmp_path):
    head = runner.invoke(cli, ["audit", "head"])
    assert head.exit_code == 0
    seq, mac = head.output.split()
    assert seq == "6" and len(mac) == 64
    kept = tmp_path / "head.txt"
    kept.write_text(head.output)
    assert runner.invoke(cli, ["audit", "verify", "--head", str(kept)]).exit_code == 0
    with app.app_context():
        bypass_triggers("UPDATE audit_entries SET actor = 'someone' WHERE seq = 2")
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and "entry 2" in result.output
