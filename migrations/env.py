"""Alembic environment: the URL comes from complaints.migrate (or alembic.ini's override)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import event, text

from complaints.extensions import make_engine
from complaints.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    if engine.dialect.name == "sqlite":
        # Batch migrations rebuild a SQLite table (copy, drop, rename); with foreign keys
        # enforced, dropping a table that filled rows point to fails. Enforcement is off while
        # migrating, and every reference is checked once the migrations are done.
        @event.listens_for(engine, "connect")
        def foreign_keys_off(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        with engine.connect() as connection:
            _run(connection)
            if engine.dialect.name == "sqlite":
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} broken reference(s): {broken[:5]}")
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
