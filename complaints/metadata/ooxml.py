"""Word documents (.docx): what is taken out, part by part.

- ``docProps/core.xml`` and ``app.xml`` are replaced by empty ones (author, last editor,
  company, template, dates, editing time); ``docProps/custom.xml`` (custom properties),
  ``docProps/thumbnail.*``, ``word/people.xml`` (reviewers with their Active Directory SID),
  ``customXml/`` (SharePoint and server properties) and printer settings are removed, with
  their relationships and content types.
- In every XML part (body, headers, footers, comments, notes, settings): the author of
  tracked changes and comments is emptied, their initials and dates removed; revision-session
  ids (``rsid``), document GUIDs, document variables, the attached template's path and mail
  merge sources are removed.
- Pictures (JPEG, PNG) are cleaned like photos; other pictures, embedded objects, macros and
  links to outside files are kept and the file is marked as not fully cleaned.
"""
from __future__ import annotations

import posixpath
import re
from typing import Mapping

from .archives import Package
from .result import LEFT_EMBEDDED
from .xmlparts import Name, XmlRules

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

NEUTRAL_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                b'xmlns:dc="http://purl.org/dc/elements/1.1/"></cp:coreProperties>')
NEUTRAL_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"></Properties>')

_DROPPED = re.compile(r"^(docProps/custom\.xml|docProps/thumbnail\.[^/]+|[^/]+/people\.xml|customXml/.*"
                      r"|[^/]+/printerSettings/.*)$")
_HARMLESS = re.compile(r"^word/fonts/[^/]+\.(odttf|fntdata|ttf|otf)$")
_PROGRAMS = re.compile(r"(^|/)(embeddings|activeX)/|vbaProject\.bin$|vbaData\.xml$", re.IGNORECASE)

_DROP_ELEMENTS = frozenset({(W, "docVars"), (W, "rsids"), (W, "attachedTemplate"), (W, "mailMerge"),
                            (W14, "docId"), (W15, "docId")})


def _drop_attribute(attribute: Name) -> bool:
    uri, local = attribute
    return local == "dateUtc" or (uri == W and (local.startswith("rsid") or local in ("initials", "date")))


def package() -> Package:
    return Package(drops=lambda name: bool(_DROPPED.match(name)), replacement=_replacement,
                   rules=_rules, harmless=lambda name: bool(_HARMLESS.match(name)),
                   programs=lambda name: bool(_PROGRAMS.search(name)),
                   is_xml=lambda name: name.endswith((".xml", ".rels", ".vml")))


def _replacement(name: str) -> bytes | None:
    return {"docProps/core.xml": NEUTRAL_CORE, "docProps/app.xml": NEUTRAL_APP}.get(name)


def _rules(name: str, pkg: Package) -> XmlRules:
    if name.endswith(".rels"):
        return XmlRules(drop_if=_relationship_filter(name, pkg))
    if name == "[Content_Types].xml":
        return XmlRules(drop_if=lambda element, attrs: element == (TYPES, "Override") and pkg.drops(
            attrs.get(("", "PartName"), "").lstrip("/")))
    return XmlRules(drop=_DROP_ELEMENTS, blank_attributes=frozenset({(W, "author")}),
                    drop_attribute_if=_drop_attribute)


def _relationship_filter(rels_name: str, pkg: Package):  # type: ignore[no-untyped-def]
    # "word/_rels/document.xml.rels" describes "word/document.xml": targets are relative to "word/".
    base = posixpath.dirname(posixpath.dirname(rels_name))

    def drop(element: Name, attrs: Mapping[Name, str]) -> bool:
        if element != (RELS, "Relationship"):
            return False
        kind = attrs.get(("", "Type"), "")
        target = attrs.get(("", "Target"), "")
        if kind.endswith("/attachedTemplate"):
            return True  # the template's path names the author's account
        if attrs.get(("", "TargetMode"), "") == "External":
            if not kind.endswith("/hyperlink"):
                pkg.left.add(LEFT_EMBEDDED)  # a linked outside file: its path stays
            return False
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        return pkg.drops(path)

    return drop
