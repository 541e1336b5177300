"""Phone videos, voice memos and photos in ISO base media files (MP4, MOV, M4A, HEIC).

Cleaning never moves a byte of picture or sound: metadata boxes are turned into ``free``
boxes of the same size with their content zeroed (players skip ``free``), and metadata items
are zeroed where they lie, so every offset in the file stays right.
- Videos and recordings: ``udta`` (user data: GPS position ``©xyz``, 3GPP location, make,
  model, software, the title a voice memo gets from where it was recorded), ``meta`` (Apple's
  location, device and creation keys), ``uuid`` boxes (XMP and makers' data) are blanked, and
  the creation and modification times in the movie, track and media headers are zeroed.
  A timed metadata track (a GPS track, for instance) can't be removed this way: the file is
  marked as not fully cleaned.
- HEIC photos: the EXIF and XMP items are zeroed.
"""
from __future__ import annotations

from typing import Iterator

from .limits import MAX_BOX_DEPTH, MAX_BOXES
from .result import DAMAGED, LEFT_TRACKS, LIMITS, UnsupportedFile

_BLANKED = {b"udta", b"meta", b"uuid"}
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts", b"dinf", b"stbl", b"moof", b"traf",
               b"mvex", b"sinf", b"schi"}
_TIMES = {b"mvhd", b"tkhd", b"mdhd"}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_METADATA_HANDLERS = {b"meta", b"mdta", b"gpmd", b"camm"}


class _Walk:
    def __init__(self, data: bytearray):
        self.data, self.count = data, 0

    def boxes(self, start: int, end: int, depth: int) -> Iterator[tuple[bytes, int, int, int]]:
        """(type, box start, payload start, box end) for each box in [start, end)."""
        if depth > MAX_BOX_DEPTH:
            raise UnsupportedFile(LIMITS, "boxes nested too deeply")
        at = start
        while at + 8 <= end:
            self.count += 1
            if self.count > MAX_BOXES:
                raise UnsupportedFile(LIMITS, "too many boxes")
            size = int.from_bytes(self.data[at:at + 4], "big")
            kind = bytes(self.data[at + 4:at + 8])
            payload = at + 8
            if size == 1:
                if at + 16 > end:
                    raise UnsupportedFile(DAMAGED, "damaged box")
                size = int.from_bytes(self.data[at + 8:at + 16], "big")
                payload = at + 16
            elif size == 0:
                size = end - at
            if size < payload - at or at + size > end:
                raise UnsupportedFile(DAMAGED, "damaged box")
            yield kind, at, payload, at + size
            at += size
        if at != end and end - at >= 8:
            raise UnsupportedFile(DAMAGED, "damaged box")


def brands(data: bytes) -> set[bytes]:
    """The major and compatible brands of the ``ftyp`` box, or an empty set."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return set()
    size = min(int.from_bytes(data[0:4], "big"), len(data), 4096)
    found = {bytes(data[8:12])}
    found.update(bytes(data[i:i + 4]) for i in range(16, size - 3, 4))
    return found


def is_heic(data: bytes) -> bool:
    major = bytes(data[8:12])
    return major in _HEIC_BRANDS or (major in {b"mif1", b"msf1"} and bool(brands(data) & {b"heic", b"heix"}))


def clean(data: bytes) -> tuple[bytes, set[str]]:
    buffer = bytearray(data)
    walk = _Walk(buffer)
    left: set[str] = set()
    heic = is_heic(data)
    for kind, start, payload, end in walk.boxes(0, len(buffer), 0):
        if kind == b"moov":
            _clean_movie(walk, payload, end, left, 1)
        elif kind == b"meta" and heic:
            _clean_heic_meta(walk, payload, end)
        elif kind in _BLANKED:
            _blank(buffer, start, payload, end)
    return bytes(buffer), left


def _blank(buffer: bytearray, start: int, payload: int, end: int) -> None:
    buffer[start + 4:start + 8] = b"free"  # same size (a 64-bit size stays); content zeroed
    buffer[payload:end] = bytes(end - payload)


def _clean_movie(walk: _Walk, start: int, end: int, left: set[str], depth: int) -> None:
    buffer = walk.data
    for kind, box, payload, box_end in walk.boxes(start, end, depth):
        if kind in _BLANKED:
            _blank(buffer, box, payload, box_end)
        elif kind in _TIMES:
            _zero_times(buffer, payload, box_end)
        elif kind == b"hdlr" and box_end - payload >= 12 and bytes(buffer[payload + 8:payload + 12]) in _METADATA_HANDLERS:
            left.add(LEFT_TRACKS)
        elif kind in _CONTAINERS:
            _clean_movie(walk, payload, box_end, left, depth + 1)


def _zero_times(buffer: bytearray, payload: int, end: int) -> None:
    version = buffer[payload] if payload < end else 0
    width = 8 if version == 1 else 4
    if payload + 4 + 2 * width <= end:
        buffer[payload + 4:payload + 4 + 2 * width] = bytes(2 * width)


def _clean_heic_meta(walk: _Walk, start: int, end: int) -> None:
    """Zero the EXIF and XMP items of a HEIF ``meta`` box (a full box: 4 bytes first)."""
    buffer = walk.data
    children = {kind: (payload, box_end) for kind, _, payload, box_end in walk.boxes(start + 4, end, 1)}
    if b"iinf" not in children or b"iloc" not in children:
        return
    metadata_items = _metadata_items(walk, *children[b"iinf"])
    if not metadata_items:
        return
    idat = children.get(b"idat", (0, 0))[0]
    for item_id, method, extents in _locations(buffer, *children[b"iloc"]):
        if item_id not in metadata_items:
            continue
        for offset, length in extents:
            base = offset if method == 0 else idat + offset if method == 1 else -1
            if base < 0 or length == 0 or base + length > len(buffer):
                raise UnsupportedFile(DAMAGED, "damaged item location")
            buffer[base:base + length] = bytes(length)


def _metadata_items(walk: _Walk, start: int, end: int) -> set[int]:
    buffer = walk.data
    version = buffer[start]
    first = start + 4 + (2 if version == 0 else 4)
    items: set[int] = set()
    for kind, _, payload, box_end in walk.boxes(first, end, 2):
        if kind != b"infe" or box_end - payload < 12:
            continue
        infe_version = buffer[payload]
        if infe_version < 2:
            continue
        at = payload + 4
        id_size = 2 if infe_version == 2 else 4
        item_id = int.from_bytes(buffer[at:at + id_size], "big")
        at += id_size + 2
        item_type = bytes(buffer[at:at + 4])
        at += 4
        name_end = buffer.find(b"\x00", at, box_end)
        content_type = b""
        if item_type == b"mime" and name_end >= 0:
            type_end = buffer.find(b"\x00", name_end + 1, box_end)
            content_type = bytes(buffer[name_end + 1:type_end if type_end >= 0 else box_end])
        is_xmp = item_type == b"mime" and (b"xmp" in content_type.lower() or b"rdf" in content_type.lower())
        if item_type == b"Exif" or is_xmp:
            items.add(item_id)
    return items


def _locations(buffer: bytearray, start: int, end: int) -> Iterator[tuple[int, int, list[tuple[int, int]]]]:
    """(item id, construction method, [(offset, length)]) from an ``iloc`` box."""
    version = buffer[start]
    at = start + 4
    sizes = buffer[at:at + 2]
    offset_size, length_size = sizes[0] >> 4, sizes[0] & 0xF
    base_size, index_size = sizes[1] >> 4, (sizes[1] & 0xF) if version in (1, 2) else 0
    at += 2
    count_size = 4 if version == 2 else 2
    count = int.from_bytes(buffer[at:at + count_size], "big")
    at += count_size

    def read(width: int) -> int:
        nonlocal at
        if at + width > end:
            raise UnsupportedFile(DAMAGED, "damaged item locations")
        value = int.from_bytes(buffer[at:at + width], "big")
        at += width
        return value

    for _ in range(count):
        item_id = read(4 if version == 2 else 2)
        method = read(2) & 0xF if version in (1, 2) else 0
        read(2)  # data reference index
        base = read(base_size)
        extents = []
        for _ in range(read(2)):
            if index_size:
                read(index_size)
            extents.append((base + read(offset_size), read(length_size)))
        yield item_id, method, extents
