"""The report title's area: which titles name one, where a report starts, how it moves the scores."""
import copy

import numpy as np

from classifier.theme import report_title_areas, title_area


def test_a_title_names_one_area_or_none():
    assert title_area("某县二〇二五年文化工作总结") == "culture"
    assert title_area("某社区精神文明建设工作计划") == "civilization"
    assert title_area("某街道意识形态工作总结") == "ideology"
    # The sector's own name holds 文化 but names no single area; two areas are no single area.
    assert title_area("某镇宣传思想文化工作总结") is None
    assert title_area("某局宣传文化工作要点") is None
    assert title_area("某区意识形态和文化工作总结") is None
    # Only the labels a model knows count.
    assert title_area("某县文化工作总结", labels={"other", "media"}) is None


def test_a_report_starts_at_its_title_or_a_new_report_id():
    texts = ["某县文化工作总结", "一、高度重视", "某县宣传工作总结", "一、加强领导", "今年以来"]
    areas, titles = report_title_areas(texts)
    assert areas == ["culture", "culture", None, None, None]
    assert titles == [True, False, True, False, False]
    areas, _ = report_title_areas(texts[:2] + ["今年以来"], reports=[0, 0, 1])
    assert areas == ["culture", "culture", None]


def test_paragraphs_lean_to_the_title_area_only_under_such_a_title(default_model):
    plain = copy.copy(default_model).set_params(title_weight=0.0, theme_weight=0.0)  # same fit
    culture = list(default_model.classes_).index("culture")
    body = ["一、高度重视，加强领导", "成立了工作领导小组，明确分工，层层落实责任。"]
    themed = default_model.predict_report_proba(["某县二〇二五年文化工作总结"] + body)
    unthemed = plain.predict_report_proba(["某县二〇二五年文化工作总结"] + body)
    assert (themed[:, culture] > unthemed[:, culture]).all()
    generic = ["某县二〇二五年宣传工作总结"] + body
    assert np.allclose(default_model.predict_report_proba(generic), plain.predict_report_proba(generic))
