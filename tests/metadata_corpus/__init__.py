"""The metadata corpus: one crafted file per accepted format, with a ``SECRET-...`` value in
every place where hidden information is known to hide (issue 12's list and more).

``SAMPLES`` maps a name to a Sample: its bytes, the secrets that a true cleaning removes,
and the secrets that stay because the file is marked as not fully cleaned (``left``).
tests/unit/test_metadata_corpus.py holds our cleaner to it; tests/unit/test_mat2_comparison.py
runs mat2 on the same files. Media that need an encoder are in ``files/`` (see its README).
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

FILES = Path(__file__).parent / "files"


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    secrets: tuple[str, ...]                 # must be gone after cleaning
    kept: tuple[str, ...] = ()               # stay: the file is marked not fully cleaned
    left: tuple[str, ...] = ()               # the codes it is marked with
    status: str = "removed"
    extra: dict = field(default_factory=dict)


def secrets_in(data: bytes) -> set[str]:
    """Every SECRET-... value readable in ``data``: in the bytes, in UTF-16, inside every
    part of an archive and inside every decoded PDF stream."""
    texts = [data]
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts += [archive.read(info) for info in archive.infolist()]
        except zipfile.BadZipFile:
            pass
    if data.startswith(b"%PDF"):
        texts += _pdf_streams(data)
    found: set[str] = set()
    for text in texts:
        for encoded in (text, text.replace(b"\x00", b"")):  # UTF-16 text without its zero bytes
            at = encoded.find(b"SECRET-")
            while at >= 0:
                end = at + 7
                while end < len(encoded) and (chr(encoded[end]).isascii() and chr(encoded[end]).isalnum()
                                              or encoded[end] in b"-_"):
                    end += 1
                found.add(encoded[at:end].decode("ascii"))
                at = encoded.find(b"SECRET-", end)
    return found


def _pdf_streams(data: bytes) -> list[bytes]:
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    out = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        numbers = {n for ids in reader.xref.values() for n in ids} | set(reader.xref_objStm)
        for number in sorted(numbers):
            try:
                obj = reader.get_object(number)
            except Exception:
                continue
            if isinstance(obj, StreamObject):
                try:
                    out.append(obj.get_data())
                except Exception:
                    pass
    except Exception:
        pass
    return out


# --- pictures ----------------------------------------------------------------------------


def tiff(entries: list[tuple[int, str]], gps: list[tuple[int, str]] = ()) -> bytes:
    """A little-endian TIFF (EXIF) block with ASCII entries and, if given, a GPS IFD."""
    def ifd(items: list[tuple[int, int, bytes]], start: int, next_pointer: int = 0) -> bytes:
        head = struct.pack("<H", len(items))
        data_at = start + 2 + 12 * len(items) + 4
        body, extra = b"", b""
        for tag, kind, value in sorted(items):
            count = len(value) if kind == 2 else 1
            if kind == 2 and len(value) > 4:
                body += struct.pack("<HHII", tag, kind, count, data_at + len(extra))
                extra += value
            elif kind == 2:
                body += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")
            else:
                body += struct.pack("<HHII", tag, kind, 1, int.from_bytes(value, "little"))
        return head + body + struct.pack("<I", next_pointer) + extra

    ascii_items = [(tag, 2, text.encode() + b"\x00") for tag, text in entries]
    first = ifd(ascii_items + ([(0x8825, 4, (0).to_bytes(4, "little"))] if gps else []), 8)
    if gps:
        gps_at = 8 + len(first)
        first = ifd(ascii_items + [(0x8825, 4, gps_at.to_bytes(4, "little"))], 8)
        gps_block = ifd([(tag, 2, text.encode() + b"\x00") for tag, text in gps], gps_at)
        return b"II*\x00" + struct.pack("<I", 8) + first + gps_block
    return b"II*\x00" + struct.pack("<I", 8) + first


def app_segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body


def jpeg_with_secrets(prefix: str) -> bytes:
    base = (FILES / "base.jpg").read_bytes()
    exif = b"Exif\x00\x00" + tiff([(0x013B, f"SECRET-{prefix}-artist"), (0x010F, f"SECRET-{prefix}-make"),
                                    (0x0110, f"SECRET-{prefix}-model")], gps=[(0x001C, f"SECRET-{prefix}-gps")])
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + f"<x:xmpmeta><dc:creator>SECRET-{prefix}-xmp</dc:creator></x:xmpmeta>".encode()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + f"SECRET-{prefix}-iptc".encode()
    icc = b"ICC_PROFILE\x00\x01\x01" + f"desc SECRET-{prefix}-icc".encode()
    mpf = b"MPF\x00" + f"SECRET-{prefix}-mpf".encode()
    comment = f"SECRET-{prefix}-comment".encode()
    thumbnail = b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x01\x01" + f"SECRET-{prefix}-jfif-thumbnail".encode()
    segments = (app_segment(0xE0, thumbnail) + app_segment(0xE1, exif) + app_segment(0xE1, xmp)
                + app_segment(0xED, iptc) + app_segment(0xE2, icc) + app_segment(0xE2, mpf) + app_segment(0xFE, comment))
    first = base[:2] + segments + _skip_app0(base)
    second = base[:2] + app_segment(0xE1, b"Exif\x00\x00" + tiff([(0x013B, f"SECRET-{prefix}-second-picture")])) + _skip_app0(base)
    return first + second + f"motion-photo video SECRET-{prefix}-appended".encode()


def _skip_app0(jpeg: bytes) -> bytes:
    at = 2
    while jpeg[at + 1] in (0xE0,):
        at += 2 + int.from_bytes(jpeg[at + 2:at + 4], "big")
    return jpeg[at:]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_with_secrets() -> bytes:
    base = (FILES / "base.png").read_bytes()
    ihdr_end = 8 + 12 + 13
    chunks = (png_chunk(b"tEXt", b"Author\x00SECRET-png-text")
              + png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"SECRET-png-ztxt"))
              + png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x>SECRET-png-xmp</x>")
              + png_chunk(b"eXIf", tiff([(0x013B, "SECRET-png-exif")]))
              + png_chunk(b"tIME", b"\x07\xea\x0b\x1c\x11\x00\x00")
              + png_chunk(b"iCCP", b"SECRET-png-icc\x00\x00" + zlib.compress(b"profile"))
              + png_chunk(b"prVt", b"SECRET-png-private"))
    return base[:ihdr_end] + chunks + base[ihdr_end:] + b"SECRET-png-trailer"


# --- documents ---------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
      'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" mc:Ignorable="w14 w15"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_with_secrets() -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
            '<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>'
            '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
            '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>'
            '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>'
            '</Relationships>'),
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/comments" Target="comments.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2011/relationships/people" Target="people.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/settings" Target="settings.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/header" Target="header1.xml"/>'
            f'<Relationship Id="rId5" Type="{REL}/image" Target="media/image1.jpeg"/>'
            f'<Relationship Id="rId6" Type="{REL}/customXml" Target="../customXml/item1.xml"/>'
            f'<Relationship Id="rId7" Type="{REL}/hyperlink" Target="https://example.org/" TargetMode="External"/>'
            '</Relationships>'),
        "word/_rels/settings.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
            'Target="file:///C:/Users/SECRET-docx-template-user/AppData/Roaming/Microsoft/Templates/Normal.dotm" TargetMode="External"/>'
            '</Relationships>'),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>'
            '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3" w14:paraId="1A2B3C4D"><w:r><w:t>He said it in front of everyone.</w:t></w:r>'
            '<w:ins w:id="1" w:author="SECRET-docx-ins-author" w:date="2026-01-02T03:04:05Z"><w:r><w:t>Added.</w:t></w:r></w:ins>'
            '<w:del w:id="2" w:author="SECRET-docx-del-author" w:date="2026-01-02T03:04:05Z"><w:r><w:delText>Removed.</w:delText></w:r></w:del>'
            '<w:commentRangeStart w:id="0"/><w:r><w:t>Commented text.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
            '<w:r><w:commentReference w:id="0"/></w:r></w:p>'
            '<w:sectPr><w:headerReference w:type="default" r:id="rId4"/></w:sectPr></w:body></w:document>'),
        "word/header1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:hdr {NS}><w:p><w:ins w:id="3" w:author="SECRET-docx-header-author" '
            'w:date="2026-01-02T03:04:05Z"><w:r><w:t>Header</w:t></w:r></w:ins></w:p></w:hdr>'),
        "word/comments.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:comments {NS}><w:comment w:id="0" w:author="SECRET-docx-comment-author" '
            'w:initials="SECRET-docx-comment-initials" w:date="2026-01-02T03:04:05Z"><w:p><w:r><w:t>Check this</w:t></w:r></w:p></w:comment></w:comments>'),
        "word/people.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w15:people {NS}><w15:person w15:author="SECRET-docx-person">'
            '<w15:presenceInfo w15:providerId="AD" w15:userId="S-1-5-21-SECRET-docx-sid"/></w15:person></w15:people>'),
        "word/settings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><w:settings {NS}><w:attachedTemplate r:id="rId1"/>'
            '<w:docVars><w:docVar w:name="owner" w:val="SECRET-docx-docvar"/></w:docVars>'
            '<w:rsids><w:rsidRoot w:val="00A1B2C3"/></w:rsids><w14:docId w14:val="1A2B3C4D"/>'
            '<w15:docId w15:val="{SECRET-docx-docid}"/></w:settings>'),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>SECRET-docx-core-creator</dc:creator>'
            '<cp:lastModifiedBy>SECRET-docx-core-lastmodified</cp:lastModifiedBy></cp:coreProperties>'),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Company>SECRET-docx-company</Company><Template>SECRET-docx-app-template</Template></Properties>'),
        "docProps/custom.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
            'pid="2" name="Owner"><vt:lpwstr>SECRET-docx-custom</vt:lpwstr></property></Properties>'),
        "docProps/thumbnail.jpeg": b"\xff\xd8\xff thumbnail SECRET-docx-thumbnail",
        "customXml/item1.xml": '<?xml version="1.0"?><root>SECRET-docx-customxml</root>',
        "word/printerSettings/printerSettings1.bin": b"DEVMODE SECRET-docx-printer",
        "word/media/image1.jpeg": jpeg_with_secrets("docx-media"),
    }
    return _zip(parts)


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 6)),
                             body.encode() if isinstance(body, str) else body,
                             compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:officeooo="http://openoffice.org/2009/office" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
       'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"')


def odt_with_secrets() -> bytes:
    manifest_entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{kind}"/>'
        for path, kind in [("/", "application/vnd.oasis.opendocument.text"), ("content.xml", "text/xml"),
                           ("styles.xml", "text/xml"), ("meta.xml", "text/xml"), ("settings.xml", "text/xml"),
                           ("Pictures/image1.jpg", "image/jpeg"), ("Thumbnails/thumbnail.png", "image/png")])
    parts = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                                  'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                                  + manifest_entries + "</manifest:manifest>"),
        "content.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF}><office:automatic-styles>'
            '<style:style style:name="P1" style:family="paragraph"><style:text-properties officeooo:rsid="SECRET-odt-rsid"/></style:style>'
            '</office:automatic-styles><office:body><office:text><text:tracked-changes><text:changed-region text:id="c1">'
            '<text:insertion><office:change-info><dc:creator>SECRET-odt-change-author</dc:creator><dc:date>2026-01-02T03:04:05</dc:date>'
            '</office:change-info></text:insertion></text:changed-region></text:tracked-changes>'
            '<text:p text:style-name="P1">He said it again.<office:annotation><dc:creator>SECRET-odt-annotation-author</dc:creator>'
            '<dc:date>2026-01-02T03:04:05</dc:date><meta:creator-initials>SECRET-odt-initials</meta:creator-initials>'
            '<text:p>Check this</text:p></office:annotation></text:p>'
            '<draw:frame><draw:image xlink:href="Pictures/image1.jpg"/></draw:frame>'
            '</office:text></office:body></office:document-content>'),
        "styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF}/>',
        "meta.xml": (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF}><office:meta>'
                     '<meta:initial-creator>SECRET-odt-meta-creator</meta:initial-creator><dc:creator>SECRET-odt-meta-last</dc:creator>'
                     '<meta:user-defined meta:name="Owner">SECRET-odt-user-defined</meta:user-defined></office:meta></office:document-meta>'),
        "settings.xml": (f'<?xml version="1.0" encoding="UTF-8"?><office:document-settings {ODF}><office:settings>'
                         '<config:config-item-set config:name="ooo:configuration-settings">'
                         '<config:config-item config:name="PrinterName" config:type="string">SECRET-odt-printer</config:config-item>'
                         '<config:config-item config:name="PrinterSetup" config:type="base64Binary">U0VDUkVULW9kdC1zZXR1cA==SECRET-odt-printer-setup</config:config-item>'
                         '</config:config-item-set></office:settings></office:document-settings>'),
        "Pictures/image1.jpg": jpeg_with_secrets("odt-picture"),
        "Thumbnails/thumbnail.png": png_chunk(b"tEXt", b"SECRET-odt-thumbnail"),
    }
    return _zip(parts)


def pdf_with_secrets() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject, TextStringObject)

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)

    def stream(data: bytes, **entries) -> object:
        obj = DecodedStreamObject()
        obj.set_data(data)
        obj.update({NameObject(k): v for k, v in entries.items()})
        return writer._add_object(obj)

    def js(code: str) -> DictionaryObject:
        return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})

    photo = jpeg_with_secrets("pdf-image")
    image = stream(b"", **{"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"),
                           "/Width": NumberObject(16), "/Height": NumberObject(16),
                           "/ColorSpace": NameObject("/DeviceRGB"), "/BitsPerComponent": NumberObject(8),
                           "/Filter": NameObject("/DCTDecode"),
                           "/Metadata": stream(b"<x>SECRET-pdf-image-xmp</x>", **{"/Type": NameObject("/Metadata")})})
    image.get_object()._data = photo
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image})})
    page[NameObject("/Contents")] = stream(b"q 100 0 0 100 50 50 cm /Im1 Do Q")
    page[NameObject("/Metadata")] = stream(b"<x>SECRET-pdf-page-xmp</x>", **{"/Type": NameObject("/Metadata")})
    page[NameObject("/PieceInfo")] = DictionaryObject({NameObject("/App"): DictionaryObject({
        NameObject("/Private"): TextStringObject("SECRET-pdf-pieceinfo")})})
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js("app.alert('SECRET-pdf-page-js')")})
    page[NameObject("/SECRETPrivateKey")] = TextStringObject("SECRET-pdf-private-key")
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(30), FloatObject(30)]),
        NameObject("/Contents"): TextStringObject("A note on the page"),
        NameObject("/T"): TextStringObject("SECRET-pdf-annotation-author"),
        NameObject("/M"): TextStringObject("D:20260102030405SECRET-pdf-annotation-date"),
        NameObject("/NM"): TextStringObject("SECRET-pdf-annotation-name")})
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(40), FloatObject(40), FloatObject(60), FloatObject(60)]),
        NameObject("/A"): js("app.launchURL('SECRET-pdf-link-js')")})
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation), writer._add_object(link)])
    writer.add_metadata({"/Author": "SECRET-pdf-info-author", "/Creator": "SECRET-pdf-info-creator",
                         "/Producer": "SECRET-pdf-info-producer"})
    writer._root_object[NameObject("/Metadata")] = stream(b"<x>SECRET-pdf-document-xmp</x>",
                                                          **{"/Type": NameObject("/Metadata")})
    writer._root_object[NameObject("/OpenAction")] = js("app.alert('SECRET-pdf-open-js')")
    writer.add_attachment("notes.txt", b"SECRET-pdf-attachment")
    first = io.BytesIO()
    writer.write(first)
    # An incremental save keeps the earlier revision's author in the file.
    from pypdf import PdfReader
    updated = PdfWriter(PdfReader(io.BytesIO(first.getvalue())), incremental=True)
    updated.add_metadata({"/Author": "someone else"})
    out = io.BytesIO()
    updated.write(out)
    return out.getvalue()


# --- sound and video ---------------------------------------------------------------------


def riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + len(body).to_bytes(4, "little") + body + (b"\x00" if len(body) & 1 else b"")


def wav_with_secrets() -> bytes:
    base = (FILES / "voice.wav").read_bytes()
    extra = (riff_chunk(b"bext", b"SECRET-wav-bext-originator".ljust(256, b"\x00"))
             + riff_chunk(b"iXML", b"<BWFXML><USER>SECRET-wav-ixml</USER></BWFXML>")
             + riff_chunk(b"id3 ", b"ID3\x03\x00\x00\x00\x00\x00\x10TIT2 SECRET-wav-id3")
             + riff_chunk(b"_PMX", b"<x>SECRET-wav-xmp</x>"))
    body = base[12:] + extra
    return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WAVE" + body


def mp3_with_secrets() -> bytes:
    from mutagen.apev2 import APEv2

    buffer = io.BytesIO((FILES / "voice.mp3").read_bytes())
    tag = APEv2()
    tag["Title"] = "SECRET-mp3-ape"
    tag.save(buffer)
    return buffer.getvalue()


def box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def with_xmp_box(data: bytes, secret: str) -> bytes:
    xmp_uuid = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
    return data + box(b"uuid", xmp_uuid + f"<x>{secret}</x>".encode())


# --- old Office files --------------------------------------------------------------------


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (CFB version 3): every stream padded to 4096 bytes so it lives
    in ordinary sectors; one FAT sector, one directory sector."""
    sector = 512
    names = list(streams)
    bodies = [streams[n].ljust(4096, b"\x00") for n in names]
    first_data = 2  # sector 0: FAT, sector 1: directory
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    starts = []
    for body in bodies:
        count = len(body) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0)  # no DIFAT sectors
              + struct.pack("<109I", 0, *([0xFFFFFFFF] * 108)))  # DIFAT[0]: the FAT is sector 0
    assert len(header) == sector

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<II", start, size) + bytes(4))

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for index, (name, body) in enumerate(zip(names, bodies)):
        right = index + 2 if index + 1 < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, starts[index] - 1 + first_data - 1, len(body), right=right))
    directory = b"".join(entries).ljust(sector, b"\x00")
    fat_sector = struct.pack("<128I", *fat)
    return header + fat_sector + directory + b"".join(bodies)


def doc_with_secrets() -> bytes:
    summary = b"\xfe\xff\x00\x00" + "SECRET-doc-author".encode("utf-16-le")
    return ole_file({"WordDocument": b"\xec\xa5 Word body", "\x05SummaryInformation": summary})


def xls_with_secrets() -> bytes:
    summary = b"\xfe\xff\x00\x00" + "SECRET-xls-author".encode("utf-16-le")
    return ole_file({"Workbook": b"\x09\x08 BIFF8", "\x05SummaryInformation": summary})


def _media(name: str) -> bytes:
    return (FILES / name).read_bytes()


def samples() -> dict[str, Sample]:
    built = {
        "photo.jpg": jpeg_with_secrets("jpeg"), "image.png": png_with_secrets(),
        "photo.heic": _media("photo.heic"), "statement.docx": docx_with_secrets(),
        "statement.odt": odt_with_secrets(), "statement.pdf": pdf_with_secrets(),
        "voice.m4a": _media("voice.m4a"), "voice.mp3": mp3_with_secrets(), "voice.ogg": _media("voice.ogg"),
        "voice.wav": wav_with_secrets(), "video.mp4": with_xmp_box(_media("video.mp4"), "SECRET-mp4-xmp"),
        "video.mov": with_xmp_box(_media("video.mov"), "SECRET-mov-xmp"),
        "old.doc": doc_with_secrets(), "old.xls": xls_with_secrets(),
    }
    out = {}
    for name, data in built.items():
        found = tuple(sorted(secrets_in(data)))
        if name.endswith((".doc", ".xls")):
            out[name] = Sample(name, data, (), kept=found, left=("format",), status="not_removed")
        else:
            out[name] = Sample(name, data, found)
    return out
