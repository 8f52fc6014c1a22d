"""A batch streams: reports come out as they are labelled, documents are read only as far as needed,
and predict writes each report as it comes (same bytes as labelling the batch whole)."""
import io
import json
import os

import pytest

from conftest import FIXTURE_DOCS

# Short invented reports, each a chunk of its own when _CHUNK_CHARS is small.
TEXTS = ["一、理论学习\n组织党委中心组专题学习十二次，开展理论宣讲进基层活动。",
         "二、文明创建\n开展志愿服务活动，创建文明城市，评选道德模范。",
         "三、新闻宣传\n在市级媒体刊发稿件一百余篇，加强网络舆论引导。",
         "四、文化建设\n举办文艺演出二十场，建设农家书屋。",
         "五、意识形态\n落实意识形态工作责任制，开展专项检查。"]


class Recorded:
    """An iterable of documents that records how many were taken."""

    def __init__(self, documents):
        self.documents, self.taken = documents, 0

    def __iter__(self):
        for document in self.documents:
            self.taken += 1
            yield document


def _documents():
    from classifier.read import Document

    return [Document(f"r{number}.txt", text) for number, text in enumerate(TEXTS)]


def _rows(reports):
    return [[p.to_dict(r.name) for p in r.paragraphs] for r in reports]


def test_the_first_report_comes_before_later_documents_are_read(default_model, monkeypatch):
    from classifier import report as report_module
    from classifier.report import iter_labelled_reports, label_reports

    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 1)
    documents = Recorded(_documents())
    reports = iter_labelled_reports(default_model, documents)
    first = next(reports)
    assert first.name == "r0.txt" and documents.taken == 1
    rest = list(reports)
    assert documents.taken == len(TEXTS)
    assert _rows([first] + rest) == _rows(label_reports(default_model, _documents()))


def test_a_batch_of_small_reports_is_read_a_chunk_ahead_at_most(default_model):
    """Without a small _CHUNK_CHARS the first reports share a chunk: still not the whole batch."""
    from classifier.read import Document
    from classifier.report import _CHUNK_CHARS, iter_labelled_reports

    many = [Document(f"r{n}.txt", TEXTS[n % len(TEXTS)]) for n in range(2 * _CHUNK_CHARS // min(map(len, TEXTS)))]
    documents = Recorded(many)
    next(iter_labelled_reports(default_model, documents))
    assert 0 < documents.taken < len(many)


def test_a_wrong_item_is_refused_when_it_is_reached(default_model, monkeypatch):
    from classifier import report as report_module
    from classifier.report import iter_labelled_reports

    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 1)
    reports = iter_labelled_reports(default_model, _documents()[:1] + ["加强理论学习"])
    assert next(reports).name == "r0.txt"
    with pytest.raises(TypeError, match="label_reports takes classifier.read.Document objects"):
        next(reports)


@pytest.mark.slow
def test_jobs_2_streams_in_order(default_model, monkeypatch):
    from classifier import report as report_module
    from classifier.report import iter_labelled_reports, label_reports

    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 1)
    documents = Recorded(_documents() * 3)
    reports = iter_labelled_reports(default_model, documents, jobs=2)
    first = next(reports)
    assert documents.taken < len(documents.documents)  # a few chunks ahead, not the batch
    streamed = [first] + list(reports)
    assert [r.name for r in streamed] == [d.name for d in documents.documents]
    assert _rows(streamed) == _rows(label_reports(default_model, _documents() * 3))


def test_least_sure_kept_a_report_at_a_time_is_the_full_sort():
    from types import SimpleNamespace

    from classifier.review import LeastSure, least_sure, margin

    scores = [(0.5, 0.4), (0.6, 0.3), (0.5, 0.4), (0.9, 0.1), (0.45, 0.44), (0.7, 0.2), (0.5, 0.4)]
    reports = [SimpleNamespace(name=f"r{n}", paragraphs=[SimpleNamespace(index=k, scores={"a": a, "b": b})
                                                         for k, (a, b) in enumerate(scores[n:n + 3])])
               for n in range(0, len(scores), 3)]
    pairs = [(r, p) for r in reports for p in r.paragraphs]
    for count in range(len(pairs) + 2):
        expected = sorted(range(len(pairs)), key=lambda k: (margin(pairs[k][1]), k))[:count]
        assert least_sure(reports, count) == [pairs[k] for k in expected]
        kept = LeastSure(count, names_only=True)
        for report in reports:
            kept.add(report)
        assert [(r.name, p) for r, p in kept.pairs()] == [(pairs[k][0].name, pairs[k][1]) for k in expected]


def test_parquet_in_row_groups_holds_the_same_rows(default_model, monkeypatch):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    from classifier import output
    from classifier.report import label_reports

    reports = label_reports(default_model, _documents())
    labels = reports[0].labels
    whole = io.BytesIO()
    output.write_parquet(reports, whole, labels)
    # Fewer rows than a row group: the very bytes pyarrow.parquet.write_table writes of them.
    rows = [p.to_dict(r.name) for r in reports for p in r.paragraphs]
    reference = io.BytesIO()
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(rows, schema=output.parquet_schema(labels)), reference)
    assert whole.getvalue() == reference.getvalue()
    monkeypatch.setattr(output, "_ROW_GROUP_ROWS", 3)
    grouped = io.BytesIO()
    output.write_parquet(iter(reports), grouped, labels)
    grouped.seek(0)
    assert pyarrow.parquet.ParquetFile(grouped).num_row_groups == -(-len(rows) // 3)
    grouped.seek(0)
    assert pyarrow.parquet.read_table(grouped).to_pylist() == rows


def test_parquet_of_no_reports_is_write_tables_empty_file():
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet

    from classifier import output

    labels = ("a", "b")
    mine, reference = io.BytesIO(), io.BytesIO()
    output.write_parquet(iter(()), mine, labels)
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist([], schema=output.parquet_schema(labels)), reference)
    assert mine.getvalue() == reference.getvalue()


@pytest.mark.parametrize("form", ["jsonl", "csv", "table", "train"])
def test_predict_streams_a_folder_as_it_wrote_it_whole(cli, tmp_path, form, default_model):
    """Each report written as it comes: the bytes of writing the labelled batch at once."""
    from classifier import output
    from classifier.read import iter_documents
    from classifier.report import label_reports

    result = cli("predict", "--format", form, "--review", "3", FIXTURE_DOCS)
    assert result.returncode == 0
    reports = label_reports(default_model, list(iter_documents([FIXTURE_DOCS])))
    expected = io.StringIO()
    docs = output.train_docs(reports)
    for number, report in enumerate(reports):
        if form == "jsonl":
            output.write_jsonl(report, expected)
        elif form == "csv":
            output.write_csv(report, expected, header=number == 0)
        elif form == "table":
            output.write_table(report, expected)
        else:
            output.write_train(report, expected, docs[number])
    assert result.stdout == expected.getvalue()
    assert result.stderr.startswith("to review: the 3 paragraphs")


def test_train_docs_of_files_sharing_a_name_are_told_apart(cli, tmp_path):
    """a.txt and a.html: their docs keep the extension, as when the batch was held whole."""
    text = "\n".join(TEXTS)
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.html").write_text(f"<html><body><p>{TEXTS[0]}</p></body></html>", encoding="utf-8")
    result = cli("predict", "--format", "train", str(tmp_path))
    assert result.returncode == 0
    docs = {json.loads(line)["doc"] for line in result.stdout.splitlines()}
    assert docs == {"a.html", "a.txt", "b.txt"}
    (tmp_path / "a.html").unlink()
    result = cli("predict", "--format", "train", str(tmp_path))
    assert {json.loads(line)["doc"] for line in result.stdout.splitlines()} == {"a", "b"}


def test_an_error_mid_batch_leaves_no_out(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("\n".join(TEXTS), encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    result = cli("predict", "--out", str(out), str(good), str(good), str(tmp_path / "missing.txt"))
    assert result.returncode == 2 and "missing.txt" in result.stderr
    assert not out.exists() and os.listdir(tmp_path) == ["good.txt"]
