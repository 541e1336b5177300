"""Evidence files: recognised by their content, checked within hard bounds, and cleaned of
hidden information (who wrote a document, where and with what a photo was taken).

Unless the person asks to keep it as evidence, hidden information is removed before the file
is encrypted; what can't be removed is said plainly (``CleanFile.status`` and ``left``). The
checking runs in a sandboxed child process (``sandbox.Checker``); ``clean`` runs the same code
in this process, for tests and tools. No Flask imports: messages are N_-marked here and
translated by the service layer.
"""
from __future__ import annotations

from ..translatable import N_
from .examine import clean, sniff
from .result import (BOMB, DAMAGED, KEPT, LEFT_EMBEDDED, LEFT_ENCRYPTED, LEFT_FORMAT, LEFT_PICTURES,
                     LEFT_TRACKS, LIMITS, NOT_REMOVED, NOTHING_HIDDEN, PARTIAL, REMOVED, TIME, TYPE,
                     CleanFile, UnsupportedFile)
from .limits import SANDBOX_MEMORY, SANDBOX_MEMORY_PER_FILE_BYTE
from .sandbox import Checker, check

__all__ = ["ACCEPT", "ALLOWED_NAMES", "Checker", "CleanFile", "LEFT_LABELS", "MISNAMED", "REFUSALS",
           "STATUS_LABELS", "UnsupportedFile", "check", "clean", "named_like_accepted", "sandbox_memory",
           "sniff"]

ALLOWED_NAMES = N_("photos (JPEG, PNG, HEIC), PDF, plain text, Word (.docx, .doc), Excel (.xls), "
                   "OpenDocument (.odt), voice recordings (.m4a, .mp3, .ogg, .wav) and videos (.mp4, .mov)")

# What the browser's file picker offers (content decides in the end, not the name).
ACCEPT = ",".join([
    ".jpg", ".jpeg", ".png", ".heic", ".heif", ".pdf", ".txt", ".docx", ".doc", ".xls", ".odt",
    ".m4a", ".mp3", ".ogg", ".oga", ".opus", ".wav", ".mp4", ".mov",
    "image/jpeg", "image/png", "image/heic", "image/heif", "application/pdf", "text/plain",
    "audio/*", "video/mp4", "video/quicktime",
])

# A file whose name says a kind we accept, with content of no kind we accept: naming the
# accepted kinds would list the very kind the person sees in their file's name.
MISNAMED = N_("This file is named like a kind we accept, but what it holds is not one: it may be "
              "damaged, or another kind of file renamed. If it opens on your device, save it again "
              "from the program that opens it, then choose it again.")


def named_like_accepted(filename: str) -> bool:
    """Whether the name ends with an extension the file picker offers."""
    return "." in filename and "." + filename.rsplit(".", 1)[1].lower() in ACCEPT.split(",")


# Why a file is refused, by the code the checker gives (``%(allowed)s`` is ALLOWED_NAMES).
REFUSALS = {
    TYPE: N_("This type of file is not accepted. Accepted: %(allowed)s."),
    DAMAGED: N_("This file seems damaged and could not be checked for hidden information. Try "
                "saving it again, or choose another file."),
    BOMB: N_("This file holds far more data than its size suggests, or is packed in an unusual "
             "way, so it can't be checked safely. Save it again from the program that made it, "
             "or send it as a PDF."),
    LIMITS: N_("This file is too complex to check safely (too many pages or parts, or too large "
               "a picture). Try splitting it, or send it in another format."),
    TIME: N_("Checking this file took too long, so it was not accepted. Send it again on its own, "
             "or in another format."),
}

# How far hidden information was removed, as staff read it beside each file.
STATUS_LABELS = {
    REMOVED: N_("hidden information removed"),
    NOTHING_HIDDEN: N_("plain text, nothing hidden"),
    KEPT: N_("hidden information kept at the sender's request"),
    PARTIAL: N_("hidden information partly removed"),
    NOT_REMOVED: N_("hidden information not removed"),
    "earlier": N_("cleaned by an earlier, less thorough version: hidden information may remain"),
}
LEFT_LABELS = {
    LEFT_FORMAT: N_("this format can't be cleaned"),
    LEFT_EMBEDDED: N_("embedded or linked files, objects or macros"),
    LEFT_PICTURES: N_("pictures of a kind that can't be cleaned"),
    LEFT_TRACKS: N_("a metadata track (for example a GPS track)"),
    LEFT_ENCRYPTED: N_("protected with a password"),
}


def sandbox_memory(max_file_bytes: int) -> int:
    """What the checker may use for files up to ``max_file_bytes``."""
    return max(SANDBOX_MEMORY, SANDBOX_MEMORY_PER_FILE_BYTE * max_file_bytes)
