"""What examining one evidence file gives: the cleaned bytes and an honest account of them.

No Flask imports; refusals carry a code that the service layer turns into a translated
message (see ``messages``).
"""
from __future__ import annotations

from dataclasses import dataclass

# How far hidden information was removed. Only "removed" and "none" claim a clean file.
REMOVED = "removed"          # everything we know of in this format was taken out
NOTHING_HIDDEN = "none"      # plain text: there is nothing hidden to take out
KEPT = "kept"                # the sender asked to keep it as evidence
PARTIAL = "partial"          # removed, except the parts named in ``left``
NOT_REMOVED = "not_removed"  # this kind of file can't be cleaned; stored as it came

# What can be left in a file we could not fully clean (codes shown to staff in words).
LEFT_FORMAT = "format"          # a format no kept library can clean (.doc, .xls)
LEFT_EMBEDDED = "embedded"      # documents, objects or programs embedded in or linked from a document
LEFT_PICTURES = "pictures"      # pictures of a kind we can't clean, inside a document
LEFT_TRACKS = "tracks"          # a video's timed metadata track (for example a GPS track)
LEFT_ENCRYPTED = "encrypted"    # a document protected with a password: we can't open it


@dataclass(frozen=True)
class CleanFile:
    content_type: str
    data: bytes
    status: str
    left: tuple[str, ...] = ()

    @property
    def metadata_removed(self) -> bool:
        """True only when nothing hidden is known to remain."""
        return self.status in (REMOVED, NOTHING_HIDDEN)


# Why a file is refused. The service layer words each one (metadata.messages).
TYPE = "type"            # not a type we accept
DAMAGED = "damaged"      # damaged, or not what it claims to be
BOMB = "bomb"            # far more data inside than its size suggests, or unusual packing
LIMITS = "limits"        # too many pages, parts, pixels or too deep
TIME = "time"            # checking it took longer than allowed


class UnsupportedFile(Exception):
    """The file is refused; ``code`` says why (one of the codes above)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code
