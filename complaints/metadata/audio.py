"""Voice recordings: MP3 and Ogg tags removed with mutagen (the tag library mat2 and most
music software use); WAV files keep only their format and sound chunks.

- MP3: ID3 version 1 and 2 tags (title, artist, recording date, comments, pictures) and APE
  tags are removed. The encoder's name in the first frame stays (it names software, not a
  person).
- Ogg (Vorbis, Opus, FLAC, Speex): every comment is removed, embedded pictures included; the
  encoder's vendor string stays.
- WAV: only ``fmt``, ``fact`` and ``data`` chunks are kept; ``LIST/INFO`` (artist, software,
  dates), ``bext`` (originator, date), ``iXML``, ``id3``, XMP and markers are removed.
"""
from __future__ import annotations

import io

from .limits import MAX_BOXES
from .result import DAMAGED, LIMITS, UnsupportedFile

_WAV_KEEP = {b"fmt ", b"fact", b"data"}


def clean_mp3(data: bytes) -> bytes:
    from mutagen import MutagenError, apev2, id3
    from mutagen.mp3 import MP3

    buffer = io.BytesIO(data)
    try:
        MP3(buffer)  # refuses a file without MPEG audio frames
        for _ in range(3):  # tags can be stacked in any order at the end: ID3v1, APE, ID3v1...
            id3.delete(buffer)
            apev2.delete(buffer)
    except (MutagenError, ValueError, EOFError, OverflowError):
        raise UnsupportedFile(DAMAGED, "damaged MP3") from None
    cleaned = buffer.getvalue()
    if cleaned.startswith(b"ID3") or cleaned[-128:].startswith(b"TAG") or b"APETAGEX" in cleaned[-65536:]:
        raise UnsupportedFile(DAMAGED, "MP3 tags that could not be removed")
    return cleaned


def clean_ogg(data: bytes) -> bytes:
    import mutagen
    from mutagen.oggflac import OggFLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggspeex import OggSpeex
    from mutagen.oggvorbis import OggVorbis

    kinds = [OggVorbis, OggOpus, OggFLAC, OggSpeex]
    buffer = io.BytesIO(data)
    try:
        audio = mutagen.File(buffer, options=kinds)
        if audio is None:
            raise UnsupportedFile(DAMAGED, "not Ogg audio")
        audio.delete(buffer)
        buffer.seek(0)
        again = mutagen.File(buffer, options=kinds)
    except (mutagen.MutagenError, ValueError, EOFError, OverflowError):
        raise UnsupportedFile(DAMAGED, "damaged Ogg file") from None
    if again is None or (again.tags and len(again.tags) > 0):
        raise UnsupportedFile(DAMAGED, "Ogg comments that could not be removed")
    return buffer.getvalue()


def clean_wav(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise UnsupportedFile(DAMAGED, "not a WAV file")
    end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    kept = bytearray()
    at, count, has_sound = 12, 0, False
    while at + 8 <= end:
        count += 1
        if count > MAX_BOXES:
            raise UnsupportedFile(LIMITS, "too many chunks")
        kind = data[at:at + 4]
        size = int.from_bytes(data[at + 4:at + 8], "little")
        chunk_end = at + 8 + size + (size & 1)
        if at + 8 + size > len(data):
            raise UnsupportedFile(DAMAGED, "damaged WAV chunk")
        if kind in _WAV_KEEP:
            kept += data[at:at + 8 + size] + (b"\x00" if size & 1 else b"")
            has_sound = has_sound or kind == b"data"
        at = chunk_end
    if not has_sound:
        raise UnsupportedFile(DAMAGED, "WAV without sound")
    return b"RIFF" + (len(kept) + 4).to_bytes(4, "little") + b"WAVE" + bytes(kept)
