"""The shipped gunicorn settings keep no client address in any log."""
import logging

import importlib

import pytest


@pytest.fixture()
def gunicorn_conf(monkeypatch, tmp_path):
    """The settings module, imported with the metrics folder already named: on import it sets
    PROMETHEUS_MULTIPROC_DIR for gunicorn, which must not leak into the other tests' process
    (their /metrics would read an empty folder instead of their own counters)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    return importlib.import_module("complaints.gunicorn_conf")


@pytest.mark.parametrize("line,kept", [
    ("Invalid request from ip=203.0.113.9: Invalid HTTP Version", "Invalid request from ip=[address]: "),
    ("Invalid request from ip=::1: bad", "ip=[address]: bad"),
    ("peer 2001:db8::17 and ::ffff:10.0.0.1 gone", "peer [address] and [address] gone"),
])
def test_addresses_are_blanked(gunicorn_conf, line, kept):
    assert kept in gunicorn_conf.without_addresses(line)


def test_times_and_versions_of_other_shapes_are_left_alone(gunicorn_conf):
    assert gunicorn_conf.without_addresses("at 08:15:45, gunicorn 23.0") == "at 08:15:45, gunicorn 23.0"


def test_the_filter_blanks_arguments_and_tracebacks(gunicorn_conf):
    try:
        raise ValueError("from 198.51.100.7")
    except ValueError:
        import sys
        record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1,
                                   "error from ip=%s", ("198.51.100.8",), sys.exc_info())
    assert gunicorn_conf.NoAddresses().filter(record)
    assert logging.Formatter().format(record).count("198.51.100") == 0


def test_the_access_log_format_has_no_address_agent_referrer_or_query(gunicorn_conf):
    for atom in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%(r)s", "%({x-forwarded-for}i)s"):
        assert atom not in gunicorn_conf.access_log_format
    assert gunicorn_conf.logger_class is gunicorn_conf.NoAddressLogger


def test_what_the_master_loaded_is_frozen_before_each_fork(gunicorn_conf):
    """gunicorn finds the hook by its setting's name; it freezes the master's objects out of
    the collector's reach, so a worker's full collections scan only its own."""
    import gc

    from gunicorn.config import Config

    config = Config()
    config.set("pre_fork", gunicorn_conf.pre_fork)  # refused unless gunicorn knows the setting
    assert config.pre_fork is gunicorn_conf.pre_fork
    assert gc.get_freeze_count() == 0
    try:
        config.pre_fork(None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
