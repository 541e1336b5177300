"""`complaints --help` is the product's, and asking for help changes nothing on disk."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _complaints(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTS_")}
    return subprocess.run([sys.executable, "-c", "from complaints.cli import main; main()", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_help_lists_the_product_commands_without_flask_options(tmp_path):
    result = _complaints("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("run", "init", "demo", "users", "keys", "audit", "retention", "deadlines"):
        assert f"  {command} " in result.stdout
    for generic in ("--app", "--env-file", "--debug", "limiter", "python-dotenv"):
        assert generic not in result.stdout
    assert list(tmp_path.iterdir()) == []  # no instance folder made by asking for help


def test_help_of_a_command_does_not_prepare_an_instance(tmp_path):
    result = _complaints("users", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "add" in result.stdout
    assert list(tmp_path.iterdir()) == []
