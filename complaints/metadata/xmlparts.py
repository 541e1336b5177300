"""Rewrite one XML part of a document as a stream, with hidden information taken out.

The parser is defusedxml's expat reader with DTDs forbidden: a document type, an entity
declaration or an external reference refuses the part (OOXML and ODF never need them), so
no "billion laughs" expansion can happen. Names are matched by namespace URI, not prefix,
so a renamed prefix can't smuggle an author past the rules. Memory stays at one chunk and
the element stack; nesting depth is bounded. Comments are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Mapping
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import XMLGenerator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from .limits import MAX_XML_DEPTH
from .result import BOMB, DAMAGED, LIMITS, UnsupportedFile

Name = tuple[str, str]  # (namespace URI, local name)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class XmlRules:
    """What to take out of a part. Elements in ``drop`` go with everything inside them;
    ``blank`` elements stay, empty; attributes in ``blank_attributes`` keep an empty value
    (the schema requires them), those in ``drop_attributes`` go."""

    drop: frozenset[Name] = frozenset()
    blank: frozenset[Name] = frozenset()
    blank_attributes: frozenset[Name] = frozenset()
    drop_attributes: frozenset[Name] = frozenset()
    drop_attribute_if: Callable[[Name], bool] | None = None
    # Element-level decisions that depend on attributes (a relationship's target...).
    drop_if: Callable[[Name, Mapping[Name, str]], bool] | None = None
    blank_if: Callable[[Name, Mapping[Name, str]], bool] | None = None


class _Filter(ContentHandler):
    def __init__(self, rules: XmlRules, out: XMLGenerator):
        super().__init__()
        self.rules, self.out = rules, out
        self.scopes: list[dict[str, str]] = [{"xml": "http://www.w3.org/XML/1998/namespace"}]
        self.skipping = 0      # depth inside a dropped element
        self.blanking = 0      # depth inside a blanked element

    def _resolve(self, qname: str, scope: dict[str, str], attribute: bool) -> Name:
        prefix, _, local = qname.rpartition(":")
        if not prefix:
            return ("" if attribute else scope.get("", ""), local)
        if prefix not in scope:
            raise UnsupportedFile(DAMAGED, "undeclared XML prefix")
        return (scope[prefix], local)

    def startDocument(self) -> None:  # noqa: N802 - SAX API
        self.out.startDocument()

    def endDocument(self) -> None:  # noqa: N802
        self.out.endDocument()

    def startElement(self, name: str, attrs) -> None:  # type: ignore[no-untyped-def] # noqa: N802
        if len(self.scopes) > MAX_XML_DEPTH:
            raise UnsupportedFile(LIMITS, "XML nested too deeply")
        scope = dict(self.scopes[-1])
        for key, value in attrs.items():
            if key == "xmlns":
                scope[""] = value
            elif key.startswith("xmlns:"):
                scope[key[6:]] = value
        self.scopes.append(scope)
        if self.skipping:
            self.skipping += 1
            return
        element = self._resolve(name, scope, attribute=False)
        resolved = {self._resolve(k, scope, attribute=True): v for k, v in attrs.items()
                    if k != "xmlns" and not k.startswith("xmlns:")}
        rules = self.rules
        if element in rules.drop or (rules.drop_if and rules.drop_if(element, resolved)):
            self.skipping = 1
            return
        if self.blanking:
            self.blanking += 1
        elif element in rules.blank or (rules.blank_if and rules.blank_if(element, resolved)):
            self.blanking = 1
        kept: dict[str, str] = {}
        for key, value in attrs.items():
            if key == "xmlns" or key.startswith("xmlns:"):
                kept[key] = value
                continue
            attribute = self._resolve(key, scope, attribute=True)
            if attribute in rules.drop_attributes or (
                    rules.drop_attribute_if and rules.drop_attribute_if(attribute)):
                continue
            kept[key] = "" if attribute in rules.blank_attributes else value
        self.out.startElement(name, kept)

    def endElement(self, name: str) -> None:  # noqa: N802
        self.scopes.pop()
        if self.skipping:
            self.skipping -= 1
            return
        if self.blanking:
            self.blanking -= 1
        self.out.endElement(name)

    def characters(self, content: str) -> None:
        if not self.skipping and not self.blanking:
            self.out.characters(content)

    ignorableWhitespace = characters

    def processingInstruction(self, target: str, data: str) -> None:  # noqa: N802
        if not self.skipping:
            self.out.processingInstruction(target, data)


def rewrite(source: BinaryIO, sink: BinaryIO, rules: XmlRules) -> None:
    """Stream ``source`` through the rules into ``sink`` (UTF-8). Raises UnsupportedFile."""
    out = XMLGenerator(sink, encoding="utf-8", short_empty_elements=True)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(_Filter(rules, out))
    try:
        while chunk := source.read(CHUNK):
            parser.feed(chunk)
        parser.close()
    except DefusedXmlException:
        raise UnsupportedFile(BOMB, "DTD or entity in a document part") from None
    except (SAXException, ValueError):
        raise UnsupportedFile(DAMAGED, "malformed XML part") from None
