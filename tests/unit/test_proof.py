"""The proof of work of the public forms: signed, bound to its form, costly to answer and
cheap to check; a flood of forms makes each further one dearer."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, strategies as st

from complaints import proof

KEY = b"k" * 32


def test_a_solved_challenge_checks_out_and_starts_with_its_zero_bits():
    challenge = proof.issue(KEY, "report", 10, 1_000_000)
    nonce = proof.solve(challenge)
    assert proof.solved(challenge, nonce)
    digest = hashlib.sha256(f"{challenge.salt}:{nonce}".encode()).digest()
    assert int.from_bytes(digest[:4], "big") >> 22 == 0
    assert proof.parse(KEY, "report", challenge.token) == challenge


def test_a_wrong_answer_fails():
    challenge = proof.issue(KEY, "report", 16, 1_000_000)
    wrong = next(str(n) for n in range(10**6) if not proof.solved(challenge, str(n)))
    assert not proof.solved(challenge, wrong)
    for nonsense in ("", "-1", "1e5", "٣", "9" * 13, None):
        assert not proof.solved(challenge, nonsense)


def test_the_signature_binds_every_part():
    token = proof.issue(KEY, "track", 14, 1_000_000).token
    version, purpose, issued, bits, salt, mac = token.split(".")
    tampered = [
        f"{version}.{purpose}.{issued}.0.{salt}.{mac}",           # easier
        f"{version}.{purpose}.{int(issued) + 9999}.{bits}.{salt}.{mac}",  # younger
        f"{version}.{purpose}.{issued}.{bits}.{'0' * 32}.{mac}",   # another salt
        f"{version}.{purpose}.{issued}.{bits}.{salt}.{'0' * 64}",
        token + ".x", "", "v1", "x" * 500,
    ]
    assert all(proof.parse(KEY, "track", t) is None for t in tampered)
    assert proof.parse(b"other key" * 4, "track", token) is None
    assert proof.parse(KEY, "report", token) is None  # a sign-in's cheap proof is no report's


@given(st.text(max_size=300))
def test_parse_never_raises(text):
    assert proof.parse(KEY, "report", text) is None or text.startswith("v1.report.")


@pytest.mark.parametrize("served, normal, extra", [(0, 30, 0), (30, 30, 0), (31, 30, 1), (60, 30, 1),
                                                   (61, 30, 2), (240, 30, 3), (10_000, 30, 9)])
def test_pressure_adds_a_bit_for_every_doubling(served, normal, extra):
    assert proof.pressure_bits(served, normal) == extra


def test_bits_are_bounded():
    assert proof.issue(KEY, "report", 99, 0).bits == proof.MAX_BITS
    assert proof.issue(KEY, "report", -5, 0).bits == 0
