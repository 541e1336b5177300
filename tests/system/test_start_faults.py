"""A missing or wrong key file under gunicorn: the server refuses to start, says why in one
line, and stops (no worker restarted again and again, no traceback)."""
from __future__ import annotations

import secrets
import shutil
import subprocess

import pytest

from complaints.crypto import Keyring, write_keyring
from tests.system.servers import Gunicorn, complaints_env
from tests.system.webclient import Browser, file_report


@pytest.fixture()
def copied_instance(running_stack, tmp_path):
    """An instance folder like the stack's, on the same database, which holds cases."""
    visitor = f"203.0.113.{secrets.randbelow(200) + 50}"  # clear of the "3 per minute" limit
    file_report(Browser(running_stack.a.base, forwarded_for=visitor), "Keys check")
    instance = tmp_path / "instance"
    shutil.copytree(running_stack.instance, instance)
    env = complaints_env(instance, running_stack.database_url, running_stack.redis.url)
    return instance, env


def refused_start(env, tmp_path) -> tuple[int, str]:
    server = Gunicorn(env, workers=2, log_dir=tmp_path)
    server.start(wait=False)
    try:
        code = server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.stop()
        pytest.fail(f"gunicorn kept running:\n{server.log()[-2000:]}")
    return code, server.log()


@pytest.mark.parametrize("damage,expected", [
    ("remove", "is missing"),
    ("other keyring", "lacks KEK"),
    ("not json", "not valid JSON"),
    ("readable by others", "chmod 600"),
])
def test_the_server_refuses_to_start_and_says_why(copied_instance, tmp_path, damage, expected):
    instance, env = copied_instance
    key_file = instance / "keys.json"
    if damage == "remove":
        key_file.unlink()
    elif damage == "other keyring":
        key_file.unlink()
        write_keyring(key_file, Keyring.generate())
    elif damage == "not json":
        key_file.write_text("{ this is not a keyring")
    else:
        key_file.chmod(0o644)
    code, log = refused_start(env, tmp_path)
    assert code == 4, log  # gunicorn's "App failed to load"
    reasons = [line for line in log.splitlines() if line.startswith("complaints: cannot start:")]
    assert reasons and all(expected in line for line in reasons), log
    assert len(reasons) == 1  # said once, by the master; no worker was started
    assert "Traceback" not in log
