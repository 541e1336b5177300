"""Extensions created once here and bound to the app in create_app."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import select
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.engine import make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from .i18n import RequestBabel, organisation_zone, select_locale


class Database:
    """The engine and a request-scoped session, without Flask-SQLAlchemy.

    On SQLite every transaction starts with BEGIN IMMEDIATE: writers queue on the database
    lock instead of failing half-way when two of them upgrade a read lock at once, which
    keeps the audit chain and multi-row writes safe under concurrency. PostgreSQL locks the
    rows it needs (see audit.append).
    """

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] = scoped_session(sessionmaker())

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine, expire_on_commit=False)

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            if exc is not None:
                self.session.rollback()
            self.session.remove()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        _make_sqlite_transactions_immediate(engine)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=5)
    _ping_after_idling(engine)
    return engine


IDLE_BEFORE_PING = 10.0  # seconds


def _ping_after_idling(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle for a while.

    A connection that served a request a moment ago is almost surely alive; pinging it
    anyway (``pool_pre_ping``) costs every request a round trip. One that idled may have
    been cut (a database restart or failover, a firewall's idle timeout): it is pinged, and
    a dead one replaced before the request sees it. So is one whose socket has news (the
    server closed it a moment ago, between two requests). A connection that dies while in use
    fails its statement; SQLAlchemy then invalidates it and every connection pooled before
    it, so the next request connects afresh (tests/web/test_database_connections.py).
    """
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, proxy):  # type: ignore[no-untyped-def]
        idled = time.monotonic() - record.info.get("returned_at", 0.0) >= IDLE_BEFORE_PING
        if not idled and not _server_spoke(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("an idle connection was lost") from error  # the pool reconnects


def _server_spoke(dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
    """Whether a pooled connection's socket has something to read. Between requests the server
    only speaks first when it ends the connection (a restart or failover a moment ago, an
    administrator's kill): one system call, no round trip, catches what the idle rule can't."""
    try:
        descriptor = dbapi_connection.fileno()
    except Exception:  # closed already, or a driver without one: let the ping decide
        return True
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(0))


def _create_private_sqlite_file(url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would follow the umask, often 0644);
    SQLite gives its -wal and -shm files the mode of the database file."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except FileNotFoundError:
        return  # no such folder: SQLite will say so when it connects


def _make_sqlite_transactions_immediate(engine: Engine) -> None:
    # The pysqlite recipe from the SQLAlchemy docs: take over BEGIN from the driver.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, never the address itself."""
    secret = current_app.config["SECRET_KEY"]
    secret_bytes = secret.encode() if isinstance(secret, str) else secret
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(secret_bytes, b"ratelimit:" + address, hashlib.sha256).hexdigest()[:32]


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_key, headers_enabled=False)
babel = RequestBabel()


class LimitLogWithoutKey(logging.Filter):
    """Flask-Limiter logs "ratelimit LIMIT (KEY) exceeded at endpoint: E". Our key is a keyed
    hash of the client address, which anyone holding the secret reverses by trying every
    address: keep the limit and the endpoint, drop the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 3 and "exceeded" in str(record.msg):
            record.msg, record.args = "ratelimit %s exceeded at endpoint: %s", (record.args[0], record.args[2])
        return True


def register(app: Flask) -> None:
    """Bind every extension to ``app``."""
    db.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # Redis down: count in each worker's memory meanwhile (still throttled, never a 500).
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    if not any(isinstance(f, LimitLogWithoutKey) for f in limiter.logger.filters):
        limiter.logger.addFilter(LimitLogWithoutKey())
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the sign-in page explains itself (this one was English only)
    login_manager.session_protection = None  # our per-user nonce does this job (auth)
    # Catalogues live in complaints/translations (relative to the package, so installs find them).
    # Dates are read on the organisation's clock, where its deadlines end (i18n.on_local_clock).
    babel.init_app(app, default_locale="en_GB", timezone_selector=organisation_zone,
                   default_translation_directories="translations", locale_selector=select_locale)

