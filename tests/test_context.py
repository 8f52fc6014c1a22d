"""Paragraphs read as parts of a report: a heading unsure of its topic leans to its section."""
import copy

import numpy as np

from classifier.model import _sections


def test_a_paragraph_is_under_the_nearest_heading_of_its_text_in_its_report():
    texts = ["一、学习", "甲", "二、文化", "乙", "一、学习", "丙", " 一、学习\u3000", "丁"]
    headings = [None, "一、学习", None, "二、文化", None, "一、学习", None, "一、学习"]
    assert _sections(texts, headings, None) == {0: [1], 2: [3], 4: [5], 6: [7]}
    # A paragraph of the next report is under no heading of the one before.
    assert _sections(["一、学习", "甲", "乙"], [None, "一、学习", "一、学习"], [0, 0, 1]) == {0: [1]}


def test_an_unsure_heading_leans_to_its_section_and_nothing_else_moves(default_model):
    flat = copy.copy(default_model).set_params(section_weight=0.0)  # same fit
    vague, sure = "（二）抓实重点工作", "一、抓好理论学习中心组学习"
    texts = [vague, "举办文艺演出十场，组织送戏下乡。", "新建农家书屋五个，开展全民阅读活动。",
             sure, "中心组集中学习十二次。"]
    headings = [None, vague, vague, None, sure]
    own = default_model.predict_proba(texts).max(axis=1)
    assert own[0] < default_model.section_threshold <= own[3]
    leaning = default_model.predict_report_proba(texts, headings)
    plain = flat.predict_report_proba(texts, headings)
    culture = list(default_model.classes_).index("culture")
    assert leaning[0, culture] > plain[0, culture] + 0.1
    assert np.allclose(leaning[1:], plain[1:])  # the sure heading and the body are as they were
