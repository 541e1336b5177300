"""The secure floor for the submission benchmark: the least an anonymous report must cost
under this project's security requirements, on the fixed stack, written as directly as it
allows. It answers the question the floor can't: how much of the gap between complaints and
a bare insert is the security itself, and how much is complaints.

Per report, as complaints does it, and nothing more:
- Flask's signed session cookie holds the CSRF token; Flask-WTF checks it;
- WTForms validates complaints' own report form (the same fields and rules);
- the proof of work is checked (complaints.proof) and spent once in Redis (one round trip);
- a data key is made for the case and wrapped under the key-encryption key; the texts are
  sealed with it (AES-GCM, complaints.crypto);
- a receipt is drawn and stored only as an HMAC; it waits, sealed, for its one-time page;
- one transaction writes the data key, the case and the sealed receipt (one round trip),
  reads and locks the audit chain's head, writes the chained entry with the new head (one
  statement) and commits, with SQLAlchemy Core.

Left out, because they are the product's own work rather than security: the procedure's
rows (deadlines, the respondent as a party, the first step), the coordinators' notices, the
second press of Send finding the first's receipt, the case reference.

``gunicorn -c python:complaints.gunicorn_conf bench.secure_floor_app:app`` with
SECURE_FLOOR_DATABASE_URL and SECURE_FLOOR_REDIS_URL.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
import uuid
from datetime import datetime, timezone

import redis
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, abort, redirect, session
from flask_babel import Babel
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from sqlalchemy import (BigInteger, Column, DateTime, Integer, LargeBinary, MetaData, String, Table,
                        Uuid, bindparam, create_engine, insert, select, update)

from complaints import proof
from complaints.audit import GENESIS_MAC, canonical, compute_mac, encode_detail
from complaints.crypto import associated_data, new_receipt, receipt_index, seal_bytes
from complaints.forms.report import ReportForm

metadata = MetaData()
data_keys = Table("sf_data_keys", metadata, Column("id", Uuid, primary_key=True),
                  Column("wrapped", LargeBinary), Column("created_at", DateTime(timezone=True)))
cases = Table(
    "sf_cases", metadata, Column("id", Uuid, primary_key=True), Column("receipt_hmac", String(64), unique=True),
    Column("data_key_id", Uuid), Column("category", String(40)), Column("wants", String(30)),
    Column("anonymous", String(5)), Column("unit_group", String(60)),
    Column("respondent_rank_band", String(20)), Column("respondent_relation", String(20)),
    Column("narrative_enc", LargeBinary), Column("respondent_enc", LargeBinary),
    Column("submitted_at", DateTime(timezone=True)))
handoffs = Table("sf_handoffs", metadata, Column("token_hash", String(64), primary_key=True),
                 Column("receipt_enc", LargeBinary), Column("created_at", DateTime(timezone=True)))
head = Table("sf_audit_head", metadata, Column("id", Integer, primary_key=True),
             Column("seq", BigInteger), Column("mac", String(64)))
entries = Table("sf_audit_entries", metadata, Column("seq", BigInteger, primary_key=True),
                Column("at", DateTime(timezone=True)), Column("actor", String(80)),
                Column("action", String(60)), Column("case_id", Uuid), Column("detail", String),
                Column("mac", String(64)))

_LOCK_HEAD = select(head.c.seq, head.c.mac).where(head.c.id == 1).with_for_update()
_WRITE_ENTRY_AND_HEAD = update(head).where(head.c.id == 1).values(
    seq=bindparam("seq", type_=BigInteger), mac=bindparam("mac", type_=String)).add_cte(
    insert(entries).values({c.key: bindparam(c.key, type_=c.type) for c in entries.columns}).cte("entry"))

engine = create_engine(os.environ["SECURE_FLOOR_DATABASE_URL"], pool_size=5)
metadata.create_all(engine)
with engine.begin() as setup:
    if setup.execute(select(head.c.id)).first() is None:
        setup.execute(insert(head).values(id=1, seq=0, mac=GENESIS_MAC))
engine.dispose()  # gunicorn preloads this module: no connection crosses a fork
store = redis.Redis.from_url(os.environ["SECURE_FLOOR_REDIS_URL"])

KEK, INDEX_KEY, AUDIT_KEY, PROOF_KEY = (secrets.token_bytes(32) for _ in range(4))
app = Flask(__name__)
app.config.update(SECRET_KEY=secrets.token_hex(32), WTF_CSRF_TIME_LIMIT=None)
Babel(app)
CATEGORIES = [("SH_VERBAL", "Verbal sexual harassment"), ("SH_PHYSICAL", "Physical sexual harassment"),
              ("DISCRIMINATION", "Discrimination")]


def _form() -> ReportForm:
    form = ReportForm()
    form.category.choices = CATEGORIES
    return form


@app.get("/")
def ready() -> str:
    return "secure floor"


@app.get("/report")
def report_form() -> str:
    challenge = proof.issue(PROOF_KEY, "report", 8, time.time())
    return ('<form method="post" enctype="multipart/form-data">'
            f'<input id="csrf_token" name="csrf_token" type="hidden" value="{escape(generate_csrf())}">'
            f'<input name="proof_challenge" type="hidden" value="{escape(challenge.token)}">'
            '<button>Send</button></form>')


def _spent_once(form: ReportForm) -> bool:
    challenge = proof.parse(PROOF_KEY, "report", form.proof_challenge.data)
    if challenge is None or not proof.solved(challenge, form.proof_nonce.data or ""):
        return False
    return bool(store.set(f"spent:{challenge.salt}", 1, nx=True, ex=3600))


@app.post("/report")
def report():  # type: ignore[no-untyped-def]
    form = _form()
    if not form.validate_on_submit() or not _spent_once(form):
        abort(400)
    now = datetime.now(timezone.utc)
    case_id, key_id, key = uuid.uuid4(), uuid.uuid4(), AESGCM.generate_key(bit_length=256)
    receipt, token = new_receipt(), secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    sealed_receipt = seal_bytes(hashlib.sha256(token.encode() + KEK).digest(),
                                json.dumps({"receipt": receipt}).encode(),
                                associated_data("sf_handoffs", "receipt_enc", token_hash))
    case = {
        "id": case_id, "receipt_hmac": receipt_index(INDEX_KEY, receipt), "data_key_id": key_id,
        "category": form.category.data, "wants": form.wants.data, "anonymous": "yes",
        "unit_group": form.unit_group.data, "respondent_rank_band": form.respondent_rank_band.data,
        "respondent_relation": form.respondent_relation.data, "submitted_at": now,
        "narrative_enc": seal_bytes(key, form.narrative.data.encode(),
                                    associated_data("sf_cases", "narrative_enc", case_id)),
        "respondent_enc": seal_bytes(key, (form.respondent.data or "").encode(),
                                     associated_data("sf_cases", "respondent_enc", case_id)),
    }
    with engine.begin() as connection:
        with connection.connection.driver_connection.pipeline():  # the three inserts: one round trip
            connection.execute(insert(data_keys), {"id": key_id, "created_at": now, "wrapped": seal_bytes(
                KEK, key, associated_data("sf_data_keys", "wrapped", key_id))})
            connection.execute(insert(cases), case)
            connection.execute(insert(handoffs), {"token_hash": token_hash, "receipt_enc": sealed_receipt,
                                                  "created_at": now})
        seq, mac = connection.execute(_LOCK_HEAD).one()
        detail = encode_detail({"category": form.category.data, "files": 0})
        entry = {"seq": seq + 1, "at": now, "actor": "complainant", "action": "case.submit",
                 "case_id": case_id, "detail": detail}
        entry["mac"] = compute_mac(AUDIT_KEY, mac, canonical(seq + 1, now, "complainant", "case.submit",
                                                            case_id, detail))
        connection.execute(_WRITE_ENTRY_AND_HEAD, entry)
    session["receipt_handoff"] = token
    return redirect("/report/sent")
