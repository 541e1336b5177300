"""Hostile files for the upload tests, made in milliseconds: archives whose parts unpack to
gigabytes, PDFs with tens of thousands of pages or a gigabyte stream, XML entity expansion,
deep nesting, and pictures larger than any camera makes.

The archives are written by hand (local headers, central directory) so the declared sizes and
the packing method are exactly what an attacker would send.
"""
from __future__ import annotations

import base64
import functools
import struct
import zlib

GIB = 1024 ** 3
MIB = 1024 ** 2

# bzip2 -9 of 1 GiB of zeros (785 bytes): made once with bz2.BZ2Compressor(9) over 1024
# chunks of 1 MiB, as in the report in issue 12.
BZIP2_GIB_OF_ZEROS = base64.b64decode(
    "QlpoOTFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1lIfF/JAIpSyADAAAAEAAggADDMBSmmkSJDYUSJDxdyRThQkPaI5AI=")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


@functools.lru_cache(maxsize=None)
def crc_of_zeros(size: int) -> int:
    crc, block = 0, bytes(MIB)
    for _ in range(size // MIB):
        crc = zlib.crc32(block, crc)
    return zlib.crc32(bytes(size % MIB), crc)


@functools.lru_cache(maxsize=None)
def deflate_of_zeros(size: int) -> bytes:
    """Raw deflate of size zeros (a multiple of 1 MiB): one fully flushed 1 MiB block
    repeated, so it is made at once whatever the size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (size // MIB) + b"\x03\x00"


def raw_zip(entries: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A ZIP from (name, method, packed bytes, CRC-32, unpacked size) exactly as given."""
    body, directory = bytearray(), bytearray()
    for name, method, packed, crc, size in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 46, 0, method, 0, 0x21, crc, len(packed), size,
                            len(encoded), 0) + encoded + packed
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 46, 46, 0, method, 0, 0x21, crc,
                                 len(packed), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + end)


def stored(name: str, data: bytes) -> tuple[str, int, bytes, int, int]:
    return (name, 0, data, zlib.crc32(data), len(data))


def deflated(name: str, data: bytes) -> tuple[str, int, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (name, 8, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def docx_bzip2_bomb() -> bytes:
    """The report's 1 KB DOCX: word/document.xml is bzip2 of 1 GiB of zeros."""
    return raw_zip([stored("[Content_Types].xml", CONTENT_TYPES),
                    ("word/document.xml", 12, BZIP2_GIB_OF_ZEROS, crc_of_zeros(GIB), GIB)])


def docx_deflate_bomb(size: int = GIB) -> bytes:
    return raw_zip([stored("[Content_Types].xml", CONTENT_TYPES),
                    ("word/document.xml", 8, deflate_of_zeros(size), crc_of_zeros(size), size)])


def odt_mimetype_bomb(size: int = GIB) -> bytes:
    """The refused ODT: its mimetype entry unpacks to 1 GiB."""
    return raw_zip([("mimetype", 8, deflate_of_zeros(size), crc_of_zeros(size), size),
                    stored("content.xml", b"<x/>")])


def docx_with_part(xml: bytes) -> bytes:
    return raw_zip([stored("[Content_Types].xml", CONTENT_TYPES), deflated("word/document.xml", xml)])


def billion_laughs() -> bytes:
    lines = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    lines += [f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(lines)}]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>').encode()


def deep_nesting(depth: int = 50_000) -> bytes:
    return (f'<w:document xmlns:w="{W}">'.encode() + b"<w:p>" * depth + b"</w:p>" * depth + b"</w:document>")


def zip_with_many_parts(count: int = 60_000) -> bytes:
    return raw_zip([stored("[Content_Types].xml", CONTENT_TYPES), stored("word/document.xml", b"<x/>")]
                   + [stored(f"p/{i}", b"") for i in range(count)])


def docx_with_nested_bomb() -> bytes:
    """A DOCX that carries, as an embedded object, an archive that unpacks to 1 GiB."""
    inner = raw_zip([("zeros.bin", 8, deflate_of_zeros(GIB), crc_of_zeros(GIB), GIB)])
    document = f'<w:document xmlns:w="{W}"><w:body/></w:document>'.encode()
    return raw_zip([stored("[Content_Types].xml", CONTENT_TYPES), deflated("word/document.xml", document),
                    stored("word/embeddings/package.zip", inner)])


def pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_with_pages(count: int = 60_000, declared: int | None = None) -> bytes:
    """count blank pages; declared lets the page tree lie about how many."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count if declared is None else declared)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * count
    return pdf(objects)


def pdf_with_stream_bomb(size: int = GIB) -> bytes:
    """One page whose content stream inflates to size zeros (zlib-wrapped deflate)."""
    adler = ((size % 65521) << 16) | 1
    packed = b"\x78\xda" + deflate_of_zeros(size) + adler.to_bytes(4, "big")
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"])


def png_of_size(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def jpeg_of_size(width: int, height: int) -> bytes:
    frame = bytes([8]) + height.to_bytes(2, "big") + width.to_bytes(2, "big") + bytes([1, 1, 0x11, 0])
    return (b"\xff\xd8" + b"\xff\xc0" + (len(frame) + 2).to_bytes(2, "big") + frame
            + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 16 + b"\xff\xd9")
