"""Labelling whole reports (report.py), used the way a notebook would: read files, label them, look at
the summaries."""
import io
import json
import os

import pytest

from classifier.labels import DEFAULT_LABELS

from conftest import DEFAULT_MODEL, DOCS, doc_text, run_cli

NAMES = ["web_010", "web_013", "seed_000"]
CORPUS_NAMES = sorted(n[:-4] for n in os.listdir(DOCS) if n.endswith(".txt"))


@pytest.mark.slow
def test_notebook_session(tmp_path):
    import classifier
    from classifier import label_report, label_reports, load_model, read_document

    for name in ("load_model", "label_report", "label_reports", "read_document", "iter_documents",
                 "LabelledReport", "write_html"):
        assert name in classifier.__all__
    model = load_model()  # the shipped model
    # A report saved by Chinese Windows (GBK) and one as UTF-16: read_document finds out.
    (tmp_path / "gbk.txt").write_bytes(doc_text(NAMES[0]).encode("gbk"))
    (tmp_path / "utf16.txt").write_bytes(doc_text(NAMES[1]).encode("utf-16"))
    documents = [read_document(str(tmp_path / "gbk.txt")), read_document(str(tmp_path / "utf16.txt")),
                 read_document(os.path.join(DOCS, f"{NAMES[2]}.txt"))]
    assert [d.encoding for d in documents] == ["gb18030", "utf-16", "utf-8"]
    assert [d.text for d in documents] == [doc_text(n) for n in NAMES]

    report = label_report(model, documents[0].text, name=documents[0].name, explain=3)
    assert report.name == str(tmp_path / "gbk.txt")
    assert report.labels == tuple(str(c) for c in model.classes_)
    for p in report.paragraphs:
        assert documents[0].text[p.start:p.end] == p.text
        assert p.label in report.labels and p.confidence == pytest.approx(max(p.scores.values()), abs=1e-4)
        assert p.explanation is not None and len(p.explanation) <= 3

    # The per-report summary: paragraphs, characters and share of each area; areas left untouched.
    summary = report.summary
    assert set(summary) == set(report.labels)
    assert sum(entry["paragraphs"] for entry in summary.values()) == len(report.paragraphs)
    assert sum(entry["characters"] for entry in summary.values()) == sum(len(p.text) for p in report.paragraphs)
    assert sum(entry["share"] for entry in summary.values()) == pytest.approx(1)
    assert report.fallback_label == model.fallback_label_ == "other"
    assert report.untouched == [label for label in DEFAULT_LABELS  # in the guide's order
                                if label != "other" and not any(p.label == label for p in report.paragraphs)]
    shares = {label: round(entry["share"], 3) for label, entry in summary.items()}
    assert max(shares, key=shares.get) in report.labels

    # Many at once: the same results as one by one.
    reports = label_reports(model, documents)
    assert [r.name for r in reports] == [d.name for d in documents]
    assert [r.encoding for r in reports] == ["gb18030", "utf-16", "utf-8"]
    one_by_one = [label_report(model, d.text, name=d.name) for d in documents]
    assert [[(p.start, p.label) for p in r.paragraphs] for r in reports] == \
        [[(p.start, p.label) for p in r.paragraphs] for r in one_by_one]
    # ... and the same as the command line's JSON Lines.
    cli = run_cli("predict", "--format", "jsonl", os.path.join(DOCS, f"{NAMES[2]}.txt"))
    assert [json.loads(line) for line in cli.stdout.splitlines()] == \
        [json.loads(json.dumps(p.to_dict(reports[2].name))) for p in reports[2].paragraphs]

    # A page for the notebook's reader.
    page = io.StringIO()
    classifier.write_html(reports, page)
    assert page.getvalue().count('class="card report"') == 3


def test_load_model_by_path_and_iter_documents(tmp_path):
    from classifier import iter_documents, label_reports, load_model

    model = load_model(DEFAULT_MODEL)
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "b.txt").write_text(doc_text(NAMES[1]), encoding="utf-8")
    (folder / "a.txt").write_bytes(doc_text(NAMES[0]).encode("gb18030"))
    documents = list(iter_documents([str(folder)]))
    assert [d.name for d in documents] == [str(folder / "a.txt"), str(folder / "sub" / "b.txt")]
    reports = label_reports(model, documents)
    assert all(r.paragraphs for r in reports)


def test_label_report_takes_the_headings_a_docx_marks(default_model):
    """``label_report`` reads a document's marked headings as ``label_reports`` does."""
    from classifier import label_report, label_reports
    from classifier.read import Document

    text = "理论学习\n组织党委中心组专题学习十二次。\n文明创建\n开展志愿服务活动。"
    headings = ((0, 4, 1), (21, 25, 1))
    assert text[21:25] == "文明创建"
    one = label_report(default_model, text, name="styled", headings=headings)
    many = label_reports(default_model, [Document("styled", text, headings=headings)])[0]
    assert [p.to_dict() for p in one.paragraphs] == [p.to_dict() for p in many.paragraphs]
    assert [p.heading for p in one.paragraphs] == [None, "理论学习", None, "文明创建"]
    assert all(p.heading is None for p in label_report(default_model, text).paragraphs)


@pytest.mark.parametrize("reports", [["加强理论学习"], ["学习"], "开展志愿服务活动", [("a", "加强理论学习")],
                                     [("a", "加强理论学习", "utf-8", ())]])
def test_label_reports_of_anything_but_documents_says_what_it_takes(default_model, reports):
    from classifier import label_reports

    said = r"label_reports takes classifier.read.Document objects.*Document\(name, text\).*label_report\(model, text\)"
    with pytest.raises(TypeError, match=said):
        label_reports(default_model, reports)


def test_a_document_needs_only_a_name_and_a_text(default_model):
    from classifier import label_report, label_reports
    from classifier.read import Document

    document = Document("note", "组织党委中心组专题学习。\n开展志愿服务活动。")
    assert (document.encoding, document.headings) == ("utf-8", ())
    [report] = label_reports(default_model, [document])
    alone = label_report(default_model, document.text, name="note")
    assert report.name == "note" and report.encoding == "utf-8" and len(report.paragraphs) == 2
    assert [p.to_dict() for p in report.paragraphs] == [p.to_dict() for p in alone.paragraphs]


def test_join_wrapped_is_segmentations_switch(default_model):
    from classifier import label_report
    from classifier.segment import segment

    line = "全年组织理论学习中心组专题学习十二次，开展理论宣讲进基层活动三十余场，覆盖干部群众"
    text = "\n".join([line] * 8) + "。\n"
    joined = label_report(default_model, text)
    apart = label_report(default_model, text, join_wrapped=False)
    assert len(joined.paragraphs) == len(segment(text)) < len(apart.paragraphs)
    assert [p.text for p in apart.paragraphs] == [p.text for p in segment(text, join_wrapped=False)]


def test_untouched_leaves_out_the_models_fallback_label():
    """A model trained without "other": its most frequent label is the fallback, the other areas
    a report does not cover are untouched."""
    from classifier import label_report
    from classifier.model import ParagraphClassifier

    texts = ["组织理论学习", "开展理论宣讲", "学习理论著作", "理论学习中心组",
             "举办文艺演出", "开展文艺汇演", "创建文明城市", "文明城市创建"]
    labels = ["a", "a", "a", "a", "b", "b", "c", "c"]
    model = ParagraphClassifier(min_df=1).fit(texts, labels)
    assert model.fallback_label_ == "a"
    report = label_report(model, "开展文艺汇演，举办文艺演出。")
    assert [p.label for p in report.paragraphs] == ["b"]
    assert report.fallback_label == "a"
    assert report.untouched == ["c"]


@pytest.mark.slow
def test_label_reports_is_independent_of_chunks_and_jobs(default_model, monkeypatch):
    """Small chunks, empty reports among full ones, several processes: the same results, in order,
    as labelling each report on its own."""
    from classifier import report as report_module
    from classifier.read import Document
    from classifier.report import label_report, label_reports

    reports = [Document(n, doc_text(n)) for n in CORPUS_NAMES[:12]]
    reports.insert(3, Document("empty", ""))
    reports.append(Document("blank", "  \n\n "))
    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 1500)
    seen = []
    many = label_reports(default_model, reports, jobs=2, progress=seen.append)
    single = label_reports(default_model, reports, jobs=1)
    alone = [label_report(default_model, d.text, name=d.name) for d in reports]
    assert seen == list(range(1, len(reports) + 1))
    assert [r.name for r in many] == [d.name for d in reports]
    assert many[3].paragraphs == [] and many[-1].paragraphs == []

    def rows(results):
        return [[p.to_dict(r.name) for p in r.paragraphs] for r in results]
    assert rows(many) == rows(single) == rows(alone)
    assert [r.summary for r in many] == [r.summary for r in alone]
