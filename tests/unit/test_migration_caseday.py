"""Migration caseday_1 on a database with data: clocks left running on ended cases stop,
those of open cases keep running, and the downgrade goes back cleanly."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import Boolean, Integer, MetaData, String, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from complaints.migrate import alembic_config, upgrade_database
from tests.conftest import PG_URL, _pg_admin_engine

CLOSED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def filled(table, **values):  # type: ignore[no-untyped-def]
    """A row for ``table`` with a plain value in every required column not given."""
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer):
            row[column.name] = 1
        elif isinstance(column.type, String):
            row[column.name] = "x"
        elif column.type.python_type is datetime:
            row[column.name] = CLOSED_AT
        else:
            row[column.name] = b"x"
    return row


@pytest.fixture()
def url(tmp_path):  # type: ignore[no-untyped-def]
    """An empty database of its own (the migrated test database is already at head)."""
    if PG_URL:
        name = f"complaints_m_{uuid.uuid4().hex[:10]}"
        admin = _pg_admin_engine(PG_URL)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migration.db'}"


def test_upgrade_stops_the_clocks_of_ended_cases_only(url) -> None:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    before = ScriptDirectory.from_config(alembic_config(url)).get_revision("caseday_1").down_revision
    upgrade_database(url, before)
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    cases, deadlines, checkins, keys = (meta.tables[n] for n in
                                        ("cases", "deadlines", "monitoring_checkins", "data_keys"))
    sqlite = url.startswith("sqlite")

    def uid(value: uuid.UUID):  # type: ignore[no-untyped-def]
        return value.hex if sqlite else value  # reflected SQLite UUID columns are CHAR(32)

    key_id = uid(uuid.uuid4())
    ids = {state: uid(uuid.uuid4()) for state in ("closed", "rejected", "triage")}
    with engine.begin() as conn:
        conn.execute(insert(keys).values(filled(keys, id=key_id, purpose="case")))
        for state, case_id in ids.items():
            conn.execute(insert(cases).values(filled(
                cases, id=case_id, reference=f"M-{state}", receipt_hmac=state, data_key_id=key_id,
                state=state, closed_at=CLOSED_AT if state == "closed" else None,
                updated_at=CLOSED_AT)))
            conn.execute(insert(deadlines).values(filled(
                deadlines, id=uid(uuid.uuid4()), case_id=case_id, kind="feedback", met_at=None)))
            conn.execute(insert(checkins).values(filled(
                checkins, id=uid(uuid.uuid4()), case_id=case_id, day=180, answered_at=None)))
    try:
        command.upgrade(alembic_config(url), "caseday_1")
        meta = MetaData()
        meta.reflect(engine)
        deadlines, checkins = meta.tables["deadlines"], meta.tables["monitoring_checkins"]
        with engine.connect() as conn:
            stopped = {row.case_id: row for row in conn.execute(select(deadlines))}
            asked = {row.case_id: row for row in conn.execute(select(checkins))}
        for state in ("closed", "rejected"):
            assert stopped[ids[state]].stop_reason == "case_ended" and stopped[ids[state]].ending == "moot"
            assert stopped[ids[state]].met_at.replace(tzinfo=timezone.utc) == CLOSED_AT
        assert stopped[ids["triage"]].met_at is None and stopped[ids["triage"]].stop_reason == ""
        assert asked[ids["closed"]].cancelled_at is not None
        assert asked[ids["triage"]].cancelled_at is None and asked[ids["rejected"]].cancelled_at is None
        command.downgrade(alembic_config(url), before)
        meta = MetaData()
        meta.reflect(engine)
        assert "notifications" not in meta.tables and "stop_reason" not in meta.tables["deadlines"].c
    finally:
        engine.dispose()
