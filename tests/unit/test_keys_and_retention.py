import io
import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from complaints import attachments
from complaints.cli import cli
from complaints.crypto import Keyring, KeyringError, write_keyring
from complaints.extensions import db
from complaints.models import Attachment, Case, DataKey
from complaints.services import keys
from complaints.services.case_access import CaseNotFound, cipher_for, open_for_staff
from tests.factories import assign, make_case, make_staff


@pytest.fixture()
def file_keys(app_config, tmp_path):
    """An app whose keyring lives in a key file (rotation writes it)."""
    from complaints import create_app

    key_file = tmp_path / "instance" / "keys.json"
    write_keyring(key_file, Keyring.generate())
    config = {**app_config, "KEYS": None, "KEY_FILE": str(key_file)}
    return create_app(config), key_file


def test_rotation_keeps_every_case_readable(file_keys):
    app, key_file = file_keys
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        cases = [make_case(narrative=f"narrative {i}")[0] for i in range(3)]
        for case in cases:
            assign(case, officer, "intake")
        old = json.loads(key_file.read_text())["active"]
        new, count = keys.rotate()
        assert new != old and count == 3
        assert {k.kek_id for k in db.session.execute(select(DataKey)).scalars()} == {new}
        for i, case in enumerate(cases):
            assert open_for_staff(officer, case.id).fields["narrative"] == f"narrative {i}"
        keys.retire(old)
        assert old not in key_file.read_text()


def test_an_interrupted_rotation_leaves_every_case_readable(file_keys):
    app, key_file = file_keys
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        cases = [make_case(narrative=f"n{i}")[0] for i in range(3)]
        for case in cases:
            assign(case, officer, "intake")
        with pytest.raises(RuntimeError, match="simulated"):
            keys.rotate(fail_after=2)
        db.session.expire_all()
        for i, case in enumerate(cases):
            assert open_for_staff(officer, case.id).fields["narrative"] == f"n{i}"
        # The next rotation completes the job.
        keys.rotate()


def test_a_kek_still_in_use_cannot_be_retired(file_keys):
    app, key_file = file_keys
    with app.test_request_context():
        make_case()
        active = json.loads(key_file.read_text())["active"]
        with pytest.raises(KeyringError):
            keys.retire(active)


def test_keys_cli_status_and_rotate(file_keys):
    app, key_file = file_keys
    runner = app.test_cli_runner()
    with app.app_context():
        make_case()
    status = runner.invoke(cli, ["keys", "status"])
    assert "active" in status.output and "wraps 1 data key(s)" in status.output
    key_material = json.loads(key_file.read_text())["keks"][0]["key"]
    assert key_material not in status.output
    rotated = runner.invoke(cli, ["keys", "rotate"])
    assert rotated.exit_code == 0 and "re-wrapped" in rotated.output


def test_rotation_refuses_keys_from_the_environment(app, runner):
    result = runner.invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 1 and "COMPLAINTS_KEYS" in result.output


def test_a_keyring_missing_a_needed_kek_stops_the_app(app_config, database_url):
    from complaints import create_app

    app = create_app(app_config)
    with app.app_context():
        make_case()
    with pytest.raises(KeyringError, match="lacks KEK"):
        create_app({**app_config, "KEYS": Keyring.generate().to_json()})


def test_retention_shreds_expired_cases_but_keeps_their_statistics(app, runner, tmp_path):
    with app.test_request_context():
        officer = make_staff("olivera", ["officer"])
        old, _ = make_case(narrative="old case")
        recent, _ = make_case(narrative="recent case")
        for case in (old, recent):
            assign(case, officer, "intake")
            case.state = "closed"
        old.closed_at = datetime.now(timezone.utc) - timedelta(days=6 * 366)
        recent.closed_at = datetime.now(timezone.utc) - timedelta(days=30)
        attachment = Attachment(case_id=old.id, uploaded_by_kind="complainant", content_type="text/plain",
                                size=5, filename_enc=b"")
        db.session.add(attachment)
        db.session.flush()
        attachments.save(app.config["ATTACHMENTS_DIR"], attachment.id, cipher_for(old).key,
                         io.BytesIO(b"proof"), 100)
        db.session.commit()
        old_id, recent_id, attachment_id = old.id, recent.id, attachment.id
    dry = runner.invoke(cli, ["retention", "run", "--dry-run"])
    assert old.reference in dry.output and recent.reference not in dry.output
    assert "nothing changed" in dry.output
    result = runner.invoke(cli, ["retention", "run"])
    assert result.exit_code == 0 and "Shredded 1" in result.output
    with app.test_request_context():
        with pytest.raises(CaseNotFound):
            open_for_staff(officer, old_id)
        assert open_for_staff(officer, recent_id).fields["narrative"] == "recent case"
        assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 2
        assert db.session.get(DataKey, db.session.get(Case, old_id).data_key_id).wrapped is None
    assert not os.path.exists(attachments.path_for(app.config["ATTACHMENTS_DIR"], attachment_id))


def test_the_database_and_file_store_never_hold_the_plaintext(app, database_url):
    canary = "CANARY-7f3e9a-unique-plaintext"
    with app.test_request_context():
        case, receipt = make_case(narrative=f"It happened: {canary}")
        attachment = Attachment(case_id=case.id, uploaded_by_kind="complainant",
                                content_type="text/plain", size=0, filename_enc=b"")
        cipher = cipher_for(case)
        db.session.add(attachment)
        db.session.flush()
        attachment.filename_enc = cipher.seal("attachments", "filename_enc", attachment.id, f"{canary}.txt")
        attachments.save(app.config["ATTACHMENTS_DIR"], attachment.id, cipher.key,
                         io.BytesIO(f"file body {canary}".encode()), 10_000)
        db.session.commit()
    store = b"".join(p.read_bytes() for p in __import__("pathlib").Path(app.config["ATTACHMENTS_DIR"]).iterdir())
    assert canary.encode() not in store
    if database_url.startswith("sqlite"):
        raw = b"".join(p.read_bytes() for p in __import__("pathlib").Path(database_url[10:]).parent.glob("complaints.db*"))
        assert canary.encode() not in raw and receipt.encode() not in raw
    else:
        with app.app_context():
            dump = " ".join(str(row) for table in ("cases", "attachments", "audit_entries", "messages")
                            for row in db.session.execute(text(f"SELECT * FROM {table}")).all())
        assert canary not in dump and receipt not in dump
