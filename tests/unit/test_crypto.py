import io
import uuid

import pytest

from complaints import crypto


def test_sealed_values_open_only_in_their_place():
    cipher = crypto.FieldCipher(crypto.new_data_key())
    a, b = uuid.uuid4(), uuid.uuid4()
    blob = cipher.seal("cases", "narrative_enc", a, "secret text")
    assert cipher.open("cases", "narrative_enc", a, blob) == "secret text"
    with pytest.raises(crypto.IntegrityFailure):
        cipher.open("cases", "narrative_enc", b, blob)          # another row
    with pytest.raises(crypto.IntegrityFailure):
        cipher.open("cases", "location_enc", a, blob)           # another column
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(crypto.IntegrityFailure):
        cipher.open("cases", "narrative_enc", a, tampered)


def test_fresh_nonce_every_time_and_versioned_format():
    cipher = crypto.FieldCipher(crypto.new_data_key())
    row = uuid.uuid4()
    one, two = (cipher.seal("t", "c", row, "same") for _ in range(2))
    assert one != two and one[:1] == two[:1] == b"\x01"


def test_another_cases_key_cannot_open():
    row = uuid.uuid4()
    blob = crypto.FieldCipher(crypto.new_data_key()).seal("t", "c", row, "x")
    with pytest.raises(crypto.IntegrityFailure):
        crypto.FieldCipher(crypto.new_data_key()).open("t", "c", row, blob)


def test_wrapped_data_keys_bind_their_id_and_kek():
    ring = crypto.Keyring.generate()
    key_id, other = uuid.uuid4(), uuid.uuid4()
    kek_id, wrapped = ring.wrap(key_id, b"k" * 32)
    assert ring.unwrap(key_id, kek_id, wrapped) == b"k" * 32
    with pytest.raises(crypto.IntegrityFailure):
        ring.unwrap(other, kek_id, wrapped)
    with pytest.raises(crypto.KeyringError, match="not in the keyring"):
        ring.unwrap(key_id, "kek-unknown", wrapped)


def test_receipts_have_100_bits_grouped_and_normalise():
    receipt = crypto.new_receipt()
    groups = receipt.split("-")
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    assert crypto.normalise_receipt(receipt.lower().replace("-", " ")) == receipt
    assert crypto.normalise_receipt("not a receipt") is None
    assert len({crypto.new_receipt() for _ in range(1000)}) == 1000
    key = b"i" * 32
    assert crypto.receipt_index(key, receipt) != crypto.receipt_index(b"j" * 32, receipt)
    assert receipt not in crypto.receipt_index(key, receipt)


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK_BYTES, crypto.CHUNK_BYTES * 3 + 7])
def test_streamed_files_round_trip(size):
    key, file_id = crypto.new_data_key(), uuid.uuid4()
    data = bytes(i % 251 for i in range(size))
    out = io.BytesIO()
    assert crypto.encrypt_stream(key, file_id, io.BytesIO(data), out) == size
    assert b"".join(crypto.decrypt_stream(key, file_id, io.BytesIO(out.getvalue()))) == data


def _chunks(blob: bytes) -> list[bytes]:
    chunks, at = [], 0
    while at < len(blob):
        length = int.from_bytes(blob[at:at + 4], "big") & 0x7FFFFFFF
        chunks.append(blob[at:at + 4 + length])
        at += 4 + length
    return chunks


def test_streamed_files_detect_truncation_reordering_swapping_and_over_size():
    key, file_id = crypto.new_data_key(), uuid.uuid4()
    out = io.BytesIO()
    crypto.encrypt_stream(key, file_id, io.BytesIO(b"x" * (crypto.CHUNK_BYTES * 3)), out)
    chunks = _chunks(out.getvalue())
    attacks = {
        "truncated": b"".join(chunks[:-1]),
        "reordered": b"".join([chunks[1], chunks[0], *chunks[2:]]),
        "appended": out.getvalue() + chunks[0],
    }
    for name, blob in attacks.items():
        with pytest.raises(crypto.IntegrityFailure):
            b"".join(crypto.decrypt_stream(key, file_id, io.BytesIO(blob)))
    with pytest.raises(crypto.IntegrityFailure):  # another file's id
        b"".join(crypto.decrypt_stream(key, uuid.uuid4(), io.BytesIO(out.getvalue())))
    with pytest.raises(crypto.FileTooLarge):
        crypto.encrypt_stream(key, file_id, io.BytesIO(b"y" * 100), io.BytesIO(), max_bytes=99)


def test_keyring_json_round_trip_and_errors(tmp_path):
    ring = crypto.Keyring.generate().with_new_kek()
    again = crypto.Keyring.from_json(ring.to_json(), "test")
    assert again.keks == ring.keks and again.active_id == ring.active_id
    path = tmp_path / "keys.json"
    crypto.write_keyring(path, ring)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert crypto.load_keyring(path, None).active_id == ring.active_id
    with pytest.raises(crypto.KeyringError, match="missing"):
        crypto.load_keyring(tmp_path / "nope.json", None)
    with pytest.raises(crypto.KeyringError, match="active KEK"):
        crypto.Keyring.from_json(ring.to_json().replace(ring.active_id, "kek-x", 1), "test")
