from datetime import datetime, timedelta, timezone

import pyotp
import pytest

from complaints import auth

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)


def test_argon2id_hashes_verify_and_reject():
    stored = auth.hash_password("a long enough passphrase", testing=True)
    assert stored.startswith("$argon2id$")
    assert auth.verify_password(stored, "a long enough passphrase", testing=True)
    assert not auth.verify_password(stored, "another passphrase!", testing=True)
    assert not auth.verify_password("not a hash", "x", testing=True)


def test_rehash_when_parameters_change():
    cheap = auth.hash_password("a long enough passphrase", testing=True)
    assert auth.needs_rehash(cheap, testing=False)
    assert not auth.needs_rehash(cheap, testing=True)


@pytest.mark.parametrize("password", ["Password1234", "qwerty123456", "LOZINKA123", "aaaaaaaaaaaaaa"])
def test_common_and_trivial_passwords_are_refused(password):
    assert auth.password_problems(password)


def test_a_good_passphrase_passes():
    assert auth.password_problems("river lantern copper autumn", "olga") == []


def test_totp_accepts_the_window_and_refuses_replays():
    secret = auth.new_totp_secret()
    totp = pyotp.TOTP(secret)
    step = auth.current_step(NOW)
    assert auth.accepted_step(secret, totp.at(NOW), 0, NOW) == step
    assert auth.accepted_step(secret, totp.at(NOW - timedelta(seconds=30)), 0, NOW) == step - 1
    assert auth.accepted_step(secret, totp.at(NOW - timedelta(seconds=90)), 0, NOW) is None
    assert auth.accepted_step(secret, totp.at(NOW), step, NOW) is None  # replay
    assert auth.accepted_step(secret, totp.at(NOW - timedelta(seconds=30)), step, NOW) is None
    assert auth.accepted_step(secret, "12345", 0, NOW) is None


def test_back_off_doubles_up_to_an_hour():
    assert auth.lockout_until(4, 5, NOW) is None
    minutes = [(auth.lockout_until(n, 5, NOW) - NOW).total_seconds() / 60 for n in range(5, 13)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60]
