"""PDF documents: rebuilt from their pages alone, then every object the pages reach is
scrubbed.

Rebuilding drops what hangs off the old document rather than its pages: the document
information (author, title, software, dates), document-level XMP, JavaScript and open
actions, bookmarks, form definitions, tags, and earlier revisions kept by incremental saves.
Then, in everything the pages use:
- page dictionaries keep only the keys that describe how a page looks (no page-level XMP,
  PieceInfo, thumbnails, page actions or private keys);
- ``/Metadata``, ``/PieceInfo``, ``/LastModified``, additional actions and JavaScript are
  removed wherever they appear; actions that run code or open other files are removed;
- annotations lose their author (``/T``), dates and unique names, and keep only standard keys;
- JPEG pictures are cleaned like photos (EXIF, XMP, ICC).
Files attached to the PDF and JPEG 2000 pictures are kept and the file marked as not fully
cleaned. A password-protected PDF is kept as it is and marked.
"""
from __future__ import annotations

import io
import re

from .images import strip_jpeg
from .limits import MAX_PDF_PAGES, MAX_PDF_STREAM
from .result import (BOMB, DAMAGED, LEFT_EMBEDDED, LEFT_ENCRYPTED, LEFT_PICTURES, LIMITS,
                     UnsupportedFile)

_DROP_ANYWHERE = {"/Metadata", "/PieceInfo", "/LastModified", "/AA", "/JS", "/OpenAction"}
_PAGE_KEYS = {"/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
              "/ArtBox", "/BoxColorInfo", "/Contents", "/Rotate", "/Group", "/Annots", "/UserUnit",
              "/Tabs"}
_ANNOTATION_KEYS = {"/Type", "/Subtype", "/Rect", "/Contents", "/P", "/F", "/AP", "/AS", "/Border",
                    "/C", "/BS", "/BE", "/IC", "/QuadPoints", "/InkList", "/Vertices", "/L", "/LE",
                    "/LL", "/LLE", "/LLO", "/CL", "/DA", "/Q", "/Dest", "/A", "/H", "/Popup",
                    "/Parent", "/Open", "/Name", "/IT", "/IRT", "/RT", "/RD", "/CA", "/FS",
                    "/FT", "/Ff", "/V", "/DV", "/MK", "/Opt", "/Kids", "/MaxLen", "/DR", "/T",
                    "/StructParent", "/OC", "/Subj"}
_CODE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/GoToE",
                 "/RichMediaExecute"}
_EMBEDDING_ANNOTATIONS = {"/FileAttachment", "/Movie", "/Sound", "/Screen", "/3D", "/RichMedia"}


def _bounds():  # type: ignore[no-untyped-def]
    """pypdf's own caps on decoding, set to ours; and never call an outside program."""
    from pypdf import apply_configuration

    stream_caps = ("zlib_maximum_output_length", "lzw_maximum_output_length",
                   "run_length_maximum_output_length", "brotli_maximum_output_length",
                   "jbig2_maximum_output_length", "array_based_stream_maximum_output_length",
                   "maximum_declared_stream_length", "image_maximum_buffer_size")
    return apply_configuration(**{name: MAX_PDF_STREAM for name in stream_caps},
                               page_tree_maximum_entries=4 * MAX_PDF_PAGES, jbig2dec_binary=None)


def clean(data: bytes) -> tuple[bytes | None, set[str]]:
    """(cleaned PDF, what is left); (None, {encrypted}) for a PDF we can't open."""
    if len(_PAGE_OBJECT.findall(data)) > 2 * MAX_PDF_PAGES:  # before pypdf is even loaded
        raise UnsupportedFile(LIMITS, "too many pages")
    with _bounds():
        return _clean(data)


# A page object in the raw file. Counting them costs milliseconds, where parsing a page tree
# of tens of thousands of pages costs seconds; earlier revisions may repeat pages, hence twice.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _clean(data: bytes) -> tuple[bytes | None, set[str]]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, {LEFT_ENCRYPTED}
        declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        if not isinstance(declared, int) or declared > MAX_PDF_PAGES:
            raise UnsupportedFile(LIMITS, "too many pages")
        pages = reader.pages
        try:
            count = len(pages)
        except LimitReachedError:  # the page tree holds far more than it declares
            raise UnsupportedFile(LIMITS, "too many pages") from None
        if count > MAX_PDF_PAGES:
            raise UnsupportedFile(LIMITS, "too many pages")
        writer = PdfWriter()
        for page in pages:
            writer.add_page(page)
        writer.metadata = None
        left = _scrub(writer)
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # what we cut off goes
        out = io.BytesIO()
        writer.write(out)
    except UnsupportedFile:
        raise
    except LimitReachedError:
        raise UnsupportedFile(BOMB, "PDF stream beyond the limits") from None
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError):
        raise UnsupportedFile(DAMAGED, "damaged PDF") from None
    return out.getvalue(), left


def _scrub(writer) -> set[str]:  # type: ignore[no-untyped-def]
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    left: set[str] = set()
    seen: set[int] = set()
    stack: list[object] = [page.indirect_reference or page for page in writer.pages]
    for page in writer.pages:
        for key in [k for k in page if k not in _PAGE_KEYS]:
            del page[key]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, ArrayObject):
            stack.extend(item)
            continue
        if not isinstance(item, DictionaryObject):
            continue
        for key in [k for k in item if k in _DROP_ANYWHERE]:
            del item[key]
        if "/Rect" in item and "/Subtype" in item:
            _scrub_annotation(item, left)
        for key in list(item.keys()):
            value = item[key].get_object() if isinstance(item[key], IndirectObject) else item[key]
            if isinstance(value, DictionaryObject) and value.get("/S") in _CODE_ACTIONS:
                del item[key]
                continue
            if key not in ("/Parent", "/P"):
                stack.append(item.raw_get(key))
        if isinstance(item, StreamObject):
            _scrub_stream(item, left)
    return left


def _scrub_annotation(annotation, left: set[str]) -> None:  # type: ignore[no-untyped-def]
    subtype = annotation.get("/Subtype")
    if subtype in _EMBEDDING_ANNOTATIONS:
        left.add(LEFT_EMBEDDED)
    for key in [k for k in annotation if k not in _ANNOTATION_KEYS]:
        del annotation[key]
    if subtype != "/Widget" and "/T" in annotation:  # a form field's /T is its name, not an author
        del annotation["/T"]


def _scrub_stream(stream, left: set[str]) -> None:  # type: ignore[no-untyped-def]
    kind = stream.get("/Type")
    if kind == "/EmbeddedFile":
        left.add(LEFT_EMBEDDED)
        return
    if stream.get("/Subtype") != "/Image":
        return
    filters = stream.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters]
    if filters == ["/DCTDecode"]:
        try:
            stream._data = strip_jpeg(stream._data)  # the encoded bytes are the JPEG file itself
        except UnsupportedFile:
            left.add(LEFT_PICTURES)
    elif "/JPXDecode" in filters:
        left.add(LEFT_PICTURES)
