"""`complaints run` on a fresh machine: instance folder, migrations, keys, serving."""
from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_")}
    env["COMPLAINTS_INSTANCE"] = str(instance)
    return env


def complaints_cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from complaints.cli import main; main()", *args]


def start_server(instance: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        complaints_cli("run", "--host", "127.0.0.1", "--port", str(port)),
        env=cli_env(instance), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for_home(port: int, process: subprocess.Popen, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not answer in time")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_run_prepares_a_fresh_instance_and_serves(tmp_path):
    instance = tmp_path / "instance"
    port = free_port()
    server = start_server(instance, port)
    try:
        page = wait_for_home(port, server)
    finally:
        output = stop(server)
    assert "Report discrimination" in page
    key_file = instance / "keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert f"created the key file {key_file}" in output
    assert "back it up" in output
    assert (instance / "complaints.db").exists()

    # Starting twice is harmless: same keys, no new key file, still serving.
    keys_before = key_file.read_bytes()
    port = free_port()
    server = start_server(instance, port)
    try:
        wait_for_home(port, server)
    finally:
        output = stop(server)
    assert key_file.read_bytes() == keys_before
    assert "created the key file" not in output


def test_a_missing_key_file_with_existing_cases_refuses_to_start(tmp_path):
    instance = tmp_path / "instance"
    result = subprocess.run(complaints_cli("init"), env=cli_env(instance), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(instance / "complaints.db") as conn:
        conn.execute("INSERT INTO data_keys (id, purpose, kek_id, wrapped, created_at) "
                     "VALUES ('0123456789abcdef0123456789abcdef', 'case', 'kek-x', x'00', "
                     "'2026-01-01 00:00:00')")
    (instance / "keys.json").unlink()
    result = subprocess.run(complaints_cli("init"), env=cli_env(instance), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "key file" in result.stderr and "missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (instance / "keys.json").exists()


@pytest.mark.parametrize("content,mode,expected", [
    ("not json", 0o600, "not valid JSON"),
    ('{"keks": []}', 0o600, "missing"),
    (None, 0o644, "chmod 600"),
])
def test_a_wrong_key_file_stops_the_app_with_a_clear_message(tmp_path, content, mode, expected):
    instance = tmp_path / "instance"
    assert subprocess.run(complaints_cli("init"), env=cli_env(instance),
                          capture_output=True, timeout=60).returncode == 0
    key_file = instance / "keys.json"
    if content is not None:
        key_file.write_text(content)
    key_file.chmod(mode)
    result = subprocess.run(complaints_cli("run", "--port", str(free_port())),
                            env=cli_env(instance), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "cannot start" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_the_sqlite_database_is_private_even_when_the_folder_exists(tmp_path, umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)  # made beforehand, e.g. by a deployment tool
    result = subprocess.run(["sh", "-c", f"umask {umask:03o} && exec \"$@\"", "sh",
                             *complaints_cli("init")], env=cli_env(instance),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for name in ("complaints.db", "complaints.db-wal", "complaints.db-shm"):
        path = instance / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert (instance / "complaints.db").exists()
