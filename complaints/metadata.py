"""Evidence files: recognise the type by its content, and remove hidden information.

Photos carry GPS positions and camera serial numbers; documents carry author names. Unless
the person asks to keep them as evidence, they are removed before the file is encrypted.
No Flask imports.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from .translatable import N_

ALLOWED = {
    "image/jpeg": "JPEG photo",
    "image/png": "PNG image",
    "application/pdf": "PDF document",
    "text/plain": "plain text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document (.docx)",
    "application/vnd.oasis.opendocument.text": "OpenDocument text (.odt)",
}
ALLOWED_NAMES = N_("JPEG, PNG, PDF, plain text, Word (.docx) and OpenDocument (.odt)")


class UnsupportedFile(Exception):
    """Not a type we accept, or damaged."""


@dataclass(frozen=True)
class CleanFile:
    content_type: str
    data: bytes
    metadata_removed: bool


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                    return "application/vnd.oasis.opendocument.text"
        except zipfile.BadZipFile:
            return None
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any((ord(ch) < 32 and ch not in "\t\n\r\f") or ord(ch) == 127 for ch in text):
        return None  # binary content that happens to decode
    return "text/plain"


def clean(data: bytes, keep_metadata: bool = False) -> CleanFile:
    content_type = sniff(data)
    if content_type is None:
        # The message is a template (N_); services fill in ``allowed`` when they translate it.
        raise UnsupportedFile(N_("This type of file is not accepted. Accepted: %(allowed)s."))
    if keep_metadata or content_type == "text/plain":
        return CleanFile(content_type, data, content_type == "text/plain")
    try:
        cleaned = STRIPPERS[content_type](data)
    except UnsupportedFile:
        raise
    except Exception:  # a damaged file: refuse rather than store hidden data
        raise UnsupportedFile(N_("This file seems damaged and could not be checked for hidden "
                                 "information. Try saving it again, or choose another file.")) from None
    return CleanFile(content_type, cleaned, True)


def strip_jpeg(data: bytes) -> bytes:
    """Keep the image; drop APP1..APP15 (EXIF, XMP, IPTC...) except ICC colour, and comments."""
    out = bytearray(data[:2])
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise UnsupportedFile("damaged JPEG")
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[at:]
            return bytes(out)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out += data[at:at + 2]
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        segment = data[at:at + 2 + length]
        is_icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        if (0xE1 <= marker <= 0xEF and not is_icc) or marker == 0xFE:
            at += 2 + length
            continue
        out += segment
        at += 2 + length
    raise UnsupportedFile("damaged JPEG")


PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    at = 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        chunk = data[at:at + 12 + length]
        if len(chunk) != 12 + length:
            raise UnsupportedFile("damaged PNG")
        if kind not in PNG_DROP:
            out += chunk
        at += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise UnsupportedFile("damaged PNG")


def strip_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_metadata({"/Producer": "", "/Creator": ""})
    if "/Metadata" in writer._root_object:  # XMP packet
        del writer._root_object["/Metadata"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


NEUTRAL_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                b'xmlns:dc="http://purl.org/dc/elements/1.1/"></cp:coreProperties>')
NEUTRAL_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"></Properties>')
NEUTRAL_META = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
                b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
                b'<office:meta/></office:document-meta>')


def _rewrite_zip(data: bytes, replacements: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = replacements.get(item.filename, source.read(item.filename))
            if item.filename == "word/document.xml":
                body = re.sub(rb'\sw:author="[^"]*"', b' w:author=""', body)
            compression = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0)), body,
                            compress_type=compression)
    return out.getvalue()


def strip_docx(data: bytes) -> bytes:
    return _rewrite_zip(data, {"docProps/core.xml": NEUTRAL_CORE, "docProps/app.xml": NEUTRAL_APP})


def strip_odt(data: bytes) -> bytes:
    return _rewrite_zip(data, {"meta.xml": NEUTRAL_META})


STRIPPERS = {
    "image/jpeg": strip_jpeg,
    "image/png": strip_png,
    "application/pdf": strip_pdf,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": strip_docx,
    "application/vnd.oasis.opendocument.text": strip_odt,
}
