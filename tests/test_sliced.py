"""A long report is featurised a slice at a time (context.sliced_proba): exactly the probabilities
of featurising it whole."""
import os

import numpy as np
import pytest

from conftest import DOCS

# Invented: headings spelled out as paragraphs (in one slice or another), a heading that is no
# paragraph's text, repeated paragraphs, a traditional-looking line.
INVENTED = """一、理论学习
组织党委中心组专题学习十二次，开展理论宣讲进基层活动三十余场。
（一）宣讲活动
组建宣讲队伍，深入社区、企业开展宣讲。
二、文明创建
开展志愿服务活动，创建文明城市，评选道德模范。
（一）宣讲活动
在市级媒体刊发稿件一百余篇，加强网络舆论引导。
三、文化建设
举办文艺演出二十场，建设农家书屋，开展非遗保护。
落实意识形态工作责任制，开展专项检查。
"""


def _whole(model, texts, headings, reports=None):
    from classifier import context

    features = model.transform(texts, headings=headings)
    return context.report_proba(model, texts, features, headings, context.title_theme(model, texts, reports),
                                reports)[0]


def _paragraphs(text):
    from classifier.segment import segment

    paragraphs = segment(text)
    return [p.text for p in paragraphs], [p.heading for p in paragraphs]


@pytest.mark.parametrize("slice_chars", [1, 30, 100, 10_000])
def test_slices_of_an_invented_report_give_the_same_probabilities(default_model, monkeypatch, slice_chars):
    from classifier import context

    texts, headings = _paragraphs(INVENTED * 3)
    headings[-1] = "四、没有写出的标题"  # a heading no paragraph spells out: featurised on its own
    assert any(headings) and len(texts) > 10
    monkeypatch.setattr(context, "SLICE_CHARS", slice_chars)
    assert len(list(context.slices(texts))) > 1 or slice_chars == 10_000
    reports = [0] * 12 + [1] * (len(texts) - 12)
    for given in (None, reports):
        sliced = default_model.predict_report_proba(texts, headings=headings, reports=given)
        assert sliced.dtype == _whole(default_model, texts, headings, given).dtype
        assert np.array_equal(sliced, _whole(default_model, texts, headings, given))


def test_paragraphs_without_headings(default_model, monkeypatch):
    from classifier import context

    monkeypatch.setattr(context, "SLICE_CHARS", 5)
    texts = ["组织党委中心组专题学习。", "开展志愿服务活动。", "举办文艺演出二十场。"]
    assert np.array_equal(default_model.predict_report_proba(texts), _whole(default_model, texts, None))


@pytest.mark.slow
def test_a_long_report_of_shared_documents_in_default_slices(default_model):
    from classifier import context

    names = sorted(n for n in os.listdir(DOCS) if n.endswith(".txt"))[:80]
    text = "\n\n".join(open(os.path.join(DOCS, n), encoding="utf-8").read() for n in names)
    texts, headings = _paragraphs(text)
    assert len(list(context.slices(texts))) >= 3
    assert np.array_equal(default_model.predict_report_proba(texts, headings=headings),
                          _whole(default_model, texts, headings))


@pytest.mark.parametrize("slice_chars", [1, 40])
def test_explanations_of_a_report_read_in_slices_are_those_of_reading_it_whole(default_model, monkeypatch,
                                                                               slice_chars):
    from classifier import context

    texts, headings = _paragraphs("2025年社区文化工作总结\n" + INVENTED * 2)
    reports = [0] * 10 + [1] * (len(texts) - 10)
    whole_probabilities, whole = default_model.explain_report(texts, headings=headings, reports=reports, top=4)
    assert any(term[0].startswith(("title:", "section:")) for terms in whole for term in terms)
    monkeypatch.setattr(context, "SLICE_CHARS", slice_chars)
    assert sum(map(len, texts)) > 8 * slice_chars  # read in slices
    probabilities, sliced = default_model.explain_report(texts, headings=headings, reports=reports, top=4)
    assert np.array_equal(probabilities, whole_probabilities)
    assert sliced == whole
