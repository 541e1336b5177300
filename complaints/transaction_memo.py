"""Answers one transaction has already read, kept until it ends or writes what they depend on.

A case page asked the database the same questions many times: in which capacities the
reader is assigned (policy, from seven services) and what the case's data key is (six
services unwrapping it). Each answer is now kept in the session for the rest of the
transaction that read it, and dropped:

- when the transaction ends (commit, rollback, or the session closing): nothing is kept
  from one transaction to the next, so a check never rests on data another transaction may
  have changed since;
- when a statement of this transaction writes a table the answer was read from, however it
  is sent (an ORM flush, ``session.execute`` or the session's connection): every statement
  that is not a read is looked at on its way to the database;
- on a rollback to a savepoint, or any statement it can't tell is harmless: all of them.

No Flask here: policy (domain) and services use it alike.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Hashable, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

T = TypeVar("T")

_KEY = "transaction_memo"
_READS = ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA", "SHOW")
_WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")
_WORD = re.compile(r"[a-z_][a-z0-9_]*")


class _Memo:
    def __init__(self) -> None:
        self.answers: dict[Hashable, tuple[frozenset[str], Any]] = {}
        self.connection_infos: list[dict[Any, Any]] = []  # of the pooled connections it was read on

    def forget(self, tables: set[str] | None = None) -> None:
        if tables is None:
            self.answers.clear()
            return
        for key in [key for key, (read, _) in self.answers.items() if read & tables]:
            del self.answers[key]


def remembered(session: Session, key: Hashable, tables: tuple[str, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s answer, read once per transaction: ``tables`` are those it reads."""
    memo = session.info.get(_KEY)
    if memo is not None and key in memo.answers:
        if session.autoflush and (session.new or session.dirty or session.deleted):
            session.flush()  # as the query would have: a pending write may change the answer
        if key in memo.answers:
            return memo.answers[key][1]
    value = compute()
    memo = session.info.get(_KEY)  # compute() may have begun the transaction
    if memo is not None:
        memo.answers[key] = (frozenset(tables), value)
    return value


@event.listens_for(Session, "after_begin")
def _on_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    memo = session.info.setdefault(_KEY, _Memo())
    memo.connection_infos.append(connection.info)
    connection.info[_KEY] = memo


@event.listens_for(Session, "after_transaction_end")
def _on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: its rollback is a statement, seen below
    memo = session.info.pop(_KEY, None)
    if memo is None:
        return
    memo.forget()
    for info in memo.connection_infos:  # the connection itself may be closed by now
        if info.get(_KEY) is memo:
            del info[_KEY]


@event.listens_for(Engine, "before_cursor_execute")
def _on_statement(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                  executemany: bool) -> None:
    memo = conn.info.get(_KEY)
    if memo is None or not memo.answers:
        return
    head = statement.lstrip()[:9].upper()
    if head.startswith(_READS):
        return
    if head.startswith(_WRITES):
        memo.forget(set(_WORD.findall(statement.lower())))
    else:
        memo.forget()  # ROLLBACK TO SAVEPOINT, or anything unknown
