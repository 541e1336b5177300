"""Several statements in one round trip to the database. No Flask here.

On PostgreSQL, psycopg's pipeline mode sends the statements of a block together and reads
their answers together when the block ends; elsewhere (SQLite, inside the process) they run
one by one as usual. Only statements whose answer nobody reads belong in a block: inserts,
updates, deletes, SET and SAVEPOINT (SQLAlchemy can't read the rows of a pipelined
statement). If one of them fails, the rest of the block is skipped by the server and the
error comes out where the block ends, as the SQLAlchemy exception the statement alone would
have raised; a broken connection is invalidated exactly as SQLAlchemy does it for any
statement, so the next request gets a new one.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


@contextmanager
def one_round_trip(session: Session) -> Iterator[Connection]:
    """The session's connection, with the statements executed on it in the block sent in
    one round trip where the driver can. Pending ORM changes are not flushed by this."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    pipeline = getattr(driver, "pipeline", None) if connection.dialect.name == "postgresql" else None
    if pipeline is None:
        yield connection
        return
    try:
        with pipeline():
            yield connection
    except connection.dialect.loaded_dbapi.Error as error:
        # The driver's error, raised when the block's answers were read: wrapped, and the
        # connection invalidated on a disconnect, by SQLAlchemy's own handling of a failed
        # statement (the same code path any execute() takes).
        connection._handle_dbapi_exception(error, "(statements sent in one round trip)",
                                           None, None, None)
