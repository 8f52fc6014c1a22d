"""The HTML page: self-contained, escaped, one section a report, and what Chromium shows of it."""
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import DOCS, doc_text, run_cli

HOSTILE = '<script>alert("x")</script> & </div><p>「引号」'


class _Page(HTMLParser):
    """Collects the page's paragraph boxes (label, text), ids, links and tags."""

    def __init__(self):
        super().__init__()
        self.paragraphs, self.ids, self.links, self.tags, self.sections = [], set(), [], [], []
        self._in_text = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "section" and "report" in (attrs.get("class") or "").split():
            self.sections.append(attrs.get("data-name"))
        if tag == "div" and "p" in (attrs.get("class") or "").split():
            self.paragraphs.append({"label": attrs["data-label"], "start": int(attrs["data-start"]),
                                    "end": int(attrs["data-end"]), "text": "", "section": len(self.sections)})
        if tag == "p" and attrs.get("class") == "text":
            self._in_text = True

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_text = False

    def handle_data(self, data):
        if self._in_text:
            self.paragraphs[-1]["text"] += data


def _parse(page):
    parser = _Page()
    parser.feed(page)
    return parser


def _labelled(model, names):
    from classifier import label_reports
    from classifier.read import Document

    return label_reports(model, [Document(os.path.join(DOCS, f"{n}.txt"), doc_text(n)) for n in names], explain=4)


def _html(reports):
    import io

    from classifier.html_report import write_html

    out = io.StringIO()
    write_html(reports, out)
    return out.getvalue()


def test_page_holds_every_paragraph_with_its_label_and_confidence(default_model):
    from classifier.labels import CHINESE_NAMES

    reports = _labelled(default_model, ["web_010"])
    page = _html(reports)
    parsed = _parse(page)
    report = reports[0]
    assert [(p["label"], p["text"]) for p in parsed.paragraphs] == [(p.label, p.text) for p in report.paragraphs]
    for p in report.paragraphs:
        assert f"{p.confidence:.2f}" in page
        for feature, weight in p.explanation:
            assert f"+{weight:.2f}" in page
    for label in report.labels:
        assert CHINESE_NAMES[label] in page
        assert f'data-label="{label}" data-share="{report.summary[label]["share"]:.4f}"' in page  # the chart
    assert "<svg" in page and "summary" not in parsed.ids  # one report: no summary table


def test_page_is_self_contained(default_model):
    page = _html(_labelled(default_model, ["web_010", "web_011"]))
    for forbidden in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "//fonts."):
        assert forbidden not in page.lower()
    outside = [u for u in re.findall(r"https?://[^\"' )]+", page) if u != "http://www.w3.org/2000/svg"]
    assert outside == []
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_many_reports_get_a_summary_table_linking_to_each(default_model):
    names = ["web_010", "web_011", "web_012"]
    reports = _labelled(default_model, names)
    parsed = _parse(_html(reports))
    assert "summary" in parsed.ids
    for number, report in enumerate(reports, 1):
        assert f"#report-{number}" in parsed.links and f"report-{number}" in parsed.ids
        assert parsed.sections[number - 1] == report.name
        shown = [p for p in parsed.paragraphs if p["section"] == number]
        assert [(p["start"], p["end"], p["text"]) for p in shown] == [(p.start, p.end, p.text) for p in report.paragraphs]


def test_text_is_escaped_and_unknown_labels_get_a_colour():
    from classifier.html_report import COLOURS, label_colour
    from classifier.report import LabelledParagraph, LabelledReport

    text = HOSTILE + "\n普通的一段。"
    paragraphs = [
        LabelledParagraph(0, 0, len(HOSTILE), HOSTILE, None, "安全<生产>", 0.61,
                          {"安全<生产>": 0.61, "x&y": 0.39}, [("w:<script>", 0.5), ("h:标题", 0.1)]),
        LabelledParagraph(1, len(HOSTILE) + 1, len(text), "普通的一段。", HOSTILE, "x&y", 0.42,
                          {"安全<生产>": 0.58, "x&y": 0.42}),
    ]
    report = LabelledReport('<a href="evil">.txt', text, paragraphs, ("安全<生产>", "x&y"))
    page = _html([report, report])
    assert "<script>" not in page and 'href="evil"' not in page
    parsed = _parse(page)
    assert [p["text"] for p in parsed.paragraphs] == [HOSTILE, "普通的一段。"] * 2
    assert [p["label"] for p in parsed.paragraphs] == ["安全<生产>", "x&y"] * 2
    for label in report.labels:
        colour = label_colour(label)
        assert re.fullmatch(r"#[0-9a-f]{6}", colour) and colour not in COLOURS.values()
        assert f"--c:{colour}" in page
    assert label_colour("x&y") == label_colour("x&y")  # stable from run to run
    assert "unsure" in page  # a confidence under one half is marked


def test_report_names_are_shown_below_their_common_folder():
    from types import SimpleNamespace as R

    from classifier.html_report import _short_names

    shown = lambda *names: _short_names([R(name=n) for n in names])
    assert shown("/data/reports/2023/总结.txt", "/data/reports/2024/总结.txt") == ["2023/总结.txt", "2024/总结.txt"]
    assert shown("/data/a.txt", "/data/b.txt") == ["a.txt", "b.txt"]
    assert shown("/data/reports/a.txt") == ["a.txt"]
    assert shown("a/x.txt", "b/y.txt") == ["a/x.txt", "b/y.txt"]
    assert shown("<stdin>", "/data/x.txt") == ["<stdin>", "x.txt"]
    assert shown("rel/x.txt", "/abs/y.txt") == ["x.txt", "y.txt"]


@pytest.mark.slow
def test_cli_writes_the_page_atomically_and_refuses_without_out(tmp_path):
    result = run_cli("predict", os.path.join(DOCS, "web_010.txt"), "--format", "html")
    assert result.returncode == 2 and "--out" in result.stderr
    out = tmp_path / "report.html"
    result = run_cli("predict", os.path.join(DOCS, "web_010.txt"), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert os.listdir(tmp_path) == ["report.html"]


# --- in a real browser -------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars"]


def _chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs the Debian package chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _browse(tmp_path, page, *flags):
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, page.as_uri()],
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    """A page of three shared reports (one of them as GBK) and one of text written here."""
    folder = tmp_path_factory.mktemp("html")
    (folder / "in").mkdir()
    for name in ("web_012", "web_013"):
        (folder / "in" / f"{name}.txt").write_text(doc_text(name), encoding="utf-8")
    (folder / "in" / "gbk.txt").write_bytes(doc_text("web_010").encode("gbk"))
    (folder / "in" / "z_escaping.txt").write_text("一、理论学习\n" + HOSTILE + "组织理论学习。\n", encoding="utf-8")
    page = folder / "report.html"
    result = run_cli("predict", str(folder / "in"), "--format", "html", "--explain", "3", "--out", str(page))
    assert result.returncode == 0, result.stderr
    jsonl = run_cli("predict", str(folder / "in"), "--format", "jsonl")
    import json

    return folder, page, [json.loads(line) for line in jsonl.stdout.splitlines()]


@pytest.mark.slow
def test_chromium_renders_every_paragraph_and_label(browser_page, tmp_path):
    folder, page, rows = browser_page
    result = _browse(tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<script" not in dom  # the hostile text stayed text
    parsed = _parse(dom)
    assert [(p["label"], p["start"], p["end"], p["text"]) for p in parsed.paragraphs] == \
        [(r["label"], r["start"], r["end"], r["text"]) for r in rows]
    assert HOSTILE + "组织理论学习。" in [p["text"] for p in parsed.paragraphs]
    assert len(parsed.sections) == 4 and "summary" in parsed.ids
    assert {"#report-1", "#report-2", "#report-3", "#report-4"} <= set(parsed.links)
    assert "理论学习" in dom and "意识形态" in dom and dom.count("<svg") >= 4


def _png_pixels(path):
    """(width, height, set of (r, g, b)) of an 8-bit non-interlaced PNG, as Chromium writes them."""
    import zlib

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    step = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * step
    previous, colours = bytearray(stride), set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        colours.update(bytes(line[i:i + 3]) for i in range(0, stride, step))
        previous = line
    return width, height, {"#" + c.hex() for c in colours}


@pytest.mark.slow
def test_chromium_screenshot_shows_the_areas_in_colour(browser_page, tmp_path):
    from classifier.html_report import COLOURS

    folder, page, rows = browser_page
    shot = tmp_path / "page.png"
    result = _browse(tmp_path, page, f"--screenshot={shot}", "--window-size=1200,2000")
    assert result.returncode == 0, result.stderr[-2000:]
    width, height, colours = _png_pixels(shot)
    assert (width, height) == (1200, 2000)
    # The summary's bars and the paragraphs' labels are drawn in each area's colour.
    shown = {label for label, colour in COLOURS.items() if colour in colours}
    assert {r["label"] for r in rows} <= shown
    assert len(colours) > 50  # text was drawn, not a blank page
