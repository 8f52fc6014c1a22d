"""Real inputs: one shared report saved in every supported encoding, as .docx, in folders, on stdin.

The files are made here from ../shared at run time; no report text is kept in the repository.
"""
import codecs
import json
import os

import pytest

from conftest import DOCS, doc_text, run_cli

# A report that GBK can hold (no character outside GB2312/GBK), with headings at two levels.
GBK_DOC = "web_010"
# A longer report with characters GBK lacks (GB18030 has them), pasted with several headings.
GB18030_DOC = "seed_004"


def _rows(stdout):
    rows = {}
    for line in stdout.splitlines():
        row = json.loads(line)
        rows.setdefault(row["file"], []).append(row)
    return rows


def _comparable(rows):
    """What must not depend on how the report was saved: texts, headings, labels, confidences."""
    return [(r["text"].replace("\r", ""), (r["heading"] or "").replace("\r", ""), r["label"],
             round(r["confidence"], 3)) for r in rows]


def _encodings(text, gbk):
    crlf = text.replace("\n", "\r\n")
    legacy = "gbk" if gbk else "gb18030"
    return {
        "utf8.txt": (text, text.encode("utf-8")),
        "utf8-bom.txt": (text, codecs.BOM_UTF8 + text.encode("utf-8")),
        "utf8-crlf.txt": (crlf, crlf.encode("utf-8")),
        f"{legacy}.txt": (text, text.encode(legacy)),
        f"{legacy}-crlf.txt": (crlf, crlf.encode(legacy)),
        "utf16.txt": (text, text.encode("utf-16")),  # with a BOM, as Windows Notepad saves it
        "utf16be-bom.txt": (text, codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
        "utf16le-nobom.txt": (text, text.encode("utf-16-le")),
        "utf16be-nobom-crlf.txt": (crlf, crlf.encode("utf-16-be")),
    }


@pytest.mark.parametrize("doc, gbk", [(GBK_DOC, True), (GB18030_DOC, False)])
def test_every_encoding_gives_the_same_paragraphs_and_labels(tmp_path, doc, gbk):
    text = doc_text(doc)
    if gbk:
        text.encode("gbk")  # the chosen report must fit GBK, or this test tests GB18030 twice
    files = _encodings(text, gbk)
    for name, (_, data) in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in files]
    result = run_cli("predict", "--format", "jsonl", *paths)  # many files at once
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    assert list(rows) == paths
    reference = _comparable(rows[paths[0]])
    assert len(reference) > 5
    for path, (decoded, _) in zip(paths, files.values()):
        assert _comparable(rows[path]) == reference, path
        for row in rows[path]:  # offsets are into the decoded text (CRLF counts two characters)
            assert decoded[row["start"]:row["end"]] == row["text"]


def test_decode_names_the_encoding_it_found():
    from classifier.read import decode

    text = doc_text(GBK_DOC)
    assert decode(text.encode("utf-8")) == (text, "utf-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "utf-8")
    assert decode(text.encode("gbk")) == (text, "gb18030")
    assert decode(text.encode("utf-16")) == (text, "utf-16")
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode(text.encode("utf-16-be")) == (text, "utf-16-be")
    # Chinese alone, without line ends or digits: UTF-16 without BOM holds few or no NUL bytes.
    line = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")[:300]
    assert decode(line.encode("utf-16-le")) == (line, "utf-16-le")
    assert decode(line.encode("utf-16-be")) == (line, "utf-16-be")


def test_stdin_takes_any_encoding(tmp_path):
    text = doc_text(GBK_DOC)
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    from_file = _rows(run_cli("predict", "--format", "jsonl", str(path)).stdout)[str(path)]
    for data in (text.encode("gbk"), text.encode("utf-16"), text.replace("\n", "\r\n").encode("utf-8")):
        result = run_cli("predict", "--format", "jsonl", "-", stdin=data)
        assert result.returncode == 0, result.stderr
        rows = _rows(result.stdout.decode("utf-8"))
        assert list(rows) == ["<stdin>"]
        assert _comparable(rows["<stdin>"]) == _comparable(from_file)


def _heading_style(level):
    return f"Heading {min(level, 9)}"


def make_docx(path, doc):
    """A Word file of a shared report: a paragraph per paragraph, headings in Heading styles,
    one paragraph split over several runs and the last two paragraphs in a table."""
    import docx

    from classifier.segment import segment

    paragraphs = segment(doc_text(doc))
    document = docx.Document()
    body, table_part = paragraphs[:-2], paragraphs[-2:]
    for number, p in enumerate(body):
        if p.level is not None:
            document.add_paragraph(p.text, style=_heading_style(p.level))
        elif number == 1 and len(p.text) > 6:
            para = document.add_paragraph()
            for piece in (p.text[:3], p.text[3:6], p.text[6:]):
                para.add_run(piece)
        else:
            document.add_paragraph(p.text)
    table = document.add_table(rows=len(table_part), cols=1)
    for row, p in zip(table.rows, table_part):
        row.cells[0].text = p.text
    document.save(path)
    return paragraphs


def test_docx_gives_the_paragraphs_and_labels_of_the_text(tmp_path):
    doc = GBK_DOC
    paragraphs = make_docx(tmp_path / "report.docx", doc)
    assert any(p.level is not None for p in paragraphs), "the report should have headings"
    txt = tmp_path / "report.txt"
    txt.write_text("\n".join(p.text for p in paragraphs), encoding="utf-8")
    result = run_cli("predict", "--format", "jsonl", str(tmp_path / "report.docx"), str(txt))
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout)
    from_docx, from_txt = rows[str(tmp_path / "report.docx")], rows[str(txt)]
    assert [r["text"] for r in from_docx] == [p.text for p in paragraphs]
    assert _comparable(from_docx) == _comparable(from_txt)
    # Heading-styled paragraphs are read, and the paragraphs under them know their heading.
    headings = [p.text for p in paragraphs if p.level is not None]
    assert headings[0] in [r["text"] for r in from_docx]
    assert headings[0] in [r["heading"] for r in from_docx]


def test_read_document_on_docx(tmp_path):
    from classifier import read_document

    paragraphs = make_docx(tmp_path / "report.docx", GBK_DOC)
    document = read_document(str(tmp_path / "report.docx"))
    assert document.encoding == "docx"
    assert document.text.split("\n") == [p.text for p in paragraphs]


def test_broken_docx_is_refused(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("predict", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"classifier: error: {path}: is not a readable .docx file"), lines


def test_folder_is_read_recursively_in_sorted_order(tmp_path):
    root = tmp_path / "reports"
    (root / "b_town" / "2023").mkdir(parents=True)
    (root / "a_county").mkdir()
    (root / ".hidden").mkdir()
    names = sorted(os.listdir(DOCS))[:4]
    (root / "b_town" / "2023" / "plan.txt").write_bytes(doc_text(names[0][:-4]).encode("gb18030"))
    (root / "b_town" / "summary.txt").write_bytes(doc_text(names[1][:-4]).encode("utf-16"))
    (root / "a_county" / "z.txt").write_text(doc_text(names[2][:-4]), encoding="utf-8")
    make_docx(root / "a_county" / "m.docx", GBK_DOC)
    (root / "Y.TXT").write_text(doc_text(names[3][:-4]), encoding="utf-8")
    # Not reports: other kinds, hidden files and folders, Word's lock files.
    (root / "notes.md").write_text("x", encoding="utf-8")
    (root / ".draft.txt").write_text("x", encoding="utf-8")
    (root / ".hidden" / "old.txt").write_text("x", encoding="utf-8")
    (root / "a_county" / "~$m.docx").write_bytes(b"lock")
    result = run_cli("predict", "--format", "jsonl", str(root))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar: stderr is not a terminal
    expected = [str(root / "Y.TXT"), str(root / "a_county" / "m.docx"), str(root / "a_county" / "z.txt"),
                str(root / "b_town" / "2023" / "plan.txt"), str(root / "b_town" / "summary.txt")]
    assert list(_rows(result.stdout)) == expected
    again = run_cli("predict", "--format", "jsonl", str(root))
    assert again.stdout == result.stdout


def test_folder_files_and_stdin_together(tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "one.txt").write_text(doc_text(GBK_DOC), encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_bytes(doc_text(GBK_DOC).encode("gbk"))
    result = run_cli("predict", "--format", "jsonl", str(single), "-", str(folder),
                     stdin=doc_text(GBK_DOC).encode("utf-16"))
    assert result.returncode == 0, result.stderr.decode()
    rows = _rows(result.stdout.decode("utf-8"))
    assert list(rows) == [str(single), "<stdin>", str(folder / "one.txt")]
    assert _comparable(rows[str(single)]) == _comparable(rows["<stdin>"]) == _comparable(rows[str(folder / "one.txt")])


@pytest.mark.parametrize("name", ["report.pdf", "report.doc", "scan.png", "scan.jpg", "report.xlsx"])
def test_other_kinds_get_a_one_line_refusal_saying_what_is_supported(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n%PDF-1.4 \x00\x01\x02")
    result = run_cli("predict", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(path) in lines[0] and "not supported" in lines[0]
    for kind in (".txt", "UTF-8", "GB18030", "UTF-16", ".docx", "folders", "stdin"):
        assert kind in lines[0]


def test_docx_tabs_breaks_tables_and_deleted_text(tmp_path):
    """Word's own structure, on short text written here: a soft line break ends a line, a tab
    stays a tab, nested table cells are read once each, deleted revisions are not read."""
    import copy

    import docx
    from docx.oxml.ns import qn

    from classifier.read import read_document

    document = docx.Document()
    document.add_paragraph("标题", style="Title")
    para = document.add_paragraph("第一行")
    para.add_run().add_break()
    para.add_run("第二行")
    para.add_run().add_tab()
    para.add_run("表格前")
    deleted = para.add_run("删掉的")
    deleted_element = copy.deepcopy(deleted._r)
    for t in deleted_element.iter(qn("w:t")):
        t.tag = qn("w:delText")
    wrapper = para._p.makeelement(qn("w:del"), {qn("w:id"): "1", qn("w:author"): "x"})
    wrapper.append(deleted_element)
    deleted._r.addprevious(wrapper)
    para._p.remove(deleted._r)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(0, 1).text = "乙"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "丙"
    document.add_paragraph("结尾", style="Heading 1")
    document.save(tmp_path / "small.docx")
    assert read_document(str(tmp_path / "small.docx")).text.split("\n") == [
        "标题", "第一行", "第二行\t表格前", "甲", "乙", "丙", "", "结尾"]
