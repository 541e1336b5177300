"""OpenDocument text (.odt): what is taken out, part by part.

- ``meta.xml`` (of the document and of every embedded object) is replaced by an empty one;
  thumbnails, the layout cache and ``Configurations2/`` are removed (and from the manifest).
- In every XML part: the creator, initials and date of tracked changes and comments are
  emptied; revision-session ids are removed; in ``settings.xml`` the printer's name and
  set-up (which can name the computer and user) and data-source names are emptied.
- Pictures (JPEG, PNG) under ``Pictures/`` are cleaned like photos; other pictures, macros
  and embedded objects' pictures are kept and the file is marked as not fully cleaned.
"""
from __future__ import annotations

import re

from .archives import Package
from .xmlparts import XmlRules

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC = "http://purl.org/dc/elements/1.1/"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
CONFIG = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
OFFICEOOO = "http://openoffice.org/2009/office"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
MIMETYPE = b"application/vnd.oasis.opendocument.text"

NEUTRAL_META = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
                b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
                b'<office:meta/></office:document-meta>')

_DROPPED = re.compile(r"^(Thumbnails/.*|layout-cache|Configurations2/.*)$")
_PROGRAMS = re.compile(r"^(Basic|Scripts)/")
_BLANK = frozenset({(DC, "creator"), (DC, "date"), (META, "creator-initials"), (LOEXT, "sender-initials"),
                    (META, "initial-creator"), (META, "creation-date"), (META, "printed-by"),
                    (META, "print-date")})
_BLANK_SETTINGS = {"PrinterName", "PrinterSetup", "CurrentDatabaseDataSource", "CurrentDatabaseCommand",
                   "CurrentDatabaseCommandType"}
_DROP_ATTRIBUTES = frozenset({(OFFICEOOO, "rsid"), (OFFICEOOO, "paragraph-rsid")})


def package() -> Package:
    return Package(drops=lambda name: bool(_DROPPED.match(name)), replacement=_replacement,
                   rules=_rules, harmless=lambda name: False,
                   programs=lambda name: bool(_PROGRAMS.match(name)),
                   is_xml=lambda name: name.endswith((".xml", ".rdf")), stored=frozenset({"mimetype"}))


def _replacement(name: str) -> bytes | None:
    if name == "meta.xml" or name.endswith("/meta.xml"):
        return NEUTRAL_META
    if name == "mimetype":
        return MIMETYPE
    return None


def _rules(name: str, pkg: Package) -> XmlRules:
    if name == "META-INF/manifest.xml":
        return XmlRules(drop_if=lambda element, attrs: element == (MANIFEST, "file-entry") and pkg.drops(
            attrs.get((MANIFEST, "full-path"), "")))
    return XmlRules(blank=_BLANK, drop_attributes=_DROP_ATTRIBUTES,
                    blank_if=lambda element, attrs: element == (CONFIG, "config-item")
                    and attrs.get((CONFIG, "name")) in _BLANK_SETTINGS)
