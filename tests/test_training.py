"""Training and evaluation round trips (the train and evaluate commands run in-process through
``main``; the library's ``train_from_files``), reproducibility, atomic model files, bad data."""
import csv
import json
import os
import re

import pytest

from classifier import ParagraphClassifier, load_model
from classifier.data import read_labelled
from classifier.evaluate import label_by_overlap, scores

from conftest import DEFAULT_MODEL, LABELS, ROOT, doc_text, run_cli

# Short paragraphs written for the tests: two made-up areas of a user's own label set.
OWN = [
    ("组织读书会，交流读书心得。", "reading", "a"), ("开展读书分享，推荐好书十本。", "reading", "a"),
    ("读书月活动吸引读者参与。", "reading", "b"), ("举办读书沙龙，品读经典。", "reading", "b"),
    ("开展消防演练，排查隐患。", "safety", "c"), ("检查消防设施，整改隐患五处。", "safety", "c"),
    ("组织安全培训，演练疏散。", "safety", "d"), ("排查安全隐患，落实消防责任。", "safety", "d"),
]


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as handle:
        for text, label, doc in rows:
            handle.write(json.dumps({"text": text, "label": label, "doc": doc}, ensure_ascii=False) + "\n")


def test_scores_known_values():
    result = scores(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert result["per_label"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert result["per_label"]["b"]["precision"] == pytest.approx(2 / 3)
    assert result["accuracy"] == 0.75
    assert result["confusion"] == [[1, 1], [0, 2]]


def test_label_by_overlap_takes_the_label_covering_most_characters():
    predicted = [(0, 10, "x"), (10, 14, "y"), (14, 30, "y")]
    assert label_by_overlap([(0, 12), (8, 30), (40, 50)], predicted) == ["x", "y", None]


def test_train_on_own_labels_then_predict_and_evaluate(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    model_path = tmp_path / "own.joblib"
    result = cli("train", str(data), "--out", str(model_path), "--folds", "2")
    assert result.returncode == 0, result.stderr
    assert "macro-F1" in result.stdout
    model = load_model(str(model_path))
    assert list(model.classes_) == ["reading", "safety"]
    assert list(model.predict(["举办读书交流会。", "开展消防安全检查。"])) == ["reading", "safety"]
    evaluated = cli("evaluate", str(data), "--model", str(model_path), "--format", "json")
    assert evaluated.returncode == 0, evaluated.stderr
    report = json.loads(evaluated.stdout)
    assert report["labels"] == ["reading", "safety"]
    assert report["accuracy"] == 1.0
    assert sum(map(sum, report["confusion"])) == len(OWN)


def test_csv_training_data(tmp_path, cli):
    data = tmp_path / "own.csv"
    with open(data, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "doc"])
        writer.writerows(OWN)
    loaded = read_labelled(str(data))
    assert loaded.texts[0] == OWN[0][0] and loaded.labels[-1] == "safety" and loaded.docs[0] == "a"
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"), "--repeats", "0")
    assert result.returncode == 0, result.stderr


def test_model_file_is_never_overwritten_without_force(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    model_path = tmp_path / "m.joblib"
    model_path.write_bytes(b"precious")
    result = cli("train", str(data), "--out", str(model_path), "--repeats", "0")
    assert result.returncode != 0 and "--force" in result.stderr
    assert model_path.read_bytes() == b"precious"
    result = cli("train", str(data), "--out", str(model_path), "--repeats", "0", "--force")
    assert result.returncode == 0
    assert load_model(str(model_path)).classes_.tolist() == ["reading", "safety"]
    assert [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")] == []


@pytest.mark.parametrize("content, fragment", [
    ('{"text": "甲", "label": "theory"}\n{"text": "乙", "label": \n', "line 2"),
    ('{"text": "甲", "label": "theory"}\n{"label": "theory"}\n', "line 2: missing or empty 'text'"),
    ('{"text": "甲"}\n', "line 1: missing or empty 'label'"),
    ('[1, 2]\n', "line 1"),
])
def test_malformed_jsonl_names_the_line(tmp_path, content, fragment, cli):
    data = tmp_path / "bad.jsonl"
    data.write_text(content, encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert str(data) in result.stderr and fragment in result.stderr
    assert not (tmp_path / "m.joblib").exists()


def test_malformed_csv_names_the_line(tmp_path, cli):
    data = tmp_path / "bad.csv"
    data.write_text("text,label\n甲,theory\n乙,theory,extra\n", encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"))
    assert result.returncode != 0 and "line 3" in result.stderr and "Traceback" not in result.stderr
    data.write_text("words,label\n甲,theory\n", encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"))
    assert result.returncode != 0 and "header" in result.stderr


def test_unknown_label_is_refused(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"), "--labels", "reading,other")
    assert result.returncode != 0 and "unknown label 'safety'" in result.stderr and "line 5" in result.stderr
    # Evaluating the default model on labels it does not know is refused too.
    result = cli("evaluate", str(data), "--model", DEFAULT_MODEL)
    assert result.returncode != 0 and "unknown label 'reading'" in result.stderr


def test_a_label2_that_is_none_of_the_labels_is_refused(tmp_path, cli):
    """A typo in label2, which a person corrects with the label, would otherwise pass unseen."""
    data = tmp_path / "own.jsonl"
    rows = [{"text": t, "label": l, "doc": d, "label2": None} for t, l, d in OWN]
    rows[3]["label2"] = "safty"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    _one_line_error(cli("train", str(data), "--out", str(tmp_path / "m.model")),
                    "line 4: label2 'safty' is none of the labels (did you mean 'safety'?")
    # Any label of the data or of the guide is a label2: predict's data of one report names areas
    # that no paragraph of it has as its label.
    rows[3]["label2"], rows[4]["label2"] = "safety", "culture"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert read_labelled(str(data)).labels[3] == "reading"


def test_training_data_that_is_not_there(tmp_path, cli):
    result = cli("train", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "m.joblib"))
    assert result.returncode != 0 and "no such file" in result.stderr
    result = cli("train", str(tmp_path), "--out", str(tmp_path / "m.joblib"))
    assert result.returncode != 0 and "directory" in result.stderr


@pytest.mark.slow
def test_the_documented_command_reproduces_the_shipped_model(tmp_path, default_model):
    """Same data, same seed: the same predictions as the shipped model, to the last digit."""
    out = tmp_path / "again.joblib"
    result = run_cli("train", LABELS, "--corrections", os.path.join("models", "corrections.jsonl"),
                     "--out", str(out), "--repeats", "0")
    assert result.returncode == 0, result.stderr
    again = load_model(str(out))
    assert again.get_params() == default_model.get_params()
    texts = [doc_text(doc) for doc in ("seed_001", "web_010", "web_030")]
    from classifier import label_reports
    from classifier.read import Document

    documents = [Document("a", t) for t in texts]
    first = label_reports(default_model, documents)
    second = label_reports(again, documents)
    for one, two in zip(first, second):
        assert [(p.label, p.scores) for p in one.paragraphs] == [(p.label, p.scores) for p in two.paragraphs]


def test_estimator_conventions(default_model):
    from sklearn.base import clone

    params = default_model.get_params()
    assert clone(default_model).get_params() == params
    probabilities = default_model.predict_proba(["组织中心组专题学习。", "开展送戏下乡文艺演出。"])
    assert probabilities.shape == (2, len(default_model.classes_))
    assert list(default_model.predict(["组织中心组专题学习。", "开展送戏下乡文艺演出。"])) == ["theory", "culture"]
    with pytest.raises(TypeError):
        default_model.predict("一段文字")


def test_a_model_saved_before_a_parameter_existed_still_loads(tmp_path):
    """Pickles of an earlier version lack newer parameters: loading fills in their defaults."""
    import joblib

    from classifier.persist import PICKLE_FORMAT as MODEL_FORMAT

    # An earlier version had no cue block: fit without one, then drop the parameters it lacked.
    model = ParagraphClassifier(C=5.0, cue_weight=0.0).fit([t for t, _, _ in OWN], [l for _, l, _ in OWN])
    del model.neighbour_weight
    del model.vectorizer_.cue_weight
    path = tmp_path / "old.joblib"
    joblib.dump({"format": MODEL_FORMAT, "model": model, "metadata": {}}, path)
    loaded = load_model(str(path), trust_pickle=True)
    assert loaded.neighbour_weight == ParagraphClassifier().neighbour_weight
    assert loaded.vectorizer_.cue_weight == 0.0
    assert list(loaded.predict(["举办读书交流会。"])) == ["reading"]


def _one_line_error(result, *fragments):
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_bad_corrections_docs_and_cv_data_are_one_line_errors(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    out = str(tmp_path / "m.joblib")
    missing = str(tmp_path / "none.jsonl")
    _one_line_error(cli("train", str(data), "--out", out, "--corrections", missing), missing, "no such file")
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text('{"doc": "a", "i": 0, "label": "bogus", "reason": "test"}\n', encoding="utf-8")
    _one_line_error(cli("train", str(data), "--out", out, "--corrections", str(corrections),
                            "--labels", "reading,safety"), "line 1", "unknown label 'bogus'")
    _one_line_error(cli("evaluate", "--cv", str(data), "--docs", str(tmp_path / "nodocs")), "--docs")
    one_report = tmp_path / "one.jsonl"
    write_jsonl(one_report, [(t, l, "same") for t, l, _ in OWN])
    _one_line_error(cli("evaluate", "--cv", str(one_report)), "at least two reports")
    _one_line_error(cli("train", str(data), "--out", out, "--card", out), "another name")
    # Two reports, one of them all of one label: a fold would learn that label alone.
    lopsided = tmp_path / "lopsided.jsonl"
    write_jsonl(lopsided, [(t, l, "x" if l == "reading" else "y") for t, l, _ in OWN[:6]])
    result = cli("train", str(lopsided), "--out", out)  # its notes come first, then the error
    assert result.returncode == 2 and "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"classifier: error: {lopsided}: cannot be cross-validated") and "--repeats 0" in error
    assert not os.path.exists(out)
    assert cli("train", str(lopsided), "--out", out, "--repeats", "0").returncode == 0 and os.path.exists(out)


def test_unwritable_output_and_a_model_payload_that_is_not_a_model(tmp_path, cli):
    import joblib

    from classifier.persist import PICKLE_FORMAT as MODEL_FORMAT

    example = os.path.join(os.path.dirname(DEFAULT_MODEL), "..", "examples", "town_report.txt")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    _one_line_error(cli("predict", example, "--format", "jsonl", "--out", str(blocker / "x.jsonl")),
                    "is a file, not a folder")
    fake = tmp_path / "fake.joblib"
    joblib.dump({"format": MODEL_FORMAT, "model": "x"}, fake)
    _one_line_error(cli("predict", example, "--model", str(fake)), str(fake), "old pickle model", "--trust-pickle")
    _one_line_error(cli("predict", example, "--model", str(fake), "--trust-pickle"), str(fake),
                    "not a classifier model")


def test_corrections_relabel_their_paragraphs_and_the_shipped_ones_all_apply(tmp_path, corpus_rows):
    import json

    from classifier.training import load_training_data

    shipped = os.path.join(ROOT, "models", "corrections.jsonl")
    with open(shipped, encoding="utf-8") as handle:
        corrections = [json.loads(line) for line in handle if line.strip()]
    gold = {(row["doc"], row["i"]): row["label"] for row in corpus_rows}
    for correction in corrections:  # each names a corpus paragraph and changes its label
        assert gold[(correction["doc"], correction["i"])] != correction["label"]
    data, info = load_training_data([LABELS], corrections=shipped)
    assert info["corrections_applied"] == len(corrections)
    labels = dict(zip(data.ids, data.labels))
    assert all(labels[(c["doc"], c["i"])] == c["label"] for c in corrections if (c["doc"], c["i"]) in labels)
    # A correction of a paragraph of one's own data, through the same path.
    own = tmp_path / "own.jsonl"
    own.write_text('{"text": "组织中心组学习。", "label": "theory", "doc": "a", "i": 0}\n'
                   '{"text": "开展志愿服务活动。", "label": "civilization", "doc": "a", "i": 1}\n', encoding="utf-8")
    fix = tmp_path / "fix.jsonl"
    fix.write_text('{"doc": "a", "i": 0, "label": "ideology", "reason": "test"}\n'
                   '{"doc": "a", "i": 1, "label": "culture", "reason": "test"}\n', encoding="utf-8")
    data, info = load_training_data([str(own)], corrections=str(fix))
    assert info["corrections_applied"] == 2 and data.labels == ["ideology", "culture"]


def test_the_readme_quotes_the_model_cards_scores():
    import re

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    with open(os.path.join(ROOT, "models", "MODEL_CARD.md"), encoding="utf-8") as handle:
        card = handle.read()
    paragraph, end_to_end = re.findall(r"\| \*\*macro\*\* \| \| \| \*\*(0\.\d+)\*\* \|", card)
    assert f"end-to-end macro-F1 **{end_to_end}**" in readme.replace("\n", " ")
    assert f"{paragraph} on the labelled paragraphs as they are" in readme.replace("\n", " ")


def test_report_groups_follow_the_doc_whatever_the_line_order():
    import random

    from classifier.data import LabelledData, report_groups

    # Doc "p" holds two pasted reports (a title after four paragraphs); "q" and "r" one each.
    rows = ([("p", i, text) for i, text in enumerate(
        ["某镇2023年宣传思想工作总结", "组织读书会。", "开展消防演练。", "检查消防设施。",
         "某校宣传工作计划", "举办读书沙龙。", "组织安全培训。", "排查安全隐患。"])]
        + [("q", i, f"第{i}段。") for i in range(3)] + [("r", i, f"其{i}段。") for i in range(3)])

    def data_of(rows, with_i):
        return LabelledData(texts=[t for _, _, t in rows], labels=["x"] * len(rows), docs=[d for d, _, _ in rows],
                            headings=[None] * len(rows), ids=[(d, i) if with_i else ("f.jsonl", n)
                                                               for n, (d, i, _) in enumerate(rows)],
                            spans=[None] * len(rows))

    def parts(data):
        groups = report_groups(data)
        return {frozenset(t for t, g in zip(data.texts, groups) if g == group) for group in set(groups)}

    in_order = parts(data_of(rows, with_i=False))
    assert len(in_order) == 4  # p's two reports, q, r
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert parts(data_of(shuffled, with_i=True)) == in_order  # i gives the reading order back
    # Without i, a scattered doc cannot be read in order: it stays one group, never several.
    assert len(parts(data_of(shuffled, with_i=False))) == 3


def test_train_protects_its_inputs_and_explains_data_it_cannot_use(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    before = data.read_bytes()
    _one_line_error(cli("train", str(data), "--out", str(data), "--force"), str(data), "input files")
    assert data.read_bytes() == before
    tiny = tmp_path / "tiny.jsonl"
    write_jsonl(tiny, [("篮球", "sport", None), ("足球", "sport", None), ("医院", "health", None),
                       ("体检", "health", None)])
    result = cli("train", str(tiny), "--out", str(tmp_path / "m.joblib"), "--repeats", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr and "min_df" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("too little text to learn from: no word occurs in 2 "
                                                           "or more of the 4 paragraphs")
    # A label set naming a label no paragraph has: trained, with a warning.
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"), "--labels", "reading,safety,music",
                     "--repeats", "0")
    assert result.returncode == 0 and "no paragraph is labelled music" in result.stderr


def test_corrections_must_use_the_datas_labels_and_name_its_paragraphs(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": l, "doc": d, "i": n}, ensure_ascii=False) + "\n"
                            for n, (t, l, d) in enumerate(OWN)), encoding="utf-8")
    fix = tmp_path / "fix.jsonl"
    fix.write_text('{"doc": "a", "i": 0, "label": "safty", "reason": "typo"}\n', encoding="utf-8")
    _one_line_error(cli("train", str(data), "--out", str(tmp_path / "m.joblib"), "--corrections", str(fix)),
                    str(fix), "line 1", "unknown label 'safty'")
    fix.write_text('{"doc": "a", "i": 1, "label": "safety", "reason": "test"}\n'
                   '{"doc": "a", "i": 99, "label": "safety", "reason": "no such paragraph"}\n', encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m.joblib"), "--corrections", str(fix),
                     "--repeats", "0")
    assert result.returncode == 0, result.stderr
    assert "1 corrections applied" in result.stderr
    assert f"{fix}: 1 correction(s) name no paragraph of the data: a#99" in result.stderr


def test_evaluate_refuses_options_it_would_ignore_and_says_when_it_scores_training_data(tmp_path, cli):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    _one_line_error(cli("evaluate", str(data), "--folds", "3"), "--folds", "only with --cv")
    _one_line_error(cli("evaluate", str(data), "--corrections", str(data)), "--corrections", "only with --cv")
    _one_line_error(cli("evaluate", "--cv", str(data), "--model", DEFAULT_MODEL), "--model", "not used with --cv")
    result = cli("evaluate", "--cv", str(data), "--folds", "9", "--repeats", "1")
    assert result.returncode == 0, result.stderr
    assert "cross-validation: 4 folds grouped by report (4 reports" in result.stdout  # 4 docs: 4 folds
    model = tmp_path / "m.joblib"
    assert cli("train", str(data), "--out", str(model), "--repeats", "0").returncode == 0
    result = cli("evaluate", str(data), "--model", str(model))
    assert result.returncode == 0 and "is the model's own training data" in result.stderr
    other = tmp_path / "other.jsonl"
    write_jsonl(other, OWN[:3] + OWN[4:7])
    result = cli("evaluate", str(other), "--model", str(model))
    assert result.returncode == 0 and "training data" not in result.stderr


def _relabelled_fixture(tmp_path, tiny_corpus, rename, keep_doc=lambda doc: True):
    """The tests' corpus with its labels renamed by ``rename`` and the doc of the rows whose doc
    ``keep_doc`` refuses dropped."""
    rows = []
    with open(tiny_corpus.labels, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            row["label"] = rename(row["label"])
            if not keep_doc(row["doc"]):
                del row["doc"]
            rows.append(row)
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path, rows


def test_train_from_files_gives_model_metadata_scores_and_notes(tiny_corpus, tmp_path):
    from classifier.persist import load_model_with_metadata, save_model
    from classifier.training import TrainingRun, train_from_files, write_card

    heard = []
    run = train_from_files([tiny_corpus.labels], docs=tiny_corpus.docs, folds=4, repeats=1, seed=2,
                           notify=heard.append)
    assert isinstance(run, TrainingRun)
    assert run.notes == heard and run.notes[0].startswith("training on 158 paragraphs")
    assert run.cv["folds"] == 4 and run.cv["groups"] == 8 and run.cv["end_to_end"] is not None
    assert run.cv["paragraph"]["macro_f1"] > 0.8
    assert run.metadata["seed"] == 2 and run.metadata["cross_validation"] == json.loads(json.dumps(run.cv))
    assert run.metadata["command"] == f"python -m classifier train {tiny_corpus.labels}"
    assert sorted(run.model.classes_) == sorted(run.info["label_counts"])
    save_model(run.model, str(tmp_path / "m.joblib"), run.metadata)
    write_card(run.metadata, str(tmp_path / "card.md"))
    _, meta = load_model_with_metadata(str(tmp_path / "m.joblib"))
    assert "### End-to-end scores" in (tmp_path / "card.md").read_text(encoding="utf-8")
    assert meta["data"] == run.info


def test_train_records_the_arguments_given_to_main_not_sys_argv(tiny_corpus, tmp_path, cli, monkeypatch):
    from classifier.persist import load_model_with_metadata

    monkeypatch.setattr("sys.argv", ["pytest", "--something-else"])
    model = tmp_path / "m.joblib"
    result = cli("train", tiny_corpus.labels, "--out", model, "--repeats", "0")
    assert result.returncode == 0, result.stderr
    _, meta = load_model_with_metadata(str(model))
    assert meta["command"] == f"python -m classifier train {tiny_corpus.labels} --out {model} --repeats 0"


def test_train_and_evaluate_cv_print_the_same_words_as_before(tiny_corpus, tmp_path, cli):
    result = cli("train", tiny_corpus.labels, "--docs", tiny_corpus.docs, "--out", tmp_path / "m.joblib",
                 "--folds", "4", "--card", tmp_path / "card.md")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "training on 158 paragraphs (22 repeated paragraphs dropped, 0 corrections applied) from 8 documents",
        f"wrote model to {tmp_path / 'm.joblib'}", f"wrote model card to {tmp_path / 'card.md'}"]
    assert result.stdout.startswith("cross-validation: 4 folds grouped by report (8 reports, 158 paragraphs), "
                                    "1 repeat(s)\n\nparagraph scores\n")
    assert "end-to-end scores (own segmentation of each held-out report)" in result.stdout
    evaluated = cli("evaluate", "--cv", tiny_corpus.labels, "--docs", tiny_corpus.docs, "--folds", "4",
                    "--repeats", "1")
    assert evaluated.returncode == 0 and evaluated.stderr == ""
    assert evaluated.stdout == result.stdout  # the same folds, seed and model: the same scores


def test_evaluate_cv_with_docs_and_paragraphs_without_a_doc_is_a_note_not_a_traceback(tiny_corpus, tmp_path, cli):
    # One report's rows lose their doc, the others keep theirs: a mix of None and names.
    data, _ = _relabelled_fixture(tmp_path, tiny_corpus, lambda label: label, keep_doc=lambda doc: doc != "doc_00")
    result = cli("evaluate", "--cv", data, "--docs", tiny_corpus.docs, "--folds", "3", "--repeats", "1")
    assert result.returncode == 0, result.stderr
    notes = result.stderr.strip().splitlines()
    assert notes[0] == "note: --docs ignored: some paragraphs name no doc, so no end-to-end scores"
    assert "end-to-end" not in result.stdout and "paragraph scores" in result.stdout


def test_end_to_end_cv_of_a_label_set_without_other(tiny_corpus, tmp_path, cli):
    """Text no predicted paragraph covers takes the model's fallback label, not a hard-coded "other"."""
    merge = {"theory": "a", "ideology": "a", "media": "b", "civilization": "b", "culture": "c", "other": "c"}
    data, rows = _relabelled_fixture(tmp_path, tiny_corpus, merge.get)
    # A labelled span on the line break after each report's first paragraph: no paragraph covers it.
    extra = [{"doc": row["doc"], "i": 100, "start": row["end"], "end": row["end"] + 1, "text": "换行",
              "label": "a"} for row in rows if row["i"] == 0]
    with open(data, "a", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in extra))
    result = cli("evaluate", "--cv", data, "--docs", tiny_corpus.docs, "--folds", "4", "--repeats", "1",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    end_to_end = json.loads(result.stdout)["end_to_end"]
    assert end_to_end["labels"] == ["a", "b", "c"]
    # The uncovered spans (true label a) took the training data's most frequent label.
    assert sum(end_to_end["confusion"][0]) == end_to_end["per_label"]["a"]["support"]


def test_default_estimator_is_the_one_default_model():
    from classifier import analysis
    from classifier.training import default_estimator

    assert default_estimator(3).get_params() == ParagraphClassifier(random_state=3).get_params()
    assert default_estimator(C=2.0).C == 2.0
    assert analysis.factory(None) is default_estimator


def test_the_model_card_regenerates_from_the_shipped_models_metadata():
    from classifier.persist import file_sha256, load_model_with_metadata
    from classifier.training import model_card

    _, meta = load_model_with_metadata(DEFAULT_MODEL)
    with open(os.path.join(ROOT, "models", "MODEL_CARD.md"), encoding="utf-8") as handle:
        assert model_card(meta, file_sha256(DEFAULT_MODEL)) == handle.read()


def test_score_tables_for_the_terminal():
    import io

    from classifier.tables import write_scores

    block = scores(["theory", "theory", "other"], ["theory", "other", "other"], ["other", "theory"])
    out = io.StringIO()
    write_scores(block, out, "title")
    lines = out.getvalue().splitlines()
    assert lines[0] == "title"
    assert lines[2].split() == ["other", "其他", "0.500", "1.000", "0.667", "1"]
    assert lines[4].split() == ["macro-F1", "0.667", "3"]
    assert lines[-2].split() == ["theory", "理论学习", "1", "1"]


# Paragraphs in the guide's labels, written for the tests: twenty lines of data to slip a bad label into.
GUIDE = [("组织党委中心组专题学习。", "theory"), ("落实意识形态工作责任制。", "ideology"),
         ("加强新闻宣传和舆论引导。", "media"), ("深化文明城市创建活动。", "civilization"),
         ("举办群众文化活动。", "culture"), ("做好机关日常事务。", "other")] * 4


def test_a_csv_header_naming_a_column_twice_is_refused(tmp_path):
    from classifier.errors import InputError

    data = tmp_path / "data.csv"
    data.write_text("text,label,doc,label\n" + "".join(f"{t},{l},d,other\n" for t, l in GUIDE), encoding="utf-8")
    with pytest.raises(InputError, match=r"data\.csv: line 1: the CSV header names the column 'label' twice"):
        read_labelled(str(data))


@pytest.mark.parametrize("bad, why", [
    ("i deology", "did you mean 'ideology'?"), ("Theory", "did you mean 'theory'?"), ("medai", "did you mean 'media'?")])
def test_a_label_outside_the_guides_set_in_guide_data_is_an_error_naming_its_line(tmp_path, bad, why):
    from classifier.errors import InputError

    rows = [{"text": t, "label": l} for t, l in GUIDE]
    rows[6]["label"] = bad
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_labelled(str(data))
    assert str(raised.value).startswith(f"{data}: line 7: label {bad!r} is not one of the guide's labels")
    assert why in str(raised.value) and "--labels" in str(raised.value)
    # Named in --labels, it is a label like any other.
    allowed = read_labelled(str(data), labels=("theory", "ideology", "media", "civilization", "culture", "other", bad))
    assert allowed.labels[6] == bad


@pytest.mark.parametrize("cell", ["NaN", "nan", "null", "N/A"])
def test_a_label_that_stands_for_a_missing_value_is_refused(tmp_path, cell):
    from classifier.errors import InputError

    data = tmp_path / "data.csv"
    data.write_text("text,label\n" + "".join(f"{t},{l}\n" for t, l in OWN_ROWS) + f"又一段,{cell}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"line {len(OWN_ROWS) + 2}: missing or empty 'label' \\('{re.escape(cell)}' "
                                         "stands for a missing value\\)"):
        read_labelled(str(data))
    json_data = tmp_path / "data.jsonl"
    json_data.write_text('{"text": "一段", "label": NaN}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1: missing or empty 'label' \\('nan' stands for a missing value"):
        read_labelled(str(json_data))


OWN_ROWS = [(t, l) for t, l, _ in OWN]


def test_data_with_its_own_label_set_keeps_it():
    from classifier.data import _check_guide_labels

    # Mostly not the guide's labels: a label set of the data's own, no error.
    _check_guide_labels("own.jsonl", [l for _, l in OWN_ROWS] + ["other"], list(range(1, 10)))


@pytest.mark.parametrize("index", ["1.7", '"1"', "true", "-1", "null"])
def test_a_correction_whose_paragraph_number_is_not_a_whole_number_is_an_error(tmp_path, cli, index):
    data = tmp_path / "own.jsonl"
    write_jsonl(data, OWN)
    fix = tmp_path / "fix.jsonl"
    fix.write_text('{"doc": "a", "i": 0, "label": "safety", "reason": "fine"}\n'
                   f'{{"doc": "a", "i": {index}, "label": "safety", "reason": "test"}}\n', encoding="utf-8")
    _one_line_error(cli("train", str(data), "--out", str(tmp_path / "m.model"), "--corrections", str(fix)),
                    str(fix), "line 2", f'"i" must be a paragraph number (0, 1, 2 ...), not {index}')


def test_a_text_that_is_not_a_string_is_said_so(tmp_path, cli):
    data = tmp_path / "numbers.jsonl"
    data.write_text('{"text": "组织中心组学习。", "label": "theory"}\n{"text": 5, "label": "theory"}\n',
                    encoding="utf-8")
    result = cli("train", str(data), "--out", str(tmp_path / "m.model"))
    assert result.returncode == 2 and "line 2: 'text' must be a string, not 5" in result.stderr
