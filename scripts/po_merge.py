"""A git merge driver for gettext catalogues: the union of both sides' messages.

Two branches that each add texts to a catalogue conflict in git's line merge wherever their
new entries land next to each other (the catalogues are sorted). The messages themselves
rarely conflict, so this driver merges them as messages:

    git config merge.po.driver "python3 scripts/po_merge.py %O %A %B"
    # .gitattributes: *.po merge=po  *.pot merge=po

A message only one side has is kept; where both changed the same message differently, the
side that changed it from the common ancestor wins, and when both did, the result is marked
fuzzy for a translator and the driver exits 1 so git reports a conflict. Afterwards run the
extract/update/compile steps of docs/manual/translations.md, which drop messages no template
uses any more and rebuild the .mo files.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def _read(path: str) -> Catalog:
    data = Path(path).read_bytes()
    if not data.strip():
        return Catalog()
    with open(path, "rb") as handle:
        return read_po(handle)


def merge(base: Catalog, ours: Catalog, theirs: Catalog) -> tuple[Catalog, list[str]]:
    conflicts: list[str] = []
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
            continue
        if mine.string == message.string:
            continue
        old = base.get(message.id, message.context)
        old_string = old.string if old is not None else None
        if mine.string == old_string or not mine.string:
            mine.string = message.string
            mine.flags = set(message.flags)
        elif message.string == old_string or not message.string:
            pass
        else:
            mine.flags.add("fuzzy")
            conflicts.append(str(message.id))
        mine.locations = sorted(set(mine.locations) | set(message.locations))
    return ours, conflicts


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = argv[1:4]
    merged, conflicts = merge(_read(base_path), _read(ours_path), _read(theirs_path))
    with open(ours_path, "wb") as handle:
        write_po(handle, merged, width=None, sort_output=True, include_lineno=False)
    for msgid in conflicts:
        print(f"po_merge: both sides changed {msgid!r}; marked fuzzy", file=sys.stderr)
    return 1 if conflicts else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
