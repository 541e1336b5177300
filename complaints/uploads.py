"""The request class: uploads wait in an encrypted spool (spool.py), never in clear on disk."""
from __future__ import annotations

from typing import IO

from flask import Request

from .spool import EncryptedSpool


class SpoolingRequest(Request):
    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return EncryptedSpool()  # type: ignore[return-value]
