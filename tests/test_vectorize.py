"""Feature pieces: cue counts, the opening clause, the text features see."""
import numpy as np
import pytest

from classifier.resources import cues as load_cues
from classifier.vectorize import _cue_counts, lead, unwrap


def test_cue_counts_equal_counting_every_term():
    texts = ["组织中心组理论学习，开展理论宣讲。", "创建文明城市，志愿服务，文明实践。", "", "无关的文字"]
    cues = load_cues()
    expected = np.log1p(np.array([[sum(t.count(term) for term in cues[area]) for area in sorted(cues)]
                                  for t in texts], dtype=np.float32))
    assert np.array_equal(_cue_counts(texts), expected)
    areas = sorted(cues)
    assert _cue_counts(texts)[0, areas.index("theory")] > 0
    assert _cue_counts(texts)[1, areas.index("civilization")] > _cue_counts(texts)[1, areas.index("theory")]


def test_lead_is_the_opening_clause():
    assert lead("一是加强学习。全年学习十次。") == "一是加强学习"
    assert len(lead("长" * 100)) == 40


def test_unwrap_joins_lines_and_folds_numbers_and_placeholders():
    assert unwrap("开展活动１２次，\n  覆盖xx村") == "开展活动0次,覆盖某村"
    # Any line break a segment can hold is a wrap: CR, CRLF, U+2028, with spaces around it.
    for line_break in ("\r", "\r\n", "\u2028", "\u3000\u2029\xa0"):
        assert unwrap(f"开展理论\n学习{line_break}活动") == "开展理论学习活动"


def test_in_a_pipeline_the_labels_do_not_become_headings():
    """scikit-learn's Pipeline passes y to fit_transform: it must not land in ``headings``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from classifier.vectorize import ParagraphVectorizer

    texts = ["组织理论学习", "开展理论宣讲", "学习理论著作", "举办文艺演出", "开展文艺汇演", "举办文艺活动"]
    labels = ["理论", "理论", "理论", "文艺", "文艺", "文艺"]
    pipeline = make_pipeline(ParagraphVectorizer(heading_weight=0.5, min_df=1), LogisticRegression())
    pipeline.fit(texts, labels)
    vectorizer = pipeline[0]
    assert not [name for name in vectorizer.feature_names() if name.startswith("h:") and name[2:] in labels]
    alone = ParagraphVectorizer(heading_weight=0.5, min_df=1).fit(texts)
    assert (vectorizer.transform(texts) != alone.transform(texts)).nnz == 0
    assert list(pipeline.predict(["开展文艺演出"])) == ["文艺"]


def test_headings_are_a_keyword_of_the_vectorizer():
    from classifier.vectorize import ParagraphVectorizer

    texts, headings = ["组织理论学习", "开展理论宣讲"], ["理论学习", "理论学习"]
    vectorizer = ParagraphVectorizer(heading_weight=0.5, min_df=1).fit(texts, headings=headings)
    assert "h:理论" in set(vectorizer.feature_names())
    with pytest.raises(TypeError):
        vectorizer.transform(texts, headings)
    assert vectorizer.transform(texts, headings=headings).shape[0] == 2
