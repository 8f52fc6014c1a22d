"""Paragraphs read as parts of a report: a heading the model is unsure of leans to its section."""
import copy
import io

import numpy as np

from classifier.context import sections

VAGUE = "（二）突出重点抓落实"
SURE = "一、抓好理论学习中心组学习"
CULTURE_BODY = ["举办文艺演出十场，组织送戏下乡。", "新建农家书屋五个，开展全民阅读活动。"]


def test_a_paragraph_is_under_the_nearest_heading_of_its_text_in_its_report():
    texts = ["一、学习", "甲", "二、文化", "乙", "一、学习", "丙", " 一、学习\u3000", "丁"]
    headings = [None, "一、学习", None, "二、文化", None, "一、学习", None, " 一、学习 "]
    assert sections(texts, headings, None) == {0: [1], 2: [3], 4: [5], 6: [7]}
    # A paragraph of the next report is under no heading of the one before, even when the
    # report ids come back to an earlier one.
    assert sections(["一、学习", "甲", "乙"], [None, "一、学习", "一、学习"], [0, 0, 1]) == {0: [1]}
    assert sections(["一、学习", "甲", "乙", "丙"], [None, "一、学习", None, "一、学习"],
                     np.array([0, 0, 1, 0])) == {0: [1]}


def test_an_unsure_heading_leans_to_its_section_and_nothing_else_moves(default_model):
    texts = [VAGUE, *CULTURE_BODY, SURE, "中心组集中学习十二次。"]
    headings = [None, VAGUE, VAGUE, None, SURE]
    own = default_model.predict_proba(texts).max(axis=1)
    assert own[0] < own[3]
    # The threshold between the two headings' own confidence, whatever a retrained model gives.
    model = copy.copy(default_model).set_params(section_threshold=(own[0] + own[3]) / 2)  # same fit
    flat = copy.copy(model).set_params(section_weight=0.0)
    leaning = model.predict_report_proba(texts, headings=headings)
    plain = flat.predict_report_proba(texts, headings=headings)
    culture = list(model.classes_).index("culture")
    assert leaning[0, culture] > plain[0, culture] + 0.1
    assert np.allclose(leaning[1:], plain[1:])  # the sure heading and the body are as they were


def test_the_section_lean_is_named_in_explanations(default_model):
    from classifier import label_report, write_html

    model = copy.copy(default_model).set_params(section_weight=3.0, section_threshold=1.0)
    text = "\n".join([VAGUE, *CULTURE_BODY]) + "\n"
    report = label_report(model, text, explain=5)
    heading = report.paragraphs[0]
    assert heading.heading is None and report.paragraphs[1].heading == VAGUE
    assert heading.label == "culture" and heading.explanation[0] == ("section:culture", 3.0)
    assert not any(name.startswith("section:") for p in report.paragraphs[1:] for name, _ in p.explanation)
    page = io.StringIO()
    write_html([report], page)
    assert '<span class="kind">本节内容</span>文化建设' in page.getvalue()
    # Read one paragraph at a time (not in a report), no section counts.
    alone = model.explain([VAGUE], top=5)
    assert not any(name.startswith("section:") for name, _ in alone[0])


def _report_with_headings():
    texts = ["一、加强理论武装", "组织中心组专题学习十二次，开展理论宣讲。", "二、繁荣文艺创作",
             "举办文艺演出，创作歌曲三首。", "二、繁荣文艺创作 ", "创建文明城市，志愿服务常态化。"]
    headings = [None, "一、加强理论武装", "一、加强理论武装", "二、繁荣文艺创作", None, "三、文明创建"]
    return texts, headings


def test_heading_probabilities_reuse_paragraph_rows_and_equal_predict_proba(default_model, monkeypatch):
    """A heading that is a paragraph of the chunk takes that paragraph's row (without its own
    heading's columns); the probabilities are predict_proba's bit for bit, and only the heading
    no paragraph spells out is featurised again."""
    from classifier.context import heading_proba
    from classifier.model import ParagraphClassifier

    texts, headings = _report_with_headings()
    unique = sorted({h for h in headings if h})
    expected = default_model.predict_proba(unique)
    features = default_model.transform(texts, headings=headings)
    featurised = []
    original = ParagraphClassifier.transform
    monkeypatch.setattr(ParagraphClassifier, "transform",
                        lambda self, X, **kw: featurised.extend(X) or original(self, X, **kw))
    assert heading_proba(default_model, unique, texts, features).tobytes() == expected.tobytes()
    assert featurised == ["三、文明创建"]


def test_heading_probabilities_with_a_heading_block():
    from classifier.context import heading_proba
    from classifier.model import ParagraphClassifier

    texts, headings = _report_with_headings()
    model = ParagraphClassifier(heading_weight=1.0, min_df=1, max_iter=200).fit(
        texts, ["t", "t", "a", "a", "a", "c"], headings=headings)
    unique = sorted({h for h in headings if h})
    features = model.transform(texts, headings=headings)
    assert heading_proba(model, unique, texts, features).tobytes() == model.predict_proba(unique).tobytes()
