"""classifier.analysis, .curve, .plots and .tables' Markdown tables on small made-up data: out-of-fold predictions keep a report on one side,
confident mistakes come surest first, the learning curve has the sizes asked for, the power-law
fit recovers a known curve and falls back when it cannot fit."""
import math

import numpy as np
import pytest

from classifier import analysis, plots, tables
from classifier import curve as learning
from classifier.data import LabelledData
from classifier.model import ParagraphClassifier

# Short paragraphs written for the tests: two made-up areas, each doc mixing both.
READING = ["组织读书会，交流读书心得。", "开展读书分享，推荐好书十本。", "读书月活动吸引读者参与。",
           "举办读书沙龙，品读经典。", "建设农家书屋，开放阅读。", "开展亲子阅读，评选书香家庭。"]
SAFETY = ["开展消防演练，排查隐患。", "检查消防设施，整改隐患五处。", "组织安全培训，演练疏散。",
          "排查安全隐患，落实消防责任。", "开展交通安全宣传，劝导骑车戴头盔。", "检查燃气管道，消除隐患。"]


def make_data(docs=12, per_doc=4):
    """``docs`` reports of ``per_doc`` paragraphs, half reading and half safety, each doc's own."""
    data = LabelledData()
    for d in range(docs):
        for i in range(per_doc):
            pool = READING if i % 2 == 0 else SAFETY
            data.texts.append(f"{pool[(d + i) % len(pool)]}第{d}单位第{i}项。")
            data.labels.append("reading" if i % 2 == 0 else "safety")
            data.docs.append(f"doc{d:02d}")
            data.headings.append(None)
            data.ids.append((f"doc{d:02d}", i))
            data.spans.append(None)
    return data


class Recorder:
    """A model factory that remembers which docs each model was trained on."""

    def __init__(self):
        self.trained = []

    def __call__(self):
        recorder = self

        class Model(ParagraphClassifier):
            def fit(self, X, y, headings=None):
                recorder.trained.append(list(X))
                return super().fit(X, y, headings=headings)

        return Model(min_df=1)


def small_model():
    return ParagraphClassifier(min_df=1)


def test_out_of_fold_predictions_never_see_their_own_report():
    data = make_data()
    recorder = Recorder()
    oof = analysis.out_of_fold_predictions(recorder, data, folds=4, seed=1)
    assert len(oof) == len(data) and oof.proba.shape == (len(data), 2)
    assert oof.labels == ["reading", "safety"]
    np.testing.assert_allclose(oof.proba.sum(axis=1), 1.0)
    assert set(oof.fold) == {0, 1, 2, 3} and len(recorder.trained) == 4
    doc_of = dict(zip(data.texts, data.docs))
    for fold in range(4):
        held_out = {data.docs[p] for p in range(len(data)) if oof.fold[p] == fold}
        trained_docs = {doc_of[text] for text in recorder.trained[fold]}
        assert held_out and not held_out & trained_docs
        # a report is held out whole, in one fold
    for doc in set(data.docs):
        assert len({oof.fold[p] for p in range(len(data)) if data.docs[p] == doc}) == 1
    assert oof.scores()["accuracy"] > 0.8  # the two areas are easy


def test_out_of_fold_probabilities_cover_labels_a_fold_never_trained_on():
    data = make_data(docs=6)
    # A third label in one doc only: the folds holding it out cannot predict it.
    data.labels[0] = "rare"
    oof = analysis.out_of_fold_predictions(small_model, data, folds=3)
    assert oof.labels == ["rare", "reading", "safety"]
    assert oof.proba[0, 0] == 0.0 and oof.predicted[0] != "rare"
    assert oof.scores()["per_label"]["rare"]["support"] == 1


def test_confident_mistakes_are_the_wrong_ones_surest_first():
    data = make_data(docs=4, per_doc=4)
    labels = ["reading", "safety"]
    proba = np.array([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.6, 0.4]] * 4)
    predicted = [labels[k] for k in proba.argmax(axis=1)]
    oof = analysis.OutOfFold(data=data, groups=list(data.docs), labels=labels, proba=proba,
                             predicted=predicted, fold=[0] * 16)
    # gold: reading, safety, reading, safety ...; predicted: reading, safety, safety, reading ...
    rows = analysis.confident_mistakes(data, oof, top=None)
    assert len(rows) == 8 and all(r["true"] != r["predicted"] for r in rows)
    assert [r["confidence"] for r in rows] == sorted((r["confidence"] for r in rows), reverse=True)
    assert rows[0]["confidence"] == pytest.approx(0.8) and rows[0]["true_proba"] == pytest.approx(0.2)
    assert (rows[0]["doc"], rows[0]["index"]) == ("doc00", 2)
    assert rows[0]["text"] == data.texts[2]
    assert len(analysis.confident_mistakes(data, oof, top=3)) == 3

    pairs = analysis.confusion_pairs(data, oof)
    assert [(p["true"], p["predicted"], p["count"]) for p in pairs] == [("reading", "safety", 4),
                                                                        ("safety", "reading", 4)]
    assert pairs[0]["share"] == 0.5 and pairs[0]["both_ways"] == 8
    patterns = analysis.mistake_patterns(data, oof)
    assert patterns["reading"]["lost_to"] == [("safety", 4)]
    assert patterns["safety"]["taken_from"] == [("reading", 4)]
    assert patterns["reading"]["errors"] == 4 and patterns["reading"]["false_alarms"] == 4

    with pytest.raises(ValueError, match="predictions"):
        analysis.confident_mistakes(data.subset(range(10)), oof)


def test_learning_curve_sizes_and_grouping():
    data = make_data(docs=15)
    recorder = Recorder()
    curve = learning.learning_curve(recorder, data, sizes=(2, 4, 8, 100), repeats=2, folds=3, seed=0)
    assert curve["sizes"] == [2, 4, 8, 100]
    assert curve["reports"][:3] == [2, 4, 8]
    assert curve["reports"][3] == 10  # 100 asked, each training fold has only 10 reports
    assert curve["paragraphs"] == [8, 16, 32, 40]
    assert all(len(runs) == 2 for runs in curve["runs"]) and all(len(f) == 6 for f in curve["fold_scores"])
    assert len(recorder.trained) == 4 * 2 * 3
    for values in (curve["mean"], curve["std"]):
        assert len(values) == 4 and all(0 <= v <= 1 for v in values)
    assert curve["mean"][-1] >= curve["mean"][0] - 0.05
    assert curve["total_reports"] == 15 and curve["total_paragraphs"] == 60
    assert "predict" in curve["fit"]
    text = learning.curve_conclusion(curve)
    assert "reports" in text and "twice as many (30)" in text


def test_learning_curve_default_sizes_double_up_to_a_whole_training_fold():
    data = make_data(docs=20, per_doc=2)
    curve = learning.learning_curve(small_model, data, repeats=1, folds=4)
    assert curve["sizes"] == [4, 8, 15]


def test_learning_curve_training_sets_are_nested_and_exclude_the_held_out_fold():
    data = make_data(docs=10)
    recorder = Recorder()
    learning.learning_curve(recorder, data, sizes=(2, 4, 8), repeats=1, folds=2, seed=3)
    doc_of = dict(zip(data.texts, data.docs))
    trained = [{doc_of[t] for t in texts} for texts in recorder.trained]
    assert [len(t) for t in trained] == [2, 4, 5, 2, 4, 5]
    for fold in range(2):
        small, middle, whole = trained[3 * fold:3 * fold + 3]
        assert small < middle < whole
    assert not trained[2] & trained[5]  # the two folds' training reports are disjoint halves
    assert trained[2] | trained[5] == set(data.docs)


def test_power_law_fit_recovers_a_known_curve_and_its_doubling_gain():
    n = np.array([4, 8, 16, 32, 64], dtype=float)
    f1 = 0.9 - 0.8 * n ** -0.7
    fit = learning.fit_power_law(n, f1)
    assert fit["method"] == "power law"
    assert fit["a"] == pytest.approx(0.9, abs=1e-3) and fit["c"] == pytest.approx(0.7, abs=1e-2)
    expected = 0.8 * (80 ** -0.7 - 160 ** -0.7)
    assert learning.doubling_gain(fit, 80) == pytest.approx(expected, abs=1e-3)


def test_power_law_fit_falls_back_to_a_line_in_log_n():
    fit = learning.fit_power_law([8, 16, 32], [0.6, 0.7, 0.8])  # too few points for three parameters
    assert fit["method"] == "log-linear" and fit["slope"] == pytest.approx(0.1)
    assert learning.doubling_gain(fit, 32) == pytest.approx(0.1)
    assert fit["predict"](1e9) == 1.0  # capped


def test_conclusion_says_when_the_curve_is_flat():
    curve = {"reports": [4.0, 8.0, 16.0, 32.0, 64.0], "mean": [0.8, 0.8, 0.8, 0.8, 0.8],
             "std": [0.01] * 5, "total_reports": 80}
    curve["fit"] = learning.fit_power_law(curve["reports"], curve["mean"])
    text = learning.curve_conclusion(curve)
    assert "barely help" in text and "gain of +0.000" in text
    rising = dict(curve, mean=[0.4, 0.5, 0.6, 0.7, 0.8], std=[0.005] * 5)
    rising["fit"] = learning.fit_power_law(rising["reports"], rising["mean"])
    assert "help noticeably" in learning.curve_conclusion(rising)


def test_markdown_table_escapes_and_cuts():
    table = tables.markdown_table([{"a": 0.12345, "b": "x|y" + "z" * 20}], ["a", "b"], width=10)
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 0.123 | x\\|yzzzzz… |"]


def test_plots_draw_without_a_display():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    block = {"labels": ["a", "b"], "confusion": [[3, 1], [0, 4]]}
    ax = plots.plot_confusion(block)
    assert [t.get_text() for t in ax.texts] == ["3", "1", "0", "4"]
    curve = {"reports": [2.0, 4.0, 8.0, 16.0], "mean": [0.5, 0.6, 0.68, 0.72], "std": [0.02] * 4,
             "total_reports": 20}
    curve["fit"] = learning.fit_power_law(curve["reports"], curve["mean"])
    ax = plots.plot_learning_curve(curve)
    assert ax.get_xlim()[1] >= 40 and not math.isnan(ax.get_ylim()[0])
    plt.close("all")
