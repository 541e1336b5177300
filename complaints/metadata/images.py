"""Photos and pictures: keep the pixels, drop everything else. Lossless: the image data is
copied byte for byte, never decoded, so a picture's size can't make us spend memory on it.
"""
from __future__ import annotations

import re

from .limits import MAX_PIXELS
from .result import DAMAGED, LIMITS, UnsupportedFile

JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# JPEG markers kept outside the image data: frame headers, tables, restart interval,
# JFIF (APP0 "JFIF" only: no thumbnail) and Adobe's APP14 (needed to decode colours).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_TABLES = {0xC4, 0xCC, 0xDB, 0xDD, 0xDC, 0xDE, 0xDF}
_SOS, _EOI, _SOI = 0xDA, 0xD9, 0xD8


def strip_jpeg(data: bytes) -> bytes:
    """The first picture of a JPEG with nothing but what decoding needs.

    Dropped: APP1..APP15 (EXIF with GPS and camera serial, XMP, IPTC, ICC, MPF), comments,
    APP0 other than JFIF, and everything after the first picture's end (the second JPEG of
    multi-picture files, motion-photo videos, appended archives).
    """
    if not data.startswith(b"\xff\xd8"):
        raise UnsupportedFile(DAMAGED, "not a JPEG")
    out = bytearray(b"\xff\xd8")
    at, size = 2, len(data)
    while at < size:
        if data[at] != 0xFF:
            raise UnsupportedFile(DAMAGED, "damaged JPEG")
        marker = data[at + 1] if at + 1 < size else -1
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == _EOI:
            out += b"\xff\xd9"
            return bytes(out)
        if marker == -1 or marker == _SOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise UnsupportedFile(DAMAGED, "damaged JPEG")
        if at + 4 > size:
            raise UnsupportedFile(DAMAGED, "damaged JPEG")
        length = int.from_bytes(data[at + 2:at + 4], "big")
        end = at + 2 + length
        if length < 2 or end > size:
            raise UnsupportedFile(DAMAGED, "damaged JPEG")
        body = data[at + 4:end]
        if marker in _SOF:
            _check_jpeg_size(body)
        keep = (marker in _SOF or marker in _TABLES or marker == _SOS
                or (marker == 0xE0 and body.startswith(b"JFIF\x00"))
                or (marker == 0xEE and body.startswith(b"Adobe")))
        if marker == 0xE0 and keep and len(body) > 14:
            body = body[:12] + b"\x00\x00"  # JFIF header without its thumbnail
            out += b"\xff\xe0" + (len(body) + 2).to_bytes(2, "big") + body
        elif keep:
            out += data[at:end]
        at = end
        if marker == _SOS:  # entropy-coded data up to the next marker that isn't stuffing or RSTn
            scan_end = _end_of_scan(data, at)
            out += data[at:scan_end]
            at = scan_end
    raise UnsupportedFile(DAMAGED, "JPEG without an end")


# The end of entropy-coded data: a 0xFF that is neither stuffing (FF 00), a restart marker
# (FF D0-D7) nor a fill byte. One search in C, whatever the number of stuffed bytes.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _end_of_scan(data: bytes, at: int) -> int:
    found = _NEXT_MARKER.search(data, at)
    if found is None:
        raise UnsupportedFile(DAMAGED, "JPEG cut off")
    return found.start()


def _check_jpeg_size(frame: bytes) -> None:
    if len(frame) < 5:
        raise UnsupportedFile(DAMAGED, "damaged JPEG frame")
    height, width = int.from_bytes(frame[1:3], "big"), int.from_bytes(frame[3:5], "big")
    if height * width > MAX_PIXELS:
        raise UnsupportedFile(LIMITS, "picture too large")


# PNG chunks kept: the critical ones and those that change how the pixels look. Everything
# else goes (text, EXIF, time, ICC profile names, and any private chunk).
PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
            b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT"}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise UnsupportedFile(DAMAGED, "not a PNG")
    out = bytearray(PNG_SIGNATURE)
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        end = at + 12 + length
        if end > len(data):
            break
        if kind == b"IHDR":
            width, height = int.from_bytes(data[at + 8:at + 12], "big"), int.from_bytes(data[at + 12:at + 16], "big")
            if width * height > MAX_PIXELS:
                raise UnsupportedFile(LIMITS, "picture too large")
        if kind in PNG_KEEP:
            out += data[at:end]
        at = end
        if kind == b"IEND":
            return bytes(out)  # anything after the end is dropped
    raise UnsupportedFile(DAMAGED, "damaged PNG")


def clean_picture(data: bytes) -> bytes | None:
    """A picture inside a document, cleaned; None when it is of a kind we can't clean."""
    if data.startswith(JPEG_SIGNATURE):
        return strip_jpeg(data)
    if data.startswith(PNG_SIGNATURE):
        return strip_png(data)
    return None
