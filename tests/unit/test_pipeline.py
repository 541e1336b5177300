"""Statements sent in one round trip (complaints/pipeline.py): they run in order, in the
caller's transaction, and a failure comes out as the SQLAlchemy exception the statement alone
raises, whether the driver reports it at a later statement or when the block ends. (Rows
carry their primary keys: a key the database generates would need an answer read back.)"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from complaints.extensions import db
from complaints.models import Unit
from complaints.pipeline import one_round_trip
from tests.conftest import PG_URL

postgres_only = pytest.mark.skipif(not PG_URL, reason="psycopg's pipeline mode")


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def units() -> int:
    return db.session.execute(select(func.count()).select_from(Unit)).scalar_one()


def test_statements_run_in_order_in_the_callers_transaction(ctx):
    before = units()
    with one_round_trip(db.session) as connection:
        for n in range(3):
            connection.execute(insert(Unit.__table__), {"id": 9000 + n, "name": f"unit {n}", "unit_group": "land_forces"})
    assert units() == before + 3
    db.session.rollback()
    assert units() == before


def test_a_failure_at_the_end_of_the_block_is_sqlalchemys_exception(ctx):
    """The duplicate is the block's last statement: psycopg reports it only when the block's
    answers are read, as its own exception; the caller sees SQLAlchemy's IntegrityError."""
    with one_round_trip(db.session) as connection:
        connection.execute(insert(Unit.__table__), {"id": 9100, "name": "DUP", "unit_group": "navy"})
    with pytest.raises(IntegrityError):
        with one_round_trip(db.session) as connection:
            connection.execute(insert(Unit.__table__), {"id": 9101, "name": "DUP", "unit_group": "navy"})


@postgres_only
def test_a_connection_cut_inside_the_block_is_invalidated(ctx, database_url):
    connection = db.session.connection()
    pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with pytest.raises(OperationalError) as raised:
            with one_round_trip(db.session) as pipelined:
                with admin.connect() as other:
                    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                pipelined.execute(insert(Unit.__table__), {"id": 9200, "name": uuid.uuid4().hex, "unit_group": "navy"})
    finally:
        admin.dispose()
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert units() >= 0  # a new connection serves the next statement
