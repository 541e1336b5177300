"""A Babel extractor for the profiles' texts people read: the labels and explanations of
categories and of the external bodies a complainant can turn to.

babel.cfg names it, so ``pybabel extract`` puts these into the catalogue beside the code's
messages; the templates translate them with gettext where they are shown.
"""
from __future__ import annotations

import tomllib
from typing import IO, Iterator

TRANSLATED_KEYS = ("label", "explanation")


def extract(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    for table, name in (("categories", "category"), ("external_bodies", "external body")):
        for entry in data.get(table, []):
            for key in TRANSLATED_KEYS:
                value = entry[key]
                lineno = next((n for n, line in enumerate(lines, 1)
                               if line.startswith(f"{key} =") and value in line), 0)
                yield lineno, "gettext", value, [f"{name} {entry.get('code', '')}: {key}"]
