"""Our cleaner against the metadata corpus: every SECRET-... value in every accepted format is
gone after cleaning, or the file says plainly that it is not fully cleaned, and the cleaned
file is still a file of its kind. The same holds through the sandboxed checker."""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from complaints import metadata
from complaints.metadata import xmlparts
from tests.metadata_corpus import samples, secrets_in

SAMPLES = samples()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_hidden_value_is_removed_or_declared(name):
    sample = SAMPLES[name]
    assert sample.secrets or sample.kept, "a sample with nothing hidden tests nothing"
    clean = metadata.clean(sample.data)
    remaining = secrets_in(clean.data)
    assert not set(sample.secrets) & remaining, sorted(set(sample.secrets) & remaining)
    assert clean.status == sample.status and clean.left == sample.left
    assert clean.metadata_removed == (sample.status == "removed")
    assert metadata.sniff(clean.data) == clean.content_type  # still a file of its kind


@pytest.mark.parametrize("name", sorted(n for n in SAMPLES if n.endswith((".docx", ".odt"))))
def test_cleaned_documents_stay_well_formed(name):
    with zipfile.ZipFile(io.BytesIO(metadata.clean(SAMPLES[name].data).data)) as archive:
        assert archive.testzip() is None
        for part in archive.namelist():
            if part.endswith((".xml", ".rels")):
                xmlparts.rewrite(archive.open(part), io.BytesIO(), xmlparts.XmlRules())
        if name.endswith(".odt"):
            assert archive.namelist()[0] == "mimetype"
            assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED


def test_word_keeps_the_prefixes_its_compatibility_rules_name():
    """mc:Ignorable names prefixes; a cleaner that drops unused declarations breaks Word."""
    with zipfile.ZipFile(io.BytesIO(metadata.clean(SAMPLES["statement.docx"].data).data)) as archive:
        document = archive.read("word/document.xml").decode()
    assert 'mc:Ignorable="w14 w15"' in document and "xmlns:w15=" in document
    assert "He said it in front of everyone." in document and "Removed." in document
    assert 'w:author=""' in document and "w:rsid" not in document


def test_pdf_keeps_its_pages_and_pictures():
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(metadata.clean(SAMPLES["statement.pdf"].data).data))
    assert len(reader.pages) == 1
    assert reader.metadata is None or not dict(reader.metadata)
    image = reader.pages[0]["/Resources"]["/XObject"]["/Im1"].get_object()
    assert image._data.startswith(b"\xff\xd8") and image._data.endswith(b"\xff\xd9")


def test_keeping_hidden_information_leaves_every_sample_untouched():
    for name, sample in SAMPLES.items():
        kept = metadata.clean(sample.data, keep_metadata=True)
        assert kept.data == sample.data and kept.status == "kept" and not kept.metadata_removed, name


def test_the_sandboxed_checker_gives_the_same_result():
    with metadata.Checker(time.monotonic() + 60) as checker:
        for name, sample in SAMPLES.items():
            inside, outside = checker.check(sample.data, False), metadata.clean(sample.data)
            assert (inside.content_type, inside.status, inside.left) == (
                outside.content_type, outside.status, outside.left), name
            assert not set(sample.secrets) & secrets_in(inside.data), name
