"""Case references: ``C-<year>-`` and six characters, short enough to read aloud over the
phone, drawn at random so that they reveal nothing about how many cases there are.

Six characters of 32 letters are about a billion references a year, but random ones meet
sooner than that (the birthday bound: one pair in about 40,000). A reference that is already
taken is refused by the database's unique index; the services draw another one and try
again in the same transaction (``taken`` tells that refusal from any other). No Flask here.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.exc import IntegrityError

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud without doubt
LENGTH = 6
ATTEMPTS = 8  # eight draws in a row all taken: only if the year's references were nearly used up
UNIQUE_INDEX = "uq_cases_reference"


def new_reference(now: datetime) -> str:
    return f"C-{now:%Y}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def taken(error: IntegrityError) -> bool:
    """Whether the database refused a row because its case reference is already used:
    PostgreSQL names the unique index, SQLite the column."""
    cause = error.orig
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
    return constraint == UNIQUE_INDEX or "cases.reference" in str(cause)
