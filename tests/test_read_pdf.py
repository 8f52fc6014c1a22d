"""PDF reports: PDFs the tests write with reportlab (its built-in CJK font needs no font file)."""
import io

import pytest

from classifier.errors import InputError
from classifier.pdf import read_pdf
from classifier.read import read_document

reportlab = pytest.importorskip("reportlab")  # in the test extra; a plain install has no PDF writer
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
FONT = "STSong-Light"

SENTENCES = ["我们组织党员干部深入学习党的创新理论，开展专题读书班和集中研讨。",
             "全年举办道德讲堂二十场，评选表彰身边好人三十名，文明新风不断养成。",
             "加强网络阵地管理，完善舆情处置机制，牢牢掌握意识形态工作主动权。",
             "围绕中心工作做好新闻宣传，在各级媒体刊发稿件一百二十篇，其中2025年上半年56篇。",
             "实施文化惠民工程，送戏下乡四十场，建成农家书屋和文化广场十二处。"]


def report_paragraphs(count=14):
    """Headings and body paragraphs of two to four sentences, long enough to wrap several times."""
    paragraphs = []
    for number in range(count):
        if number % 5 == 0:
            paragraphs.append("一二三四五六七八九十"[number // 5] + "、重点工作第" + str(number // 5 + 1) + "部分")
        else:
            paragraphs.append("".join(SENTENCES[(number + k) % 5] for k in range(2 + number % 3)))
    return paragraphs


def write_pdf(paragraphs, footer="- {page} -", header="某县委宣传部二〇二五年工作总结", indent=True):
    """A PDF of ``paragraphs`` wrapped on A4, with a running header and a page-number footer."""
    style = ParagraphStyle("body", fontName=FONT, fontSize=15, leading=26, wordWrap="CJK",
                           firstLineIndent=30 if indent else 0, spaceBefore=0 if indent else 14)

    def decorate(page_canvas, document):
        page_canvas.setFont(FONT, 9)
        if header:
            page_canvas.drawString(72, A4[1] - 40, header)
        page_canvas.drawCentredString(A4[0] / 2, 30, footer.format(page=document.page, pages=4))

    data = io.BytesIO()
    SimpleDocTemplate(data, pagesize=A4).build([Paragraph(p, style) for p in paragraphs],
                                               onFirstPage=decorate, onLaterPages=decorate)
    return data.getvalue()


@pytest.mark.parametrize("footer", ["- {page} -", "第 {page} 页", "第{page}页 共{pages}页", "{page}/{pages}", "{page}"])
def test_pdf_paragraphs_come_back_whole_without_headers_and_page_numbers(footer):
    paragraphs = report_paragraphs()
    data = write_pdf(paragraphs, footer=footer)
    text = read_pdf(io.BytesIO(data), "r.pdf")
    assert text.split("\n") == paragraphs


def test_block_paragraphs_without_indent_are_told_apart_by_their_spacing():
    paragraphs = report_paragraphs()
    assert read_pdf(io.BytesIO(write_pdf(paragraphs, indent=False)), "r.pdf").split("\n") == paragraphs


def _lines_pdf(lines):
    """A page of ``lines`` drawn as they are, none wrapped."""
    data = io.BytesIO()
    page = canvas.Canvas(data, pagesize=A4)
    page.setFont(FONT, 12)
    for number, line in enumerate(lines):
        page.drawString(72, 760 - 20 * number, line)
    page.save()
    return data.getvalue()


def test_a_few_lines_none_wrapped_stay_apart_though_a_heading_is_the_longest():
    """With no two lines ending alike there is no right edge to see: the page's margins stand in."""
    lines = ["一、加强理论学习，提升干部理论素养", "全年组织中心组学习十二次。", "二、繁荣文化事业", "举办演出。"]
    assert read_pdf(io.BytesIO(_lines_pdf(lines)), "r.pdf").split("\n") == lines


def test_one_short_wrapped_paragraph_is_joined():
    paragraph = "".join(SENTENCES[:2])
    assert read_pdf(io.BytesIO(write_pdf([paragraph], header=None)), "r.pdf").split("\n") == [paragraph]


def test_a_pdf_is_read_by_name_and_labelled(tmp_path, cli):
    path = tmp_path / "report.pdf"
    path.write_bytes(write_pdf(report_paragraphs()))
    document = read_document(str(path))
    assert document.encoding == "pdf" and "某县委宣传部" not in document.text
    result = cli("predict", str(path), "--format", "jsonl")
    assert result.returncode == 0
    assert result.stdout.count("\n") == len(report_paragraphs())


def test_a_folder_reads_its_pdfs(tmp_path, cli):
    (tmp_path / "a.pdf").write_bytes(write_pdf(report_paragraphs(6), header=None))
    result = cli("predict", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 0 and result.stdout.count("\n") == 6


def scanned_pdf():
    """A page holding only a picture, as a scanner makes it."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    data = io.BytesIO()
    page = canvas.Canvas(data, pagesize=A4)
    page.drawImage(ImageReader(Image.new("L", (200, 280), 200)), 50, 50, width=500, height=700)
    page.showPage()
    page.save()
    return data.getvalue()


def test_a_scan_is_refused_in_one_line_naming_the_file_and_the_reason(tmp_path, cli):
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    result = cli("predict", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert "no text layer" in result.stderr and "OCR" in result.stderr


@pytest.mark.parametrize("data", [b"%PDF-1.4\nthis is no pdf at all\n", "half"])
def test_a_broken_pdf_is_one_line_error(tmp_path, cli, data):
    if data == "half":
        whole = write_pdf(report_paragraphs(6), header=None)
        data = whole[: len(whole) // 3]
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match="broken.pdf"):
        read_document(str(path))
    result = cli("predict", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_broken_pdf_in_a_folder_is_skipped_with_a_warning(tmp_path, cli):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\nbroken")
    (tmp_path / "b.pdf").write_bytes(write_pdf(report_paragraphs(6), header=None))
    result = cli("predict", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 1 and "a.pdf" in result.stderr and result.stdout.count("\n") == 6


def test_a_pdf_on_standard_input_is_read(monkeypatch):
    import sys

    data = write_pdf(report_paragraphs(6), header=None)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_document("-").text.split("\n") == report_paragraphs(6)
