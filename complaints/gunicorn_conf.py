"""gunicorn settings for production: ``gunicorn -c python:complaints.gunicorn_conf
--bind 127.0.0.1:8000 --workers 4 complaints.wsgi:app`` (see docs/manual/deployment.md).

The point of this file is what the logs keep: the access log has method, path (without the
query string), status, size and duration, never the client's address, user agent or
referrer; the error log has every address blanked, because gunicorn names the client when
it refuses a malformed request. Command-line options override anything here.
"""
from __future__ import annotations

import atexit
import gc
import ipaddress
import logging
import os
import re
import shutil
import tempfile

from gunicorn.glogging import Logger

# sync workers: one request at a time per worker, behind a buffering reverse proxy.
worker_class = "sync"
workers = 2
timeout = 60                 # a 20 MB upload on a slow link still fits
graceful_timeout = 30
max_requests = 5000          # recycle workers now and then: bounded memory
max_requests_jitter = 500
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = "127.0.0.1"
control_socket_disable = True  # gunicorn >= 25: no control socket in $HOME (several instances)
# Load the app once in the master: a missing key file stops the server at once with one
# line, and workers share the loaded code's memory.
preload_app = True

accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(m)s %(U)s %(s)s %(B)s %(M)sms'

# Candidates only; ipaddress decides (so a time like 08:15:45 is left alone).
CANDIDATE = re.compile(r"(?<![\w.:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})"
                       r"(?![\w.:])|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    for candidate in (text, text.rstrip(":")):  # "ip=::1: message"
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return "[address]" + text[len(candidate):]
    return text


def without_addresses(text: str) -> str:
    """Blank every IPv4 and IPv6 address in a log line."""
    return CANDIDATE.sub(_blank, text)


class NoAddresses(logging.Filter):
    """Blank addresses in the message and in any traceback text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = without_addresses(record.getMessage()), ()
        if record.exc_info:
            record.exc_text = without_addresses(logging.Formatter().formatException(record.exc_info))
        return True


class NoAddressLogger(Logger):
    """gunicorn's logger with the NoAddresses filter on the error log (its "Invalid request
    from ip=..." warning would otherwise keep the client's address)."""

    def setup(self, cfg):  # type: ignore[no-untyped-def]
        super().setup(cfg)
        self.error_log.addFilter(NoAddresses())


logger_class = NoAddressLogger

# Metrics summed over every worker: each process writes its counters into this folder
# (prometheus_client's multiprocess mode). Set before the app is loaded, emptied at start;
# a folder made here (none was given) is removed when the master exits.
MADE_METRICS_FOLDER = ""
_arbiter = None  # the running server, once started


def _remove_made_metrics_folder(master_pid: int) -> None:
    """At the master's exit, also when the app failed to load (gunicorn calls no on_exit
    then). Not in a worker (forked, it inherits this handler), nor after a binary upgrade
    (USR2), whose new master inherited the folder."""
    if os.getpid() == master_pid and not getattr(_arbiter, "reexec_pid", 0):
        shutil.rmtree(MADE_METRICS_FOLDER, ignore_errors=True)


if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    MADE_METRICS_FOLDER = tempfile.mkdtemp(prefix="complaints-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = MADE_METRICS_FOLDER
    atexit.register(_remove_made_metrics_folder, os.getpid())


def on_starting(server):  # type: ignore[no-untyped-def]
    global _arbiter
    _arbiter = server
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, mode=0o700, exist_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """What the master loaded (the app, its templates, catalogues and models) lives as long as
    the workers: frozen out of the garbage collector's reach, a worker's full collections
    scan only what it made itself, and never write to the pages it shares with the master
    (gc.freeze(), as Python's documentation advises for a server that forks)."""
    gc.freeze()


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """Database connections opened in the master (the start-up key check) must not be
    shared by the workers: each worker opens its own."""
    from complaints.extensions import db

    if db.engine is not None:
        db.engine.dispose(close=False)
