"""Outputs on shared reports: CSV for spreadsheets, --explain, the table's summary, progress on stderr."""
import csv
import io
import json
import os
import re
import subprocess
import sys

from conftest import DOCS, ROOT, doc_text, run_cli

NAMES = ["web_010", "web_012", "seed_000"]
PATHS = [os.path.join(DOCS, f"{n}.txt") for n in NAMES]


def _jsonl(*args):
    result = run_cli("predict", "--format", "jsonl", *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


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
    labels = [h[len("score_"):] for h in header[8:]]
    for row, want in zip(body, expected):
        record = dict(zip(header, row))
        assert record["file"] == want["file"] and int(record["index"]) == want["index"]
        assert (int(record["start"]), int(record["end"])) == (want["start"], want["end"])
        assert record["text"] == want["text"]  # Chinese, quotes and commas intact
        assert record["label"] == want["label"] and record["heading"] == (want["heading"] or "")
        assert float(record["confidence"]) == round(want["confidence"], 4)
        assert {label: float(record[f"score_{label}"]) for label in labels} == \
            {label: round(v, 4) for label, v in want["scores"].items()}
    texts = {n: doc_text(n) for n in NAMES}
    for record in (dict(zip(header, row)) for row in body):
        text = texts[os.path.basename(record["file"])[:-4]]
        assert text[int(record["start"]):int(record["end"])] == record["text"]


def test_csv_on_stdout_has_one_header_too():
    result = run_cli("predict", "--format", "csv", *PATHS[:2])
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [row[0] for row in rows].count("file") == 1
    assert len(rows) - 1 == len(_jsonl(*PATHS[:2]))


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
        from classifier.vectorize import lead, load_cues

        forms = _as_features_see(text)
        if kind == "l":
            return any(_words_in(term, lead(form)) for form in forms)
        where = {"cues": forms, "lead-cues": [lead(form) for form in forms],
                 "heading-cues": _as_features_see(heading or "")}[kind]
        return any(cue.lower() in form for form in where for cue in load_cues()[term])
    raise AssertionError(f"unknown feature kind: {feature}")


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


def test_table_shows_explanations_and_each_reports_summary():
    result = run_cli("predict", "--explain", "2", *PATHS)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("share of the report by area:") == len(PATHS)
    assert all(f"== {path}:" in out for path in PATHS)
    assert "↳ " in out and "理论学习" in out


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


def test_progress_bar_for_batches_when_stderr_is_a_terminal():
    code, stdout, screen = _run_with_terminal_stderr("predict", "--format", "jsonl", *PATHS)
    assert code == 0, screen
    assert f"{len(PATHS)}/{len(PATHS)} reports" in screen and "[###" in screen
    assert "reports" not in stdout and len(stdout.splitlines()) == len(_jsonl(*PATHS))
    code, stdout, screen = _run_with_terminal_stderr("predict", "--format", "jsonl", PATHS[0])
    assert code == 0 and screen == ""  # one report: no bar
