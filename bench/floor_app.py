"""The floor for the submission benchmark: a bare Flask + SQLAlchemy endpoint that stores
the same report fields in one row, without encryption, audit log, CSRF, rate limits,
sessions or templates. Served by gunicorn with the same settings as complaints.

``gunicorn -c python:complaints.gunicorn_conf bench.floor_app:app`` with FLOOR_DATABASE_URL.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

from flask import Flask, redirect, request
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, Uuid, create_engine, insert

metadata = MetaData()
reports = Table(
    "floor_reports", metadata,
    Column("id", Uuid, primary_key=True),
    Column("category", String(40)), Column("narrative", Text), Column("wants", String(30)),
    Column("unit_group", String(60)), Column("respondent_rank_band", String(20)),
    Column("respondent_relation", String(20)), Column("submitted_at", DateTime(timezone=True)),
)

engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_pre_ping=True, pool_size=5)
metadata.create_all(engine)
engine.dispose()  # gunicorn preloads this module: no connection crosses a fork
app = Flask(__name__)


@app.get("/")
def ready() -> str:
    return "floor"


@app.post("/submit")
def submit():  # type: ignore[no-untyped-def]
    form = request.form
    with engine.begin() as conn:
        conn.execute(insert(reports).values(
            id=uuid.uuid4(), category=form.get("category", ""), narrative=form.get("narrative", ""),
            wants=form.get("wants", ""), unit_group=form.get("unit_group", ""),
            respondent_rank_band=form.get("respondent_rank_band", ""),
            respondent_relation=form.get("respondent_relation", ""),
            submitted_at=datetime.now(timezone.utc)))
    return redirect("/sent")
