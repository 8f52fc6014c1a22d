"""Real inputs: one shared report saved in every supported encoding, as .docx, in folders, on stdin.

The files are made here from ../shared at run time; no report text is kept in the repository.
"""
import codecs
import json
import os
import re

import pytest

from conftest import DOCS, doc_text, run_cli
from in_process import run_main

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


# A report hard-wrapped mid-sentence: its paragraphs are joined across line ends, CRLF or LF.
WRAPPED_DOC = "web_047"


@pytest.mark.slow
@pytest.mark.parametrize("doc, gbk", [(GBK_DOC, True), (GB18030_DOC, False), (WRAPPED_DOC, True)])
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


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_broken_docx_is_refused(tmp_path, capsys):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, stderr = run_main(capsys, "predict", str(path))
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"classifier: error: {path}: is not a readable .docx file"), lines


def test_docx_that_opens_but_cannot_be_read_is_refused_in_one_line(tmp_path, capsys):
    from test_cli import _docx_with_bad_number

    path = tmp_path / "numbered.docx"
    _docx_with_bad_number(path)
    code, _, stderr = run_main(capsys, "predict", str(path))
    assert code == 2 and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"classifier: error: {path}: is not a readable .docx file"), lines


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.parametrize("name", ["report.rtf", "report.pptx", "scan.png", "scan.jpg", "report.xlsx"])
def test_other_kinds_get_a_one_line_refusal_saying_what_is_supported(tmp_path, name, capsys):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n%PDF-1.4 \x00\x01\x02")
    code, _, stderr = run_main(capsys, "predict", str(path))
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr
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


@pytest.mark.slow
def test_docx_heading_styles_make_headings_without_numbers(tmp_path):
    """A paragraph in a Heading style (Heading 1…9, 标题 1…, or a style based on one) is a section
    heading even with no number before it; the paragraphs under it say so, spans stay exact."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    from classifier.read import read_document

    document = docx.Document()
    chinese = document.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    derived = document.styles.add_style("小节标题", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = document.styles["Heading 2"]
    document.add_paragraph("宣传思想工作总结", style="Title")
    document.add_paragraph("理论学习", style="Heading 1")
    document.add_paragraph("组织党委中心组专题学习十二次。")
    document.add_paragraph("学习制度", style="Heading 2")
    document.add_paragraph("完善学习制度，坚持每月集中学习。")
    document.add_paragraph("文明创建", style=chinese)
    document.add_paragraph("开展志愿服务活动。")
    document.add_paragraph("志愿服务", style=derived)
    document.add_paragraph("深入推进移风易俗。")
    document.add_paragraph("三、文化建设", style="Heading 1")
    document.add_paragraph("举办文艺演出。")
    # Body text wrongly in a Heading style is held to a heading's limits: it heads nothing.
    document.add_paragraph("全年共举办文艺演出三十场。送戏下乡十场。惠及群众上万人次。", style="Heading 1")
    document.add_paragraph("建成农家书屋五个。")
    path = tmp_path / "styled.docx"
    document.save(path)
    result = run_cli("predict", "--format", "jsonl", str(path))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    text = read_document(str(path)).text
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    heading_of = {r["text"]: r["heading"] for r in rows}
    assert heading_of["宣传思想工作总结"] is None and heading_of["理论学习"] is None
    assert heading_of["组织党委中心组专题学习十二次。"] == "理论学习"
    assert heading_of["学习制度"] == "理论学习"  # a heading's own heading is its parent
    assert heading_of["完善学习制度，坚持每月集中学习。"] == "学习制度"
    assert heading_of["开展志愿服务活动。"] == "文明创建"  # a new level-1 heading ends the old section
    assert heading_of["志愿服务"] == "文明创建"
    assert heading_of["深入推进移风易俗。"] == "志愿服务"
    assert heading_of["举办文艺演出。"] == "三、文化建设"
    assert heading_of["建成农家书屋五个。"] == "三、文化建设"


_TYPED_NUMBER = {1: re.compile(r"([一二三四五六七八九十]{1,3})、"), 2: re.compile(r"([(（])([一二三四五六七八九十]{1,3})([)）])")}


def _chinese_value(numeral):
    digits = "一二三四五六七八九"
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)
    return digits.index(numeral) + 1


def make_numbered_docx(path, doc):
    """A Word file of a shared report whose heading numbers (一、 and （一）) are not typed but
    drawn by Word's automatic numbering: level 1 through the Heading 1 style's own list, level 2
    on the paragraph; a report that counts from 一 again gets a new list instance that restarts.
    Returns the report's paragraphs and how many headings were numbered."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    from classifier.segment import segment

    paragraphs = segment(doc_text(doc))
    second = next((_TYPED_NUMBER[2].match(p.text) for p in paragraphs
                   if p.level == 2 and _TYPED_NUMBER[2].match(p.text)), None)
    brackets = (second.group(1), second.group(3)) if second else ("（", "）")
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:pStyle w:val="Heading1"/>'
        '<w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{brackets[0]}%2{brackets[1]}"/></w:lvl></w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)

    def add_num(num_id, restart_at=None):
        override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
                    if restart_at else "")
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/>'
                                   f'{override}</w:num>'))

    add_num(90)
    document.styles["Heading 1"].element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 90
    counts, num_id, numbered = {1: 0, 2: 0}, 90, 0
    for p in paragraphs:
        match = _TYPED_NUMBER[p.level].match(p.text) if p.level in _TYPED_NUMBER else None
        if match and p.level == 2 and (match.group(1), match.group(3)) != brackets:
            match = None
        value = _chinese_value(match.group(match.lastindex - 1 if p.level == 2 else 1)) if match else None
        if match and p.level == 2 and value != counts[2] + 1:
            match = None  # a count Word's list would not draw: keep it typed
        if not match:
            document.add_paragraph(p.text, style=f"Heading {min(p.level, 9)}" if p.level else None)
            continue
        paragraph = document.add_paragraph(p.text[match.end():], style=f"Heading {p.level}")
        if p.level == 1:
            if value != counts[1] + 1:  # the report counts again from its own number: a new list instance
                num_id += 1
                add_num(num_id, restart_at=value)
            counts[1], counts[2] = value, 0
        else:
            counts[2] = value
        if p.level == 2 or num_id != 90:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = p.level - 1
            num_pr.get_or_add_numId().val = num_id
        numbered += 1
    document.save(path)
    return paragraphs, numbered


@pytest.mark.slow
@pytest.mark.parametrize("doc", ["seed_000", "seed_004", "web_045"])
def test_docx_automatic_numbering_is_read_as_typed(tmp_path, doc):
    from classifier.read import read_document

    paragraphs, numbered = make_numbered_docx(tmp_path / "numbered.docx", doc)
    assert numbered >= 3
    text = read_document(str(tmp_path / "numbered.docx")).text
    assert text.split("\n") == [p.text for p in paragraphs]
    txt = tmp_path / "typed.txt"
    txt.write_text(text, encoding="utf-8")
    result = run_cli("predict", "--format", "jsonl", str(tmp_path / "numbered.docx"), str(txt))
    assert result.returncode == 0, result.stderr
    rows = list(_rows(result.stdout).values())
    assert _comparable(rows[0]) == _comparable(rows[1])
    assert sum(1 for r in rows[0] if r["heading"]) > 0


def test_numbering_formats():
    from classifier.word import _format_number

    assert [_format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 101, 110)] == \
        ["一", "十", "十一", "二十", "二十一", "一百", "一百零一", "一百一十"]
    assert _format_number(3, "decimalEnclosedCircle") == "③"
    assert _format_number(12, "upperRoman") == "XII" and _format_number(4, "lowerLetter") == "d"
    assert _format_number(2, "chineseLegalSimplified") == "贰" and _format_number(7, "decimal") == "7"


@pytest.mark.slow
def test_stdin_takes_a_docx(tmp_path):
    import zipfile

    make_docx(tmp_path / "report.docx", GBK_DOC)
    from_file = run_cli("predict", "--format", "jsonl", str(tmp_path / "report.docx"))
    assert from_file.returncode == 0, from_file.stderr
    result = run_cli("predict", "--format", "jsonl", "-", stdin=(tmp_path / "report.docx").read_bytes())
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stdout.decode("utf-8"))
    assert list(rows) == ["<stdin>"]
    expected = list(_rows(from_file.stdout).values())[0]
    assert [{k: v for k, v in row.items() if k != "file"} for row in rows["<stdin>"]] == \
        [{k: v for k, v in row.items() if k != "file"} for row in expected]
    # Any other zip is binary still.
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("notes/readme.txt", "不是文档")
    other = run_cli("predict", "-", stdin=(tmp_path / "other.zip").read_bytes())
    lines = other.stderr.decode("utf-8").strip().splitlines()
    assert other.returncode == 2 and len(lines) == 1 and "<stdin>: is a binary file" in lines[0], lines
