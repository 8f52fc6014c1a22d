"""Secondary labels, the review list, --format train and retraining on it, the labels command and
end-to-end evaluation of a trained model, on a model trained on the tests' own invented corpus."""
import csv
import io
import json
import os
import re

import pytest

from conftest import FIXTURE_DOCS, FIXTURE_LABELS

# Two areas in one paragraph, in about equal parts (invented): study of theory, then news work.
MIXED = "党委中心组开展专题学习，班子成员撰写心得体会；同时在县报和公众号刊发新闻稿件二十篇，对外宣传成效明显。"
THEORY = "青禾镇党委中心组全年集中学习十二次，围绕党的创新理论开展专题研讨。"
MEDIA = "在县报和公众号刊发新闻稿件二十篇。"
# One area in two sentences (invented).
THEORY_TWICE = "青禾镇党委中心组全年集中学习十二次，围绕党的创新理论开展专题研讨。班子成员撰写学习心得，交流理论学习体会。"
LABEL2 = {"label2_threshold": 0.05, "label2_share": 0.25, "label2_confidence": 0.6}  # the defaults


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A model trained on the tests' corpus, saved: (model, its path)."""
    from classifier import persist
    from classifier.data import read_labelled
    from classifier.training import train

    model = train(read_labelled(FIXTURE_LABELS))
    path = str(tmp_path_factory.mktemp("model") / "tiny.model")
    persist.save_model(model, path, {"trained": "by the test"})
    return model, path


@pytest.fixture()
def mixed_report(tmp_path):
    """A report of three paragraphs: theory, a mix of theory and news work, news work."""
    path = tmp_path / "mixed.txt"
    path.write_text(f"{THEORY}\n{MIXED}\n{MEDIA}\n", encoding="utf-8")
    return str(path)


def _jsonl(text):
    return [json.loads(line) for line in text.splitlines()]


def test_a_paragraph_of_two_areas_gets_the_second_as_label2(tiny):
    from classifier.report import label_report

    model, _ = tiny
    report = label_report(model, f"{THEORY}\n{MIXED}\n{MEDIA}\n")
    assert (report.paragraphs[1].label, report.paragraphs[1].label2) == ("theory", "media")
    assert [p.label2 for p in report.paragraphs] == [None, "media", None]
    for p in report.paragraphs:  # a second label is never the first, nor the fallback label
        assert p.label2 not in (p.label, "other")


def test_a_paragraph_of_one_area_in_several_sentences_gets_no_label2_even_without_the_gate(tiny):
    from classifier.report import label_report

    model, _ = tiny
    model.set_params(label2_threshold=0.0)  # every paragraph of two pieces or more is read piece by piece
    try:
        paragraph = label_report(model, THEORY_TWICE).paragraphs[0]
        assert paragraph.label == "theory" and paragraph.label2 is None
        assert label_report(model, MIXED).paragraphs[0].label2 == "media"
    finally:
        model.set_params(label2_threshold=LABEL2["label2_threshold"])


@pytest.mark.parametrize("name, strict", [("label2_threshold", 0.99), ("label2_share", 0.99),
                                          ("label2_confidence", 0.999)])
def test_each_label2_parameter_decides_and_a_model_without_them_uses_the_defaults(tiny, name, strict):
    from classifier.report import label_report

    model, _ = tiny
    model.set_params(**{name: strict})
    try:
        assert label_report(model, MIXED).paragraphs[0].label2 is None
    finally:
        model.set_params(**{name: LABEL2[name]})
    for old in LABEL2:  # as an old pickled model loads: no such attributes
        del model.__dict__[old]
    try:
        assert label_report(model, MIXED).paragraphs[0].label2 == "media"
    finally:
        model.__dict__.update(LABEL2)


def test_label2_parameters_round_trip_through_a_model_file_and_old_files_get_the_defaults(tiny, tmp_path):
    import zipfile

    from classifier import persist

    model, path = tiny
    own = {"label2_threshold": 0.2, "label2_share": 0.4, "label2_confidence": 0.7}
    model.set_params(**own)
    try:
        persist.save_model(model, str(tmp_path / "own.model"), {})
    finally:
        model.set_params(**LABEL2)
    loaded = persist.load_model(str(tmp_path / "own.model"))
    assert {name: getattr(loaded, name) for name in own} == own
    # A file saved before the parameters existed: model.json without them.
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    document = json.loads(members["model.json"])
    for name in LABEL2:
        del document["classifier"]["params"][name]
    members["model.json"] = json.dumps(document).encode("utf-8")
    with zipfile.ZipFile(tmp_path / "old.model", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    old = persist.load_model(str(tmp_path / "old.model"))
    assert {name: getattr(old, name) for name in LABEL2} == LABEL2


def test_label2_in_every_output_after_the_fields_that_were_there(cli, tiny, mixed_report, tmp_path):
    _, model = tiny
    rows = _jsonl(cli("predict", "--model", model, "--format", "jsonl", mixed_report).stdout)
    assert [list(row)[-1] for row in rows] == ["label2"] * 3
    assert list(rows[0])[:-1] == ["file", "index", "start", "end", "text", "heading", "label", "confidence", "scores"]
    assert rows[1]["label2"] == "media"
    explained = _jsonl(cli("predict", "--model", model, "--format", "jsonl", "--explain", "2", mixed_report).stdout)
    assert list(explained[1])[-2:] == ["explanation", "label2"]

    table = cli("predict", "--model", model, mixed_report).stdout.splitlines()
    assert "also" in table[1]
    assert re.match(r"\s+2\s+theory 理论学习\s+media\s+0\.\d\d\s", table[3])

    cli("predict", "--model", model, "--explain", "--out", str(tmp_path / "x.csv"), mixed_report)
    header, *lines = list(csv.reader(io.StringIO((tmp_path / "x.csv").read_text(encoding="utf-8-sig"))))
    assert header[-2:] == ["label2", "explanation"] and header[:8] == ["file", "index", "start", "end", "label",
                                                                      "confidence", "heading", "text"]
    assert lines[1][-2] == "media" and lines[0][header.index("score_theory")].startswith("0.")

    cli("predict", "--model", model, "--out", str(tmp_path / "x.html"), mixed_report)
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert page.count('data-label2="media"') == 1
    assert '<span class="label2"' in page and "+ media 新闻宣传" in page


def test_review_lists_the_paragraphs_of_smallest_margin_on_stderr(cli, tiny, mixed_report):
    from classifier.review import least_sure, margin

    model, path = tiny
    plain = cli("predict", "--model", path, "--format", "jsonl", mixed_report)
    reviewed = cli("predict", "--model", path, "--format", "jsonl", "--review", "2", mixed_report)
    assert reviewed.stdout == plain.stdout  # the output itself is unchanged
    lines = reviewed.stderr.splitlines()
    assert lines[0].startswith("to review: the 2 paragraphs")
    rows = lines[2:]
    assert len(rows) == 2 and MIXED[:8] in rows[0]  # the mixed paragraph is the toss-up
    from classifier.read import read_document
    from classifier.report import label_reports

    [report] = label_reports(model, [read_document(mixed_report)])
    pairs = least_sure([report], 3)
    assert [margin(p) for _, p in pairs] == sorted(margin(p) for p in report.paragraphs)
    # --review takes an optional N: a file right after it is a file (default 20: all three).
    assert len(cli("predict", "--model", path, "--review", mixed_report).stderr.splitlines()) == 2 + 3


def test_the_page_marks_the_paragraphs_to_review_and_can_show_them_alone(cli, tiny, mixed_report, tmp_path):
    _, path = tiny
    out = tmp_path / "page.html"
    cli("predict", "--model", path, "--review", "1", "--out", str(out), mixed_report)
    page = out.read_text(encoding="utf-8")
    assert len(re.findall(r'class="p[^"]* review"', page)) == 1
    assert 'id="only-review"' in page and "#only-review:checked ~ section .p:not(.unsure):not(.review)" in page
    assert "<script" not in page


def test_width_and_full_set_the_table_text(cli, tiny, mixed_report):
    _, path = tiny
    narrow = cli("predict", "--model", path, "--width", "11", mixed_report).stdout.splitlines()[3]
    assert narrow.endswith("  " + MIXED[:5] + "…")  # columns: a Chinese character takes two
    full = cli("predict", "--model", path, "--full", mixed_report).stdout
    assert MIXED in full and MIXED not in cli("predict", "--model", path, mixed_report).stdout
    assert MIXED in cli("predict", "--model", path, "--width", "0", mixed_report).stdout
    both = cli("predict", "--model", path, "--full", "--width", "9", mixed_report)
    assert both.returncode == 2 and "--full" in both.stderr
    other = cli("predict", "--model", path, "--width", "9", "--format", "jsonl", mixed_report)
    assert other.returncode == 2 and "--width" in other.stderr


def test_format_train_is_read_back_by_train_and_a_corrected_label_is_learnt(cli, tiny, tmp_path):
    from classifier import persist

    _, path = tiny
    out = tmp_path / "mine.jsonl"
    reports = [os.path.join(FIXTURE_DOCS, name) for name in sorted(os.listdir(FIXTURE_DOCS))]
    assert cli("predict", "--model", path, "--out", str(out), "--format", "train", *reports).returncode == 0
    rows = _jsonl(out.read_text(encoding="utf-8"))
    assert set(rows[0]) == {"doc", "i", "start", "end", "text", "label", "label2", "heading"}
    assert {row["doc"] for row in rows} == {f"doc_0{k}" for k in range(8)}
    # A person corrects one paragraph in an editor: a theory paragraph is about culture, say.
    target = next(k for k, row in enumerate(rows) if row["label"] == "theory" and len(row["text"]) > 30)
    text = rows[target]["text"]
    rows[target]["label"] = "culture"
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    before = persist.load_model(path)
    assert before.predict([text])[0] == "theory"
    retrained = tmp_path / "mine.model"
    done = cli("train", str(out), "--repeats", "0", "--out", str(retrained))
    assert done.returncode == 0, done.stderr
    after = persist.load_model(str(retrained))
    assert after.predict([text])[0] == "culture"


def test_format_train_names_docs_by_file_and_keeps_same_names_apart(tmp_path):
    from classifier.output import output_format, train_docs
    from classifier.errors import InputError

    class R:
        def __init__(self, name):
            self.name = name

    assert train_docs([R("a/x.txt"), R("c/y.txt"), R("<stdin>")]) == ["x", "y", "stdin"]
    # Names that differ only by extension keep it; the same name in two folders takes the path.
    assert train_docs([R("a/x.txt"), R("a/x.pdf"), R("c/y.txt")]) == ["x.txt", "x.pdf", "y.txt"]
    assert train_docs([R("a/x.txt"), R("b/x.txt")]) == ["a/x.txt", "b/x.txt"]
    assert output_format("train", "out.jsonl") == "train"
    with pytest.raises(InputError):
        output_format("train", "out.csv")


def test_labels_command_describes_the_six_areas_from_the_shipped_file(cli):
    from classifier.labels import CHINESE_NAMES, DEFAULT_LABELS

    described = json.loads(cli("labels", "--format", "json").stdout)
    assert [area["id"] for area in described] == list(DEFAULT_LABELS)
    for area in described:
        assert area["chinese"] == CHINESE_NAMES[area["id"]]
        assert len(area["definition"]) > 40 and len(area["cues"]) >= 3
    table = cli("labels").stdout
    for area in described:
        assert f"{area['id']} {area['chinese']}" in table and area["cues"][0] in table


def test_evaluate_scores_a_trained_model_end_to_end_on_reports_it_segments(cli, tiny, tmp_path):
    _, path = tiny
    done = cli("evaluate", FIXTURE_LABELS, "--model", path, "--docs", FIXTURE_DOCS, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["end_to_end"]["n"] == result["paragraph"]["n"] == 180
    rows = _jsonl(open(FIXTURE_LABELS, encoding="utf-8").read())
    table = cli("evaluate", FIXTURE_LABELS, "--model", path, "--docs", FIXTURE_DOCS).stdout
    assert "end-to-end scores (the tool's own segmentation of the 8 reports" in table
    no_spans = tmp_path / "no_spans.jsonl"
    no_spans.write_text("".join(json.dumps({k: v for k, v in row.items() if k not in ("start", "end")},
                                           ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    refused = cli("evaluate", str(no_spans), "--model", path, "--docs", FIXTURE_DOCS)
    assert refused.returncode == 2 and "no start/end" in refused.stderr


def test_evaluate_end_to_end_labels_spans_by_the_paragraphs_that_cover_them(tiny, tmp_path):
    from classifier.data import LabelledData
    from classifier.evaluate import end_to_end_labels, segment_docs

    model, _ = tiny
    (tmp_path / "r.txt").write_text(f"{THEORY}\n{MEDIA}\n", encoding="utf-8")
    cut = len(THEORY) + 1
    # One gold span over the theory paragraph and a little of the next, one over the media one.
    data = LabelledData(texts=[THEORY, MEDIA], labels=["theory", "media"], docs=["r", "r"],
                        headings=[None, None], ids=[("r", 0), ("r", 1)],
                        spans=[(0, cut + 3), (cut, cut + len(MEDIA))])
    found = end_to_end_labels(model, data, [0, 1], segment_docs(str(tmp_path), ["r"]))
    assert found == {0: "theory", 1: "media"}


def test_cross_validation_tables_say_what_sums_over_repeats():
    from classifier.tables import write_scores

    block = {"labels": ["a", "b"], "per_label": {l: {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
                                                 for l in "ab"},
             "macro_f1": 1.0, "accuracy": 1.0, "n": 4, "confusion": [[6, 0], [0, 6]], "confusion_repeats": 3}
    out = io.StringIO()
    write_scores(block, out, "t")
    assert "confusion: counts summed over 3 repeats (12 predictions)" in out.getvalue()
    assert "support: paragraphs of each label, each counted once" in out.getvalue()
    assert "  macro-F1 " in out.getvalue()  # labels shorter than it do not cut it
    single = io.StringIO()
    write_scores(dict(block, confusion_repeats=1), single, "t")
    assert "summed" not in single.getvalue()


def test_summary_file_names_break_only_after_a_folder_separator():
    from classifier.html_report import _CSS, _path_html

    assert _path_html("报告/青禾镇总结_final.txt") == ('<span class="part">报告</span>/<wbr>'
                                                    '<span class="part">青禾镇总结_final.txt</span>')
    assert "table.summary td.name .part { white-space: nowrap; }" in _CSS
    assert "break-all" not in _CSS.split("table.summary td.name")[1].split("}")[0]


def test_evaluate_finds_the_documents_format_train_names(tmp_path):
    """A doc that keeps its extension (x.txt) is found as that file by evaluate --docs."""
    from classifier.evaluate import segment_docs

    (tmp_path / "x.txt").write_text("一、加强理论学习\n组织中心组学习。\n", encoding="utf-8")
    (tmp_path / "y.txt").write_text("开展志愿服务。\n", encoding="utf-8")
    found = segment_docs(str(tmp_path), ["x.txt", "y"])
    assert [p.text for p in found["x.txt"]] == ["一、加强理论学习", "组织中心组学习。"]
    assert [p.text for p in found["y"]] == ["开展志愿服务。"]


def test_evaluate_finds_the_docs_predict_named_in_subfolders_and_by_path(tmp_path, cli, monkeypatch):
    """predict reads folders recursively: --docs on the folder it was given finds each doc it wrote,
    a name in a subfolder, or the path it wrote where two folders held the same name."""
    import json

    monkeypatch.chdir(tmp_path)
    os.makedirs("reports/sub")
    (tmp_path / "reports" / "sub" / "r1.txt").write_text("一、加强理论学习\n组织中心组学习。\n", encoding="utf-8")
    (tmp_path / "reports" / "r2.txt").write_text("二、繁荣文化事业\n举办文艺演出。\n", encoding="utf-8")
    assert cli("predict", "reports", "--format", "train", "--out", "mine.jsonl").returncode == 0
    assert sorted({json.loads(line)["doc"] for line in open("mine.jsonl", encoding="utf-8")}) == ["r1", "r2"]
    result = cli("evaluate", "mine.jsonl", "--docs", "reports")
    assert result.returncode == 0, result.stderr
    # The same name in two folders: predict writes the paths, which --docs finds as they are.
    for folder in ("a", "b"):
        os.makedirs(f"twice/{folder}")
        (tmp_path / "twice" / folder / "r.txt").write_text("一、加强理论学习\n组织中心组学习。\n", encoding="utf-8")
    assert cli("predict", "twice", "--format", "train", "--out", "twice.jsonl").returncode == 0
    assert cli("evaluate", "twice.jsonl", "--docs", "twice").returncode == 0
    from classifier.errors import InputError
    from classifier.evaluate import doc_path

    with pytest.raises(InputError, match="several files for doc 'r'"):
        doc_path("twice", "r")


def test_evaluate_segments_a_traditional_report_as_predict_scores_it(tmp_path):
    """In simplified characters, at the same offsets: the model knows simplified ones."""
    from classifier.evaluate import segment_docs

    text = "一、加強理論學習\n組織中心組學習，開展專題講座。\n"
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    found = segment_docs(str(tmp_path), ["t"])["t"]
    assert [p.text for p in found] == ["一、加强理论学习", "组织中心组学习，开展专题讲座。"]
    assert [len(text[p.start:p.end]) for p in found] == [len(p.text) for p in found]


def test_a_web_page_on_standard_input_is_read_as_a_page(monkeypatch):
    import io
    import sys

    from classifier.read import read_document

    page = "<!DOCTYPE html><html><head><script>var x = 1;</script></head><body><p>组织中心组学习。</p></body></html>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page.encode("utf-8"))))
    document = read_document("-")
    assert "组织中心组学习。" in document.text and "var x" not in document.text and "<p>" not in document.text


def test_an_output_named_for_a_format_predict_does_not_write_is_refused():
    from classifier.errors import InputError
    from classifier.output import output_format

    for name in ("out.xlsx", "out.json", "out.docx", "out.tsv", "out.tar.gz"):
        with pytest.raises(InputError, match="does not write"):
            output_format(None, name)
    assert output_format(None, "out.txt") == output_format(None, "out.log") == output_format(None, "out") == "table"
    # .ndjson is JSON Lines, which train reads back.
    assert output_format(None, "out.ndjson") == "jsonl" and output_format("train", "out.ndjson") == "train"
