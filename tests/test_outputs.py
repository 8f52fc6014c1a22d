"""Outputs on shared reports: CSV for spreadsheets, --explain, the table's summary, progress on stderr."""
import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT, doc_text, run_cli
from in_process import run_main

NAMES = ["web_010", "web_012", "seed_000"]
PATHS = [os.path.join(DOCS, f"{n}.txt") for n in NAMES]


def _jsonl(*args):
    result = run_cli("predict", "--format", "jsonl", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.slow
def test_csv_opens_with_chinese_intact_a_row_a_paragraph(tmp_path):
    out = tmp_path / "labels.csv"
    result = run_cli("predict", "--format", "csv", "--out", str(out), *PATHS)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel the file is UTF-8
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[:8] == ["file", "index", "start", "end", "label", "confidence", "heading", "text"]
    assert sum(1 for row in rows if row[:2] == ["file", "index"]) == 1  # one header for many files
    expected = _jsonl(*PATHS)
    assert len(body) == len(expected)
    labels = [h[len("score_"):] for h in header if h.startswith("score_")]
    assert header == header[:8] + [f"score_{label}" for label in labels] + ["label2"]
    for row, want in zip(body, expected):
        record = dict(zip(header, row))
        assert record["file"] == want["file"] and int(record["index"]) == want["index"]
        assert (int(record["start"]), int(record["end"])) == (want["start"], want["end"])
        assert record["text"] == want["text"]  # Chinese, quotes and commas intact
        assert record["label"] == want["label"] and record["heading"] == (want["heading"] or "")
        assert float(record["confidence"]) == round(want["confidence"], 4)
        assert {label: float(record[f"score_{label}"]) for label in labels} == \
            {label: round(v, 4) for label, v in want["scores"].items()}
        assert record["label2"] == (want["label2"] or "")
    texts = {n: doc_text(n) for n in NAMES}
    for record in (dict(zip(header, row)) for row in body):
        text = texts[os.path.basename(record["file"])[:-4]]
        assert text[int(record["start"]):int(record["end"])] == record["text"]


@pytest.mark.slow
def test_csv_on_stdout_has_one_header_too():
    result = run_cli("predict", "--format", "csv", *PATHS[:2])
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [row[0] for row in rows].count("file") == 1
    assert len(rows) - 1 == len(_jsonl(*PATHS[:2]))


@pytest.mark.slow
def test_csv_has_an_explanation_column_only_with_explain(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("一、理论学习\n组织党委中心组专题学习十二次，开展理论宣讲进基层活动。\n"
                      "二、文明创建\n深入开展志愿服务活动，推进移风易俗。\n"
                      "一是抓学习；二是抓宣讲；三是抓阵地。\n", encoding="utf-8")  # NFKC makes ； a ; in terms
    explained = run_cli("predict", "--format", "csv", "--explain", "3", str(report))
    assert explained.returncode == 0, explained.stderr
    header, *body = list(csv.reader(io.StringIO(explained.stdout)))
    assert header.count("explanation") == 1
    expected = _jsonl("--explain", "3", str(report))
    assert len(body) == len(expected)
    for row, want in zip(body, expected):
        record = dict(zip(header, row))
        assert json.loads(record["explanation"]) == want["explanation"]  # the JSON lines' own, exactly
    assert any(json.loads(row[header.index("explanation")]) for row in body)
    plain = run_cli("predict", "--format", "csv", str(report))
    assert plain.returncode == 0, plain.stderr
    assert "explanation" not in next(csv.reader(io.StringIO(plain.stdout)))


def _as_features_see(text):
    """The paragraph as the model's features see it: lower case, white space runs as one space,
    and the vectorizer's own normalisation (``unwrap``: numbers as 0, placeholders as 某) if any."""
    try:
        from classifier.vectorize import unwrap
    except ImportError:  # a vectorizer that reads the text as it is
        unwrap = str
    return [re.sub(r"\s\s+", " ", form.lower()) for form in (text, unwrap(text))]


def _words_in(term, text):
    """A word feature (jieba words, space-joined for a pair; numbers fold to 0) found in ``text``."""
    return any(all(word in form or (word == "0" and re.search(r"\d", text)) for word in term.split(" "))
               for form in _as_features_see(text))


def _occurs(feature, paragraph, title_area=None):
    """Whether the evidence a feature names is there: in the paragraph, its start or its heading,
    or (``title:``) the area its report's title names, ``title_area``."""
    kind, _, term = feature.partition(":")
    text, heading = paragraph["text"], paragraph["heading"]
    if kind == "title":
        return term == title_area == paragraph["label"]
    if kind == "w":
        return _words_in(term, text)
    if kind == "c":
        return any(term in form for form in _as_features_see(text))
    if kind == "h":
        return heading is not None and _words_in(term, heading)
    if kind in ("l", "cues", "lead-cues", "heading-cues"):
        from classifier.resources import cues as load_cues
        from classifier.vectorize import lead

        forms = _as_features_see(text)
        if kind == "l":
            return any(_words_in(term, lead(form)) for form in forms)
        where = {"cues": forms, "lead-cues": [lead(form) for form in forms],
                 "heading-cues": _as_features_see(heading or "")}[kind]
        return any(cue.lower() in form for form in where for cue in load_cues()[term])
    raise AssertionError(f"unknown feature kind: {feature}")


@pytest.mark.slow
def test_explanation_terms_occur_in_the_paragraph_and_push_towards_its_label():
    from classifier.theme import report_title_areas

    rows = _jsonl("--explain", "4", *PATHS)
    title_areas = []
    for path in PATHS:
        title_areas += report_title_areas([row["text"] for row in rows if row["file"] == path])[0]
    explained = 0
    for row, title_area in zip(rows, title_areas):
        explanation = row["explanation"]
        assert len(explanation) <= 4
        weights = [weight for _, weight in explanation]
        assert all(weight > 0 for weight in weights)
        assert weights == sorted(weights, reverse=True)
        for feature, _ in explanation:
            assert _occurs(feature, row, title_area), (feature, row["text"], row["heading"])
        explained += bool(explanation)
    assert explained > len(rows) * 0.9
    # Paragraphs under a heading are explained by it too (heading words or heading cue words).
    assert any(f.split(":")[0] in ("h", "heading-cues") for row in rows for f, _ in row["explanation"])
    assert "explanation" not in _jsonl(PATHS[0])[0]  # only when asked for


@pytest.mark.slow
def test_table_shows_explanations_and_each_reports_summary():
    result = run_cli("predict", "--explain", "2", *PATHS)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("share of the report by area:") == len(PATHS)
    assert all(f"== {path}:" in out for path in PATHS)
    assert "↳ " in out and "理论学习" in out


@pytest.mark.slow
def test_nothing_but_results_when_stderr_is_not_a_terminal(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in NAMES:
        (folder / f"{name}.txt").write_text(doc_text(name), encoding="utf-8")
    result = run_cli("predict", "--format", "jsonl", str(folder))
    assert result.returncode == 0
    assert result.stderr == ""
    assert len({json.loads(line)["file"] for line in result.stdout.splitlines()}) == len(NAMES)


def _run_with_terminal_stderr(*args):
    """Run the CLI with stderr on a pseudo-terminal; return (stdout, what the terminal got)."""
    import pty

    main, child = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "classifier", *args], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=child, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "PYTHONPATH": ROOT})
    finally:
        os.close(child)
    screen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    stdout = process.stdout.read()
    process.wait(timeout=300)
    os.close(main)
    return process.returncode, stdout.decode("utf-8"), screen.decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_bar_for_batches_when_stderr_is_a_terminal():
    code, stdout, screen = _run_with_terminal_stderr("predict", "--format", "jsonl", *PATHS)
    assert code == 0, screen
    assert f"{len(PATHS)}/{len(PATHS)} reports" in screen and "[###" in screen
    assert "reports" not in stdout and len(stdout.splitlines()) == len(_jsonl(*PATHS))
    code, stdout, screen = _run_with_terminal_stderr("predict", "--format", "jsonl", PATHS[0])
    assert code == 0 and screen == ""  # one report: no bar


ONE_PARAGRAPH = "组织党委中心组专题学习，开展理论宣讲进基层活动。\n"


@pytest.mark.slow
def test_out_extension_sets_the_format(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(ONE_PARAGRAPH, encoding="utf-8")
    expected = _jsonl(str(report))
    for name in ("labels.csv", "labels.jsonl", "labels.html", "labels.HTM", "labels.txt", "labels"):
        out = tmp_path / name
        result = run_cli("predict", str(report), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
        assert result.stderr == f"wrote 1 report to {out}\n"
        data = out.read_bytes()
        suffix = os.path.splitext(name)[1].lower()
        if suffix == ".csv":
            assert data.startswith(b"\xef\xbb\xbffile,index,")
        elif suffix == ".jsonl":
            assert [json.loads(line) for line in data.decode("utf-8").splitlines()] == expected
        elif suffix in (".html", ".htm"):
            assert data.lstrip().lower().startswith(b"<!doctype html")
        else:
            assert data.decode("utf-8").startswith(f"== {report}: 1 paragraph,")
    # --format wins over an extension that does not name a format, and agrees with one that does.
    plain = tmp_path / "labels.out"
    assert run_cli("predict", str(report), "--format", "jsonl", "--out", str(plain)).returncode == 0
    assert [json.loads(line) for line in plain.read_text(encoding="utf-8").splitlines()] == expected
    assert run_cli("predict", str(report), "--format", "csv", "--out", str(tmp_path / "a.csv")).returncode == 0


def test_format_contradicting_the_out_extension_is_refused(tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(ONE_PARAGRAPH, encoding="utf-8")
    for format_name, name in (("table", "labels.csv"), ("jsonl", "labels.csv"), ("csv", "labels.jsonl"),
                              ("csv", "page.html")):
        out = tmp_path / name
        code, _, stderr = run_main(capsys, "predict", str(report), "--format", format_name, "--out", str(out))
        assert code == 2 and "Traceback" not in stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and str(out) in lines[0] and format_name in lines[0], stderr
        assert not out.exists()


@pytest.mark.slow
def test_one_paragraph_is_one_paragraph_in_the_table(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(ONE_PARAGRAPH, encoding="utf-8")
    result = run_cli("predict", str(report))
    assert result.returncode == 0, result.stderr
    assert f"== {report}: 1 paragraph, {len(ONE_PARAGRAPH) - 1} characters ==" in result.stdout
    area_rows = [line for line in result.stdout.splitlines() if "%" in line]
    assert any(" 1 paragraph " in line for line in area_rows), result.stdout
    assert any(" 0 paragraphs " in line for line in area_rows), result.stdout
    assert not any("1 paragraphs" in line for line in result.stdout.splitlines())


@pytest.mark.slow
def test_numbers_are_rounded_alike_in_jsonl_and_csv():
    rows = _jsonl("--explain", "4", PATHS[0])
    four_places = lambda value: value == round(value, 4)
    assert all(four_places(row["confidence"]) for row in rows)
    assert all(row["confidence"] == row["scores"][row["label"]] for row in rows)
    assert all(four_places(weight) for row in rows for _, weight in row["explanation"])
    assert any(row["explanation"] for row in rows)


@pytest.mark.slow
def test_docs_and_help_name_every_kind_of_explanation_term():
    kinds = {term.partition(":")[0] for row in _jsonl("--explain", "10", *PATHS) for term, _ in row["explanation"]}
    from classifier.html_report import _KINDS  # every kind a model can give, with what it means

    assert kinds <= set(_KINDS)
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    help_text = " ".join(run_cli("predict", "--help").stdout.split())
    for kind in _KINDS:
        assert f"`{kind}:" in readme, kind
    for kind in kinds:
        assert f"{kind}:" in help_text, kind


def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe(tmp_path, capsys):
    report = tmp_path / "r.txt"
    lines = ["=HYPERLINK(\"http://x\",\"组织学习\")", "+1+1 开展理论宣讲。", "-2 深化文明创建。", "@SUM(1) 举办文化活动。",
             "一、加强新闻宣传", "组织党委中心组专题学习。"]
    report.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "labels.csv"
    code, _, err = run_main(capsys, "predict", str(report), "--out", str(out), "--explain", "2")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [row["text"] for row in rows][:4] == ["'" + line for line in lines[:4]]
    assert rows[-1]["text"] == lines[-1]  # text that opens with anything else is left alone
    assert {row["file"] for row in rows} == {str(report)}
    for row in rows:
        for column in ("text", "heading", "file", "label", "explanation"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row
        assert float(row["confidence"]) >= 0  # numbers stay numbers
    from classifier.output import spreadsheet_text

    assert spreadsheet_text("\t=1") == "'\t=1" and spreadsheet_text("学习") == "学习"
    assert spreadsheet_text("-") == "'-"
