"""Attacks on the cleaner's promises: hidden information smuggled past its rules, archives
that two readers would read differently, and files that claim to be kept as they are."""
from __future__ import annotations

import io
import zipfile

import pytest

from complaints import metadata
from tests.attack import hostile_files as hostile
from tests.metadata_corpus import box, secrets_in

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TYPES = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(document: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("word/document.xml", document)
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def refused(data: bytes, keep: bool = False) -> str:
    with pytest.raises(metadata.UnsupportedFile) as refusal:
        metadata.clean(data, keep)
    return refusal.value.code


def test_an_author_under_another_prefix_is_still_removed():
    data = docx(f'<x:document xmlns:x="{W}"><x:ins x:author="SECRET-renamed-prefix"/></x:document>')
    assert "SECRET-renamed-prefix" not in secrets_in(metadata.clean(data).data)


def test_a_default_namespace_hides_nothing():
    data = docx(f'<document xmlns="{W}" xmlns:w="{W}"><ins w:author="SECRET-default-ns"/></document>')
    assert "SECRET-default-ns" not in secrets_in(metadata.clean(data).data)


def test_an_undeclared_prefix_is_refused_as_damaged():
    assert refused(docx('<w:document><w:ins w:author="Marko"/></w:document>')) == "damaged"


def test_a_document_type_or_entity_is_refused():
    data = docx(f'<!DOCTYPE w:document [<!ENTITY a "SECRET-entity">]><w:document xmlns:w="{W}">&a;</w:document>')
    assert refused(data) == "bomb"


def test_two_parts_with_one_name_are_refused():
    """Word and our cleaner could read different copies: one clean, one not."""
    data = hostile.raw_zip([hostile.stored("[Content_Types].xml", TYPES.encode()),
                            hostile.stored("word/document.xml", f'<w:document xmlns:w="{W}"/>'.encode()),
                            hostile.stored("word/document.xml", f'<w:document xmlns:w="{W}"><w:ins w:author="x"/></w:document>'.encode())])
    assert refused(data) == "damaged"


def test_an_unusual_packing_method_is_refused_even_when_small():
    import bz2

    body = f'<w:document xmlns:w="{W}"/>'.encode()
    data = hostile.raw_zip([hostile.stored("[Content_Types].xml", TYPES.encode()),
                            ("word/document.xml", 12, bz2.compress(body), __import__("zlib").crc32(body), len(body))])
    assert refused(data) == "bomb"


@pytest.mark.parametrize("make", [hostile.docx_bzip2_bomb, hostile.odt_mimetype_bomb,
                                  lambda: hostile.pdf_with_pages(60_000)], ids=["docx", "odt", "pdf"])
def test_keeping_hidden_information_does_not_skip_the_bounds(make):
    assert refused(make(), keep=True) in ("bomb", "limits")


def test_a_password_protected_pdf_is_kept_and_said_not_cleaned():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Author": "SECRET-locked-author"})
    writer.encrypt(user_password="only-she-knows", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    clean = metadata.clean(out.getvalue())
    assert clean.status == "not_removed" and clean.left == ("encrypted",) and not clean.metadata_removed


def test_a_video_with_a_metadata_track_is_marked_partly_cleaned():
    handler = box(b"hdlr", bytes(8) + b"meta" + bytes(12) + b"\x00")
    movie = box(b"moov", box(b"mvhd", bytes(100)) + box(b"trak", box(b"mdia", handler)))
    data = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + movie + box(b"mdat", b"\x00" * 16)
    clean = metadata.clean(data)
    assert clean.content_type == "video/mp4" and clean.status == "partial" and clean.left == ("tracks",)


def test_a_file_renamed_to_an_accepted_type_is_judged_by_content():
    with pytest.raises(metadata.UnsupportedFile):
        metadata.clean(b"MZ\x90\x00 a program named photo.jpg")


def test_a_page_tree_that_lies_about_its_size_is_refused_by_the_page_bound():
    assert refused(hostile.pdf_with_pages(60_000, declared=1)) == "limits"  # counted in the raw file
    assert refused(hostile.pdf_with_pages(3_000, declared=1)) == "limits"   # counted in the page tree
