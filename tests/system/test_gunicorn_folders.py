"""gunicorn with the shipped settings leaves nothing behind in the temporary folder: the
metrics folder it makes for prometheus_client (when PROMETHEUS_MULTIPROC_DIR is not set, as
in a plain `gunicorn -c python:complaints.gunicorn_conf`) goes when the server stops, and
when it refuses to start. Each start used to leave an empty complaints-metrics-* folder in
/tmp, 14 per test run."""
from __future__ import annotations

from tests.system.servers import Gunicorn, complaints_env, prepare_instance


def server_env(tmp_path):
    scratch = tmp_path / "tmp"  # the server's TMPDIR, so that only its folders are in it
    scratch.mkdir()
    env = complaints_env(tmp_path / "instance", f"sqlite:///{tmp_path / 'instance' / 'complaints.db'}", None,
                         TMPDIR=str(scratch))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    prepare_instance(env)
    return env, scratch


def test_the_metrics_folder_goes_with_the_server(tmp_path):
    env, scratch = server_env(tmp_path)
    with Gunicorn(env, workers=1, log_dir=tmp_path) as server:
        made = list(scratch.glob("complaints-metrics-*"))
        assert len(made) == 1 and made[0].is_dir(), (made, server.log())
    assert list(scratch.glob("complaints-metrics-*")) == [], server.log()


def test_and_with_a_server_that_refuses_to_start(tmp_path):
    env, scratch = server_env(tmp_path)
    (tmp_path / "instance" / "keys.json").unlink()  # refused: the key file is missing
    server = Gunicorn(env, workers=1, log_dir=tmp_path)
    server.start(wait=False)
    try:
        assert server.process.wait(timeout=60) == 4, server.log()  # "App failed to load"
    finally:
        server.stop()
    assert list(scratch.glob("complaints-metrics-*")) == [], server.log()
