"""Hard bounds for reading a file someone uploaded. Every reader checks these before it
spends memory or time; the sandbox (``sandbox.py``) enforces memory and CPU time on top,
in case a library's parser has a weakness of its own."""
from __future__ import annotations

# Archives (DOCX, ODT): checked from the central directory before anything is unpacked.
MAX_ENTRIES = 1000                    # parts in one document
MAX_CENTRAL_DIRECTORY = 1024 * 1024   # bytes of the archive's table of contents
MAX_UNPACKED_TOTAL = 100 * 1024 ** 2  # all parts together, unpacked
MAX_UNPACKED_PART = 64 * 1024 ** 2    # one part, unpacked
MAX_RATIO = 100                       # unpacked / packed size of one part ...
RATIO_FLOOR = 1024 * 1024             # ... once the part unpacks to more than this

# XML parts: no DTD or entities at all; nesting bounded.
MAX_XML_DEPTH = 256

# PDF
MAX_PDF_PAGES = 2000
MAX_PDF_STREAM = 50 * 1024 ** 2       # one decoded stream (pypdf's own caps are set to this)

# Pictures: no camera makes more; beyond this a viewer would need gigabytes to open it.
MAX_PIXELS = 250_000_000

# Audio and video containers
MAX_BOXES = 200_000                   # boxes / chunks walked in one file
MAX_BOX_DEPTH = 16

# The sandbox: what checking may cost the child process (on top of its interpreter): this, or
# six times the largest file allowed when an administrator raises that limit (a cleaner holds
# the file, its cleaned copy and a parser's working copies).
SANDBOX_MEMORY = 160 * 1024 ** 2
SANDBOX_MEMORY_PER_FILE_BYTE = 6
# Its CPU time is the request's budget (COMPLAINTS_FILE_CHECK_SECONDS); this wall-clock limit
# is only a backstop for a child that is stuck without using CPU (under gunicorn's 60 s).
SANDBOX_WALL_SECONDS = 30
