"""The report title's area: which titles name one, where a report starts, how it moves the scores."""
import copy
import io
import re

import numpy as np

from classifier.theme import is_theme_title, report_title_areas, title_area


def test_a_title_names_one_area_or_none():
    assert title_area("某县二〇二五年文化工作总结") == "culture"
    assert title_area("某社区精神文明建设工作计划") == "civilization"
    assert title_area("某街道意识形态工作总结") == "ideology"
    # The sector's own name holds 文化 but names no single area; two areas are no single area.
    assert title_area("某镇宣传思想文化工作总结") is None
    assert title_area("某局宣传文化工作要点") is None
    assert title_area("某区意识形态和文化工作总结") is None
    assert title_area("某县宣传思想文化工作暨精神文明建设工作总结") is None
    # The longest term decides: 新闻出版 and 文化市场 are ideology, not media or culture; some
    # compounds hold an area's word and name no area.
    assert title_area("某县新闻出版工作总结") == "ideology"
    assert title_area("某县文化市场管理工作总结") == "ideology"
    assert title_area("某局廉洁文化建设工作方案") is None
    assert title_area("某局落实主体责任情况报告") is None
    # Only the labels a model knows count, and a second area outside them still counts.
    assert title_area("某县文化工作总结", labels={"other", "media"}) is None
    assert title_area("某区意识形态和文化工作总结", labels={"other", "culture"}) is None


def test_navigation_studied_documents_and_section_lines_start_no_report():
    assert is_theme_title("某社区文化工作总结")
    assert is_theme_title("区委宣传部工作总结")
    for line in ("上一篇：某县文化工作总结", "相关推荐：某县文明城市创建工作方案",
                 "深入学习贯彻党的二十大报告", "下一步工作计划", "2026年工作要点"):
        assert not is_theme_title(line), line
    texts = ["某县文化工作总结", "一、高度重视", "下一步工作计划", "继续办好活动",
             "上一篇：某县意识形态工作总结"]
    assert report_title_areas(texts)[0] == ["culture"] * 5


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


def test_explanations_name_the_title_when_it_counts(default_model):
    from classifier import label_report, write_html

    themed = label_report(default_model, "某县二〇二五年文化工作总结\n举办群众文化活动十场。\n", explain=5)
    assert all(p.label == "culture" for p in themed.paragraphs)
    assert all(("title:culture", 0.75) in p.explanation for p in themed.paragraphs[1:])
    assert themed.paragraphs[0].explanation[0] == ("title:culture", 3.0)
    page = io.StringIO()
    write_html([themed], page)
    whys = re.findall(r'<ul class="why".*?</ul>', page.getvalue())
    assert len(whys) == 2 and all('<span class="kind">报告标题</span>文化建设' in why for why in whys)
    generic = label_report(default_model, "某县二〇二五年宣传工作总结\n举办群众文化活动十场。\n", explain=5)
    assert not any(name.startswith("title:") for p in generic.paragraphs for name, _ in p.explanation)
