"""Reports in traditional characters: scored as simplified, shown in the user's own characters."""
import glob
import os

import pytest
from opencc import OpenCC

from classifier.read import Document
from classifier.report import label_reports
from classifier.script import is_traditional, to_simplified
from conftest import FIXTURE_DOCS


def fixture_reports():
    """The tests' own invented reports, in simplified characters."""
    reports = []
    for path in sorted(glob.glob(os.path.join(FIXTURE_DOCS, "*.txt"))):
        with open(path, encoding="utf-8") as handle:
            reports.append(Document(os.path.basename(path), handle.read()))
    return reports


def traditional(document):
    return Document(document.name, OpenCC("s2t").convert(document.text), document.encoding)


def test_a_traditional_report_gets_the_labels_of_its_simplified_original_in_its_own_characters(default_model):
    originals = fixture_reports()
    converted = [traditional(d) for d in originals]
    assert all(len(t.text) == len(o.text) and t.text != o.text for t, o in zip(converted, originals))
    for simple, trad, document in zip(label_reports(default_model, originals),
                                      label_reports(default_model, converted), converted):
        assert [(p.start, p.end, p.label) for p in trad.paragraphs] == [(p.start, p.end, p.label) for p in simple.paragraphs]
        assert [p.confidence for p in trad.paragraphs] == pytest.approx([p.confidence for p in simple.paragraphs], abs=0.02)
        for p in trad.paragraphs:
            assert p.text == document.text[p.start:p.end]
        headings = {p.heading for p in trad.paragraphs if p.heading}
        assert headings and all(h in document.text for h in headings)  # in the user's characters


def test_simplified_text_is_left_exactly_as_it_is():
    for document in fixture_reports():
        assert not is_traditional(document.text)
        assert to_simplified(document.text) is document.text


def test_conversion_keeps_every_offset():
    text = "乾隆年間，他們在報紙上發表著作。後來於臺灣開會，討論經濟發展。"
    simplified = to_simplified(text)
    assert len(simplified) == len(text) and simplified.startswith("乾隆年间，他们在报纸上发表")
    assert "后来" in simplified and "经济发展" in simplified


def test_a_big5_file_is_read_as_big5_and_labelled_as_its_utf8_copy(default_model, tmp_path, cli):
    """Big5 (traditional Windows' "ANSI") decodes as GB18030 too, into rare characters: read as
    Big5, it gets the labels of the same text in UTF-8; a GBK file in traditional characters stays
    GB18030."""
    import json

    from classifier.read import read_document

    text = "".join(traditional(d).text for d in fixture_reports()[:3])
    text = text.encode("big5", "ignore").decode("big5")  # the characters Big5 has
    (tmp_path / "big5.txt").write_bytes(text.encode("big5"))
    (tmp_path / "utf8.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    assert read_document(str(tmp_path / "big5.txt")).encoding == "big5"
    assert read_document(str(tmp_path / "big5.txt")).text == text
    assert read_document(str(tmp_path / "gbk.txt")).encoding == "gb18030"
    rows = {}
    for name in ("big5", "utf8", "gbk"):
        result = cli("predict", "--format", "jsonl", str(tmp_path / f"{name}.txt"))
        assert result.returncode == 0, result.stderr
        rows[name] = [(r["start"], r["end"], r["text"], r["label"]) for r in map(json.loads, result.stdout.splitlines())]
    assert rows["big5"] == rows["utf8"] == rows["gbk"] and len(rows["big5"]) > 5
