"""Very large and malformed multipart bodies: a plain 400 or 413, never a 500, nothing
written. (tests/system/test_production_stack.py sends an oversized body over a real socket.)"""
from __future__ import annotations

import pytest

from tests import snapshot
from tests.web.conftest import csrf_token

B = "----b0undary"


def body(*parts: bytes, end: bool = True) -> bytes:
    return b"".join(parts) + (f"--{B}--\r\n".encode() if end else b"")


def field(name: str, value: bytes) -> bytes:
    return f'--{B}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"


def file_part(name: str, filename: str, data: bytes) -> bytes:
    return (f'--{B}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: text/plain\r\n\r\n").encode() + data + b"\r\n"


MALFORMED = {
    "no boundary parameter": (b"whatever", "multipart/form-data"),
    "wrong boundary": (body(field("narrative", b"x")), "multipart/form-data; boundary=other"),
    "no closing boundary": (body(field("narrative", b"x"), end=False), f"multipart/form-data; boundary={B}"),
    "cut inside a part": (body(field("narrative", b"x"))[:-20], f"multipart/form-data; boundary={B}"),
    "garbage": (bytes(range(256)) * 40, f"multipart/form-data; boundary={B}"),
    "part without headers": (f"--{B}\r\n\r\nvalue\r\n--{B}--\r\n".encode(), f"multipart/form-data; boundary={B}"),
    "header without end": (f"--{B}\r\nContent-Disposition: form-data; name=\"x\"".encode(),
                           f"multipart/form-data; boundary={B}"),
    "nested multipart": (body(f'--{B}\r\nContent-Disposition: form-data; name="files"\r\n'
                              f'Content-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\n\r\nx\r\n--inner--\r\n'.encode()),
                         f"multipart/form-data; boundary={B}"),
    "huge header line": (body(f'--{B}\r\nContent-Disposition: form-data; name="{"n" * 200_000}"\r\n\r\nv\r\n'.encode()),
                         f"multipart/form-data; boundary={B}"),
    "thousands of parts": (body(*[field(f"f{i}", b"v") for i in range(5000)]), f"multipart/form-data; boundary={B}"),
    "huge text field": (body(field("narrative", b"a" * 3_000_000)), f"multipart/form-data; boundary={B}"),
    "non-utf8 names": (body(field("\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), b"\xff\xfe")),
                       f"multipart/form-data; boundary={B}"),
    "urlencoded garbage": (b"%%%&&&===%ZZ&narrative=%FF%FE", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("path", ["/report", "/track", "/login", "/track/message"])
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_bodies_are_refused_plainly(app, world, path, case):
    payload, content_type = MALFORMED[case]
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    response = world.complainant.post(path, data=payload, content_type=content_type)
    assert response.status_code in (400, 413), response.status_code
    with app.app_context():
        assert before.changed_tables(snapshot.take(app.config["ATTACHMENTS_DIR"])) == {}


def test_a_valid_token_inside_a_malformed_body_still_writes_nothing(app, world):
    token = csrf_token(world.complainant, "/track/case")
    payload = body(field("csrf_token", token.encode()), field("body", b"hello"), end=False)[:-5]
    with app.app_context():
        before = snapshot.take(app.config["ATTACHMENTS_DIR"])
    response = world.complainant.post("/track/message", data=payload,
                                      content_type=f"multipart/form-data; boundary={B}")
    assert response.status_code in (400, 413)
    with app.app_context():
        assert before.changed_tables(snapshot.take(app.config["ATTACHMENTS_DIR"])) == {}


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(app, world):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    token = csrf_token(world.complainant, "/track/case")
    payload = body(field("csrf_token", token.encode()), field("body", b"x"),
                   file_part("files", "big.txt", b"a" * (3 * 1024 * 1024)))
    response = world.complainant.post("/track/message", data=payload,
                                      content_type=f"multipart/form-data; boundary={B}")
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
