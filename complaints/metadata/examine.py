"""Recognise an evidence file by its content and clean it: the one entry point that runs
inside the sandbox (``worker.py``). The name a file came with is never trusted."""
from __future__ import annotations

from . import archives, audio, images, isobmff, odf, ooxml, pdf
from .result import (DAMAGED, KEPT, LEFT_FORMAT, NOT_REMOVED, NOTHING_HIDDEN, PARTIAL, REMOVED, TYPE,
                     CleanFile, UnsupportedFile)

JPEG, PNG, HEIC = "image/jpeg", "image/png", "image/heic"
PDF, TEXT = "application/pdf", "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
MP3, M4A, OGG, WAV = "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav"
MP4, MOV = "video/mp4", "video/quicktime"

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MOVIE_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
                 b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"dash", b"MSNV", b"XAVC", b"mmp4"}
_AUDIO_BRANDS = {b"M4A ", b"M4B "}


def sniff(data: bytes) -> str | None:
    if data.startswith(images.JPEG_SIGNATURE):
        return JPEG
    if data.startswith(images.PNG_SIGNATURE):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _sniff_package(data)
    if data.startswith(_OLE_SIGNATURE):
        return _sniff_ole(data)
    if data[4:8] == b"ftyp":
        return _sniff_media(data)
    if data.startswith(b"OggS"):
        return OGG
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return WAV
    if data.startswith(b"ID3") or _mpeg_audio_frame(data[:4]):
        return MP3
    return TEXT if _is_text(data) else None


def _sniff_package(data: bytes) -> str | None:
    archive = archives.open_archive(data)
    names = set(archive.namelist())
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return DOCX
    if "content.xml" in names and (archives.read_small(archive, "mimetype") or b"").strip() == odf.MIMETYPE:
        return ODT
    return None


def _sniff_ole(data: bytes) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("WordDocument"):
                return DOC
            if ole.exists("Workbook") or ole.exists("Book"):
                return XLS
    except Exception:  # olefile raises many kinds for a damaged file
        raise UnsupportedFile(DAMAGED, "damaged OLE file") from None
    return None


def _sniff_media(data: bytes) -> str | None:
    if isobmff.is_heic(data):
        return HEIC
    found = isobmff.brands(data)
    major = bytes(data[8:12])
    if major == b"qt  ":
        return MOV
    if major in _AUDIO_BRANDS:
        return M4A
    if major in _MOVIE_BRANDS or found & _MOVIE_BRANDS:
        return MP4
    return None


def _mpeg_audio_frame(header: bytes) -> bool:
    """An MPEG audio layer III frame header (an MP3 without tags starts with one)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate = header[2] >> 4, (header[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any((ord(ch) < 32 and ch not in "\t\n\r\f") or ord(ch) == 127 for ch in text)


def clean(data: bytes, keep_metadata: bool = False) -> CleanFile:
    """Recognise and clean ``data``; raises UnsupportedFile (with a code) to refuse it."""
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedFile(TYPE)
    if content_type == TEXT:
        return CleanFile(TEXT, data, NOTHING_HIDDEN)
    if content_type in (DOC, XLS):
        if keep_metadata:
            return CleanFile(content_type, data, KEPT)
        return CleanFile(content_type, data, NOT_REMOVED, (LEFT_FORMAT,))
    if keep_metadata:
        _check_readable(content_type, data)
        return CleanFile(content_type, data, KEPT)
    cleaned, left = _clean(content_type, data)
    if cleaned is None:
        return CleanFile(content_type, data, NOT_REMOVED, tuple(sorted(left)))
    return CleanFile(content_type, cleaned, PARTIAL if left else REMOVED, tuple(sorted(left)))


def _clean(content_type: str, data: bytes) -> tuple[bytes | None, set[str]]:
    if content_type == JPEG:
        return images.strip_jpeg(data), set()
    if content_type == PNG:
        return images.strip_png(data), set()
    if content_type == PDF:
        return pdf.clean(data)
    if content_type in (DOCX, ODT):
        package = ooxml.package() if content_type == DOCX else odf.package()
        cleaned = archives.rewrite(archives.open_archive(data), package)
        return cleaned, package.left
    if content_type in (HEIC, MP4, MOV, M4A):
        return isobmff.clean(data)
    if content_type == MP3:
        return audio.clean_mp3(data), set()
    if content_type == OGG:
        return audio.clean_ogg(data), set()
    if content_type == WAV:
        return audio.clean_wav(data), set()
    raise UnsupportedFile(TYPE)


def _check_readable(content_type: str, data: bytes) -> None:
    """A file kept as it is must still be what it claims and within the bounds: clean a
    copy and throw it away (the bounds and the damage checks are the same)."""
    _clean(content_type, data)
