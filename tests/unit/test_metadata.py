import io
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from complaints import metadata

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def jpeg(segments: bytes) -> bytes:
    return b"\xff\xd8" + segments + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00pixels\xff\xd9"


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def test_jpeg_loses_exif_xmp_and_comments_but_keeps_jfif_and_pixels():
    data = jpeg(segment(0xE0, b"JFIF\x00\x01") + segment(0xE1, b"Exif\x00\x00GPS 44.8N")
                + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00author") + segment(0xFE, b"comment"))
    clean = metadata.clean(data)
    assert clean.content_type == "image/jpeg" and clean.metadata_removed
    assert b"GPS" not in clean.data and b"author" not in clean.data and b"comment" not in clean.data
    assert b"JFIF" in clean.data and b"pixels" in clean.data


def png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    import zlib
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
    return out


def test_png_loses_text_chunks():
    data = png([(b"IHDR", b"\x00" * 13), (b"tEXt", b"Author\x00Marko"), (b"IDAT", b"x"), (b"IEND", b"")])
    clean = metadata.clean(data)
    assert b"Marko" not in clean.data and b"IDAT" in clean.data


def test_docx_loses_its_author():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:ins w:author="Marko Markovic"/></w:document>')
        z.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Marko Markovic</dc:creator></cp:coreProperties>")
    clean = metadata.clean(buffer.getvalue())
    assert clean.content_type.endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(clean.data)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert b"Marko" not in everything


def test_odt_loses_its_metadata():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        z.writestr("meta.xml", "<office:meta><meta:initial-creator>Marko</meta:initial-creator></office:meta>")
    clean = metadata.clean(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(clean.data)) as z:
        assert b"Marko" not in z.read("meta.xml")


def test_pdf_loses_its_document_information():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Author": "Marko Markovic", "/Title": "Secret"})
    out = io.BytesIO()
    writer.write(out)
    clean = metadata.clean(out.getvalue())
    info = PdfReader(io.BytesIO(clean.data)).metadata or {}
    assert "Marko" not in str(dict(info)) and b"Marko" not in clean.data


def test_keeping_metadata_as_evidence_leaves_the_file_untouched():
    data = jpeg(segment(0xE1, b"Exif\x00\x00GPS 44.8N"))
    clean = metadata.clean(data, keep_metadata=True)
    assert clean.data == data and not clean.metadata_removed


@pytest.mark.parametrize("data", [b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01", b"<html>\x00</html>",
                                  b"PK\x03\x04notazip"])
def test_other_types_are_refused_by_content(data):
    with pytest.raises(metadata.UnsupportedFile):
        metadata.clean(data)


def test_a_damaged_image_is_refused_rather_than_stored_with_hidden_data():
    with pytest.raises(metadata.UnsupportedFile):
        metadata.clean(b"\xff\xd8\xff\xe1\x00\x10Exif-truncated")
