"""ZIP-based documents (DOCX, ODT): opened only after the archive's table of contents has
been checked against hard bounds, and rewritten part by part.

Nothing is unpacked before the checks: the number of parts, each part's unpacked size and
packing ratio, the total, and the packing method (only "stored" and "deflate", what Word and
LibreOffice write) are read from the central directory first. Python's zipfile never reads a
part past the size the directory declares, so a lying header can't unpack more. Archives
inside the document are never opened.
"""
from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field
from typing import Callable

from . import images, xmlparts
from .limits import (MAX_CENTRAL_DIRECTORY, MAX_ENTRIES, MAX_RATIO, MAX_UNPACKED_PART,
                     MAX_UNPACKED_TOTAL, RATIO_FLOOR)
from .result import BOMB, DAMAGED, LEFT_EMBEDDED, LEFT_PICTURES, LIMITS, UnsupportedFile

_EOCD = b"PK\x05\x06"
NEUTRAL_DATE = (1980, 1, 1, 0, 0, 0)


def open_archive(data: bytes) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose directory passed every bound; raises UnsupportedFile."""
    _check_end_record(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnsupportedFile(DAMAGED, "damaged archive") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsupportedFile(LIMITS, "too many parts")
    if len({i.filename for i in infos}) != len(infos):
        raise UnsupportedFile(DAMAGED, "two parts with one name")  # readers would disagree
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsupportedFile(DAMAGED, "encrypted part")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsupportedFile(BOMB, "unusual packing method")
        if info.file_size > MAX_UNPACKED_PART:
            raise UnsupportedFile(BOMB, "part too large unpacked")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsupportedFile(BOMB, "part packed too tightly")
        total += info.file_size
    if total > MAX_UNPACKED_TOTAL:
        raise UnsupportedFile(BOMB, "too large unpacked")
    return archive


def _check_end_record(data: bytes) -> None:
    """Read the entry count and directory size before zipfile builds its list of parts."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        raise UnsupportedFile(DAMAGED, "no archive directory")
    entries, directory_size = struct.unpack("<HI", data[at + 10:at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise UnsupportedFile(LIMITS, "ZIP64 archive")  # no document under the size limit needs it
    if entries > MAX_ENTRIES or directory_size > MAX_CENTRAL_DIRECTORY:
        raise UnsupportedFile(LIMITS, "too many parts")


def read_small(archive: zipfile.ZipFile, name: str, limit: int = 1024) -> bytes | None:
    """A small part (like ODF's ``mimetype``), or None if missing or larger than ``limit``."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnsupportedFile(DAMAGED, "damaged part") from None


@dataclass
class Package:
    """How one document format is cleaned, part by part."""

    drops: Callable[[str], bool]
    replacement: Callable[[str], bytes | None]
    rules: Callable[[str, "Package"], xmlparts.XmlRules]
    harmless: Callable[[str], bool]      # binary parts kept as they are (fonts)
    programs: Callable[[str], bool]      # parts that are code or embedded objects: kept, flagged
    is_xml: Callable[[str], bool]
    stored: frozenset[str] = frozenset()  # parts that must stay uncompressed (ODF mimetype)
    left: set[str] = field(default_factory=set)


def rewrite(archive: zipfile.ZipFile, package: Package) -> bytes:
    """The cleaned document; ``package.left`` collects what could not be cleaned."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in archive.infolist():
                name = info.filename
                if package.drops(name):
                    continue
                entry = zipfile.ZipInfo(name, date_time=NEUTRAL_DATE)
                entry.compress_type = zipfile.ZIP_STORED if name in package.stored else zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                if name.endswith("/"):
                    target.writestr(entry, b"")
                    continue
                replacement = package.replacement(name)
                if replacement is not None:
                    target.writestr(entry, replacement)
                elif package.programs(name):
                    package.left.add(LEFT_EMBEDDED)
                    _copy(archive, info, target, entry)
                elif package.is_xml(name):
                    with archive.open(info) as source, target.open(entry, "w") as sink:
                        xmlparts.rewrite(source, sink, package.rules(name, package))
                else:
                    target.writestr(entry, _binary_part(archive.read(info), name, package))
    except (zipfile.BadZipFile, EOFError, OSError):
        raise UnsupportedFile(DAMAGED, "damaged part") from None
    return out.getvalue()


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: zipfile.ZipFile,
          entry: zipfile.ZipInfo) -> None:
    with archive.open(info) as source, target.open(entry, "w") as sink:
        while chunk := source.read(64 * 1024):
            sink.write(chunk)


def _binary_part(body: bytes, name: str, package: Package) -> bytes:
    picture = images.clean_picture(body)
    if picture is not None:
        return picture
    if not package.harmless(name):
        package.left.add(LEFT_PICTURES if _looks_like_picture(name) else LEFT_EMBEDDED)
    return body


_PICTURE_SUFFIXES = (".emf", ".wmf", ".gif", ".tif", ".tiff", ".bmp", ".svg", ".svm", ".wdp",
                     ".jxr", ".heic", ".webp", ".jpg", ".jpeg", ".png")


def _looks_like_picture(name: str) -> bool:
    return name.lower().endswith(_PICTURE_SUFFIXES) or "/media/" in name or name.startswith(
        ("Pictures/", "ObjectReplacements/"))
