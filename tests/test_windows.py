"""A plain text longer than windows.WINDOW_CHARS is read and labelled a window at a time (windows
made small here): the rows of labelling it whole, except where a report runs past the context."""
import json
import os

import pytest

from conftest import DOCS

# Invented reports, each far shorter than the pieces below: a title naming one area, numbered
# headings, body paragraphs.  {n} makes every report's text its own.
REPORT = """{title}

一、理论学习第{n}项
组织党委中心组专题学习{n}次，开展理论宣讲进基层活动三十余场，覆盖干部群众上万人次。

二、文明创建
开展志愿服务活动{n}场，创建文明城市，评选道德模范和身边好人。

（一）宣讲活动
组建宣讲队伍，深入社区、企业开展宣讲，群众反响热烈。

三、新闻宣传
在市级媒体刊发稿件一百余篇，加强网络舆论引导，做好突发事件舆情处置。

四、文化建设
举办文艺演出二十场，建设农家书屋，开展非遗保护和传承活动。
"""
TITLES = ("某社区文化工作总结", "某县宣传思想工作总结", "某镇精神文明建设工作总结", "某区新闻宣传工作计划")


def _text(reports=40, start=0):
    return "\n".join(REPORT.format(title=TITLES[n % len(TITLES)], n=n) for n in range(start, start + reports))


@pytest.fixture
def small_windows(monkeypatch):
    """Windows of 2000 characters made of pieces of 500."""
    from classifier import windows

    monkeypatch.setattr(windows, "WINDOW_CHARS", 2000)
    monkeypatch.setattr(windows, "PIECE_CHARS", 500)
    return windows


def _whole_rows(model, text):
    from classifier.read import Document
    from classifier.report import label_reports

    return label_reports(model, [Document("t.txt", text)])[0].paragraphs


def _windowed(model, path):
    from classifier.read import TextWindows, read_document
    from classifier.report import iter_labelled_reports

    document = read_document(str(path), windows=True)
    assert isinstance(document, TextWindows)
    return list(iter_labelled_reports(model, [document]))


def _key(p):
    return (p.index, p.start, p.end, p.text, p.heading, p.label, p.confidence, p.scores, p.label2)


def test_reports_shorter_than_a_piece_get_the_rows_of_reading_the_text_whole(default_model, small_windows, tmp_path):
    text = _text()
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    parts = _windowed(default_model, path)
    assert len(parts) > 3 and [part.part for part in parts] == list(range(len(parts)))
    assert [part.last for part in parts] == [False] * (len(parts) - 1) + [True]
    rows = [p for part in parts for p in part.paragraphs]
    assert [_key(p) for p in rows] == [_key(p) for p in _whole_rows(default_model, text)]


def _report_spans(text, paragraphs):
    """(start, end) of each report of ``paragraphs``: from a report title to the next."""
    from classifier.segment import is_report_title

    starts = [p.start for p in paragraphs if is_report_title(p.text)] + [len(text)]
    return list(zip(starts, starts[1:]))


def _allowed(text, paragraphs, windows):
    """The paragraphs (by start) that may differ from reading the text whole: those of a report
    (title to next title) that does not lie inside the text read for their window (the window
    and a piece on either side)."""
    from classifier.windows import regions

    spans = _report_spans(text, paragraphs)
    allowed = set()
    for region, offset, keep_from, keep_to in regions(windows.pieces()):
        inside = [(a, b) for a, b in spans if not (offset <= a and b <= offset + len(region))]
        allowed |= {p.start for p in paragraphs if keep_from <= p.start < keep_to
                    and any(a <= p.start < b for a, b in inside)}
    return allowed


def test_a_report_longer_than_the_context_differs_only_where_said(default_model, small_windows, tmp_path):
    """One report of 12 invented sections (no title between them) runs over several windows."""
    from classifier.read import read_document

    body = "\n".join(REPORT.format(title="", n=n).strip() for n in range(12))
    text = _text(3) + "\n" + TITLES[0] + "\n\n" + body + "\n" + _text(3, start=3)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    rows = [p for part in _windowed(default_model, path) for p in part.paragraphs]
    whole = _whole_rows(default_model, text)
    assert [(p.start, p.end) for p in rows] == [(p.start, p.end) for p in whole]
    differ = {a.start for a, b in zip(whole, rows) if _key(a) != _key(b)}
    allowed = _allowed(text, whole, read_document(str(path), windows=True))
    assert differ <= allowed
    assert allowed and differ  # the case is one where the edge matters


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_offsets_index_the_original_text(default_model, small_windows, tmp_path, encoding):
    text = _text(12).replace("\n", "\r\n")
    path = tmp_path / "long.txt"
    path.write_bytes(text.encode(encoding))
    parts = _windowed(default_model, path)
    rows = [p for part in parts for p in part.paragraphs]
    assert parts[0].encoding == encoding.replace("-sig", "")
    assert rows and all(text[p.start:p.end] == p.text for p in rows)
    assert all(a.end <= b.start for a, b in zip(rows, rows[1:]))
    assert [p.index for p in rows] == list(range(len(rows)))
    assert [(p.start, p.end) for p in rows] == [(p.start, p.end) for p in _whole_rows(default_model, text)]


def test_a_long_big5_text_is_read_as_big5(default_model, small_windows, tmp_path):
    """Found as decode finds it for a short one: GB18030 decodes Big5 too, into rare characters."""
    from opencc import OpenCC

    text = OpenCC("s2t").convert(_text(12)).encode("big5", "ignore").decode("big5")
    path = tmp_path / "long.txt"
    path.write_bytes(text.encode("big5"))
    parts = _windowed(default_model, path)
    rows = [p for part in parts for p in part.paragraphs]
    assert parts[0].encoding == "big5" and len(parts) > 1
    assert rows and all(text[p.start:p.end] == p.text for p in rows)


def test_windows_never_split_a_paragraph(small_windows):
    """Each piece ends after a blank line, so each paragraph of the text is one of a window."""
    from classifier.segment import segment

    text = _text(20)
    cuts = []
    for offset, piece in _pieces(small_windows, text):
        cuts.append(offset + len(piece))
        assert offset == 0 or text[offset - 2:offset] == "\n\n"
    assert len(cuts) > 5 and cuts[-1] == len(text)
    assert not [p for p in segment(text) if any(p.start < cut < p.end for cut in cuts)]


def _pieces(windows, text):
    import tempfile

    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as handle:
        handle.write(text.encode("utf-8"))
    try:
        return list(windows.TextWindows("t.txt", handle.name, "utf-8", "utf-8").pieces())
    finally:
        os.remove(handle.name)


def test_a_line_longer_than_a_window_is_cut_where_a_piece_ends(default_model, small_windows, tmp_path):
    """No blank line and no line break in a whole window: pieces end where they must, mid-line."""
    text = "组织党委中心组专题学习，开展理论宣讲进基层活动三十余场" * 400  # no sentence end, no line break
    pieces = _pieces(small_windows, text)
    assert [len(piece) for _, piece in pieces[:-1]] == [small_windows.PIECE_CHARS] * (len(pieces) - 1)
    path = tmp_path / "line.txt"
    path.write_text(text, encoding="utf-8")
    rows = [p for part in _windowed(default_model, path) for p in part.paragraphs]
    assert rows and all(text[p.start:p.end] == p.text for p in rows)
    assert all(a.end <= b.start for a, b in zip(rows, rows[1:]))


def test_each_window_is_segmented_alone(default_model, small_windows, tmp_path, monkeypatch):
    """No text longer than a window and a piece on either side is segmented: memory is bounded."""
    from classifier import report

    seen = []
    original = report.segment
    monkeypatch.setattr(report, "segment", lambda text, *a, **k: seen.append(len(text)) or original(text, *a, **k))
    path = tmp_path / "long.txt"
    path.write_text(_text(), encoding="utf-8")
    _windowed(default_model, path)
    assert len(seen) > 3 and max(seen) <= small_windows.WINDOW_CHARS + 3 * small_windows.PIECE_CHARS


@pytest.mark.parametrize("form", ["jsonl", "csv", "train"])
def test_predict_writes_a_windowed_text_as_it_would_whole(cli, default_model, small_windows, tmp_path, form):
    from classifier import output
    from classifier.read import Document
    from classifier.report import label_reports

    text = _text(12)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    result = cli("predict", "--format", form, path)
    assert result.returncode == 0, result.stderr
    report = label_reports(default_model, [Document(str(path), text)])[0]
    import io

    expected = io.StringIO()
    {"jsonl": lambda: output.write_jsonl(report, expected), "csv": lambda: output.write_csv(report, expected, True),
     "train": lambda: output.write_train(report, expected, "long")}[form]()
    assert result.stdout == expected.getvalue()


def test_the_table_of_a_windowed_text_counts_at_the_end(cli, default_model, small_windows, tmp_path):
    from classifier import output
    from classifier.read import Document
    from classifier.report import label_reports

    text = _text(12)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    result = cli("predict", path)
    assert result.returncode == 0
    import io

    expected = io.StringIO()
    output.write_table(label_reports(default_model, [Document(str(path), text)])[0], expected)
    head, rest = expected.getvalue().split("\n", 1)
    rows, summary = rest.split("share of the report by area:\n")
    assert result.stdout == (f"== {path}: read in windows, counted at the end ==\n" + rows + head + "\n"
                             + "share of the report by area:\n" + summary)


@pytest.mark.parametrize("reports", [12, 60])  # read whole first (fewer than 4 bytes a window's character), or not
def test_stdin_and_html_of_a_windowed_text(cli, default_model, small_windows, tmp_path, monkeypatch, reports):
    import io
    import sys

    text = _text(reports)
    assert (len(text.encode("gb18030")) > 4 * small_windows.WINDOW_CHARS + 4) == (reports == 60)
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("gb18030"))))
    result = cli("predict", "--format", "jsonl", "-")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(text[row["start"]:row["end"]] == row["text"] for row in rows)
    assert [row["index"] for row in rows] == list(range(len(rows)))
    assert {row["file"] for row in rows} == {"<stdin>"}
    assert not list(spool.iterdir())  # the copy of standard input is removed
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    page = tmp_path / "out.html"
    result = cli("predict", "--out", page, path, "--format", "html")
    assert result.returncode == 0 and f"{len(rows)} paragraphs" in page.read_text(encoding="utf-8")


def test_too_many_paragraphs_are_refused_before_any_row(cli, small_windows, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(_text(12), encoding="utf-8")
    result = cli("predict", "--format", "jsonl", "--max-paragraphs", "100", path)
    assert result.returncode == 2 and result.stdout == ""
    assert "paragraphs, more than the limit of 100" in result.stderr


@pytest.mark.slow
def test_a_long_text_of_shared_documents_in_default_windows(default_model, tmp_path):
    """The shared reports pasted together four times (over 1 000 000 characters): the rows of
    reading it whole except in reports that run past their window's context."""
    from classifier.read import read_document

    texts = []
    for name in sorted(os.listdir(DOCS)):
        with open(os.path.join(DOCS, name), encoding="utf-8") as handle:
            texts.append(handle.read().strip())
    text = "\n\n".join(texts * 4) + "\n"
    path = tmp_path / "shared.txt"
    path.write_text(text, encoding="utf-8")
    parts = _windowed(default_model, path)
    rows = [p for part in parts for p in part.paragraphs]
    whole = _whole_rows(default_model, text)
    assert len(parts) >= 2 and all(text[p.start:p.end] == p.text for p in rows)
    assert [(p.start, p.end) for p in rows] == [(p.start, p.end) for p in whole]
    differ = {a.start for a, b in zip(whole, rows) if _key(a) != _key(b)}
    assert differ <= _allowed(text, whole, read_document(str(path), windows=True))


def test_jobs_and_explain_give_the_same_windowed_rows(cli, small_windows, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(_text(12), encoding="utf-8")
    one = cli("predict", "--format", "jsonl", "--explain", "3", path)
    two = cli("predict", "--format", "jsonl", "--explain", "3", "--jobs", "2", path)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout and '"explanation"' in one.stdout


def test_a_traditional_text_in_windows_keeps_its_own_characters(default_model, small_windows, tmp_path):
    from opencc import OpenCC

    text = OpenCC("s2t").convert(_text(12))
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    rows = [p for part in _windowed(default_model, path) for p in part.paragraphs]
    assert rows and all(text[p.start:p.end] == p.text for p in rows)
    assert [_key(p) for p in rows] == [_key(p) for p in _whole_rows(default_model, text)]


def test_a_windowed_text_among_short_ones_with_jobs(cli, default_model, small_windows, tmp_path):
    # --jobs sends runs of short reports to the workers and labels a windowed text in between
    # itself: the same bytes as one process, and every report counted once, in order.
    from classifier.read import iter_documents
    from classifier.report import iter_labelled_reports

    names = []
    for number, reports in enumerate((1, 1, 12, 1, 12, 1)):
        path = tmp_path / f"{number}.txt"
        path.write_text(_text(reports, start=number), encoding="utf-8")
        names.append(str(path))
    one = cli("predict", "--format", "jsonl", *names)
    two = cli("predict", "--format", "jsonl", "--jobs", "2", *names)
    assert one.returncode == two.returncode == 0 and one.stdout == two.stdout
    told = []
    reports = list(iter_labelled_reports(default_model, iter_documents(names, windows=True), jobs=2,
                                         progress=told.append))
    assert told == [1, 2, 3, 4, 5, 6]
    assert [r.name for r in reports if r.last] == names
    assert len(reports) > len(names)  # the long two came in parts


def _spooled_stdin(monkeypatch, tmp_path, text):
    """Standard input holding ``text``, spooled into a folder of its own (returned)."""
    import io
    import sys
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    return spool


def test_an_interrupt_while_counting_stdin_removes_its_copy(small_windows, tmp_path, monkeypatch):
    from classifier import read

    spool = _spooled_stdin(monkeypatch, tmp_path, _text(12))

    def interrupted(document, limit=None):
        assert list(spool.iterdir())  # spooled by now
        raise KeyboardInterrupt

    monkeypatch.setattr(read, "check_paragraphs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        next(read.iter_documents(["-"], windows=True))
    assert not list(spool.iterdir())


def test_jobs_stopped_before_a_windowed_stdin_removes_its_copy(default_model, small_windows, tmp_path,
                                                               monkeypatch):
    # --jobs reads one document past a run of short ones: a stdin read so, and never labelled
    # because the caller stopped, still has its copy removed.
    from classifier.read import iter_documents
    from classifier.report import iter_labelled_reports

    spool = _spooled_stdin(monkeypatch, tmp_path, _text(12))
    short = tmp_path / "short.txt"
    short.write_text(_text(1), encoding="utf-8")
    reports = iter_labelled_reports(default_model, iter_documents([str(short), "-"], windows=True), jobs=2)
    assert next(reports).name == str(short)
    reports.close()
    assert not list(spool.iterdir())
