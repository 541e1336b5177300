"""Our cleaner against mat2 (the metadata anonymisation toolkit Tails ships) on the corpus:
for every file mat2 can clean, ours leaves no hidden value that mat2 removes. (Issue 12:
"use whichever removes more".) The figures are in docs/manual/security.md.

.ci/run installs Debian's mat2 (with exiftool and ffmpeg, which it uses for HEIC and video);
without it this comparison is skipped, except in CI where that would hide a missing install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from complaints import metadata
from tests.metadata_corpus import samples, secrets_in

SAMPLES = samples()
MAT2 = shutil.which("mat2")
if MAT2 is None and os.environ.get("CI"):
    pytest.fail("mat2 is missing: .ci/run should install Debian's mat2", pytrace=False)
pytestmark = pytest.mark.skipif(MAT2 is None, reason="Debian's mat2 is not installed")


def mat2_clean(path: Path) -> bytes | None:
    """mat2's output for ``path``, or None when mat2 does not support or fails on it. mat2
    0.13 leaves the parts it removed from an Office file in a folder of its own in $TMPDIR:
    its TMPDIR is the test's folder, which pytest removes."""
    scratch = path.parent / "mat2-tmp"
    scratch.mkdir(exist_ok=True)
    done = subprocess.run([MAT2, str(path)], capture_output=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(scratch)})
    out = path.with_name(path.stem + ".cleaned" + path.suffix)
    return out.read_bytes() if done.returncode == 0 and out.exists() else None


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_we_remove_at_least_what_mat2_removes(name, tmp_path):
    sample = SAMPLES[name]
    path = tmp_path / name
    path.write_bytes(sample.data)
    theirs = mat2_clean(path)
    ours = set(sample.secrets) & secrets_in(metadata.clean(sample.data).data)
    if theirs is None:
        assert not ours  # mat2 can't clean this format at all; we still must
        return
    assert ours <= set(sample.secrets) & secrets_in(theirs), sorted(ours)
